"""What a check reports: a finding with its severity, the file and field it is about, what is
wrong and how to fix it; and where each section of the leaflet was written, for the checks to name."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass

from brochure.assets import content_dir
from brochure.config.clinic import Clinic
from brochure.config.content import Section, Topic
from brochure.errors import Problem, display_path

ERROR = "error"      # not fit to hand out: `check` exits 2 and `build` refuses
WARNING = "warning"  # worth a reviewer's look; nothing stops
TOPIC = "miss"


@dataclass(frozen=True)
class Finding:
    severity: str
    check: str    # which check found it: config, parity, glyphs, colour, plain-language, ...
    file: str
    field: str    # dotted key in that file, or "" when the whole file is meant
    message: str
    hint: str = ""  # how to fix it; "" when the message already says (config: what was expected)

    @property
    def problem(self) -> Problem:
        """The finding as the build reports it: `message; hint`, like every other problem."""
        return Problem(self.file, self.field, f"{self.message}; {self.hint}" if self.hint else self.message)

    def __str__(self) -> str:
        return f"{self.severity}: {self.problem}"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def from_problems(check: str, problems: list[Problem]) -> list[Finding]:
    return [Finding(ERROR, check, p.file, p.field, p.message) for p in problems]


@dataclass(frozen=True)
class SectionInFile:
    """A section of the leaflet and where it was written: its file and the dotted key of its table."""

    file: str
    key: str  # "sections[2]" in the topic, "section" in a clinic's own section file
    section: Section

    @property
    def name(self) -> str:
        """The section as a reviewer knows it: its English heading."""
        return f'"{self.section.en.heading}"'


def topic_file() -> str:
    return display_path(content_dir() / f"{TOPIC}.toml")


def sections_in_files(clinic: Clinic, topic: Topic) -> Iterator[SectionInFile]:
    """Every section the leaflet prints, the reviewed topic's first, then the clinic's own."""
    for index, section in enumerate(topic.sections):
        yield SectionInFile(topic_file(), f"sections[{index}]", section)
    for section in clinic.extra_sections:
        yield SectionInFile(display_path(section.source), "section", section)
