"""brochure: clinic-branded bilingual Arabic/English leaflets about Minimally Invasive Spine
Surgery, rendered to PDF.

    >>> import brochure
    >>> clinic = brochure.load_clinic("clinics/al-noor")
    >>> pdf = brochure.build_leaflet(clinic, paper="a4", languages=("ar", "en"))
"""

from .build import Leaflet, build_leaflet, make_leaflet, write_leaflet
from .clinic import Clinic, load_clinic
from .errors import BrochureError, Problem

__version__ = "0.1.0"

__all__ = [
    "BrochureError",
    "Clinic",
    "Leaflet",
    "Problem",
    "__version__",
    "build_leaflet",
    "load_clinic",
    "make_leaflet",
    "write_leaflet",
]
