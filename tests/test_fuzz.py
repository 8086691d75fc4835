"""Fuzzing: random damage to the default program's YAML and Markdown files.

Whatever the damage, the command ends with exit code 0 or 2 and never a traceback; `validate`
and `build` agree (both 0 or both 2); and no page that is built runs script (no event-handler
attribute, no script element the clean site does not have, no script: URL once whitespace and
control characters are removed, as browsers remove them).

The run is derandomised, so CI sees the same examples every time. FUZZ_EXAMPLES sets how many
(default 24, about 40 s on 2 cores); FUZZ_BUILD_EVERY how often one is also built (default
every 4th). Every finding of a run is collected and listed at the end, rather than stopping at
the first:

    FUZZ_EXAMPLES=2000 FUZZ_LOG=/tmp/fuzz.log .venv/bin/python -m pytest tests/test_fuzz.py -q -s

(FUZZ_LOG gets each finding as it is found, and a progress line every 100 examples.)
"""

from __future__ import annotations

import contextlib
import html.parser
import io
import os
import re
import shutil
import traceback
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mentoring_site.build
import mentoring_site.pdfs
from mentoring_site.cli import main
from tests.conftest import copy_default_program

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "24"))
LOG = os.environ.get("FUZZ_LOG")  # a file that gets each finding as it is found, and progress
BUILD_EVERY = int(os.environ.get("FUZZ_BUILD_EVERY", "4"))

# What tends to break YAML, Markdown, placeholders, templates and HTML.
TOKENS = [
    "&a ", "*a", "&a [*a]", "!!", "!!bool maybe", "!!timestamp x", "!!python/object:os.system ", "!!binary ",
    "? ", ": ", "- ", "|", ">-", "#", "'", '"', "\\", '"\\U00110000"', '"\\ud800"', '"\\x07"', "\t", "\x00",
    "\x07", "\x1b", "\x85", "\u2028", "\ufeff", "\r", "\n", "{", "}", "[", "]", ",", "%", "@", "`", "~", "<<: *a",
    "[[", "]]", "[[mentor]]", "[[nope]]", "{{", "}}", "{% if %}", "{{ 7*7 }}", "<", ">", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "javascript:", "java\nscript:", "](javascript:alert(1))", "[x](nope.md)",
    "[x](../../etc/passwd)", "![x](/etc/passwd)", "{: onclick=alert(1) }", "&#106;", "&colon;", "<!--", "```",
    "    ", "!!! note", "---\n", "...\n", "0x1F", "1e999", "2027-02-30", "yes", "null", "~", "'''", "x" * 200,
]


class Page(html.parser.HTMLParser):
    """Elements with their attributes, and the bodies of script elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._script = False

    def handle_data(self, data: str) -> None:
        if self._script and data.strip():
            self.scripts.append(data.strip())


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "ping"}


def script_url(value: str) -> bool:
    """Whether a URL runs script: browsers drop whitespace and control characters inside it."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", value).lower()
    cleaned = re.sub(r"^.*?url=", "", cleaned) if ";url=" in cleaned else cleaned  # <meta http-equiv=refresh>
    return cleaned.startswith(("javascript:", "vbscript:", "livescript:", "data:text/html", "data:image/svg"))


def scripts_of(site: Path) -> set[tuple[str, str]]:
    """The script elements of a built site: (src, "") for files, ("", body) for inline ones."""
    found = set()
    for path in site.rglob("*.html"):
        page = Page()
        page.feed(path.read_text(encoding="utf-8", errors="replace"))
        found |= {(a.get("src") or "", "") for t, a in page.elements if t == "script"}
        found |= {("", s) for s in page.scripts}
    return found


def script_in(site: Path, theme_scripts: set[tuple[str, str]]) -> list[str]:
    """Every way a built page could run script that the clean site does not have."""
    found = []
    for path in sorted(site.rglob("*.html")):
        where = path.relative_to(site).as_posix()
        page = Page()
        page.feed(path.read_text(encoding="utf-8", errors="replace"))
        for tag, attrs in page.elements:
            for name, value in attrs.items():
                if name.startswith("on") or name == "srcdoc":
                    found.append(f"{where}: <{tag} {name}=...>")
                elif (name in URL_ATTRIBUTES or (tag == "meta" and name == "content")) and value and script_url(value):
                    found.append(f"{where}: <{tag} {name}={value[:40]!r}>")
            if tag == "script" and (attrs.get("src") or "", "") not in theme_scripts:
                found.append(f"{where}: <script src={attrs.get('src')!r}>")
        found += [f"{where}: inline script {s[:40]!r}" for s in page.scripts if ("", s) not in theme_scripts]
    return found


def run(argv: list[str]) -> tuple[int, str]:
    """The CLI in-process, as a user runs it: exit code and what it printed on stderr. Anything
    raised but SystemExit (from argparse) is a traceback the user would have seen."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # as on the command line: a library's warning is not a failure
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
        except Exception:  # every escape is the finding
            return -1, err.getvalue() + traceback.format_exc()
    return code, err.getvalue()


@pytest.fixture(scope="module")
def fuzz_program(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, set[tuple[str, str]]]]:
    """A copy of the default program, built once clean for the theme's own scripts."""
    root = copy_default_program(tmp_path_factory.mktemp("fuzz") / "program")
    with pdfs_off():
        code, err = run(["build", str(root), "-q"])
    assert code == 0, err
    theme_scripts = scripts_of(root / "site")
    assert theme_scripts, "the clean site has the theme's scripts"
    shutil.rmtree(root / "site")
    yield root, theme_scripts


