"""`mentoring-site serve`: a local preview that rebuilds on every change and reloads the open page.

- `watchfiles` (the Rust `notify` crate: inotify, FSEvents, ReadDirectoryChangesW) says which
  source files changed; nothing polls file times.
- Pages come first: the program is loaded, its pages rendered and MkDocs run, and the result is
  swapped into the preview folder (`.mentoring-site/preview`, never `site/`). In a program with
  several languages, a rebuild shows the default language's pages before it makes the others'
  (see `Builder.build`), and a page reloads only when its own language's site was replaced (each
  has its build id). The worksheets come after, in the background: their HTML is made, the PDFs
  in the cache are put in place at once, and the others are rendered by a pool of processes that
  lives as long as `serve` and runs at a lower priority than the preview; the terminal shows
  their progress, and a request for a PDF that is not in place yet waits for it.
- The standard library's HTTP server serves the preview. Into each HTML page it sends it adds,
  at response time, one external same-origin script (`/__mentoring-site/reload.js`, allowed by a
  `script-src 'self'` policy); the files on disk are left as built. The script listens to
  `/__mentoring-site/events` (Server-Sent Events), reloads the page when a newer build is ready,
  and while the program has errors shows them in a banner rendered from
  `templates/serve/banner.html.j2`.
- A failed build keeps the last good one on screen. Unknown addresses get the site's own
  404 page, with status 404.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import functools
import http.server
import ipaddress
import json
import multiprocessing
import os
import queue
import re
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from . import assets, cache, multilingual, publish, templating
from .build import Generated, Report, generate_default, generate_others, publish_site
from .engine import EngineError
from .errors import Problem, ProgramError
from .program import LoadedProgram
from .publish import UsageError
from .templating import environment, render
from .worksheets import Job, RefusedURL, _refusal, filenames, plan, render_pdf

WATCHED = ("content", "worksheets", "templates", "assets")  # assets: logos, fonts
PREFIX = "/__mentoring-site/"  # the preview's own files and events; no page of a site is there
OWN_FILES = {"reload.js": "text/javascript; charset=utf-8", "serve.css": "text/css; charset=utf-8"}
KEEPALIVE = 15.0  # seconds between comments on an idle event stream, so a closed tab is noticed


@dataclasses.dataclass(frozen=True)
class Shown:
    """One problem as the banner shows it."""

    where: str  # file:line:column, or "" for a problem without a place (MkDocs' own)
    key: str
    message: str


def say(text: str) -> None:
    """Problems, on stderr even with --quiet: whole lines at once, since several threads print
    (`print` writes the text and its newline apart)."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def shown_problems(exc: ProgramError | EngineError) -> list[Shown]:
    if isinstance(exc, ProgramError):
        return [Shown(f"{p.file}:{p.line}:{p.column}", p.key, p.message) for p in exc.problems]
    return [Shown("", "", line) for line in str(exc).splitlines() if line.strip()]


