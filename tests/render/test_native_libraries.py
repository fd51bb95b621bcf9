"""brochure loads WeasyPrint's C libraries without the slow search, and loads the same files."""

from __future__ import annotations

import subprocess
import sys

import pytest

LOADED = """
import sys
{first}
import weasyprint
from weasyprint.text import ffi
maps = open("/proc/self/maps").read().split()
libraries = sorted({{path for path in maps if "/lib" in path and any(
    name in path for name in ("pango", "harfbuzz", "fontconfig", "gobject"))}})
print("\\n".join(libraries))
print("pango", ffi.pango.pango_version())
"""


def _loaded(first: str, env: dict | None = None) -> list[str]:
    # a fresh interpreter: how a process loads the libraries is the point
    ran = subprocess.run([sys.executable, "-c", LOADED.format(first=first)], capture_output=True,
                         text=True, check=True, env=env)
    return ran.stdout.splitlines()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the quick search is Linux's")
def test_the_quick_search_loads_the_same_library_files_as_weasyprint_alone():
    quick = _loaded("import brochure.render")
    assert any("libpango-1.0" in line for line in quick) and any("harfbuzz" in line for line in quick)
    assert quick == _loaded("")


COUNTED = """
import sys
started = []
sys.addaudithook(lambda event, args: started.append(args[0]) if event == "subprocess.Popen" else None)
{first}
import weasyprint.text.ffi
print(len(started))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the quick search is Linux's")
def test_the_quick_search_reads_the_library_cache_once_instead_of_starting_dozens_of_processes():
    def processes(first: str) -> int:
        ran = subprocess.run([sys.executable, "-c", COUNTED.format(first=first)], capture_output=True,
                             text=True, check=True)
        return int(ran.stdout.split()[-1])

    assert processes("import brochure.render") == 1  # ldconfig -p, read once
    assert processes("") > 10  # ldconfig, gcc and ld for every name WeasyPrint tries
