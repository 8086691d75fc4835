"""Save-to-visible time of `mentoring-site serve` beside `mkdocs serve` on the exported site.

    .venv/bin/python benchmarks/serve_reload.py [--runs 7]

For the default program, in the system Chromium (Playwright): a practice page is open; its title
is changed in the source (ours: content/practices/mentors.yml; MkDocs': the exported Markdown
page) and the clock runs until the open page shows the new title. The two servers take turns,
each waiting for the other to be idle. Prints the median of each, their ratio, and the goal
beside it (ours at most 1.2x MkDocs'). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

import yaml  # noqa: E402

from mentoring_site.cli import main as cli  # noqa: E402
from mentoring_site.htmlsafety import MARKER_KEY  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.serving import ServeProcess  # noqa: E402

GOAL = 1.2
PRACTICE = "mentors"  # the first mentor practice's page is the one kept open


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_title(page: Any, title: str, timeout: float = 120) -> None:
    """Poll the open page (it reloads underneath) until its first heading starts with `title`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            text = page.locator("article h1").first.text_content(timeout=2000) or ""
            if text.startswith(title):
                return
        except Exception:  # the page is reloading just now
            pass
        time.sleep(0.01)
    raise TimeoutError(f"the page did not show {title!r} in {timeout} s")


class MkDocsServe:
    def __init__(self, project: Path) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-f", str(project / "mkdocs.yml"),
             "-a", f"127.0.0.1:{self.port}"],
            cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}/"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        raise TimeoutError("mkdocs serve did not start")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["MENTORING_SITE_CACHE"] = str(work / "cache")
        program = work / "program"
        program.mkdir()
        for name in ("content", "worksheets", "mkdocs.yml"):
            src = REPO / name
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, program / name)
        assert cli(["export", str(program), str(work / "export"), "-q"]) == 0  # fills the PDF cache too
        # Without `mentoring-site secure` after it, the export's pages keep the theme override's
        # placeholder policy, which blocks every script, MkDocs' reload script included: for
        # `mkdocs serve` to reload at all, the export is served without the safety marker.
        exported = work / "export/mkdocs.yml"
        settings = yaml.safe_load(exported.read_text(encoding="utf-8"))
        settings.get("extra", {}).pop(MARKER_KEY, None)
        exported.write_text(yaml.safe_dump(settings, sort_keys=False, allow_unicode=True), encoding="utf-8")

        source = program / "content/practices" / f"{PRACTICE}.yml"
        text = source.read_text(encoding="utf-8")
        practice_id = re.search(r"- id: (\S+)", text).group(1)  # type: ignore[union-attr]
        title = re.search(r"\n    title: \"?([^\"\n]+)\"?", text).group(1)  # type: ignore[union-attr]
        markdown = work / "export/docs" / PRACTICE / f"{practice_id}.md"
        page_text = markdown.read_text(encoding="utf-8")
        assert page_text.startswith(f"# {title}\n"), page_text[:80]

        ours = ServeProcess(program)
        theirs = MkDocsServe(work / "export")
        figures: dict[str, list[float]] = {"mentoring-site serve": [], "mkdocs serve": []}
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                our_page = browser.new_page()
                our_page.goto(f"{ours.url}{PRACTICE}/{practice_id}/")
                their_page = browser.new_page()
                their_page.goto(f"{theirs.url}{PRACTICE}/{practice_id}/")
                wait_for_title(our_page, title)
                wait_for_title(their_page, title)
                time.sleep(3)  # both idle
                for run in range(1, runs + 1):
                    new = f"{title} {run}"
                    start = time.perf_counter()
                    source.write_text(text.replace(f'title: "{title}"', f'title: "{new}"', 1), encoding="utf-8")
                    wait_for_title(our_page, new)
                    figures["mentoring-site serve"].append(time.perf_counter() - start)
                    # Let the rebuild end before MkDocs' turn: the default language's pages
                    # come first, the other languages' next, then the worksheets that name the
                    # practice.
                    if ours.wait_for(r"^Pages ready", timeout=120).string.endswith(" next)"):
                        ours.wait_for(r"^Pages in .* ready in", timeout=120)
                    time.sleep(0.5)
                    if any(line.startswith("Worksheets: rendering") for line in ours.lines[ours.seen:]):
                        ours.wait_for(r"^Worksheets: all \d+ ready", timeout=300)
                    time.sleep(1)

                    start = time.perf_counter()
                    markdown.write_text(page_text.replace(f"# {title}\n", f"# {new}\n", 1), encoding="utf-8")
                    wait_for_title(their_page, new)
                    figures["mkdocs serve"].append(time.perf_counter() - start)
                    time.sleep(2.5)
                browser.close()
        finally:
            ours.close()
            theirs.close()

    print(f"save-to-visible, default program, median of {runs} alternating runs (wall clock, 2-core machine):")
    medians = {}
    for name, values in figures.items():
        medians[name] = statistics.median(values)
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"{name + ':':24} {medians[name]:.2f} s   (runs: {shown})")
    ratio = medians["mentoring-site serve"] / medians["mkdocs serve"]
    verdict = "meets" if ratio <= GOAL else "misses"
    print(f"{'ratio:':24} {ratio:.2f}x   (goal: at most {GOAL}x mkdocs serve; {verdict} it)")


if __name__ == "__main__":
    main()