class Preview:
    """What the server shows, shared by the builder, the PDF renderer and request threads."""

    def __init__(self, root: Path, folder: Path) -> None:
        self.root = root
        self.folder = folder
        self.changed = threading.Condition()
        self.run = f"{time.time_ns():x}"  # a page from an earlier `serve` reloads too
        # The number of the publish that last replaced each language's site ("" or "es/"), counted
        # over all languages: an id is never another language's (a page of a language taken out
        # compares its id with the top one's; see reload.js).
        self.builds: dict[str, int] = {}
        self.publishes = 0
        self.languages = [""]  # the folders of the languages' sites, the default language's first
        self.version = 0  # bumped on every change a page must hear of
        self.problems: list[Shown] = []
        self.banner: str | None = None
        self.pending: set[str] = set()  # worksheet PDFs (site paths) not in place yet
        self.generation = 0  # of the site in the folder: bumped as each build's is put in place
        self.stopping = False
        self.swap = threading.Lock()  # held while the folder is replaced or a PDF written into it

    def build_id(self, folder: str = "") -> str:
        """The build id of a language's site (`folder`: "" or "es/"): a page reloads when it changes."""
        return f"{self.run}-{self.builds.get(folder, 0)}" if self.folder.is_dir() else "none"

    def language_of(self, path: str) -> str:
        """The folder of the language's site that the address `path` is in ("" or "es/")."""
        top = path.lstrip("/").split("/", 1)[0] + "/"
        return top if top in self.languages[1:] else ""

    def state(self) -> str:
        builds = {folder: self.build_id(folder) for folder in self.languages}
        return json.dumps({"build": self.build_id(), "builds": builds, "banner": self.banner})

    def _changed(self) -> None:
        self.version += 1
        self.changed.notify_all()

    def placing(self, pending: set[str], kept: Collection[str] = ()) -> int:
        """A build's site is about to replace the one shown, or to stay (called with `swap`
        held): requests for its PDFs in `pending` wait for them, and the PDF renderer's rounds
        for earlier builds may no longer write. `kept`: the folders ("es/") of languages whose
        sites stay as they are; those of their PDFs not in place yet still wait. Returns the new
        site's generation."""
        with self.changed:
            self.generation += 1
            still = {path for path in self.pending if kept and path.startswith(tuple(kept))}
            self.pending = set(pending) | still
            self.changed.notify_all()
            return self.generation

    def published(self, replaced: Collection[str], languages: list[str] | None = None) -> None:
        """A build is on show: the sites of the languages in `replaced` (their folders) are new,
        and their pages reload; `languages`: every language's folder, if the build made them all."""
        with self.changed:
            if languages is not None:
                self.languages = languages
            if replaced:
                self.publishes += 1
            for folder in replaced:
                self.builds[folder] = self.publishes
            self._set_problems([])

    def failed(self, problems: list[Shown], shown: str = "build") -> None:
        """Show `problems` in the banner; `shown`: what the preview shows meanwhile (see the
        banner template)."""
        with self.changed:
            self._set_problems(problems, shown)

    def pdf_done(self, path: str) -> None:
        with self.changed:
            self.pending.discard(path)
            self.changed.notify_all()

    def _set_problems(self, problems: list[Shown], shown: str = "build") -> None:
        self.problems = problems
        self.banner = render_banner(self.root, problems, shown) if problems else None
        self._changed()

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()


def render_banner(root: Path, problems: list[Shown], shown: str = "build") -> str:
    context: dict[str, object] = {"problems": problems, "shown": shown}
    try:
        return render(environment(root), "serve/banner.html.j2", context, root)
    except ProgramError:  # the program's own banner template is broken: show the problems anyway
        return render(environment(assets.builtin_root()), "serve/banner.html.j2", context)


