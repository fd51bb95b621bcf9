"""Read a topic's reviewed bilingual sections, the interface words around them, and a clinic's own
extra sections, into plain data the templates can lay out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from brochure.assets import content_dir
from brochure.config import schema
from brochure.config.options import LANGUAGES
from brochure.config.schema import Field, ListOf, Table
from brochure.errors import BrochureError, Problem, display_path


def _language_block(arabic: bool) -> Table:
    words = schema.arabic_text if arabic else schema.text
    return Table({
        "heading": Field(words(160)),
        "paragraphs": Field(schema.text_list(0), required=False, default=[]),
        "items": Field(schema.text_list(1), required=False, default=[]),
        "closing": Field(schema.text_list(0), required=False, default=[]),
    })


SECTION = Table({
    "id": Field(schema.matches(r"[a-z0-9][a-z0-9-]{0,40}", "an id of lowercase letters, digits, hyphens")),
    "figure": Field(schema.one_of("incisions"), required=False),
    "en": _language_block(arabic=False),
    "ar": _language_block(arabic=True),
    "reviewed_by": Field(schema.text(200), required=False),
    "reviewed_on": Field(schema.date(), required=False),
    "next_review": Field(schema.date(), required=False),
})
CLINIC_SECTION_FILE = Table({"section": SECTION})

TOPIC = Table({
    "meta": Table({
        "topic": Field(schema.text(40)),
        "version": Field(schema.text(20)),
        "reviewed_by": Field(schema.text(200)),
        "reviewed_on": Field(schema.date()),
        "next_review": Field(schema.date()),
        "title": schema.bilingual(2000),
        "subtitle": schema.bilingual(2000),
    }),
    "sections": ListOf(SECTION, required=True),
    "figure": Table({
        "incisions": Table({
            "caption": schema.bilingual(2000),
            "bars": ListOf(Table({
                "key": Field(schema.text(40)),
                "min_mm": Field(schema.number(0.5, 180)),
                "max_mm": Field(schema.number(0.5, 180)),
                "or_more": Field(lambda v: None if isinstance(v, bool) else "true or false",
                                 required=False, default=False),
                "en": Field(schema.text(200)),
                "ar": Field(schema.arabic_text(200)),
            }), required=True),
        }),
    }),
})


class ByLanguage:
    """`thing["ar"]` for anything with `en` and `ar` fields: templates loop over languages."""

    def __getitem__(self, language: str):
        return getattr(self, language)


@dataclass(frozen=True)
class Bilingual(ByLanguage):
    en: str
    ar: str


@dataclass(frozen=True)
class Text:
    """One language's side of a section."""

    heading: str
    paragraphs: tuple[str, ...]
    items: tuple[str, ...]
    closing: tuple[str, ...]


@dataclass(frozen=True)
class Section(ByLanguage):
    id: str
    en: Text
    ar: Text
    figure: str | None = None
    source: str = "topic"  # "topic" for the reviewed content, or the clinic's section file
    # A clinic section's own review record (the topic's is in its meta); `brochure check` reads it.
    reviewed_by: str | None = None
    reviewed_on: dt.date | None = None
    next_review: dt.date | None = None


@dataclass(frozen=True)
class IncisionBar:
    key: str
    min_mm: float
    max_mm: float
    or_more: bool
    label: Bilingual


@dataclass(frozen=True)
class Topic:
    slug: str
    version: str
    reviewed_on: dt.date
    next_review: dt.date
    title: Bilingual
    subtitle: Bilingual
    sections: tuple[Section, ...]
    incision_caption: Bilingual
    incision_bars: tuple[IncisionBar, ...]


def _section(data: dict, source: str) -> Section:
    texts = {lang: Text(data[lang]["heading"], *(tuple(data[lang][k]) for k in
                                                 ("paragraphs", "items", "closing")))
             for lang in LANGUAGES}
    review = {key: data.get(key) for key in ("reviewed_by", "reviewed_on", "next_review")}
    return Section(id=data["id"], figure=data.get("figure"), source=source, **texts, **review)


def load_sections(files: list[Path]) -> list[Section]:
    """A clinic's own sections, one TOML file each (`[section]` with `en` and `ar` tables)."""
    sections, problems = [], []
    for path in files:
        data, found = schema.validate(schema.read_toml(path), CLINIC_SECTION_FILE, path)
        problems.extend(found)
        if not found:
            sections.append(_section(data["section"], source=str(path)))
    problems += _same_ids(sections)
    if problems:
        raise BrochureError(problems)
    return sections


def _same_ids(sections: list[Section]) -> list[Problem]:
    """Each section's id names it on the page (links, the tri-fold's panels): two sections with
    one id would lay out as one, so both files are named."""
    first: dict[str, str] = {section.id: "the reviewed content" for section in load_topic().sections}
    problems = []
    for section in sections:
        where = display_path(section.source)
        if section.id in first:
            problems.append(Problem(where, "section.id", f"\"{section.id}\" is already the id of a "
                                    f"section in {first[section.id]}; give each section its own id"))
        else:
            first[section.id] = where
    return problems


@cache
def load_topic(slug: str = "miss") -> Topic:
    path = content_dir() / f"{slug}.toml"
    data, problems = schema.validate(schema.read_toml(path), TOPIC, path)
    if problems:
        raise BrochureError(problems)
    meta, figure = data["meta"], data["figure"]["incisions"]
    return Topic(
        slug=meta["topic"], version=meta["version"],
        reviewed_on=meta["reviewed_on"], next_review=meta["next_review"],
        title=Bilingual(**meta["title"]), subtitle=Bilingual(**meta["subtitle"]),
        sections=tuple(_section(s, source="topic") for s in data["sections"]),
        incision_caption=Bilingual(**figure["caption"]),
        incision_bars=tuple(
            IncisionBar(b["key"], b["min_mm"], b["max_mm"], b["or_more"], Bilingual(b["en"], b["ar"]))
            for b in figure["bars"]),
    )


@cache
def interface_words() -> dict[str, Bilingual]:
    path = content_dir() / "interface.toml"
    data = schema.read_toml(path)
    return {key: Bilingual(**value) for key, value in data.items()}
