"""Stage 3, render worksheets: HTML from templates, then fillable PDFs with WeasyPrint.

- One HTML document per worksheet and paper size; the PDF is keyed by a hash of that HTML and
  of every local file it may load, so an unchanged worksheet is taken from the cache (in the
  user's cache folder, see `cache`; never from the program folder).
- Uncached PDFs are rendered in parallel processes (one per core), started only when a PDF is
  not in the cache; a build shares its pool with the printed handbook (see pdfs.py).
- WeasyPrint may load only `data:` URLs and files inside the program directory or the
  package's own assets. Anything else fails the build, naming the worksheet.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import functools
import gc
import hashlib
import html as html_lib
import importlib.metadata
import importlib.util
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
from markupsafe import Markup

from . import __version__, assets, cache, forms, messages, publish, sourcefiles
from .errors import Problem, ProgramError
from .pages import base_context
from .program import LoadedProgram, Worksheet, target_path
from .templating import environment, render

PAPER_LABELS = {"a4": "A4", "letter": "US Letter"}


def worksheet_environment(program: LoadedProgram) -> jinja2.Environment:
    """The templates of the PDF stages (worksheets, booklet, certificate), with the message
    catalog of the language `program` was loaded in."""
    return environment(program.root, messages.of(program))


@dataclass(frozen=True)
class Job:
    """One PDF to make."""

    sheet_id: str
    size: str
    html: str
    base_url: str
    allowed: tuple[str, ...]
    key: str
    sheet: Worksheet
    language: str
    extra_characters: str = ""  # for the form font beyond the language's (packs: the roster's)

    @property
    def filename(self) -> str:
        return f"{self.sheet_id}-{self.size}.pdf"

    @property
    def label(self) -> str:
        """What the fetcher's messages call this document."""
        return f"worksheet {self.sheet_id!r} ({self.size})"


def render_html(program: LoadedProgram, sheet: Worksheet, size: str, env: jinja2.Environment | None = None) -> str:
    env = env or worksheet_environment(program)
    context = {
        **base_context(program),
        "sheet": sheet,
        "size": size,
        # The inputs' placeholder font (see forms.py): our own generated data: URL, printed as it is.
        "form_font_family": forms.PLACEHOLDER_FAMILY,
        "form_font_url": Markup(forms.placeholder_font_url()),
    }
    return render(env, "worksheets/worksheet.html.j2", context, program.root)


def _allowed_roots(program: LoadedProgram) -> tuple[str, ...]:
    return (str(program.root.resolve()), str(assets.builtin_root().resolve()), str(assets.PACKAGE))


@functools.cache
def weasyprint_version() -> str:
    """WeasyPrint's version, for cache keys, without importing it: importing WeasyPrint (Pango,
    fonts, CSS) took a quarter of a rebuild that renders nothing. Read from its package's own
    `VERSION = ...` line; from the installed package's metadata if that line is not there."""
    spec = importlib.util.find_spec("weasyprint")
    if spec is not None and spec.origin:
        found = re.search(r"""^VERSION = __version__ = ['"]([^'"]+)['"]""",
                          Path(spec.origin).read_text(encoding="utf-8"), re.M)
        if found:
            return found.group(1)
    return importlib.metadata.version("weasyprint")


def _key(html: str, size: str, program: LoadedProgram) -> str:
    digest = hashlib.sha256()
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    # The language too: it chooses the form font's characters, beyond what the HTML shows.
    parts = (__version__, weasyprint_version(), forms.FORMS_VERSION, size, program.language, html, epoch)
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    # Files the HTML may pull in (logos, fonts) live under the program: hash those it names.
    for ref in sorted(set(_local_refs(html))):
        # As WeasyPrint will read it: entities decoded, without ?query or #fragment, %-decoded.
        name = target_path(html_lib.unescape(ref))
        path = (program.root / name).resolve()
        if path.is_file() and path.is_relative_to(program.root.resolve()):
            with contextlib.suppress(sourcefiles.Refused):  # unreadable: the renderer says so
                digest.update(name.encode() + b"\0" + sourcefiles.read_bytes(path))
    return digest.hexdigest()


