"""Jinja's compiled templates, so that a build seldom compiles one: kept in brochure's cache
(beside the measurements, measure_cache.py) after a first compile, and made at install as the
Python source Jinja makes of each template (templates/compiled/, not in git, written by
`python tools/compile_templates.py`, which `make` runs), so that the first build after installing
does not compile them either (about 80 ms of that build, most of it partials/macros.html.j2).

An installed source is used only for exactly what it was made from: the template's name and
source, the Jinja version, the environment's options and the filters and tests the code calls
(the file's name is a digest of them). A template edited since, another Jinja, a new filter: the
installed file is simply not found, and the template compiles as before. Either way the code is
the code Jinja itself makes of the template (`Environment.compile`), so the HTML is the same.
"""

from __future__ import annotations

import hashlib
import os
from contextlib import suppress
from pathlib import Path

import jinja2
from jinja2 import Environment, FileSystemBytecodeCache

from brochure.assets import templates_dir
from brochure.render import measure_cache

OPTIONS = {"trim_blocks": True, "lstrip_blocks": True}  # the environment's (html.py)
INSTALLED_SUFFIX = ".jinja-py"


class CompiledTemplates(FileSystemBytecodeCache):
    """Jinja's own cache of compiled templates (compiling them was a seventh of a cold build),
    kept beside the measurements wherever they are at the time, and filled from the installed
    sources on a miss; a file that cannot be read or written is only a recompile."""

    def __init__(self):
        super().__init__(directory="", pattern="%s.jinja")  # the folder: measure_cache.cache_root()

    def _get_cache_filename(self, bucket) -> str:
        root = measure_cache.cache_root()
        if root is None:
            raise FileNotFoundError("the cache is off")
        return str(root / "templates" / (self.pattern % bucket.key))

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        # Jinja checks the template's source; the options it was compiled with, checked here
        return super().get_cache_key(name, f"{filename}|{jinja2.__version__}|{OPTIONS}")

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str):
        bucket = super().get_bucket(environment, name, filename, source)
        if bucket.code is None and (installed := _installed_source(environment, name, source)) is not None:
            try:  # what Environment.compile does with the source it generates
                bucket.code = compile(installed, filename or "<template>", "exec")
            except (SyntaxError, ValueError):  # a spoilt file: Jinja compiles the template
                return bucket
            self.set_bucket(bucket)  # Jinja stores only what it compiled itself
        return bucket

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a spoilt file: compile again
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        with suppress(OSError):
            os.makedirs(os.path.dirname(self._get_cache_filename(bucket)), exist_ok=True)
            super().dump_bytecode(bucket)


def installed_folder() -> Path:
    return templates_dir() / "compiled"


def installed_name(environment: Environment, name: str, source: str) -> str:
    """The installed file for this template source as this environment compiles it."""
    # the generated code names each filter and test it calls, and how it passes them context
    calls = (sorted((key, str(getattr(function, "jinja_pass_arg", None)))
                    for key, function in environment.filters.items()), sorted(environment.tests))
    digest = hashlib.sha256()
    for part in (name, source, jinja2.__version__, repr(OPTIONS), repr(calls)):
        data = part.encode()
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:40] + INSTALLED_SUFFIX


def _installed_source(environment: Environment, name: str, source: str) -> str | None:
    try:
        return (installed_folder() / installed_name(environment, name, source)).read_text(encoding="utf-8")
    except OSError:
        return None


def templates_to_install(environment: Environment) -> dict[str, str]:
    """Every template's installed file name and compiled source, as the environment makes them now."""
    installed = {}
    for name in environment.list_templates(filter_func=lambda name: name.endswith(".j2")):
        source, filename, _ = environment.loader.get_source(environment, name)
        installed[installed_name(environment, name, source)] = environment.compile(
            source, name, filename, raw=True)
    return installed


def write_installed(environment: Environment) -> list[Path]:
    """templates/compiled/ made afresh: one file per template, nothing stale left behind."""
    from brochure.files import write_atomically

    folder = installed_folder()
    wanted = templates_to_install(environment)
    for old in folder.glob(f"*{INSTALLED_SUFFIX}"):
        if old.name not in wanted:
            old.unlink()
    for file_name, code in wanted.items():
        write_atomically(folder / file_name, code.encode())
    return sorted(folder / file_name for file_name in wanted)
