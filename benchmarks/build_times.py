"""Build-time figures for the default program. Prints numbers; asserts nothing.

    .venv/bin/python benchmarks/build_times.py

Measures, in one run on this machine: a cold build (empty worksheet cache), a rebuild with no
change, the time per worksheet page and per worksheet PDF (WeasyPrint's layout plus the forms
stage, and the forms stage alone), `mkdocs build` alone on the same generated pages, and the
HTML safety stage (sanitiser and Content-Security-Policy) within a rebuild into a new folder.
Also: the printed handbook's layout in each paper size, and a no-change rebuild with and
without it (the median of `--runs`, five by default, in turns; floor: the handbook adds at most 10 %).

Then the goals of issue 15, each beside its floor, taken in turns with the floor (`--runs`,
default 5; the median of each; `--cold-runs` for the cold build, default 5), for the program in
every language (English and Spanish) and its export (mkdocs.yml and mkdocs.es.yml):

- a no-change `build` (a fresh process, as a user runs it), against plain `mkdocs build` of the
  exported pages, every language (`mkdocs build && mkdocs build -f mkdocs.es.yml`): CPU seconds
  of the processes and their workers; goal at most 1.1x;
- `build --no-booklet` after an edit to one practice's text (the printed handbook prints every
  page, so it is laid out again after any edit to one), against the same `mkdocs build` after
  the same edit to the exported page: CPU seconds; goal at most 1.2x;
- a cold build (empty cache, no site) against the parallel floor: MkDocs on the export and
  WeasyPrint laying out every PDF of the build (one process per core, the handbooks first, as
  the build orders them), started at once; wall-clock seconds (both use every core); goal at
  most 1.0x. `--cold-runs 0` leaves this round out (the test suite does: it takes minutes).
  The floor's WeasyPrint runs as it comes; the build's holds Python's cycle collector off until
  each layout's end (worksheets.collected_after), which takes a tenth off every PDF's CPU time:
  the figures print both.

`serve`'s save-to-visible time is benchmarks/serve_reload.py's.
"""

from __future__ import annotations