def _local_refs(html: str) -> list[str]:
    found = re.findall(r"""(?:src|href)=["']([^"':]+)["']|url\(["']?([^"')]+)""", html)
    return [m for m in found for m in m if m and not m.startswith("data:")]


def filenames(program: LoadedProgram) -> list[str]:
    """The names of the worksheet PDFs `plan` makes (each its Job's `filename`), without their HTML."""
    return [f"{sheet.id}-{size}.pdf" for sheet in program.worksheets for size in program.paper_sizes]


def plan(program: LoadedProgram) -> list[Job]:
    env = worksheet_environment(program)
    jobs = []
    base = program.root.resolve().as_uri() + "/"
    allowed = _allowed_roots(program)
    for sheet in program.worksheets:
        for size in program.paper_sizes:
            html = render_html(program, sheet, size, env)
            key = _key(html, size, program)
            jobs.append(Job(sheet.id, size, html, base, allowed, key, sheet, program.language))
    return jobs


class RefusedURL(Exception):
    """WeasyPrint asked for a resource outside what we allow."""


def _make_fetcher(job: Any) -> Any:
    """WeasyPrint's fetcher for `job` (anything with `label` and `allowed`): only `data:` URLs and
    existing files inside the allowed folders."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class Refused(FatalURLFetchingError):
        def __init__(self, message: str, url: str) -> None:
            super().__init__(message)
            self.url = url

    class Fetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if any(path.is_relative_to(root) for root in job.allowed):
                    if path.is_file():
                        try:
                            return URLFetcherResponse(url, sourcefiles.read_bytes(path), {}, 200)
                        except sourcefiles.Refused as exc:
                            raise Refused(f"{job.label} asked for {url!r}, which {exc}", url) from None
                    raise Refused(f"{job.label} asked for {url!r}, which does not exist", url)
            raise Refused(f"{job.label} asked for {url!r}, which is outside the program", url)

    return Fetcher(allowed_protocols=("data", "file"), allow_redirects=False)


def render_pdf(job: Job) -> bytes:
    """Render one worksheet PDF (runs in a worker process): layout, then the forms stage."""
    return forms.finish(layout_pdf(job), job.sheet, language=job.language, extra_characters=job.extra_characters)


def tag_languages() -> bool:
    """Make WeasyPrint's tagged PDFs carry each element's own `lang` as `/Lang` on its structure
    element (ISO 32000-1 §14.9.2), as they carry the document's in the catalog; returns whether
    it could (a WeasyPrint whose tagging differs is left alone: the text is still there, and
    test_lang_pdf says so).

    WeasyPrint (70) writes `/Lang` only in the catalog, so a worksheet section or label that fell
    back to the default language would be read in the document's voice. Its tag tree is built by
    one function, called once per box; this wraps it, idempotently, in the process that lays out."""
    from weasyprint.pdf import tags

    build = getattr(tags, "_build_box_tree", None)
    if build is None or not callable(build):
        return False
    if getattr(build, "mentoring_site_lang", False):
        return True
    import pydyf

    def with_lang(box: Any, *args: Any) -> Any:
        element = getattr(getattr(box, "_box", box), "element", None)  # an absolute box's own
        # html and body (and pages) pass their children's elements up: those have their own lang.
        own = element.get("lang") if element is not None and element.tag not in ("html", "body") else None
        for struct in build(box, *args):
            if own and isinstance(struct, pydyf.Dictionary) and "Lang" not in struct:
                struct["Lang"] = pydyf.String(own)
            yield struct

    with_lang.mentoring_site_lang = True  # type: ignore[attr-defined]
    tags._build_box_tree = with_lang
    return True


@contextlib.contextmanager
def collected_after() -> Iterator[None]:
    """Python's cycle collector held off during one layout and run once, on what it made, at its end.

    A layout makes millions of short-lived objects, and the collector, run every few hundred
    allocations, walked the growing heap about a hundred times a handbook: a tenth of a PDF's CPU
    time (benchmarks/build_times.py prints both, "worksheet layouts, 1 process"). With it held
    off, everything the layout made is in the youngest generation, so collecting that one alone
    frees the layout's cycles without walking the rest of the process (a worker's inheritance
    from the build, WeasyPrint's caches): the peak memory of a worker stays what it was (about
    230 MB), and the older generations are still collected, as usual, between layouts."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
        gc.collect(0)


