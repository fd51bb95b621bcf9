"""The one user-error type: every mistake a clinic can make is reported as file, field and message.

The CLI turns these into exit code 2 and one line per problem; anything else is a bug (exit 1).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

EXIT_BUG = 1
EXIT_USER_ERROR = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, precise enough to fix without reading code."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}: " if self.field else f"{self.file}: "
        return where + self.message


class BrochureError(Exception):
    """A user mistake (bad config, content that does not fit, unsafe input). Never a traceback."""

    exit_code = EXIT_USER_ERROR

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):
        # whole, across processes (a worker's full disk reaches the main process as it was raised)
        return self.__class__, (self.problems,)

    @classmethod
    def single(cls, file: str | Path, field: str, message: str) -> BrochureError:
        return cls(Problem(display_path(file), field, message))


def display_path(path: str | Path) -> str:
    """Paths relative to the working directory when possible: that is how staff typed them. A
    symbolic link keeps its own name (a message about the link must not name its target)."""
    path = Path(path)
    cwd = Path.cwd()
    for candidate in (Path(os.path.abspath(path)), path.resolve()):
        try:
            return str(candidate.relative_to(cwd))
        except ValueError:
            continue
    return str(path)