def inject(page: bytes, build: str, *, base: bool = False, folder: str = "") -> bytes:
    """The page with the reload script added at the end of its head (or at its start).

    `build`: the build id of the page's language's site, whose folder ("es/") is `folder`.
    `base`: links relative to the site's top folder (the 404 page, shown at any address) are
    resolved from the server's root, where the preview lives.
    """
    tag = '<script src="{}" data-build="{}" data-folder="{}"></script>' if folder else (
        '<script src="{}" data-build="{}"></script>')
    script = str(Markup(tag).format(PREFIX + "reload.js", build, folder)).encode()
    at = page.lower().find(b"</head>")
    page = page[:at] + script + page[at:] if at >= 0 else script + page
    if base:  # before anything in the head that has an address
        head = re.search(rb"<head\b[^>]*>", page, re.IGNORECASE)
        at = head.end() if head else 0
        page = page[:at] + str(Markup('<base href="/">')).encode() + page[at:]
    return page


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    preview: Preview  # set on the subclass made for each server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _send(self, status: int, data: bytes, ctype: str, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")  # a reload must show the newest build
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _answer(self, body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        if path.startswith(PREFIX):
            self._own(path.removeprefix(PREFIX), body)
            return
        preview = self.preview
        folder = preview.language_of(path)
        # Before reading the page: a page older than its build id reloads.
        build = preview.build_id(folder)
        if not preview.folder.is_dir():
            name = self.preview.root.name
            page = render(environment(assets.builtin_root()), "serve/waiting.html.j2", {"name": name})
            self._send(503, inject(page.encode(), build), "text/html; charset=utf-8", body)
            return
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            if not path.endswith("/"):
                self.send_response(301)
                # As the browser sent it (still %-escaped), on this host: "//other.host/x" stays here.
                raw = urlsplit(self.path)
                location = "/" + raw.path.lstrip("/") + "/" + (f"?{raw.query}" if raw.query else "")
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            target = target / "index.html"
        rel = target.relative_to(Path(self.directory)).as_posix() if target.is_relative_to(self.directory) else ""
        for _ in range(2):  # again if a new build put its PDF stand-in there since the first look
            with preview.changed:  # a worksheet PDF not in place yet: answer when it is
                preview.changed.wait_for(lambda: rel not in preview.pending or preview.stopping, timeout=600)
            status = 200
            if not target.is_file():
                status, target = 404, preview.folder / "404.html"
                if not target.is_file():
                    self.send_error(404)
                    return
            try:
                data = target.read_bytes()
            except OSError:  # replaced by a newer build between the two looks
                self.send_error(404)
                return
            if data or rel not in preview.pending:
                break
        ctype = self.guess_type(str(target))
        if ctype == "text/html":
            data = inject(data, build, base=status == 404, folder=folder)
            ctype = "text/html; charset=utf-8"
        self._send(status, data, ctype, body)

    def _own(self, name: str, body: bool) -> None:
        if name == "events" and body:
            self._events()
        elif name == "state.json":
            with self.preview.changed:
                state = self.preview.state()
            self._send(200, state.encode(), "application/json", body)
        elif name in OWN_FILES:
            data = (assets.builtin_root() / "templates" / "serve" / name).read_bytes()
            self._send(200, data, OWN_FILES[name], body)
        else:
            self.send_error(404)

    def _events(self) -> None:
        """Server-Sent Events: the state now, then again on every change, until the tab closes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        preview, sent = self.preview, -1
        try:
            while True:
                with preview.changed:
                    preview.changed.wait_for(lambda sent=sent: preview.stopping or preview.version != sent, KEEPALIVE)
                    if preview.stopping:
                        return
                    version, state = preview.version, preview.state()
                if version == sent:
                    self.wfile.write(b": still here\n\n")
                else:
                    self.wfile.write(f"data: {state}\n\n".encode())
                    sent = version
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


class PreviewServer(http.server.ThreadingHTTPServer):
    """Threads per request, all joined on close; open connections are cut so none lingers."""

    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], handler: Callable[..., PreviewHandler]) -> None:
        host = address[0]
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.connections_lock:
                self.connections.discard(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):  # a browser closing early is normal
            super().handle_error(request, client_address)

    def cut_connections(self) -> None:
        """Wake threads blocked on idle connections (browsers open spare ones) so they end."""
        with self.connections_lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)


def _worker_setup(parent: int) -> None:
    """In each PDF worker: Ctrl+C (sent to the whole process group) is for the serving process,
    which stops the workers itself; a worker dies with it however it ends (Linux); and it runs at
    a lower priority, so that the next rebuild and the browser's reload are not slowed by PDFs."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):  # os.nice: not on Windows
        os.nice(10)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it ended before that took hold
        os._exit(0)


class PdfRenderer:
    """Puts every worksheet PDF of a build into the preview, in the background, one round per
    build: makes their HTML, takes those in the cache, renders the others.

    A new round replaces the one in progress: jobs not started are dropped, jobs under way still
    finish into the cache (keyed by content, so a later round may use them).
    """

    def __init__(self, preview: Preview, report: Report) -> None:
        self.preview = preview
        self.report = report
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.pool: ProcessPoolExecutor | None = None
        self.last: dict[str, str] = {}  # site path -> key of the PDF last put there
        self.cache = cache.folder("worksheets")
        self.thread = threading.Thread(target=self._loop, name="worksheet-pdfs")
        self.thread.start()

    def start(self, editions: list[tuple[str, LoadedProgram]], generation: int) -> None:
        """Make the worksheet PDFs of every language's site (its folder, "" or "es/", and its
        program) for the site of `generation` (the build they are for; see Preview.placing): those
        in the cache are put in place at once, the others as each is laid out."""
        self.events.put(("round", (editions, generation)))

    def stop(self) -> None:
        """Drop the PDFs not started and end the workers, those under way included."""
        self.events.put(("stop", None))
        self.thread.join()
        if self.pool is None:
            return
        kill = getattr(self.pool, "kill_workers", None)  # Python 3.14
        if kill is not None:
            kill()
        else:  # before 3.14 there is no public way to end a worker in the middle of a PDF
            for process in list(getattr(self.pool, "_processes", {}).values()):
                process.kill()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _pool(self, size: int) -> ProcessPoolExecutor:
        if self.pool is None:
            # spawn: this process has threads, which a forked child must not inherit
            context = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(size, mp_context=context, initializer=_worker_setup,
                                            initargs=(os.getpid(),))
        return self.pool

    def _done(self, job: Job, future: Future[bytes]) -> None:
        if future.cancelled():
            return
        exc = future.exception()
        if exc is None:
            self.events.put(("pdf", (job, future.result())))
        else:
            self.events.put(("refused" if isinstance(exc, RefusedURL) else "failed", (job, exc)))

    def _loop(self) -> None:
        folder = self.cache
        workers = max(1, min(os.cpu_count() or 1, 4))
        todo: list[Job] = []
        wanted: dict[str, Job] = {}  # key -> job of the current round
        folders: dict[str, list[str]] = {}  # key -> the languages' folders its PDF goes to
        running: set[str] = set()
        done = total = 0
        started = 0.0
        problems: list[Problem] = []
        program: LoadedProgram | None = None
        generation = 0
        while True:
            kind, value = self.events.get()
            if kind == "stop":
                return
            if kind == "round":
                if value[1] != self.preview.generation:  # a newer build's site is on show already,
                    todo, wanted = [], {}  # and its own round follows: the earlier work is dropped
                    continue
                editions, generation = value
                program = editions[0][1]
                placed = self._plan(editions, generation)
                folders = {}
                for where, job in placed:  # a PDF the same in two languages is rendered once
                    folders.setdefault(job.key, []).append(where)
                jobs = list({job.key: job for _, job in placed}.values())
                fresh = []  # those not in the cache
                cached = []  # and those in it, put in place together
                for job in jobs:
                    pdf = cache.get(folder, job.key)
                    if pdf is None:
                        fresh.append(job)
                    else:
                        cached.append((job, pdf, folders[job.key]))
                self._place(cached, generation)
                todo = [job for job in fresh if job.key not in running]
                wanted = {job.key: job for job in fresh}
                done, total, problems, started, kept = 0, len(fresh), [], time.perf_counter(), 0
                if fresh:
                    self.report(f"Worksheets: rendering {total} PDF{'s' if total != 1 else ''} in the background")
            elif kind in ("pdf", "refused"):
                job, result = value
                running.discard(job.key)
                if kind == "pdf":
                    cache.put(folder, job.key, result)
                # A result for a site a newer build has replaced waits for that build's round.
                if job.key in wanted and (kind == "refused" or self._place([(job, result, folders.get(job.key, [""]))],
                                                                          generation)):
                    del wanted[job.key]
                    done += 1
                    if kind == "pdf":
                        self.report(f"Worksheets: {done} of {total} ready ({job.filename})")
                    else:
                        assert program is not None
                        problems.append(_refusal(program, job, result))
                        kept += self._keep_last(
                            [f"{where}worksheets/{job.filename}" for where in folders.get(job.key, [""])], generation)
                    if not wanted:
                        if problems:
                            self._failed(problems, generation, kept)
                            for problem in sorted(problems):
                                say(str(problem))
                        else:
                            self.report(f"Worksheets: all {total} ready in {time.perf_counter() - started:.1f} s")
                        cache.prune(folder)
            elif kind == "failed":  # a fault of this tool, not of the program: say so, loudly
                job, exc = value
                running.discard(job.key)
                if wanted.pop(job.key, None) is not None:
                    self._keep_last([f"{where}worksheets/{job.filename}" for where in folders.get(job.key, [""])],
                                    generation)
                say(f"error: worksheet {job.filename} could not be rendered: {exc!r}")
            while todo and len(running) < workers:
                job = todo.pop(0)
                cached = cache.get(folder, job.key)
                if cached is not None:  # made meanwhile by an earlier round
                    self.events.put(("pdf", (job, cached)))
                    running.add(job.key)
                    continue
                running.add(job.key)
                future = self._pool(workers).submit(render_pdf, job)
                future.add_done_callback(functools.partial(self._done, job))

    def _plan(self, editions: list[tuple[str, LoadedProgram]], generation: int) -> list[tuple[str, Job]]:
        """Every language's worksheet jobs, each with its language's folder. A language whose
        worksheet templates have mistakes keeps its last good PDFs (without one, a PDF is left
        out, so that it is not found rather than empty), and its mistakes go to the banner (the
        pages built without them are on show already)."""
        placed: list[tuple[str, Job]] = []
        problems: list[Problem] = []
        kept = 0
        for where, program in editions:
            try:
                placed += [(where, job) for job in plan(program)]
            except ProgramError as exc:
                problems += exc.problems
                kept += self._keep_last([f"{where}worksheets/{name}" for name in filenames(program)], generation)
        if problems and self._failed(problems, generation, kept):
            then = "The preview still shows the last good worksheet PDFs." if kept else (
                "Its worksheet PDFs are made once that is fixed.")
            say(f"{ProgramError(problems)}\n{then}")
        return placed

    def _place(self, made: list[tuple[Job, bytes, list[str]]], generation: int) -> bool:
        """Put made PDFs (each with the languages' folders it goes to) into the preview, if its
        site is still the one of `generation`, and answer the requests waiting for them."""
        pdfs = {f"{folder}worksheets/{job.filename}": pdf for job, pdf, where in made for folder in where}
        if not made or not self._write(pdfs, generation):
            return False
        for job, _, where in made:
            for folder in where:
                self.last[f"{folder}worksheets/{job.filename}"] = job.key
        self._release(list(pdfs), generation)
        return True

    def _release(self, paths: list[str], generation: int) -> None:
        """Answer the requests waiting for `paths`, if they are still the site of `generation`'s."""
        with self.preview.swap:
            if self.preview.generation == generation:
                for path in paths:
                    self.preview.pdf_done(path)

    def _keep_last(self, paths: list[str], generation: int) -> int:
        """For PDFs that cannot be made: the last good ones this session put at `paths`, where
        there are any, else nothing (not found rather than an empty stand-in); then answer the
        requests waiting for them. Returns how many last good ones there were."""
        last = {path: cache.get(self.cache, self.last[path]) if path in self.last else None for path in paths}
        if not self._write(last, generation):
            return 0
        self._release(paths, generation)
        return sum(pdf is not None for pdf in last.values())

    def _failed(self, problems: list[Problem], generation: int, kept: int) -> bool:
        """Show `problems` in the banner if the site of `generation` is still the one shown (a
        newer build's clears the banner, and its round finds them again); `kept`: how many last
        good PDFs are on show."""
        with self.preview.swap:
            if self.preview.generation != generation:
                return False
            self.preview.failed([Shown(f"{p.file}:{p.line}:{p.column}", p.key, p.message) for p in sorted(problems)],
                                "pdfs" if kept else "no pdfs")
            return True

    def _write(self, pdfs: dict[str, bytes | None], generation: int) -> bool:
        """Write PDFs to their paths in the preview (None: remove what is there) if its site is
        still the one of `generation` (a file that holds its PDF already is left alone)."""
        targets = {self.preview.folder / path: pdf for path, pdf in pdfs.items()}
        with self.preview.swap:
            if self.preview.generation != generation or not all(t.parent.is_dir() for t in targets):
                return False
            changed = False
            for target, pdf in targets.items():
                if pdf is None:
                    with contextlib.suppress(FileNotFoundError):
                        target.unlink()
                        changed = True
                    continue
                with contextlib.suppress(OSError):
                    if target.stat().st_size == len(pdf) and target.read_bytes() == pdf:
                        continue
                fd, tmp = tempfile.mkstemp(prefix=".pdf-", dir=target.parent)
                with os.fdopen(fd, "wb") as out:
                    out.write(pdf)
                os.chmod(tmp, 0o644)
                os.replace(tmp, target)
                changed = True
            if changed:
                publish.refresh(self.preview.folder)  # so that the next build may keep the other languages
        return True


class Builder:
    """Builds the pages into the preview folder, then hands the worksheets to the renderer.

    A program in several languages is rebuilt a language at a time once its first build is on
    show: the default language's pages are put in place first, with the other languages' sites
    left as they are, then the others' (see `build`).
    """

    def __init__(self, preview: Preview, renderer: PdfRenderer, report: Report, verbose: bool) -> None:
        self.preview = preview
        self.renderer = renderer
        self.report = report
        self.verbose = verbose
        self.others: list[Generated] | None = None  # the other languages' sites, as last put in place

    def build(self, ready: Callable[[], None] = lambda: None) -> bool:
        """Build the pages; `ready` runs once they are on show, before the PDFs start.

        With other languages, the default language's pages are shown first, as soon as they are
        made: most edits are to its pages, which are the ones open. Their language switchers lead
        to the pages the other languages had at their last build; the other languages are made
        next, and a page the default language's site links differently then is put in place again.
        """
        started = time.perf_counter()
        quiet: Report = self.report if self.verbose else lambda _: None
        # The printed handbook is left out of the preview: `build` makes it. The worksheets' HTML
        # is made with their PDFs, after the pages are on show (see PdfRenderer).
        options: dict[str, Any] = {"pdfs": False, "booklet": False, "worksheets": False, "report": quiet}
        alone_generation: int | None = None  # of the default language's site, if put in place alone
        try:
            first = generate_default(self.preview.root, **options)
            with self.preview.swap:  # the PDF renderer does not change the preview meanwhile
                keep = self._others_kept(first)
                if keep:
                    assert self.others is not None
                    as_before = [Generated(o.program, {p: "" for p in o.files if p.endswith(".md")}, {})
                                 for o in self.others]
                    multilingual.link([first, *as_before])  # linked again below, once the others are made
                    # Changed since `_others_kept` looked (by another `serve` of the program, say):
                    # every language is put in place at once below, as in a first build.
                    with contextlib.suppress(publish.NotAsPublished):
                        alone_generation = self._publish([first], keep)
            if alone_generation is not None:
                later = ", ".join(multilingual.language_name(code) for code in first.program.languages[1:])
                same = " unchanged" if first.program.language in first.stats["kept"] else ""
                self.report(f"Pages ready in {time.perf_counter() - started:.1f} s "
                            f"({first.stats['pages']} pages{same}; {later} next)")
            generate_others(first, **options)
            with self.preview.swap:
                generation = self._publish(first.editions)
        except (ProgramError, EngineError) as exc:
            # Problems go to stderr even with --quiet: the user is waiting for this rebuild.
            if alone_generation is None:
                self.preview.failed(shown_problems(exc))
                say(f"{exc}\nThe preview still shows the last good build.")
                return False
            self.preview.failed(shown_problems(exc), "others")
            say(f"{exc}\nThe preview shows the new pages in {multilingual.language_name(first.program.language)} "
                "and the last good build of the other languages.")
            # The PDFs of the pages on show: the default language's new ones, the others' last good ones.
            self.renderer.start([(e.folder, e.program) for e in [first, *(self.others or [])]], alone_generation)
            return False
        self.others = first.others
        seconds = time.perf_counter() - started
        if alone_generation is None:
            self.report(f"Pages ready in {seconds:.1f} s ({sum(e.stats['pages'] for e in first.editions)} pages)")
        else:
            later = ", ".join(multilingual.language_name(o.program.language) for o in first.others)
            pages = sum(o.stats["pages"] for o in first.others)
            self.report(f"Pages in {later} ready in {seconds:.1f} s ({pages} pages)")
        ready()
        self.renderer.start([(e.folder, e.program) for e in first.editions], generation)
        return True

    def _others_kept(self, first: Generated) -> list[str]:
        """The folders of the other languages' sites, if the default language's may be put in
        place before them: they are the languages of the last build, which are on show as it
        published them (else none: every language is put in place at once). Called with the
        preview's `swap` lock held."""
        codes = first.program.languages[1:]
        if not codes or self.others is None or [o.program.language for o in self.others] != codes:
            return []
        folders = [o.folder for o in self.others]
        recorded = publish.published(self.preview.folder)
        return folders if all(folder in recorded for folder in ["", *folders]) else []

    def _publish(self, editions: list[Generated], keep: list[str] | None = None) -> int:
        """Put the sites of `editions` (every language's, or the default language's alone with
        the folders of the others in `keep`) in place in the preview; returns the generation of
        the site on show (see Preview.placing). Called with the preview's `swap` lock held."""
        pending: set[str] = set()  # every worksheet PDF, until the renderer has put it in place
        copies = []
        for edition in editions:
            # MkDocs must find every linked file: an empty stand-in for each PDF. The stand-ins
            # keep a language's input the same whatever its PDFs hold, so that a language
            # nothing changed in is kept (its PDFs, put in place since, with it).
            files = dict(edition.files)
            for name in filenames(edition.program):
                files[f"worksheets/{name}"] = b""
                pending.add(f"{edition.folder}worksheets/{name}")
            # The preview is served from the server's root, wherever site.url says the site will
            # live; without site.url the 404 page's links are relative, and `inject` gives it a base.
            config = {key: value for key, value in edition.config.items() if key != "site_url"}
            copies.append(dataclasses.replace(edition, files=files, config=config, others=[]))
        shown = dataclasses.replace(copies[0], others=copies[1:])
        generation = 0

        def placing() -> None:
            nonlocal generation
            generation = self.preview.placing(pending, keep or ())

        publish_site(shown, self.preview.folder, verbose=self.verbose, bytecode_cache=templating.BYTECODE_CACHE,
                     before_swap=placing, keep=keep or ())
        kept = shown.stats["kept"]
        self.preview.published([e.folder for e in editions if e.program.language not in kept],
                               None if keep else [e.folder for e in editions])
        return generation


def _watch(root: Path, stop: threading.Event, changes: queue.Queue[set[str]]) -> list[threading.Thread]:
    """Threads that put the names of changed source files into `changes`.

    The folders in WATCHED are watched with everything in them; the program folder itself only
    for those folders appearing or going (the rest of it, site/ and .venv/ say, is not ours).
    """
    import watchfiles

    def top_level(_change: Any, path: str) -> bool:
        return Path(path).name in WATCHED and Path(path).parent == root

    def folders() -> list[Path]:
        return [root / name for name in WATCHED if (root / name).is_dir()]

    restart = threading.Event()
    # Set once the folders as they are now are watched: a folder that appears is reported only
    # then, so that an edit saved after the rebuild it starts is never missed (one saved while
    # the watch started over was: the watcher of the folder's files was not in place yet).
    watching = threading.Event()

    class Either:  # watchfiles asks is_set() every step: stop for good, or start over
        def is_set(self) -> bool:
            return stop.is_set() or restart.is_set()

    def inside() -> None:
        try:
            watch_inside()
        finally:
            watching.set()  # the root watcher is not left waiting when serve stops

    def watch_inside() -> None:
        while not stop.is_set():
            restart.clear()
            watched = folders()
            if not watched:
                watching.set()
                stop.wait(0.5)  # nothing to watch until the root watcher sees a folder appear
                continue
            # A step without changes ends after rust_timeout (ms), so the first one says the
            # watch is in place.
            for batch in watchfiles.watch(*watched, stop_event=Either(), raise_interrupt=False, debounce=400,
                                          rust_timeout=100, yield_on_timeout=True):
                if not restart.is_set():  # not the watch that is being started over
                    watching.set()
                if batch:
                    changes.put({path for _, path in batch})

    def outside() -> None:
        for batch in watchfiles.watch(root, recursive=False, watch_filter=top_level, stop_event=stop,
                                      raise_interrupt=False, debounce=400):
            watching.clear()
            restart.set()
            waited = time.monotonic() + 5
            while not watching.wait(0.05) and not stop.is_set() and time.monotonic() < waited:
                pass
            changes.put({path for _, path in batch})

    threads = [threading.Thread(target=inside, name="watch-sources"),
               threading.Thread(target=outside, name="watch-root")]
    for thread in threads:
        thread.start()
    return threads


class Stop(Exception):
    """SIGTERM: stop as on Ctrl+C."""


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(_signum: int, _frame: Any) -> None:
        raise Stop

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """A second Ctrl+C while stopping must not cut the stopping short (and leave threads behind)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    root: Path, *, port: int = 8000, host: str = "127.0.0.1", report: Report, verbose: bool = False,
    warn: Callable[[str], None] | None = None,
) -> None:
    """Serve a live preview of the program in `root` until Ctrl+C (or SIGTERM)."""
    warn = warn or (lambda message: say(f"warning: {message}"))
    folder = root / ".mentoring-site" / "preview"
    publish.check_site_dir(root, folder, option="")  # the preview folder is not the user's choice
    # Templates are compiled once for the session, again only when their source changes.
    templating.BYTECODE_CACHE = templating.MemoryBytecodeCache()
    preview = Preview(root, folder)
    handler = type("Handler", (PreviewHandler,), {"preview": preview})
    try:
        server = PreviewServer((host, port), functools.partial(handler, directory=str(folder)))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UsageError(f"cannot serve on {host}:{port}: {reason}; choose another --port") from None
    if not is_loopback(host):
        warn(f"serving on {host} exposes the preview, unpublished pages and worksheets included, "
             "to every machine that can reach this one")
    stop = threading.Event()
    changes: queue.Queue[set[str]] = queue.Queue()
    threads = [threading.Thread(target=server.serve_forever, name="http")]
    threads[0].start()
    renderer = PdfRenderer(preview, report)
    try:
        with _stop_on_sigterm():
            threads += _watch(root, stop, changes)
            builder = Builder(preview, renderer, report, verbose)
            shown = f"[{host}]" if ":" in host else host

            def ready() -> None:
                report(f"Serving on http://{shown}:{server.server_port}/ (Ctrl+C to stop); "
                       f"watching {', '.join(WATCHED)}")

            if not builder.build(ready):
                ready()
            while True:
                try:
                    changed = changes.get(timeout=1.0)
                except queue.Empty:
                    continue
                # An editor's save is often several writes: the watcher gives those together (it
                # waits until 50 ms pass without another), and any that came since are taken too.
                while not changes.empty():
                    changed |= changes.get_nowait()
                report(f"Changed: {_names(root, changed)}; rebuilding")
                builder.build()
    except (KeyboardInterrupt, Stop):
        report("Stopping the preview.")
    finally:
        with _uninterrupted():
            stop.set()
            preview.stop()
            server.shutdown()
            server.cut_connections()
            server.server_close()  # joins every request thread
            renderer.stop()
            for thread in threads:
                thread.join()


def _names(root: Path, changed: set[str]) -> str:
    """The changed files for the terminal; an editor's short-lived temporary files left out."""
    existing = sorted(Path(p).relative_to(root).as_posix() for p in changed if Path(p).exists())
    if not existing:
        return "files removed"
    return ", ".join(existing[:3]) + (f" and {len(existing) - 3} more" if len(existing) > 3 else "")

