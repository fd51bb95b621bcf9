"""A small schema for the TOML files people edit: report every problem at once, one line each,
naming the dotted key, what was expected and what was found (mkdocs does the same for its config).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brochure.bidi import has_arabic
from brochure.config.hygiene import hidden_trouble
from brochure.errors import BrochureError, Problem, display_path

Check = Callable[[Any], str | None]  # returns what was expected, or None when the value is fine


class Complaint(str):
    """What a check found, said in full (not "expected ..."), about the value or, with `at`,
    about one item of it (`[2]`)."""

    at = ""

    def __new__(cls, message: str, at: str = ""):
        complaint = super().__new__(cls, message)
        complaint.at = at
        return complaint


@dataclass
class Field:
    check: Check
    required: bool = True
    default: Any = None


@dataclass
class Table:
    fields: dict[str, Field | Table | ListOf]
    required: bool = True


@dataclass
class ListOf:
    item: Table
    required: bool = False


@dataclass
class Validation:
    file: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.file, key, message))


def read_toml(path: Path) -> dict:
    try:
        # utf-8-sig: Windows editors often save a byte-order mark, which TOML itself forbids
        return tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise BrochureError.single(path, "", f"not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise BrochureError.single(path, "", "not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise BrochureError.single(path, "", f"cannot be read: {exc.strerror}") from None


def validate(data: dict, spec: Table, file: Path | str) -> tuple[dict, list[Problem]]:
    """Checked copy of `data` (defaults filled in) and every problem found in it."""
    result = Validation(display_path(file))
    clean = _table(data, spec, "", result)
    return clean, result.problems


def _table(data: Any, spec: Table, prefix: str, result: Validation) -> dict:
    if not isinstance(data, dict):
        result.add(prefix.rstrip("."), f"expected a table, got {_show(data)}")
        return {}
    clean: dict[str, Any] = {}
    for key in data:
        if key not in spec.fields:
            result.add(prefix + key, "unknown key" + _did_you_mean(key, spec.fields, prefix))
    for key, sub in spec.fields.items():
        dotted = prefix + key
        if key not in data:
            if sub.required:
                result.add(dotted, "missing (required)")
            elif isinstance(sub, Field):
                clean[key] = sub.default
            elif isinstance(sub, ListOf):
                clean[key] = []
            continue
        value = data[key]
        if isinstance(sub, Table):
            clean[key] = _table(value, sub, dotted + ".", result)
        elif isinstance(sub, ListOf):
            if not isinstance(value, list):
                result.add(dotted, f"expected a list of tables ([[{dotted}]]), got {_show(value)}")
                continue
            clean[key] = [
                _table(item, sub.item, f"{dotted}[{i}].", result) for i, item in enumerate(value)
            ]
        else:
            problem = _hidden_trouble(value) or sub.check(value)
            if isinstance(problem, Complaint):
                result.add(dotted + problem.at, str(problem))
            elif problem:
                result.add(dotted, f"expected {problem}, got {_show(value)}")
            else:
                clean[key] = value
    return clean


def _did_you_mean(key: str, known, prefix: str) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f" (did you mean {prefix}{close[0]}?)" if close else ""


def _hidden_trouble(value: Any) -> Complaint | None:
    """Text that looks right in an editor but is not what it seems (line breaks are for the
    checks to judge: a paragraph may have them, a name not)."""
    texts = value if isinstance(value, list) else [value]
    for index, text in enumerate(texts):
        if isinstance(text, str) and (trouble := hidden_trouble(text)):
            return Complaint(trouble, f"[{index}]" if isinstance(value, list) else "")
    return None


def _show(value: Any) -> str:
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return '"' + text.replace('"', '\\"') + '"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- checks: each returns what it expected, or None ---------------------------------------------

def text(max_length: int = 2000, *, line_breaks: bool = False) -> Check:
    """Text that shows something, at most `max_length` characters, on one line unless
    `line_breaks` (a name goes into headers and on one line of the leaflet)."""
    def check(value):
        if not isinstance(value, str) or not value.strip():
            return f"text (1 to {max_length} characters)"
        if len(value) > max_length:
            return Complaint(f"longer than {max_length} characters ({len(value)}); shorten it")
        trouble = hidden_trouble(value, line_breaks=line_breaks)
        return Complaint(trouble) if trouble else None
    return check


def arabic_text(max_length: int = 2000) -> Check:
    def check(value):
        if problem := text(max_length)(value):
            return problem
        return None if has_arabic(value) else "Arabic text"
    return check


def text_list(min_items: int = 1, max_length: int = 2000) -> Check:
    """A list of texts (paragraphs, items): what is wrong is said of the item it is wrong with."""
    def check(value):
        expected = f"a list of at least {min_items} text item(s)"
        if not isinstance(value, list) or len(value) < min_items:
            return expected
        for index, item in enumerate(value):
            if not isinstance(item, str):
                return Complaint(f"expected text, got {_show(item)}", f"[{index}]")
            if problem := text(max_length, line_breaks=True)(item):
                return Complaint(problem, f"[{index}]")
        return None
    return check


def bilingual(max_length: int = 400, *, required: bool = True) -> Table:
    """English and Arabic text of one thing (a name, a caption), each on one line."""
    return Table({"en": Field(text(max_length)), "ar": Field(arabic_text(max_length))},
                 required=required)


def matches(pattern: str, description: str) -> Check:
    compiled = re.compile(pattern)

    def check(value):
        return None if isinstance(value, str) and compiled.fullmatch(value) else description
    return check


def one_of(*choices: str) -> Check:
    def check(value):
        return None if value in choices else "one of " + ", ".join(f'"{c}"' for c in choices)
    return check


def date() -> Check:
    def check(value):
        return None if isinstance(value, dt.date) and not isinstance(value, dt.datetime) \
            else "a date like 2026-11-20 (no quotes)"
    return check


def number(low: float, high: float) -> Check:
    def check(value):
        ok = isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high
        return None if ok else f"a number from {low} to {high}"
    return check
