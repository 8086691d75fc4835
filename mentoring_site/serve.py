"""`mentoring-site serve`: build, serve on 127.0.0.1, rebuild when a source file changes."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path

from .build import Report, build
from .engine import EngineError
from .errors import ProgramError

WATCHED = ("content", "worksheets", "templates", "mkdocs.yml")


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


def serve(root: Path, *, port: int = 8000, report: Report, verbose: bool = False, poll: float = 1.0) -> None:
    site = root / ".mentoring-site" / "preview"
    build(root, site, report=report, verbose=verbose)
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
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
                build(root, site, report=report, verbose=verbose)
            except ProgramError as exc:
                report(f"{exc}\nThe preview still shows the last good build.")
            except EngineError as exc:
                report(f"{exc}\nThe preview still shows the last good build.")
    finally:
        server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass
