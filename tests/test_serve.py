"""`mentoring-site serve`: a local preview that rebuilds when a source file changes."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from mentoring_site.cli import main


def _wait_for(proc: subprocess.Popen[str], pattern: str, timeout: float = 120) -> re.Match[str]:
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"serve stopped before printing {pattern!r}")
        match = re.search(pattern, line)
        if match:
            return match
    raise AssertionError(f"serve did not print {pattern!r} in {timeout} s")


def _page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def test_serve_previews_and_rebuilds_on_change(small: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        [sys.executable, "-m", "mentoring_site", "serve", str(small), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    ) as proc:
        try:
            url = _wait_for(proc, r"Serving on (http://127\.0\.0\.1:\d+/)").group(1)
            assert "Tiny Test Program" in _page(url)
            time.sleep(1.1)  # a new modification time, even on coarse file systems
            program = small / "content/program.yml"
            program.write_text(program.read_text().replace("Tiny Test Program", "Renamed Program"))
            _wait_for(proc, r"Change detected; rebuilding")
            _wait_for(proc, r"Published \d+ pages")
            assert "Renamed Program" in _page(url)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    assert not (small / "site").exists(), "the preview must not touch the published site"


def test_serve_on_a_busy_port_says_so(small: Path, capsys) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", str(small), "--port", str(port)]) == 2
    assert capsys.readouterr().err == (
        f"error: cannot serve on 127.0.0.1:{port}: Address already in use; choose another --port\n"
    )
