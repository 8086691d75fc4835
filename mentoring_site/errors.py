"""Error types.

`ProgramError` is a mistake in the user's files: the CLI prints its problems, one per line,
without a traceback, and exits with status 2. Anything else is a fault in this tool.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

QUOTE_LIMIT = 60  # characters of a user's value a message quotes; the file and line say the rest
KEY_LIMIT = 120


def shown(value: object, *, quote: bool = True) -> str:
    """A value as a message quotes it: repr'd (or as is), cut to its first characters with "…"
    so that a 100 KB value does not fill the terminal."""
    text = repr(value) if quote else str(value)
    return text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT] + "…"


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in a user's file, located as precisely as we can."""

    file: str
    line: int
    column: int
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"

    def as_warning(self) -> str:
        """The same place and message, marked as a warning (the build goes on)."""
        where = f"{self.file}:{self.line}:{self.column}: warning"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


def _astuple(p: Problem) -> tuple[str, int, int, str, str]:
    return (p.file, p.line, p.column, p.key, p.message)


class ProgramError(Exception):
    """The program's files are wrong; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class Problems:
    """Collects problems during a stage so all of them are reported in one run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.items: list[Problem] = []
        self._spots: set[tuple[str, int, int, str]] = set()  # a set: thousands of problems stay cheap

    def rel(self, path: Path) -> str:
        """The path as the user knows it: relative to the program (a link by its own name)."""
        for candidate, base in ((path, self.root), (path.resolve(), self.root.resolve())):
            if ".." not in candidate.parts and candidate.is_relative_to(base):
                return candidate.relative_to(base).as_posix()
        return path.as_posix()

    def add(self, file: Path, line: int, column: int, key: str, message: str) -> None:
        if len(key) > KEY_LIMIT:  # a key path holds the user's own key names, which may be huge
            key = key[:KEY_LIMIT] + "…"
        problem = Problem(self.rel(file), line, column, key, message)
        # One message per spot: a value already reported is not reported again by a later check.
        spot = _astuple(problem)[:4]
        if spot not in self._spots:
            self._spots.add(spot)
            self.items.append(problem)

    def raise_if_any(self) -> None:
        if self.items:
            raise ProgramError(self.items)


def count(n: int, noun: str) -> str:
    """`n` and a noun that takes an s: "1 PDF", "2 PDFs"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
