"""Run `mentoring-site serve` in a subprocess and read what it prints while it runs."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path


def _hears_ctrl_c() -> None:
    """In the child: Ctrl+C stops it, even when this process was started in the background by
    a shell, which makes background jobs ignore SIGINT (and the ignoring is inherited)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class ServeProcess:
    """`mentoring-site serve DIR --port 0` with its output (stdout and stderr) collected as it comes."""

    def __init__(self, program: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.lines: list[str] = []
        self.seen = 0  # lines already matched by wait_for
        self.changed = threading.Condition()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mentoring_site", "serve", str(program), "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1", **(env or {})},
            preexec_fn=_hears_ctrl_c,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.url = self.wait_for(r"Serving on (http://127\.0\.0\.1:\d+/)").group(1)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        """The first line after those already matched that matches `pattern`."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for i in range(self.seen, len(self.lines)):
                    match = re.search(pattern, self.lines[i])
                    if match:
                        self.seen = i + 1
                        return match
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self.reader.is_alive()):
                    raise AssertionError(f"serve did not print {pattern!r}; it printed:\n" + "\n".join(self.lines))
                self.changed.wait(min(left, 0.5))

    def children(self) -> list[int]:
        pids: list[int] = []
        for task in Path(f"/proc/{self.proc.pid}/task").glob("*/children"):
            pids += [int(pid) for pid in task.read_text().split()]
        return pids

    def interrupt(self, timeout: float = 20) -> int:
        """Ctrl+C, as a person stops it; the exit code."""
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout=timeout)
        self.reader.join(timeout=5)
        return code

    def close(self) -> None:
        """Stop it as a person would (Ctrl+C); if that fails, have it print where its threads are
        (faulthandler), kill it and whatever it started, and say so."""
        stuck = False
        if self.proc.poll() is None:
            workers = self.children()
            try:
                self.interrupt()
            except subprocess.TimeoutExpired:
                stuck = True
                self.proc.send_signal(signal.SIGABRT)
                time.sleep(2)
                self.proc.kill()
                self.proc.wait()
                for pid in workers:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
        self.reader.join(timeout=5)
        assert self.proc.stdout is not None
        if not self.reader.is_alive():  # closing a pipe another thread reads would wait for it
            self.proc.stdout.close()
        assert not stuck, "serve did not stop on Ctrl+C:\n" + "\n".join(self.lines)


def left_behind(pids: list[int], grace: float = 10) -> list[int]:
    """The processes of `pids` still there after `grace` seconds. Multiprocessing's resource
    tracker ends once the process that started it has, a moment after it, not with it."""
    deadline = time.monotonic() + grace
    while any(not gone(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [pid for pid in pids if not gone(pid)]


def gone(pid: int) -> bool:
    """No such process any more (a zombie waiting for its new parent to reap it counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status