@collected_after()
def layout_pdf(job: Job) -> bytes:
    """WeasyPrint's PDF of one worksheet, before the forms stage."""
    import logging

    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    tag_languages()
    try:
        document = weasyprint.HTML(
            string=job.html, base_url=job.base_url, url_fetcher=_make_fetcher(job)
        ).render()
        return document.write_pdf(
            pdf_forms=True,
            pdf_tags=True,
            pdf_variant="pdf/ua-1",
            pdf_identifier=job.key[:32].encode(),
            custom_metadata=True,
        )
    except FatalURLFetchingError as exc:
        raise RefusedURL(str(exc), getattr(exc, "url", "")) from None


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>




def _end_with_build(build: int) -> None:
    """Worker initializer: the worker ends when the build (process `build`) ends, even by kill -9.

    On Linux the kernel sends SIGKILL when the worker's parent dies (prctl PR_SET_PDEATHSIG);
    elsewhere, and as a second guard (a worker started by a fork server has that server as its
    parent), a thread ends the worker once its parent changes or the build is gone.
    """
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the thread does it
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if not publish.alive(build):  # the build died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent and publish.alive(build):
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="end-with-build", daemon=True).start()


def worker_scratch() -> Path:
    """A temporary folder for PDF workers: WeasyPrint writes fonts into temporary folders that a
    killed worker cannot remove, so they go here, and the next build removes what a killed one left."""
    return publish.scratch(Path(tempfile.gettempdir()) / "mentoring-site-pdf")


def _start_worker(build: int, scratch: str) -> None:
    """Worker initializer: temporary files in the build's scratch folder; end with the build.
    Ctrl+C (sent to the whole process group) is for the build, which ends its workers itself:
    a worker waiting for a job would print a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # What the worker inherited from the build is never its garbage: the collector leaves it be
    # (and its memory is not copied on the collector's touch).
    gc.freeze()
    os.environ["TMPDIR"] = scratch
    tempfile.tempdir = scratch
    _end_with_build(build)


class WorkerPool(ProcessPoolExecutor):
    """A process pool for PDFs (one worker per core by default) whose workers end with the build
    and keep their temporary files in a scratch folder of the build's, removed with the pool."""

    def __init__(self, workers: int | None = None) -> None:
        self.scratch = worker_scratch()
        super().__init__(max_workers=workers or os.cpu_count() or 1, initializer=_start_worker,
                         initargs=(os.getpid(), str(self.scratch)))

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=wait, cancel_futures=cancel_futures)
        if wait:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool | None:
        if exc_type is not None:  # a mistake or Ctrl+C: no waiting for PDFs nobody will see
            self.end_now()
        return super().__exit__(exc_type, exc, tb)

    def end_now(self) -> None:
        """Drop the jobs not started and end the workers, those in the middle of a PDF too."""
        kill = getattr(self, "kill_workers", None)  # Python 3.14
        if kill is not None:
            kill()
        else:  # before 3.14 there is no public way to end a worker in the middle of a PDF
            for process in list((getattr(self, "_processes", None) or {}).values()):
                process.kill()
        self.shutdown(wait=True, cancel_futures=True)


def worker_pool(workers: int | None = None) -> WorkerPool:
    """A process pool for PDFs whose workers end with the build (see WorkerPool)."""
    return WorkerPool(workers)


