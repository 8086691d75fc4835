"""`mentoring-site serve`: build, serve on 127.0.0.1, rebuild when a source file changes.

The preview leaves out the printed handbook unless asked (`booklet=True`, `serve --booklet`), so
that a rebuild stays quick."""

from __future__ import annotations

import functools
import http.server
import sys
import threading
import time
from pathlib import Path

from .build import Report, build
from .engine import EngineError
from .errors import ProgramError
from .publish import UsageError

WATCHED = ("content", "worksheets", "templates", "assets", "mkdocs.yml")  # assets: logos, fonts


def snapshot(root: Path) -> dict[Path, float]:
    files: dict[Path, float] = {}
    for name in WATCHED:
        target = root / name
        paths = [target] if target.is_file() else (p for p in target.rglob("*") if p.is_file())
        for path in paths:
            try:
                files[path] = path.stat().st_mtime
            except OSError:
                continue
    return files


def serve(
    root: Path, *, port: int = 8000, report: Report, verbose: bool = False, poll: float = 1.0, booklet: bool = False
) -> None:
    site = root / ".mentoring-site" / "preview"
    handler = functools.partial(QuietHandler, directory=str(site))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise UsageError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror}; choose another --port") from None
    try:
        build(root, site, report=report, verbose=verbose, option="", booklet=booklet)
    except BaseException:
        server.server_close()
        raise
    threading.Thread(target=server.serve_forever, daemon=True).start()
    report(f"Serving on http://127.0.0.1:{server.server_port}/ (Ctrl+C to stop); watching {', '.join(WATCHED)}")
    seen = snapshot(root)
    try:
        while True:
            time.sleep(poll)
            now = snapshot(root)
            if now == seen:
                continue
            seen = now
            report("Change detected; rebuilding")
            try:
                build(root, site, report=report, verbose=verbose, option="", booklet=booklet)
            except (ProgramError, EngineError) as exc:
                # Problems go to stderr even with --quiet: the user is waiting for this rebuild.
                print(f"{exc}\nThe preview still shows the last good build.", file=sys.stderr, flush=True)
    finally:
        server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass
