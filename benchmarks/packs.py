"""Pack figures: stamping pre-filled packs for a generated roster, beside re-rendering and the
byte-copy floor. Prints numbers; asserts nothing.

    .venv/bin/python benchmarks/packs.py                 # 100 and 10,000 pairs (minutes)
    .venv/bin/python benchmarks/packs.py --pairs 100 1000

For each roster size, in a fresh process (so peak memory is that run's own):
- packs: `make_packs` on the default program, one process: packs per second, seconds per
  pack (after the blanks are laid out once; that one-off time is printed apart), peak memory
  (`resource.getrusage`), bytes written;
- floor: writing the same files with the same bytes the same way (a private temporary folder
  per pair, renamed into place) from memory, with no PDF work at all.
Then once: re-rendering one pack from HTML (every worksheet, both sizes, and the certificates
through WeasyPrint, one process, no cache), the way a pack would be made without stamping.

Each pair's folder is deleted right after it is written, in both the packs run and the floor,
so 10,000 packs do not fill the disk; the deletion is part of both figures alike.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

FIRST = ["Zoë", "Ана", "Αλέξης", "Seán", "Chidi", "Mei", "José", "Łucja", "Nguyễn", "Ólafur", "Ингрид", "Ngozi"]
LAST = ["Łukasiewicz-Ó'Brien", "Петрова", "Παπαδόπουλος", "O'Connor", "Okafor", "Lin", "García", "Dvořák",
        "Văn An", "Sigurðsson", "Иванова", "Eze"]


def roster(path: Path, pairs: int) -> None:
    """A roster of `pairs` pairs with names in Latin, Greek and Cyrillic letters."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("pair_id,mentor_name,mentor_email,mentee_name,mentee_email,weekday,time\r\n")
        for i in range(pairs):
            a, b = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
            c, d = FIRST[(i + 5) % len(FIRST)], LAST[(i + 3) % len(LAST)]
            day = ("monday", "tuesday", "wednesday", "thursday")[i % 4]
            out.write(f"pair-{i:05d},{a} {b},mentor{i}@example.org,{c} {d},mentee{i}@example.org,{day},1{i % 8}:00\r\n")


def program(work: Path) -> Path:
    root = work / "program"
    root.mkdir()
    for name in ("content", "worksheets"):
        shutil.copytree(REPO / name, root / name)
    return root


def run_packs(pairs: int, work: Path) -> dict[str, float]:
    from mentoring_site.packs import make_packs

    root = program(work)
    roster(root / "content" / "roster.csv", pairs)
    result = make_packs(root, out=work / "packs", quiet=True, after_pair=lambda folder: shutil.rmtree(folder))
    stamping = result.seconds - result.layout_seconds
    return {"pairs": pairs, "layout_s": result.layout_seconds, "stamp_s": stamping, "bytes": result.bytes,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_floor(pairs: int, work: Path) -> dict[str, float]:
    """The same files, same bytes, written the same way, with no PDF work: the floor."""
    from mentoring_site.packs import make_packs, write_pair

    root = program(work)
    roster(root / "content" / "roster.csv", pairs)  # the same roster: the same blanks and font
    make_packs(root, out=work / "one", quiet=True, only=["pair-00000"])
    folder = next((work / "one").iterdir())
    files = [(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.name != ".pack"]
    out = work / "floor"
    out.mkdir(mode=0o700)
    started = time.perf_counter()
    written = 0
    for i in range(pairs):
        written += write_pair(out, iter(files), f"pair-{i:05d}", b"note\n")
        shutil.rmtree(out / f"pair-{i:05d}")
    return {"pairs": pairs, "stamp_s": time.perf_counter() - started, "bytes": written,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_rerender(work: Path) -> dict[str, float]:
    """One pack made the slow way: every worksheet and certificate laid out by WeasyPrint."""
    from mentoring_site.packs import certificate_pdf, combine
    from mentoring_site.program import load_program
    from mentoring_site.worksheets import plan, render_pdf

    root = program(work)
    os.environ["MENTORING_SITE_CACHE"] = str(work / "cache")  # nothing cached
    loaded = load_program(root)
    started = time.perf_counter()
    written = 0
    sheets = {}
    for job in plan(loaded):
        sheets[job.filename] = render_pdf(job)
        written += len(sheets[job.filename])
    for size in loaded.paper_sizes:
        written += len(combine(loaded, sheets, size)) + len(certificate_pdf(loaded, size))
    return {"pairs": 1, "stamp_s": time.perf_counter() - started, "bytes": written,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child(kind: str, pairs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ.setdefault("MENTORING_SITE_CACHE", str(work / "cache"))
        figures = {"packs": run_packs, "floor": run_floor}.get(kind)
        result = figures(pairs, work) if figures else run_rerender(work)
        print(json.dumps(result))


def measure(kind: str, pairs: int, cache: str) -> dict[str, float]:
    env = {**os.environ, "MENTORING_SITE_CACHE": cache}
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(pairs)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def line(label: str, r: dict[str, float]) -> str:
    per = r["stamp_s"] / r["pairs"]
    return (f"{label:<28} {r['pairs']:>7} {r['pairs'] / r['stamp_s']:>9.1f} {per * 1000:>10.2f} "
            f"{r['peak_mb']:>9.0f} {r['bytes'] / 1e9:>9.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, nargs="+", default=[100, 10_000])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    with tempfile.TemporaryDirectory() as cache:
        print(f"{'':<28} {'pairs':>7} {'packs/s':>9} {'ms/pack':>10} {'peak MB':>9} {'GB':>9}")
        rerender = measure("rerender", 1, cache)
        print(line("re-render one pack (HTML)", rerender))
        for pairs in args.pairs:
            packs = measure("packs", pairs, cache)
            floor = measure("floor", pairs, cache)
            print(line("packs (stamped)", packs) + f"   (blanks laid out once: {packs['layout_s']:.1f} s)")
            print(line("floor (copy the bytes)", floor))
            per_pack = packs["stamp_s"] / pairs
            print(f"  -> {rerender['stamp_s'] / per_pack:.0f}x faster per pack than re-rendering; "
                  f"{per_pack / (floor['stamp_s'] / pairs):.2f}x the byte-copy floor")


if __name__ == "__main__":
    main()
