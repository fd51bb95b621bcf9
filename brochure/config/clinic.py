"""Read and validate a clinic folder (`clinic.toml`, optional logo) into a `Clinic`."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from brochure.config import hygiene, schema
from brochure.config.content import Bilingual, load_sections
from brochure.config.options import LANGUAGE_ORDERS, PAPERS, TLS_MODES
from brochure.config.schema import Field, Table
from brochure.errors import BrochureError, Problem, display_path

LOGO_TYPES = (".svg", ".png", ".jpg", ".jpeg")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
PRINT_DPI = 300  # what print shops ask of images at their printed size


def dpi_on_paper(pixels: float, printed_mm: float) -> float:
    """Image pixels per inch of paper, for a logo printed `printed_mm` wide (or high)."""
    return pixels / (printed_mm / 25.4)

HEX = schema.matches(r"#[0-9A-Fa-f]{6}", "#RRGGBB")
PHONE = schema.matches(r"\+?[0-9][0-9 ()\-]{4,22}[0-9]",
                       "a phone number like +971 4 123 4567")
EMAIL = schema.matches(hygiene.EMAIL.pattern, "an email like info@clinic.ae")
HOST = schema.matches(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]",
                      "a host name like smtp.clinic.ae")
WEBSITE = schema.matches(r"https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]+)?(/[^\s<>\"']*)?",
                         "a web address like https://clinic.ae")


def _port(value) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 65535
    return None if ok else "a port number like 587"


CLINIC_SCHEMA = Table({
    "name": schema.bilingual(120),
    "brand": Table({
        "primary": Field(HEX),
        "accent": Field(HEX),
        "logo": Field(schema.text(200), required=False),
    }),
    "contact": Table({
        "phone": Field(PHONE),
        "email": Field(EMAIL),
        "website": Field(WEBSITE),
        "address": schema.bilingual(),
        "hours": schema.bilingual(required=False),
    }),
    "press": Table({
        "icc_profile": Field(schema.text(200), required=False),
    }, required=False),
    "leaflet": Table({
        "languages": Field(schema.one_of(*LANGUAGE_ORDERS), required=False, default="ar,en"),
        "paper": Field(schema.one_of(*PAPERS), required=False, default="a4"),
    }, required=False),
    # The mail server for `brochure send`. No password key: it would sit in a file staff copy
    # around; it comes from $BROCHURE_SMTP_PASSWORD only.
    "smtp": Table({
        "host": Field(HOST),
        "port": Field(_port, required=False),
        "user": Field(schema.text(200), required=False),
        "tls": Field(schema.one_of(*TLS_MODES), required=False),
    }, required=False),
    # Where the send journal and the record of copies live (see send/store.py): by default
    # records/ in the clinic folder; another folder when that one is on a network share.
    "records": Table({
        "folder": Field(schema.text(400)),
    }, required=False),
})


@dataclass(frozen=True)
class Contact:
    phone: str
    email: str
    website: str
    address: Bilingual
    hours: Bilingual | None


@dataclass(frozen=True)
class MailServer:
    """Where `brochure send` hands messages over; every field may be overridden on the command line."""

    host: str | None = None
    port: int | None = None
    user: str | None = None
    tls: str | None = None


@dataclass(frozen=True)
class Clinic:
    slug: str
    folder: Path
    name: Bilingual
    primary: str
    accent: str
    logo: Path | None
    contact: Contact
    languages: tuple[str, ...]
    paper: str
    extra_sections: tuple = field(default=())  # content.Section, loaded from sections/*.toml
    icc_profile: Path | None = None  # the print shop's CMYK profile, for the press edition
    mail_server: MailServer = field(default_factory=MailServer)  # [smtp], for `brochure send`
    # [records] folder; None: records/ in the clinic folder. Not part of what a leaflet looks
    # like, so not of a clinic's equality: the rendered leaflets cached per clinic still apply.
    records_folder: Path | None = field(default=None, compare=False)

    @property
    def config_file(self) -> Path:
        return self.folder / "clinic.toml"


def parse_languages(value: str) -> tuple[str, ...]:
    """`ar,en` -> ("ar", "en"): order is reading order, the first language leads."""
    cleaned = ",".join(part.strip() for part in value.lower().split(","))
    if cleaned not in LANGUAGE_ORDERS:
        raise ValueError(f"expected one of {', '.join(LANGUAGE_ORDERS)}, got {value!r}")
    return tuple(cleaned.split(","))


def find_clinics(clinics_dir: Path) -> list[Path]:
    """Every folder under `clinics_dir` that holds a clinic.toml, by slug."""
    if not clinics_dir.is_dir():
        return []
    return sorted(p.parent for p in clinics_dir.glob("*/clinic.toml"))


def clinic_folder(clinics_dir: Path, slug: str) -> Path:
    if not SLUG.fullmatch(slug):
        raise BrochureError.single("--clinic", "", f"expected a clinic's slug (the name of its folder, "
                                   f"like al-noor), got {slug!r}; a clinic elsewhere is found with "
                                   "--clinics-dir FOLDER --clinic SLUG")
    folder = clinics_dir / slug
    if not (folder / "clinic.toml").is_file():
        if folder.is_dir():
            raise BrochureError.single(folder / "clinic.toml", "", "missing: the folder is there but "
                                       f"has no clinic.toml; `brochure new-clinic {slug}` writes one "
                                       "to fill in")
        known = [p.name for p in find_clinics(clinics_dir)]
        hint = (f" (known: {', '.join(known)})" if known
                else " (no clinics there yet: see `brochure new-clinic`)")
        raise BrochureError.single(display_path(folder / "clinic.toml"), "",
                                   f"no clinic called {slug!r} in {display_path(clinics_dir)}{hint}")
    return folder


def load_clinic(folder: str | Path) -> Clinic:
    """Validate `folder/clinic.toml` (and its sections) and return the clinic, or raise
    BrochureError listing every problem."""

    folder = Path(folder)
    path = folder / "clinic.toml"
    raw = schema.read_toml(path)
    data, problems = schema.validate(raw, CLINIC_SCHEMA, path)
    where = display_path(path)
    if isinstance(raw.get("smtp"), dict) and "password" in raw["smtp"]:
        problems = [p for p in problems if p.field != "smtp.password"]
        problems.append(Problem(where, "smtp.password", "passwords do not belong in clinic.toml; "
                                "remove it and set BROCHURE_SMTP_PASSWORD when you run brochure send"))
    if not SLUG.fullmatch(folder.name):
        problems.append(Problem(where, "", f"folder name {folder.name!r} is not a usable slug "
                                "(lowercase letters, digits and hyphens)"))
    logo = _logo(folder, data.get("brand", {}).get("logo"), where, problems)
    declared_profile = (data.get("press") or {}).get("icc_profile")
    icc_profile = _file_inside(folder, declared_profile, "press.icc_profile", (".icc", ".icm"),
                               where, problems) if declared_profile else None
    section_files = []
    for section_file in sorted((folder / "sections").glob("*.toml")):
        if section_file.resolve().is_relative_to(folder.resolve()):
            section_files.append(section_file)
        else:  # a link to a file elsewhere would print that file's text in the leaflet
            problems.append(Problem(f"{display_path(folder)}/sections/{section_file.name}", "",
                                    f"expected a file inside {display_path(folder)}, but it links "
                                    "to one outside it"))
    try:
        extra = load_sections(section_files)
    except BrochureError as exc:
        problems.extend(exc.problems)
        extra = ()
    if problems:
        raise BrochureError(problems)

    contact = data["contact"]
    leaflet = data.get("leaflet") or {"languages": "ar,en", "paper": "a4"}
    return Clinic(
        slug=folder.name,
        folder=folder.resolve(),
        name=Bilingual(**data["name"]),
        primary=data["brand"]["primary"].upper(),
        accent=data["brand"]["accent"].upper(),
        logo=logo,
        contact=Contact(
            phone=contact["phone"], email=contact["email"], website=contact["website"],
            address=Bilingual(**contact["address"]),
            hours=Bilingual(**contact["hours"]) if contact.get("hours") else None,
        ),
        languages=parse_languages(leaflet["languages"]),
        paper=leaflet["paper"],
        extra_sections=tuple(extra),
        icc_profile=icc_profile,
        mail_server=MailServer(**(data.get("smtp") or {})),
        records_folder=_records_folder(folder, data.get("records")),
    )


def _records_folder(folder: Path, records: dict | None) -> Path | None:
    """[records] folder: absolute, or relative to the clinic folder (never to where brochure runs)."""
    if not records:
        return None
    return Path(os.path.abspath(folder.resolve() / Path(records["folder"]).expanduser()))


def _logo(folder: Path, declared: str | None, where: str, problems: list[Problem]) -> Path | None:
    """The logo file: declared, or logo.svg/png/jpg beside clinic.toml."""
    if declared is None:
        found = [folder / f"logo{ext}" for ext in LOGO_TYPES if (folder / f"logo{ext}").is_file()]
        return found[0].resolve() if found else None
    return _file_inside(folder, declared, "brand.logo", LOGO_TYPES, where, problems)


def _file_inside(folder: Path, declared: str, key: str, types: tuple[str, ...], where: str,
                 problems: list[Problem]) -> Path | None:
    """A file named in clinic.toml, which must be inside the clinic folder: a path that escapes
    it would let a clinic.toml make the renderer read any file on the machine."""
    root = folder.resolve()
    candidate = (folder / declared).resolve()
    if Path(declared).is_absolute() or not candidate.is_relative_to(root):
        problems.append(Problem(where, key,
                                f"expected a file inside {display_path(folder)}, got \"{declared}\""))
        return None
    if candidate.suffix.lower() not in types:
        kinds = ", ".join(types[:-1]) + " or " + types[-1]
        problems.append(Problem(where, key, f"expected a {kinds} file, got \"{declared}\""))
        return None
    if not candidate.is_file():
        problems.append(Problem(where, key, f"file not found: \"{declared}\""))
        return None
    return candidate
