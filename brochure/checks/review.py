"""Review: the reviewed content and each of the clinic's own sections say who reviewed them, when,
and when the next review is due. A missing or lapsed review stops the press and screen editions;
for office drafts it is a warning."""

from __future__ import annotations

import datetime as dt

from brochure.checks.findings import ERROR, WARNING, Finding, topic_file
from brochure.config.clinic import Clinic
from brochure.config.content import Topic
from brochure.errors import display_path

RECORD = ("reviewed_by", "reviewed_on", "next_review")
STRICT_EDITIONS = ("press", "screen")  # what leaves the clinic: a print run, a PDF on the website


def findings(clinic: Clinic, topic: Topic, edition: str, today: dt.date) -> list[Finding]:
    strict = edition in STRICT_EDITIONS
    severity = ERROR if strict else WARNING
    stops = "" if strict else " (press and screen editions stop on this)"
    found = []
    if topic.next_review < today:  # the topic's schema requires all three
        found.append(Finding(severity, "review", topic_file(), "meta.next_review",
                             f"the MISS content was due for review on {topic.next_review}{stops}",
                             "have it clinically reviewed, then raise meta.version and the review dates"))
    for section in clinic.extra_sections:
        file, name = display_path(section.source), f'"{section.en.heading}"'
        missing = [key for key in RECORD if getattr(section, key) is None]
        if missing:
            found.append(Finding(severity, "review", file, "section",
                                 f"{name} has no {_and(missing)}{stops}",
                                 "add who reviewed it and when under [section], e.g. reviewed_by = "
                                 '"Patient-education team", reviewed_on = 2026-11-10, '
                                 "next_review = 2027-11-10"))
        elif section.next_review < today:
            found.append(Finding(severity, "review", file, "section.next_review",
                                 f"{name} was due for review on {section.next_review}{stops}",
                                 "review it, then update reviewed_on and next_review"))
        elif section.next_review <= section.reviewed_on:
            found.append(Finding(severity, "review", file, "section.next_review",
                                 f"{name}: next_review ({section.next_review}) is not after reviewed_on "
                                 f"({section.reviewed_on}){stops}", "correct the dates"))
    return found


def _and(keys: list[str]) -> str:
    return keys[0] if len(keys) == 1 else ", ".join(keys[:-1]) + " or " + keys[-1]
