"""The quality gate: every check a clinic's leaflets must pass before they are printed or sent,
run without writing anything. `brochure check` reports the findings; `build` refuses the errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from brochure.checks import colour, coverage, logo, output, parity, placeholders, plain_language, review
from brochure.checks.findings import ERROR, TOPIC, WARNING, Finding, from_problems
from brochure.config.clinic import Clinic, load_clinic
from brochure.config.content import Topic, load_topic
from brochure.config.options import EDITIONS
from brochure.errors import BrochureError, display_path

__all__ = ["EDITIONS", "ERROR", "WARNING", "Finding", "check_clinic", "refuse_errors"]


def check_clinic(folder: str | Path, edition: str = "office", render: bool = False, *,
                 out_dir: Path | None = None, today: dt.date | None = None) -> list[Finding]:
    """Every finding for the clinic in `folder`, for leaflets meant for `edition`.

    Review dates are judged on `today` (default: the real today). The clinic's PDFs in `out_dir`
    are checked, and with `render` a leaflet rendered in memory. The other checks need a valid
    configuration: while clinic.toml or a section file has a mistake, only those are reported.
    """
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {', '.join(EDITIONS)}, got {edition!r}")
    try:
        clinic = load_clinic(folder)
        topic = load_topic(TOPIC)
    except BrochureError as exc:
        return from_problems("config", exc.problems)
    found = leaflet_findings(clinic, topic, edition, today or dt.date.today())
    # A render would stop at the same errors (build checks first), so it waits until they are fixed.
    blocked = render and any(f.severity == ERROR for f in found)
    found += output.findings(clinic, edition, out_dir=out_dir, render=render and not blocked)
    if blocked:
        found.append(Finding(WARNING, "output", display_path(clinic.config_file), "",
                             "not rendered because of the errors above", "fix them, then check again"))
    return found


def leaflet_findings(clinic: Clinic, topic: Topic, edition: str, today: dt.date) -> list[Finding]:
    """The checks that read the clinic's files and the topic; none of them renders."""
    return [
        *parity.findings(clinic, topic),
        *coverage.findings(clinic),
        *colour.findings(clinic),
        *plain_language.findings(clinic, topic),
        *review.findings(clinic, topic, edition, today),
        *logo.findings(clinic),
        *placeholders.findings(clinic, edition),
    ]


def refuse_errors(clinic: Clinic, edition: str = "office", today: dt.date | None = None) -> None:
    """What `build` runs before rendering: raise BrochureError naming every error-level finding.
    Milliseconds, against the second or so a render takes."""
    topic = load_topic(TOPIC)
    errors = [f for f in leaflet_findings(clinic, topic, edition, today or dt.date.today())
              if f.severity == ERROR]
    if errors:
        raise BrochureError([f.problem for f in errors])