@contextlib.contextmanager
def pdfs_off() -> Iterator[None]:
    """`build` with empty stand-ins for the worksheet and handbook PDFs: everything else as it is
    (the worksheets' HTML is still rendered and checked). PDF rendering is covered elsewhere and
    takes a second a sheet, so fuzzing it would leave no time for anything else."""
    real = mentoring_site.pdfs.start

    def stand_in(requests, pool):  # type: ignore[no-untyped-def]
        from mentoring_site import booklet, worksheets

        empty = b"%PDF-1.7\n%%EOF\n"
        pending = []
        for request in requests:
            sheets = {f"worksheets/{job.sheet_id}-{job.size}.pdf": empty for job in worksheets.plan(request.program)}
            made = {f"handbook-{size}.pdf": empty for size in request.program.paper_sizes}
            pending.append(mentoring_site.pdfs.Pending(
                request, worksheets.Pending(request.program, Path(), len(sheets), sheets, []),
                booklet.Pending(request.program, "", done=made, recalled=True) if request.booklet else None,
            ))
        return pending

    mentoring_site.pdfs.start = stand_in
    try:
        yield
    finally:
        mentoring_site.pdfs.start = real


@st.composite
def damage(draw: st.DrawFn, size: int) -> list[tuple[str, int, bytes]]:
    """One to three edits to a file of `size` bytes: (kind, position, bytes)."""
    edits = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["insert", "insert", "insert", "flip", "byte", "delete-line",
                                     "duplicate-line", "delete"]))
        position = draw(st.integers(0, max(size - 1, 0)))
        if kind == "insert":
            token = draw(st.sampled_from(TOKENS) | st.text(min_size=1, max_size=4))
            edits.append((kind, position, token.encode("utf-8", "surrogatepass")))
        elif kind == "flip":
            edits.append((kind, position, draw(st.characters(codec="utf-8")).encode()))
        elif kind == "byte":
            edits.append((kind, position, bytes([draw(st.integers(0, 255))])))
        else:
            edits.append((kind, position, b""))
    return edits


def apply(data: bytes, edits: list[tuple[str, int, bytes]]) -> bytes:
    for kind, position, token in edits:
        position = min(position, len(data))
        start = data.rfind(b"\n", 0, position) + 1
        end = data.find(b"\n", position)
        end = len(data) if end < 0 else end + 1
        if kind == "insert":
            data = data[:position] + token + data[position:]
        elif kind in ("flip", "byte"):
            data = data[:position] + token + data[position + 1:]
        elif kind == "delete-line":
            data = data[:start] + data[end:]
        elif kind == "duplicate-line":
            data = data[:end] + data[start:end] + data[end:]
        elif kind == "delete":
            data = data[:position] + data[position + 8:]
    return data


class Logged(list[str]):
    """Findings, each also appended to a file as it is found."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def append(self, item: str) -> None:
        super().append(item)
        with self.path.open("a", encoding="utf-8") as log:
            log.write(item + "\n\n")

    def extend(self, items: Iterable[str]) -> None:
        for item in items:
            self.append(item)


def test_damaged_programs_fail_cleanly_and_alike(fuzz_program: tuple[Path, set[tuple[str, str]]]) -> None:
    root, theme_scripts = fuzz_program
    files = sorted(p for p in root.rglob("*") if p.suffix in (".yml", ".md") and p.name != "mkdocs.yml")
    assert len(files) >= 10
    originals = {p: p.read_bytes() for p in files}
    findings: list[str] = Logged(Path(LOG)) if LOG else []
    counts = {"examples": 0, "valid": 0, "built": 0}

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def example(data: st.DataObject) -> None:
        target = data.draw(st.sampled_from(files), label="file")
        edits = data.draw(damage(len(originals[target])), label="edits")
        target.write_bytes(apply(originals[target], edits))
        counts["examples"] += 1
        if LOG and counts["examples"] % 100 == 0:
            with Path(LOG).open("a", encoding="utf-8") as log:
                log.write(f"progress: {counts['examples']} examples, {len(findings)} findings\n")
        also_build = counts["examples"] % BUILD_EVERY == 0
        what = f"{target.relative_to(root)} {edits!r}"
        try:
            code, err = run(["validate", str(root), "-q"])
            counts["valid"] += code == 0
            if code not in (0, 2) or "Traceback" in err:
                findings.append(f"validate exit {code}: {what}\n{err[-1500:]}")
                return
            if also_build:
                counts["built"] += 1
                with pdfs_off():
                    built, build_err = run(["build", str(root), "-q"])
                if built != code or "Traceback" in build_err:
                    findings.append(f"validate exit {code}, build exit {built}: {what}\n{err[-600:]}\n"
                                    f"{build_err[-1500:]}")
                elif built == 0:
                    findings.extend(f"script in a page: {what}: {s}" for s in script_in(root / "site", theme_scripts))
        finally:
            target.write_bytes(originals[target])
            shutil.rmtree(root / "site", ignore_errors=True)

    example()
    print(f"\nfuzz: {counts['examples']} examples, {counts['valid']} still valid, {counts['built']} also built, "
          f"{len(findings)} findings")
    assert not findings, "\n\n".join(findings)
