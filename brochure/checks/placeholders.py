"""Placeholders: values `brochure new-clinic` wrote for staff to replace ("CHANGE ME", the example
phone, email, website and address). A scaffold builds as it is, so a leaflet could go out with
them; they stop the press and screen editions and are a warning on office drafts."""

from __future__ import annotations

import tomllib
from functools import cache

from brochure.assets import templates_dir
from brochure.checks.findings import ERROR, WARNING, Finding
from brochure.checks.review import STRICT_EDITIONS
from brochure.config.clinic import Clinic
from brochure.config.schema import read_toml
from brochure.errors import display_path

MARK = "CHANGE ME"


@cache
def _scaffold_values() -> dict[str, str]:
    """The example's placeholder text by dotted key (name.en, contact.phone, ...)."""
    text = (templates_dir() / "clinic.toml.example").read_text(encoding="utf-8")
    example = tomllib.loads(text.replace("{slug}", "x"))
    return {key: value for key, value in _strings(example)
            if key.startswith(("name.", "contact.")) and not key.startswith("contact.hours.")}


def _strings(table: dict, prefix: str = ""):
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _strings(value, f"{prefix}{key}.")
        elif isinstance(value, str):
            yield f"{prefix}{key}", value


def findings(clinic: Clinic, edition: str) -> list[Finding]:
    strict = edition in STRICT_EDITIONS
    stops = "" if strict else " (press and screen editions stop on this)"
    placeholders = _scaffold_values()
    found = []
    for key, value in _strings(read_toml(clinic.config_file)):
        if MARK.lower() in value.lower() or placeholders.get(key) == value:
            found.append(Finding(ERROR if strict else WARNING, "placeholder",
                                 display_path(clinic.config_file), key,
                                 f"still holds the example value from `brochure new-clinic`{stops}",
                                 "replace it with the clinic's own"))
    return found
