"""The PDF stage: every worksheet and printed handbook of a build, in every language, laid out in
one process pool while the site engine builds the pages.

`build.generate` describes what one language's PDFs are made from (a `Request`); `start` takes
what the cache holds and hands the rest to the pool at once, the printed handbooks first: one
handbook takes as long as a dozen worksheets, so started last it would finish alone while the
other cores wait. A build starts the default language's worksheets as soon as its program is
loaded (`start_worksheets`: nothing else is ready to lay out yet), its handbooks once its pages
are made, and the other languages' PDFs once theirs are. `Pending.result` waits for them.
`build.build` runs the site engine in between, so MkDocs and WeasyPrint run side by side (the
cold build of issue 15); the engine gets an empty stand-in for each PDF not made yet (it must
find every file a page links to), and the real PDF replaces it before the site is swapped in
(`place`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import booklet as handbook
from . import cache, worksheets
from .errors import Problem, ProgramError, count
from .pages import Pages
from .program import LoadedProgram

Report = Callable[[str], None]


@dataclass
class Request:
    """What one language's PDFs are made from."""

    program: LoadedProgram
    pages: Pages
    files: dict[str, str | bytes]  # the language's site files: the handbook prints its pages and images
    booklet: bool  # with the printed handbook
    label: str = ""  # for the report's lines: "" or " (es)"
    sheets: worksheets.Pending | None = None  # its worksheets, if started already (see `start_worksheets`)


@dataclass
class Pending:
    """One language's PDFs: those the cache held, and the others being laid out."""

    request: Request
    sheets: worksheets.Pending
    booklets: handbook.Pending | None = None

    def missing(self) -> list[str]:
        """The site paths of the PDFs still being laid out."""
        return self.sheets.missing() + (self.booklets.missing() if self.booklets else [])

    def files_now(self) -> dict[str, bytes]:
        """The PDFs the cache held, and an empty stand-in for each one still being laid out
        (the site engine must find every file a page links to)."""
        made = {**self.sheets.done, **(self.booklets.done if self.booklets else {})}
        return {**made, **dict.fromkeys(self.missing(), b"")}

    def result(self, report: Report = lambda _: None) -> tuple[dict[str, bytes], dict[str, Any]]:
        """Every PDF of the language as {site path: bytes}, and figures; waits for the pool.
        Raises ProgramError for the worksheets and the handbook together."""
        problems: list[Problem] = []
        files: dict[str, bytes] = {}
        stats: dict[str, Any] = {}
        for part in (self.sheets, self.booklets):
            if part is None:
                continue
            try:
                made, figures = part.result()
            except ProgramError as exc:
                problems += exc.problems
                continue
            files.update(made)
            stats.update(figures)
        if problems:
            raise ProgramError(problems)
        label = self.request.label
        report(f"Worksheets{label}: {count(stats['worksheets'], 'PDF')} "
               f"({stats['rendered']} rendered, {stats['cached']} unchanged)")
        if self.booklets and stats["booklets"]:
            rendered = stats["booklets_rendered"]
            report(f"Handbook{label}: {count(stats['booklets'], 'PDF')} ({rendered} rendered, "
                   f"{stats['booklets'] - rendered} unchanged)")
        return files, stats


def start(requests: Sequence[Request], pool: Executor) -> list[Pending]:
    """Begin every language's PDFs in `pool` (see the module's docstring), in the order of
    `requests` (a request's worksheets may have started already: see `start_worksheets`). A
    template mistake of any handbook is raised, with the others', before any other worksheet is
    started; a PDF already started is cancelled or left to end in the pool."""
    booklets: list[handbook.Pending | None] = []
    problems: list[Problem] = []
    for request in requests:
        try:
            booklets.append(handbook.start(request.program, request.pages, request.files, pool)
                            if request.booklet else None)
        except ProgramError as exc:
            problems += exc.problems
            booklets.append(None)
    if problems:
        for started in booklets:
            if started:
                started.cancel()
        for request in requests:
            if request.sheets:
                request.sheets.cancel()
        raise ProgramError(problems)
    return [Pending(request, request.sheets or start_worksheets(request.program, pool), made)
            for request, made in zip(requests, booklets, strict=True)]


def start_worksheets(program: LoadedProgram, pool: Executor) -> worksheets.Pending:
    """Begin one language's worksheet PDFs in `pool`. They need only the program, so a build
    starts the default language's as soon as it is loaded, while its pages are made and nothing
    else is ready to lay out (every core has work from the start); see `start` for the rest."""
    return worksheets.start(program, cache.folder("worksheets"), pool)


def cancel(pending: Iterable[Pending]) -> None:
    """Drop the PDFs not started yet (a build that stops for a mistake does not wait for them)."""
    for one in pending:
        one.sheets.cancel()
        if one.booklets:
            one.booklets.cancel()


def place(pending: Pending, files: dict[str, bytes], site: Path) -> None:
    """Write the PDFs that were still being laid out when the site engine ran (`pending`'s
    missing ones, now in `files`) over their stand-ins in the built `site`."""
    for rel in pending.missing():
        target = site / rel
        if target.is_symlink():  # not the engine's stand-in: leave it to the safety stage
            continue
        target.write_bytes(files[rel])
