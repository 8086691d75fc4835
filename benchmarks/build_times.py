"""Build-time figures for the default program. Prints numbers; asserts nothing.

    .venv/bin/python benchmarks/build_times.py

Measures, in one run on this machine: a cold build (empty cache: worksheets and the printed
handbook), a rebuild with no change (the median of five, with and without the handbook, whose
ratio has a floor: the handbook may add at most 10 % to it), the time per worksheet page, the
handbook's layout in each paper size, and `mkdocs build` alone on the same generated pages.
"""

from __future__ import annotations

import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pypdf

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mentoring_site import booklet, engine  # noqa: E402
from mentoring_site.build import build, generate  # noqa: E402
from mentoring_site.pages import render_pages  # noqa: E402
from mentoring_site.program import load_program  # noqa: E402
from mentoring_site.siteconfig import THEME_DIR  # noqa: E402
from mentoring_site.worksheets import render_worksheets  # noqa: E402


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["MENTORING_SITE_CACHE"] = str(work / "cache")  # a cold cache of our own
        program = work / "program"
        program.mkdir()
        for name in ("content", "worksheets", "mkdocs.yml"):
            src = REPO / name
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, program / name)

        cold, generated = timed(build, program, work / "site")
        # Rebuilds with nothing changed, with the handbook and without it, taken in turns so
        # that a busy machine slows both alike.
        warm_runs: dict[bool, list[float]] = {True: [], False: []}
        timed(build, program, work / "site", booklet=False)
        for _ in range(5):
            for with_booklet in (True, False):
                warm_runs[with_booklet].append(timed(build, program, work / "site", booklet=with_booklet)[0])
        warm = statistics.median(warm_runs[True])
        warm_without = statistics.median(warm_runs[False])

        # Worksheet rendering alone, one process and all cores, cache emptied each time.
        loaded = load_program(program)
        pages = 0
        for path in generated.files:
            if path.startswith("worksheets/") and path.endswith(".pdf"):
                pages += len(pypdf.PdfReader(work.joinpath("site", path)).pages)
        serial, _ = timed(render_worksheets, loaded, work / "c1", workers=1)
        # The handbook's layout alone, one size after the other in this process.
        booklet_jobs = booklet.plan(loaded, render_pages(loaded, booklet_sizes=loaded.paper_sizes), generated.files)
        booklet_times = {job.size: timed(booklet.render_pdf, job) for job in booklet_jobs}
        parallel, (_, figures) = timed(render_worksheets, loaded, work / "c2")

        # MkDocs alone on the same generated pages.
        docs = work / "engine"
        engine.write_tree(generated.files, docs / "docs")
        engine.write_tree(dict(generated.theme_files), docs / THEME_DIR)
        engine.write_config(generated.config, docs / "mkdocs.yml")
        mk, _ = timed(engine.mkdocs_build, docs, work / "mk-site")
        gen_only, _ = timed(generate, program, pdfs=False)

    cores = os.cpu_count()
    print(f"machine: {cores} cores, Python {sys.version.split()[0]}")
    print(f"worksheet PDFs: {figures['worksheets']}, pages: {pages}")
    print(f"cold build (empty cache):          {cold:6.2f} s")
    print(f"rebuild, nothing changed:          {warm:6.2f} s  (median of 5)")
    print(f"rebuild, nothing changed, no booklet: {warm_without:6.2f} s  "
          f"(the handbook adds {warm / warm_without - 1:+.0%}; floor: at most +10 %)")
    for size, (seconds, pdf) in booklet_times.items():
        sheets = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
        print(f"handbook {size + ',':7} 1 process:       {seconds:6.2f} s  ({sheets} pages)")
    total = sum(seconds for seconds, _ in booklet_times.values())
    print(f"handbook, {len(booklet_times)} sizes, 1 process:     {total:6.2f} s")
    print(f"worksheets, 1 process:             {serial:6.2f} s  ({serial / pages * 1000:.0f} ms per page)")
    print(f"worksheets, {cores} processes:           {parallel:6.2f} s  ({parallel / pages * 1000:.0f} ms per page)")
    print(f"pages and config only (no PDFs):   {gen_only:6.2f} s")
    print(f"mkdocs build alone, same pages:    {mk:6.2f} s")


if __name__ == "__main__":
    main()
