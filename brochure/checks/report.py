"""How `brochure check` reports: one line per finding for people, or one JSON document (schema
version 1, described in the README) for dashboards and CI."""

from __future__ import annotations

import datetime as dt

from brochure.checks.findings import ERROR, WARNING, Finding

SCHEMA_VERSION = 1


def distinct(results: dict[str, list[Finding]]) -> list[Finding]:
    """Each finding once: one about the shared MISS content applies to every clinic alike."""
    return list(dict.fromkeys(f for findings in results.values() for f in findings))


def lines(results: dict[str, list[Finding]], edition: str) -> list[str]:
    """The human report: one line per distinct finding, errors first, then a summary line."""
    found = sorted(distinct(results), key=lambda f: f.severity != ERROR)
    errors = sum(f.severity == ERROR for f in found)
    count = len(results)
    summary = (f"{count} clinic{'s' if count != 1 else ''} checked for {edition}: "
               f"{_count(errors, 'error')}, {_count(len(found) - errors, 'warning')}")
    return [str(f) for f in found] + [summary]


def document(results: dict[str, list[Finding]], edition: str, as_of: dt.date) -> dict:
    """The JSON report. Each clinic lists all of its findings; the summary counts distinct ones."""
    found = distinct(results)
    errors = sum(f.severity == ERROR for f in found)
    return {
        "version": SCHEMA_VERSION,
        "edition": edition,
        "as_of": as_of.isoformat(),
        "clinics": [
            {"slug": slug,
             "errors": sum(f.severity == ERROR for f in findings),
             "warnings": sum(f.severity == WARNING for f in findings),
             "findings": [f.as_dict() for f in findings]}
            for slug, findings in results.items()
        ],
        "summary": {"clinics": len(results), "errors": errors, "warnings": len(found) - errors,
                    "passed": errors == 0},
    }


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
