"""Message catalog figures. Prints numbers beside their floors; asserts nothing.

    .venv/bin/python benchmarks/messages.py

- reading the Spanish catalog cold (checking its syntax, Babel's parse, the format checks):
  floor 50 ms, as a build in Spanish reads it once;
- asking for it again, as every template environment and page context of a build (and each
  rebuild of `serve`) does: a few stat calls, floor 0.2 ms;
- the page stage of the default program in Spanish against English: the lookups add at most
  10 % (the median of five, in turns).
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mentoring_site import messages  # noqa: E402
from mentoring_site.pages import render_pages  # noqa: E402
from mentoring_site.program import load_program  # noqa: E402


def line(what: str, seconds: float, floor: float | None = None) -> None:
    if floor is None:
        print(f"{what:<58} {seconds * 1000:8.2f} ms")
        return
    verdict = "ok" if seconds <= floor else "OVER"
    print(f"{what:<58} {seconds * 1000:8.2f} ms   floor {floor * 1000:6.1f} ms   {verdict}")


def main() -> None:
    cold = []
    for _ in range(5):
        messages._CACHE.clear()
        start = time.perf_counter()
        messages.catalog(REPO, "es")
        cold.append(time.perf_counter() - start)
    line("es.po read cold (median of 5)", statistics.median(cold), 0.050)
    start = time.perf_counter()
    for _ in range(1000):
        messages.catalog(REPO, "es")
    line("es.po asked for again (mean of 1000)", (time.perf_counter() - start) / 1000, 0.0002)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "program"
        root.mkdir()
        for name in ("content", "worksheets", "mkdocs.yml"):
            (shutil.copytree if (REPO / name).is_dir() else shutil.copy2)(REPO / name, root / name)
        yml = root / "content/program.yml"
        text = yml.read_text(encoding="utf-8")
        if "languages:" not in text:
            text = text.replace("  language: en\n", "  languages: [en, es]\n", 1)
        yml.write_text(text, encoding="utf-8")
        programs = {code: load_program(root, language=code) for code in ("en", "es")}
        times: dict[str, list[float]] = {"en": [], "es": []}
        for _ in range(5):
            for code, program in programs.items():
                start = time.perf_counter()
                render_pages(program)
                times[code].append(time.perf_counter() - start)
        en, es = statistics.median(times["en"]), statistics.median(times["es"])
        line("page stage, default program, English (median of 5)", en)
        line("page stage, default program, Spanish (median of 5)", es, en * 1.10)


if __name__ == "__main__":
    main()
