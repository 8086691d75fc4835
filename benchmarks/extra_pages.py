"""Build time against the number of extra pages. Prints numbers; asserts nothing.

    .venv/bin/python benchmarks/extra_pages.py            # 1,000 and 5,000 pages
    .venv/bin/python benchmarks/extra_pages.py 200 400    # any counts

For each count, a copy of the small test program gets that many generated pages in
`content/pages/` (a heading, a sentence and a link to the next page), and this prints:

- `mentoring-site build` of it (worksheet PDFs already cached, so this is pages and MkDocs);
- the floor: plain `mkdocs build` of the same pages as `mentoring-site export` writes them,
  with no plugin of ours, so what MkDocs and the theme need anyway;
- the time per page of each, which stays flat when the build is linear.

Each figure is wall-clock seconds and, in brackets, the CPU seconds of this process: on a
shared machine the wall clock also counts waiting for a core or the disk.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mentoring_site import engine  # noqa: E402
from mentoring_site.build import build, export  # noqa: E402

SMALL = REPO / "tests" / "fixtures" / "small"


def program_with_pages(folder: Path, count: int) -> Path:
    """The small test program plus `count` extra pages that link to one another."""
    shutil.copytree(SMALL, folder)
    pages = folder / "content" / "pages"
    for i in range(count):
        (pages / f"page-{i:05d}.md").write_text(
            f"# Page {i}\n\nSome words about topic {i}. See [the next one](page-{(i + 1) % count:05d}.md).\n",
            encoding="utf-8",
        )
    return folder


def timed(fn, *args, **kwargs) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Wall-clock and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn(*args, **kwargs)
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(work: Path, count: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """Seconds for our build and for plain MkDocs on the exported pages."""
    program = program_with_pages(work / f"program-{count}", count)
    ours = timed(build, program, work / f"site-{count}")
    exported = work / f"export-{count}"
    export(program, exported)
    floor = timed(engine.mkdocs_build, exported, work / f"mkdocs-site-{count}")
    return ours, floor


def shown(seconds: tuple[float, float], count: int) -> str:
    wall, cpu = seconds
    return f"{wall:7.2f} s ({cpu:6.2f} s CPU), {wall / count * 1000:5.1f} ms/page"


def main(counts: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["MENTORING_SITE_CACHE"] = str(work / "cache")
        build(program_with_pages(work / "warm-up", 1), work / "warm-up-site")  # renders the one PDF
        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
        print(f"{'extra pages':>11}  {'mentoring-site build':<41}  floor: plain mkdocs build")
        for count in counts:
            ours, floor = measure(work, count)
            print(f"{count:>11,}  {shown(ours, count)}  {shown(floor, count)}", flush=True)

if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 5000])
