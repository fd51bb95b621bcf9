"""Patients for personalised copies: one row of patients.csv each. (Interface only: the reading
and validation of the CSV are filled in by `read_patients`.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Patient:
    patient_id: str            # validated: safe in a file name, never the name
    name: str
    email: str
    language: str              # "ar" or "en": the reading order of this patient's copy
    appointment: dt.datetime   # local time of the clinic, naive or aware
    surgeon: str | None = None
    note: str | None = None
    line: int = 0              # line in the CSV, for messages

    @property
    def languages(self) -> tuple[str, ...]:
        return (self.language, "en" if self.language == "ar" else "ar")