import argparse
import io
import os
import pickle
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
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


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(*command: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a command to its end: (wall seconds, CPU seconds of it and every process it waited for)."""
    cpu, start = children_cpu(), time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start, children_cpu() - cpu


BIN = Path(sys.executable).parent
OURS = (sys.executable, "-m", "mentoring_site", "build", "-q")
# A practice's text that only its own page (and the printed handbook) shows.
EDITED = ("content/practices/mentors.yml", "mentors/break-the-ice.md", "Time spent here is not time lost.")
# The floor's WeasyPrint: every PDF's layout, in one process per core (as the build's pool), as
# WeasyPrint runs it (`__wrapped__`: without the build's hold on the cycle collector).
PDF_WORKER = """
import os, pickle, sys
from concurrent.futures import ProcessPoolExecutor
from mentoring_site import booklet, worksheets
def layout(item):
    kind, job = item
    (worksheets.layout_pdf if kind == "worksheet" else booklet.render_pdf).__wrapped__(job)
if __name__ == "__main__":
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        list(pool.map(layout, pickle.load(open(sys.argv[1], "rb"))))
"""


def mkdocs_floor(export: Path) -> tuple[float, float]:
    """Plain `mkdocs build` of every language's exported pages, one configuration after the other."""
    wall = cpu = 0.0
    # mkdocs.yml first: it empties site/ (sorted by name, mkdocs.es.yml would come first)
    for config in sorted(export.glob("mkdocs*.yml"), key=lambda path: (path.name != "mkdocs.yml", path.name)):
        took = run(str(BIN / "mkdocs"), "build", "-q", "-f", config.name, cwd=export)
        wall, cpu = wall + took[0], cpu + took[1]
    return wall, cpu


def ratio_line(label: str, ours: list[float], floor: list[float], floor_label: str, goal: float, unit: str) -> str:
    mine, base = statistics.median(ours), statistics.median(floor)
    ratio = mine / base
    verdict = "meets it" if ratio <= goal else "misses it"
    return (f"{label + ':':30} {mine:6.2f} s {unit}  floor ({floor_label}): {base:6.2f} s  "
            f"= {ratio:.2f}x  (goal: at most {goal}x; {verdict})")


def goals(runs: int, cold_runs: int, cache: Path) -> Iterator[str]:
    """The issue's goals beside their floors (see the module's docstring), one line each. `cache`:
    the PDF cache, emptied before each cold build (the others use it as a user's would be)."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {**os.environ, "MENTORING_SITE_CACHE": str(cache), "PYTHONPATH": str(REPO)}
        program = work / "program"
        program.mkdir()
        for name in ("content", "worksheets", "mkdocs.yml"):
            src = REPO / name
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, program / name)
        export = work / "export"
        run(sys.executable, "-m", "mentoring_site", "export", str(program), str(export), "-q", env=env)
        site = ("--site-dir", str(work / "site"))
        run(*OURS, str(program), *site, env=env)

        ours: list[float] = []
        floor: list[float] = []
        for _ in range(runs):
            ours.append(run(*OURS, str(program), *site, env=env)[1])
            floor.append(mkdocs_floor(export)[1])
        yield (ratio_line("no-change build", ours, floor, "mkdocs build, en + es", 1.1, "CPU"))

        source, page, text = EDITED
        ours, floor = [], []
        run(*OURS, "--no-booklet", str(program), *site, env=env)
        current = text
        for n in range(runs):
            for path in (program / source, export / "docs" / page):
                old = path.read_text(encoding="utf-8")
                assert current in old, (path, current)
                path.write_text(old.replace(current, f"{text[:-1]} ({n}).", 1), encoding="utf-8")
            current = f"{text[:-1]} ({n})."
            ours.append(run(*OURS, "--no-booklet", str(program), *site, env=env)[1])
            floor.append(mkdocs_floor(export)[1])
            shown = (work / "site" / page.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
            assert f"({n})." in shown, "the edit was not published"
        yield (ratio_line("one edited practice", ours, floor, "mkdocs build, en + es", 1.2, "CPU"))

        if not cold_runs:
            yield "cold build: not measured (--cold-runs 0)"
            return
        # The parallel floor's PDFs: every worksheet and booklet of every language, as HTML.
        from mentoring_site.build import generate_site

        # The handbooks first, as the build orders them: each takes as long as a dozen worksheets,
        # and one started last would run alone at the end (the floor is the best order, too).
        sheets, books = [], []
        for edition in generate_site(program, pdfs=False).editions:
            loaded = edition.program
            sheets += [("worksheet", job) for job in plan(loaded)]
            pages = render_pages(loaded, booklet_sizes=loaded.paper_sizes)
            books += [("booklet", job) for job in booklet.plan(loaded, pages, edition.files)]
        jobs = books + sheets
        (work / "jobs.pickle").write_bytes(pickle.dumps(jobs))
        ours, floor = [], []
        for _ in range(cold_runs):
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(work / "site", ignore_errors=True)
            ours.append(run(*OURS, str(program), *site, env=env)[0])
            start = time.perf_counter()
            pdfs = subprocess.Popen([sys.executable, "-c", PDF_WORKER, str(work / "jobs.pickle")], env=env)
            mkdocs_floor(export)
            pdfs.wait()
            floor.append(time.perf_counter() - start)
        yield (ratio_line("cold build", ours, floor, "MkDocs and WeasyPrint at once", 1.0, "wall"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5,
                        help="alternating runs for each goal's figure and the no-change rebuilds")
    parser.add_argument("--cold-runs", type=int, default=5,
                        help="alternating runs for the cold build (0: leave it out)")
    parser.add_argument("--goals-only", action="store_true", help="only the goals beside their floors")
    args = parser.parse_args()
    # One PDF cache of the script's own, for the figures (which start with it empty) and then the
    # goals (which find it full, as a user's is, but for the cold builds).
    with tempfile.TemporaryDirectory() as cache:
        if not args.goals_only:
            figures(args.runs, Path(cache))
        print(f"goals of issue 15, the default program in every language; medians of {args.runs} alternating "
              f"runs ({args.cold_runs} for the cold build):")
        for line in goals(args.runs, args.cold_runs, Path(cache)):
            print(line, flush=True)
    print("serve, save-to-visible: see benchmarks/serve_reload.py (goal: at most 1.2x mkdocs serve)")


def figures(runs: int, cache: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["MENTORING_SITE_CACHE"] = str(cache)  # empty: the first build is a cold one
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
        for _ in range(runs):
            for with_booklet in (True, False):
                warm_runs[with_booklet].append(timed(build, program, work / "site", booklet=with_booklet)[0])
        warm = statistics.median(warm_runs[True])
        warm_without = statistics.median(warm_runs[False])
        # A rebuild that runs the site engine and the safety stage (into a new folder: one with
        # nothing changed keeps the published site and runs neither).
        engine_rebuild, rebuilt = timed(build, program, work / "site-again")
        safety = rebuilt.stats["safety_seconds"]  # type: ignore[attr-defined]

        # Worksheet rendering alone, one process and all cores, cache emptied each time.
        loaded = load_program(program)
        pages = 0
        for path in generated.files:
            if path.startswith("worksheets/") and path.endswith(".pdf"):
                pages += len(pypdf.PdfReader(work.joinpath("site", path)).pages)
        # One worksheet at a time in this process: WeasyPrint's layout, then the forms stage on
        # its output (their sum is the serial figure: one process doing every worksheet).
        # Each layout also with Python's cycle collector running throughout, as WeasyPrint alone
        # runs it (ours hold it off until the layout's end: worksheets.collected_after), in turns.
        layout_s = forms_s = collector_s = 0.0
        jobs = plan(loaded)
        layout_pdf.__wrapped__(jobs[0])  # WeasyPrint's imports and fonts are not a layout's
        for job in jobs:
            collector_s += timed(layout_pdf.__wrapped__, job)[0]
            took, raw = timed(layout_pdf, job)
            layout_s += took
            took, _ = timed(forms.finish, raw, job.sheet, language=job.language)
            forms_s += took
        serial = layout_s + forms_s
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
    print(f"rebuild, nothing changed:          {warm:6.2f} s  (median of {runs})")
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
    print(f"worksheet layouts, 1 process:      {layout_s:6.2f} s  (with the collector running throughout: "
          f"{collector_s:.2f} s, {layout_s / collector_s - 1:+.0%})")
    print(f"forms stage alone, per PDF:        {forms_s / each:6.2f} s  ({forms_s / each * 1000:.0f} ms)")
    print(f"pages and config only (no PDFs):   {gen_only:6.2f} s")
    print(f"mkdocs build alone, same pages:    {mk:6.2f} s")
    share = safety / engine_rebuild * 100
    print(f"HTML safety stage, in the rebuild: {safety:6.2f} s  ({share:.0f}% of it; goal: under 15%)")


if __name__ == "__main__":
    main()
