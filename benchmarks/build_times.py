"""Build-time figures for the default program. Prints numbers; asserts nothing.

    .venv/bin/python benchmarks/build_times.py

Measures, in one run on this machine: a cold build (empty worksheet cache), a rebuild with no
change, the time per worksheet page and per worksheet PDF (WeasyPrint's layout plus the forms
stage, and the forms stage alone), `mkdocs build` alone on the same generated pages, and the
HTML safety stage (sanitiser and Content-Security-Policy) within the rebuild.
Also: the printed handbook's layout in each paper size, and a no-change rebuild with and
without it (the median of five, in turns; floor: the handbook adds at most 10 %).
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

from mentoring_site import booklet, engine, forms  # noqa: E402
from mentoring_site.build import build, generate  # noqa: E402
from mentoring_site.pages import render_pages  # noqa: E402
from mentoring_site.program import load_program  # noqa: E402
from mentoring_site.siteconfig import THEME_DIR  # noqa: E402
from mentoring_site.worksheets import layout_pdf, plan, render_worksheets  # noqa: E402


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
        _, rebuilt = timed(build, program, work / "site")
        safety = rebuilt.stats["safety_seconds"]  # type: ignore[attr-defined]

        # Worksheet rendering alone, one process and all cores, cache emptied each time.
        loaded = load_program(program)
        pages = 0
        for path in generated.files:
            if path.startswith("worksheets/") and path.endswith(".pdf"):
                pages += len(pypdf.PdfReader(work.joinpath("site", path)).pages)
        serial, _ = timed(render_worksheets, loaded, work / "c1", workers=1)
        # One worksheet at a time: WeasyPrint's layout, then the forms stage on its output.
        layout_s = forms_s = 0.0
        jobs = plan(loaded)
        for job in jobs:
            took, raw = timed(layout_pdf, job)
            layout_s += took
            took, _ = timed(forms.finish, raw, job.sheet, language=job.language)
            forms_s += took
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
    each = len(jobs)
    print(f"one worksheet PDF, layout + forms: {(layout_s + forms_s) / each:6.2f} s  (mean of {each})")
    print(f"forms stage alone, per PDF:        {forms_s / each:6.2f} s  ({forms_s / each * 1000:.0f} ms)")
    print(f"pages and config only (no PDFs):   {gen_only:6.2f} s")
    print(f"mkdocs build alone, same pages:    {mk:6.2f} s")
    print(f"HTML safety stage, in the rebuild: {safety:6.2f} s  ({safety / warm * 100:.0f}% of it; goal: under 15%)")


if __name__ == "__main__":
    main()
