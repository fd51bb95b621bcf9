"""A patient's own copy: the screen edition (tagged, small, clickable) with a cover block naming
the patient, their appointment, surgeon and note, in the patient's language first."""

from __future__ import annotations

from .build import Leaflet, make_leaflet
from .clinic import Clinic
from .patients import Patient


def make_personal_leaflet(clinic: Clinic, patient: Patient, *, paper: str | None = None) -> Leaflet:
    return make_leaflet(clinic, paper, patient.languages, edition="screen", patient=patient)


def personal_filename(clinic: Clinic, patient: Patient) -> str:
    """No names in file names: the ID is validated to be safe there."""
    return f"{patient.patient_id}-{clinic.slug}-miss.pdf"
