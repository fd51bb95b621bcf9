"""`brochure new-clinic`: write a commented clinic.toml for staff to fill in."""

from __future__ import annotations

from pathlib import Path

from brochure.assets import templates_dir
from brochure.errors import BrochureError
from brochure.files import write_atomically


def write_new_clinic(clinics_dir: Path, slug: str) -> Path:
    path = clinics_dir / slug / "clinic.toml"
    if path.exists():
        raise BrochureError.single(path, "", "already exists; edit it, or pick another slug")
    text = (templates_dir() / "clinic.toml.example").read_text(encoding="utf-8")
    write_atomically(path, text.replace("{slug}", slug).encode("utf-8"))
    return path