def _refusal(program: LoadedProgram, job: Job, exc: Exception) -> Problem:
    """Point a refused fetch at the line of the worksheet file that names it, where we can."""
    rel = f"worksheets/{job.sheet_id}.yml"
    url = exc.args[1] if len(exc.args) > 1 else ""
    name = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]) if url else ""
    source = program.root / rel
    if name and source.is_file():
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
            column = line.find(url) if url in line else line.find(name)
            if column >= 0:
                return Problem(rel, number, column + 1, "", str(exc.args[0]))
    return Problem(rel, 1, 1, "", str(exc.args[0]))


class Inline(Executor):
    """An executor that runs each job at once, in this process (one job: no worker to start)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # as a worker's would be: raised by `result()`
            future.set_exception(exc)
        return future


def _jobs(program: LoadedProgram, extra_characters: str) -> list[Job]:
    jobs = plan(program)
    if extra_characters:
        jobs = [
            dataclasses.replace(job, extra_characters=extra_characters,
                                key=hashlib.sha256(f"{job.key}\0{extra_characters}".encode()).hexdigest())
            for job in jobs
        ]
    return jobs


@dataclass
class Pending:
    """A build's worksheet PDFs: those the cache held, and the others being laid out in a pool."""

    program: LoadedProgram
    cache_dir: Path
    total: int
    done: dict[str, bytes]
    futures: list[tuple[Job, Future[bytes]]]

    def missing(self) -> list[str]:
        """The site paths of the PDFs still being laid out."""
        return [f"worksheets/{job.filename}" for job, _ in self.futures]

    def cancel(self) -> None:
        for _, future in self.futures:
            future.cancel()

    def result(self) -> tuple[dict[str, bytes], dict[str, int]]:
        """{"worksheets/<id>-<size>.pdf": bytes}, plus cache figures; waits for the pool."""
        out, problems = dict(self.done), []
        for job, future in self.futures:
            try:
                out[f"worksheets/{job.filename}"] = data = future.result()
            except RefusedURL as exc:
                problems.append(_refusal(self.program, job, exc))
                continue
            cache.put(self.cache_dir, job.key, data)
        if problems:
            raise ProgramError(problems)
        if self.futures:
            cache.prune(self.cache_dir)
        rendered = len(self.futures)
        return (dict(sorted(out.items())),
                {"worksheets": self.total, "rendered": rendered, "cached": self.total - rendered})


def start(program: LoadedProgram, cache_dir: Path, pool: Executor, *, extra_characters: str = "") -> Pending:
    """Take the worksheet PDFs the cache holds, and hand the others to `pool` (see `worker_pool`),
    while the caller goes on."""
    done: dict[str, bytes] = {}
    futures: list[tuple[Job, Future[bytes]]] = []
    jobs = _jobs(program, extra_characters)
    for job in jobs:
        cached = cache.get(cache_dir, job.key)
        if cached is not None:
            done[f"worksheets/{job.filename}"] = cached
        else:
            futures.append((job, pool.submit(render_pdf, job)))
    return Pending(program, cache_dir, len(jobs), done, futures)


def render_worksheets(
    program: LoadedProgram,
    cache_dir: Path,
    *,
    workers: int | None = None,
    extra_characters: str = "",
    pool: Executor | None = None,
) -> tuple[dict[str, bytes], dict[str, int]]:
    """All worksheet PDFs as {"worksheets/<id>-<size>.pdf": bytes}, plus cache figures.

    `extra_characters` go into every form font too (the packs stage passes a roster's names).
    With `pool` (see `worker_pool`), uncached PDFs are rendered there, shared with other PDFs of
    the build; else in a pool of `workers` processes (default: one per core; with one, in this
    process). A pool starts its workers only for a PDF the cache lacks.
    """
    if pool is not None:
        return start(program, cache_dir, pool, extra_characters=extra_characters).result()
    workers = workers or os.cpu_count() or 1
    with Inline() if workers <= 1 else worker_pool(workers) as own:
        return start(program, cache_dir, own, extra_characters=extra_characters).result()
