"""WeasyPrint's C libraries (Pango, HarfBuzz, Fontconfig, GObject) loaded without a slow search.

WeasyPrint 70 tries several names for each library, one per platform ("libpango-1.0-0",
"pango-1.0-0", "pango-1.0", "libpango-1.0.so.0" ...). cffi hands each name that is not a file
to `ctypes.util.find_library`, which on Linux starts `ldconfig -p`, then `gcc`, then `ld`: about
twenty failing searches and fifty processes, a fifth of a cold build. While WeasyPrint loads
them, `find_library` answers from one reading of the ldconfig cache, as its first step does;
names that are files are opened by `dlopen` as before (LD_LIBRARY_PATH included), so the same
libraries load. Should WeasyPrint fail to load that way, it is loaded again the ordinary way.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import os
import re
import subprocess
import sys
from functools import cache


def load_weasyprint() -> None:
    """Import WeasyPrint's C bindings (and with them WeasyPrint), quickly where possible."""
    if "weasyprint.text.ffi" in sys.modules or not sys.platform.startswith("linux") \
            or not _ldconfig_listing():
        return
    ordinary = ctypes.util.find_library
    ctypes.util.find_library = _from_ldconfig_cache
    try:
        # WeasyPrint prints its installation help before failing: not for this first attempt
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint.text.ffi  # noqa: F401
    except (OSError, ImportError):  # a library only the slow search finds: start again
        for name in [name for name in sys.modules if name.split(".")[0] == "weasyprint"]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = ordinary


def _from_ldconfig_cache(name: str) -> str | None:
    """`ctypes.util.find_library` as its ldconfig step answers (glibc's `ldconfig -p`)."""
    found = re.search(rf"\s+(lib{re.escape(name)}\.\S+)\s+\({_abi()}", _ldconfig_listing())
    return found.group(1) if found else None


@cache
def _ldconfig_listing() -> str:
    for ldconfig in ("/sbin/ldconfig", "/usr/sbin/ldconfig"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            return subprocess.run([ldconfig, "-p"], capture_output=True, check=True, timeout=10,
                                  env={"LC_ALL": "C", "LANG": "C"}).stdout.decode(errors="replace")
    return ""


def _abi() -> str:
    """The ABI ldconfig names for this interpreter's word size (as ctypes.util does)."""
    machine = f"{os.uname().machine}-{64 if sys.maxsize > 2**32 else 32}"
    return re.escape({"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
                      "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}.get(machine, "libc6"))
