"""Personal packs: a roster of pairs in, each pair's own pre-filled worksheets, calendar and
certificate out.

The pipeline of this stage: load the program -> check the whole roster (nothing is written if
anything is wrong) -> lay out each worksheet, the combined pack and the certificate once per
paper size (`Blank`) -> for each pair, stamp its values into copies of those blanks and write
its folder.

Packs hold names and emails, so they are personal data: they are written owner-only (folders
0700, files 0600), never inside the published site, and each pair's folder is built under a
temporary name beside it and renamed into place whole. A folder whose `.pack` note matches what
would be written now is left as it is, so a re-run after a kill finishes the rest.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import os
import shutil
import stat
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import cache, messages, roster
from . import meetings as meeting_calendar
from .errors import Problems, ProgramError
from .fields import Signature, Table
from .meetings import Meeting, schedule
from .model import Program, ProgramFile
from .pages import base_context, build_stamp
from .program import LoadedProgram, Worksheet, load_program, long_date, rhythm_text
from .publish import MARKER, UsageError, _exchange
from .stamp import Blank, FontMissing, FormFont, unshowable
from .stamp import font_file as stamp_font_file
from .templating import environment, render
from .worksheets import Job, _allowed_roots, layout_pdf, render_worksheets

Report = Callable[[str], None]
CERTIFICATE_TEMPLATE = "packs/certificate.html.j2"
CERTIFICATE_FIELDS = ("mentee_name", "mentor_name", "dates")
NOTE = ".pack"  # in each pair's folder: a digest of what it holds


def parse_shard(text: str) -> tuple[int, int]:
    """`K/N` -> (K, N), 1 <= K <= N."""
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        k = n = 0
    if not 1 <= k <= n:
        raise UsageError(f"--shard {text!r} must be K/N with 1 <= K <= N, e.g. 2/8")
    return k, n


def shard_range(count: int, k: int, n: int) -> range:
    """The K-th of N near-equal, contiguous parts of `count` pairs (0-based indices)."""
    return range((k - 1) * count // n, k * count // n)


# ---------------------------------------------------------------------------------- values ---

def pair_schedule(config: ProgramFile, pair: roster.Pair) -> tuple[ProgramFile, list[Meeting]]:
    """The program as this pair meets it (its own first meeting, weekday and time), and its
    meetings (the program's skipped days still skipped)."""
    p = config.program
    meetings = dataclasses.replace(
        p.meetings, weekday=pair.weekday or p.meetings.weekday, time=pair.time or p.meetings.time
    )
    timeline = p.timeline
    if pair.start:  # the pair's meetings begin on its own day (on its weekday from then on)
        timeline = dataclasses.replace(
            timeline, first_meetings=pair.start, leave_out=[m for m in timeline.leave_out if m != "first_meetings"]
        )
    program = dataclasses.replace(p, meetings=meetings, timeline=timeline)
    own = dataclasses.replace(config, program=program)
    return own, schedule(program)


def pair_values(program: LoadedProgram, pair: roster.Pair) -> tuple[dict[str, str], list[str], list[Meeting]]:
    """The values `prefill:` can name, for one pair; and its meeting dates, one per row."""
    own, meetings = pair_schedule(program.config, pair)
    full = [m for m in meetings if m.kind == "meeting"]
    contact = program.config.program.contact
    values = {
        "pair_id": pair.pair_id,
        "mentor_name": pair.mentor_name,
        "mentor_email": pair.mentor_email,
        "mentee_name": pair.mentee_name,
        "mentee_email": pair.mentee_email,
        "pair_names": f"{pair.mentor_name} and {pair.mentee_name}",
        "pair_emails": f"{pair.mentor_email}, {pair.mentee_email}",
        "program_manager_name": contact.name,
        "program_manager_email": contact.email,
        "start": long_date(full[0].day if full else own.program.start),
        "end": long_date(own.program.end),
        # The meeting the schedule marks for the mid-point review (the middle one).
        "midpoint": next((long_date(m.day) for m in full if m.mark == "mid-point"), ""),
        "last_meeting": long_date(full[-1].day) if full else "",
        "meeting_rhythm": rhythm_text(own, program.terms),
    }
    dates = [f"{m.day.day} {m.day:%b %Y}" for m in full]
    return values, dates, meetings


@dataclass(frozen=True)
class Target:
    """One form field a pair's value goes into: by name, the value's name and, for lists, row."""

    name: str
    value: str
    row: int = 0  # 0: a single value; r >= 1: the r-th item of a list value


def targets(sheet: Worksheet, t: Any) -> list[Target]:
    """The form fields of `sheet` that `prefill:` keys fill, in the order of the sheet."""
    out: list[Target] = []
    for f in sheet.all_fields:
        prefill = getattr(f, "prefill", "")
        names = [ff.name for ff in f.form_fields(t)]
        if isinstance(f, Table):
            width = len(f.columns)
            for ci, column in enumerate(f.columns):
                if column.prefill:
                    out += [Target(names[(r - 1) * width + ci], column.prefill, r) for r in range(1, f.rows + 1)]
        elif isinstance(f, Signature):
            if prefill:  # the party's name: the first of name, signature, date
                roles = {"mentor": "mentor_name", "mentee": "mentee_name", "program_manager": "program_manager_name"}
                out += [Target(names[3 * i], roles[party]) for i, party in enumerate(f.parties)]
        elif prefill:
            out.append(Target(names[0], prefill))
    return out


def fill(found: list[Target], values: dict[str, str], lists: dict[str, list[str]], prefix: str = "") -> dict[str, str]:
    out = {}
    for target in found:
        if target.row:
            items = lists.get(target.value, [])
            text = items[target.row - 1] if target.row <= len(items) else ""
        else:
            text = values.get(target.value, "")
        out[prefix + target.name] = text
    return out


# ---------------------------------------------------------------------------------- blanks ---

@dataclass
class Blanks:
    """Everything laid out once per paper size, ready to stamp."""

    sheets: dict[tuple[str, str], Blank] = field(default_factory=dict)  # (sheet id, size)
    packs: dict[str, Blank] = field(default_factory=dict)
    certificates: dict[str, Blank] = field(default_factory=dict)
    targets: dict[str, list[Target]] = field(default_factory=dict)
    digest: str = ""


def _prefix(sheet_id: str) -> str:
    """Field names in the combined pack start with the worksheet's id, so they stay apart."""
    return sheet_id.replace("-", "_") + "_"


def combine(program: LoadedProgram, pdfs: dict[str, bytes], size: str) -> bytes:
    """All worksheets of one size in one PDF, fields renamed `<sheet>_<name>`, a bookmark each."""
    import warnings

    import pikepdf

    pack = pikepdf.new()
    fields = pikepdf.Array()
    fonts = pikepdf.Dictionary()
    with pack.open_outline() as outline:
        for sheet in program.worksheets:
            with pikepdf.open(io.BytesIO(pdfs[f"{sheet.id}-{size}.pdf"])) as src:
                first = len(pack.pages)
                with warnings.catch_warnings():
                    # The widgets are joined to the pack's /AcroForm just below.
                    warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                    for page in src.pages:
                        pack.pages.append(page)
                form = src.Root.get("/AcroForm")
                if form is not None:
                    for original in form.Fields:
                        f = pack.copy_foreign(original)
                        f.T = pikepdf.String(_prefix(sheet.id) + str(f.T))
                        fields.append(f)
                    for name, font in form.get("/DR", {}).get("/Font", {}).items():
                        if font.is_indirect:
                            fonts[name] = pack.copy_foreign(font)
                outline.root.append(pikepdf.OutlineItem(sheet.title, first))
    # Widgets copied with the pages and with the fields are the same objects (qpdf keeps one copy
    # per source object), so the pages' /Annots and /Fields agree.
    pack.Root.AcroForm = pikepdf.Dictionary(Fields=fields, DR=pikepdf.Dictionary(Font=fonts))
    pack.Root.PageMode = pikepdf.Name.UseOutlines
    pack.Root.Lang = pikepdf.String(program.config.program.language)
    pack.docinfo["/Title"] = f"{program.config.program.name}: worksheets"
    pack.docinfo["/Author"] = program.config.program.organisation
    out = io.BytesIO()
    pack.save(out, static_id=True)
    return out.getvalue()


def certificate_pdf(program: LoadedProgram, size: str) -> bytes:
    """The certificate of one paper size, laid out once, names left for stamping."""
    from markupsafe import Markup

    from . import forms

    env = environment(program.root, messages.of(program))
    context = {
        **base_context(program), "size": size, "form_font_family": forms.PLACEHOLDER_FAMILY,
        # Our own generated data: URL, not content: printed as it is.
        "form_font_url": Markup(forms.placeholder_font_url()),
    }
    html = render(env, CERTIFICATE_TEMPLATE, context, program.root)
    key = hashlib.sha256(("certificate\0" + size + "\0" + html).encode()).hexdigest()
    folder = cache.folder("certificates")
    cached = cache.get(folder, key)
    if cached is not None:
        return cached
    pdf = _render_certificate(program, size, html, key)
    cache.put(folder, key, pdf)
    return pdf


def _cached(key: str, make: Callable[[], bytes]) -> bytes:
    """Prepared blanks and fonts depend only on their inputs: keep them in the user's cache."""
    folder = cache.folder("packs")
    data = cache.get(folder, key)
    if data is None:
        data = make()
        cache.put(folder, key, data)
    return data


def _render_certificate(program: LoadedProgram, size: str, html: str, key: str) -> bytes:
    """WeasyPrint's layout of the certificate, its form left as WeasyPrint wrote it (the names
    are stamped with a font of their own, centred)."""
    job = Job("certificate", size, html, program.root.resolve().as_uri() + "/", _allowed_roots(program), key,
              None, program.config.program.language)  # type: ignore[arg-type]
    return layout_pdf(job)


def prepare(program: LoadedProgram, characters: set[str], report: Report) -> Blanks:
    """Lay out and prepare every blank (once per paper size) with a font for `characters`."""
    started = time.perf_counter()
    font_key = hashlib.sha256(("font\0" + str(stamp_font_file()) + "\0" + "".join(sorted(characters))).encode())
    font = FormFont.from_program(
        _cached(font_key.hexdigest(), lambda: FormFont.subset(characters).font_program)
    )
    # The worksheets' own form font (the forms stage) then covers every name of the roster. Only
    # characters beyond the language's own count: a roster of such names shares the site's PDFs.
    from .forms import characters as language_characters

    base = set(language_characters(program.config.program.language))
    extra = "".join(sorted(c for c in characters if c not in base))
    pdfs, _ = render_worksheets(program, cache.folder("worksheets"), extra_characters=extra)
    sheets = {name.removeprefix("worksheets/"): data for name, data in pdfs.items()}
    blanks = Blanks()
    digest = hashlib.sha256("".join(sorted(characters)).encode())
    for sheet in program.worksheets:
        blanks.targets[sheet.id] = targets(sheet, program.terms)
    for size in program.paper_sizes:
        pack_names = []
        for sheet in program.worksheets:
            names = [t.name for t in blanks.targets[sheet.id]]
            data = sheets[f"{sheet.id}-{size}.pdf"]
            digest.update(data)
            blanks.sheets[sheet.id, size] = Blank.prepare(data, font, names, cached=_cached)
            pack_names += [_prefix(sheet.id) + n for n in names]
        combined = hashlib.sha256(b"pack\0" + digest.digest() + size.encode() + repr(program.config.program).encode())
        pack = _cached(combined.hexdigest(), lambda size=size: combine(program, sheets, size))
        blanks.packs[size] = Blank.prepare(pack, font, pack_names, cached=_cached)
        cert = certificate_pdf(program, size)
        digest.update(cert)
        blanks.certificates[size] = Blank.prepare(cert, font, CERTIFICATE_FIELDS, read_only=CERTIFICATE_FIELDS,
                                                  cached=_cached)
    blanks.digest = digest.hexdigest()
    report(f"Laid out {len(blanks.sheets) + len(blanks.packs) + len(blanks.certificates)} blanks "
           f"in {time.perf_counter() - started:.1f} s")
    return blanks


# ---------------------------------------------------------------------------------- output ---

# Stand-ins for a pair in a calendar made once per rhythm: letters icalendar never escapes.
_WHO = "QqWhoQq"
_PAIR = "qqpairqq"
LABELS = {"meeting": "Meeting", "check-in": "Check-in", "mid-point": "mid-point review", "closing": "closing meeting"}


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


_TEMPLATES: dict[str, str] = {}


def _calendar_template(program: Program, stamp: dt.datetime) -> str:
    """The site's calendar (`meetings.ics`) for one rhythm, unfolded, with stand-ins for the pair."""
    key = f"{program!r}\0{stamp}"
    if key not in _TEMPLATES:
        if len(_TEMPLATES) > 64:  # a few rhythms in a roster; memory stays flat
            _TEMPLATES.clear()
        _TEMPLATES[key] = _make_template(program, stamp)
    return _TEMPLATES[key]


def _make_template(program: Program, stamp: dt.datetime) -> str:
    text = meeting_calendar.ics(
        schedule(program), calendar_name=program.name, labels=LABELS, settings=program.meetings, stamp=stamp,
        uid=f"{meeting_calendar.uid_base(program)}-{_PAIR}", who=_WHO,
    ).decode()
    return text.replace("\r\n ", "")  # unfolded (RFC 5545 3.1): the pair's names change line lengths


def _fold(line: str) -> str:
    """RFC 5545 lines are at most 75 octets; longer ones continue after CRLF and a space."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts = []
    while len(raw) > 75:
        cut = 75 if not parts else 74
        while cut and (raw[cut] & 0xC0) == 0x80:  # never inside a UTF-8 sequence
            cut -= 1
        parts.append(raw[:cut].decode())
        raw = raw[cut:]
    parts.append(raw.decode())
    return "\r\n ".join(parts)


def calendar(program: LoadedProgram, pair: roster.Pair, stamp: dt.datetime) -> bytes:
    """The pair's meetings as iCalendar: the site's calendar with the pair's own rhythm, both
    names in every title and UIDs of the pair's own (stable while its id and names are).

    The calendar of a rhythm is made once by `meetings.ics` (icalendar) with stand-ins; each
    pair's names (escaped by icalendar) and ids go in their place, and lines are folded again.
    """
    import icalendar

    own, _ = pair_schedule(program.config, pair)
    who = f"{pair.mentor_name} and {pair.mentee_name}"
    text = (
        _calendar_template(own.program, stamp)
        .replace(_WHO, icalendar.vText(who).to_ical().decode())
        .replace(_short_hash(_WHO), _short_hash(who))
        .replace(_PAIR, _short_hash(pair.pair_id))
    )
    return "".join(_fold(line) + "\r\n" for line in text.split("\r\n") if line).encode()


def pair_files(
    program: LoadedProgram, blanks: Blanks, pair: roster.Pair, stamp: dt.datetime
) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) of every file in one pair's folder."""
    values, dates, _ = pair_values(program, pair)
    lists = {"meeting_dates": dates}
    for size in program.paper_sizes:
        pack_values: dict[str, str] = {}
        for sheet in program.worksheets:
            own = fill(blanks.targets[sheet.id], values, lists)
            yield f"{sheet.id}-{size}.pdf", blanks.sheets[sheet.id, size].stamp(own)
            pack_values.update({_prefix(sheet.id) + k: v for k, v in own.items()})
        yield f"pack-{size}.pdf", blanks.packs[size].stamp(pack_values)
        dates_text = f"{values['start']} to {values['last_meeting'] or values['end']}"
        yield f"certificate-{size}.pdf", blanks.certificates[size].stamp(
            {"mentee_name": pair.mentee_name, "mentor_name": pair.mentor_name, "dates": dates_text})
    yield "meetings.ics", calendar(program, pair, stamp)


def _note(blanks: Blanks, pair: roster.Pair) -> bytes:
    facts = (pair.pair_id, pair.mentor_name, pair.mentor_email, pair.mentee_name, pair.mentee_email,
             str(pair.start), str(pair.weekday), str(pair.time), blanks.digest)
    return hashlib.sha256("\0".join(facts).encode()).hexdigest().encode() + b"\n"


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _current(folder: Path, note: bytes) -> bool:
    try:
        return folder.is_dir() and not folder.is_symlink() and (folder / NOTE).read_bytes() == note
    except OSError:
        return False


def write_pair(out: Path, files: Iterator[tuple[str, bytes]], pair_id: str, note: bytes) -> int:
    """Write one pair's folder whole: into a hidden temporary folder, then renamed into place."""
    tmp = out / f".{pair_id}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(mode=0o700)
    written = 0
    try:
        for name, data in files:
            _write_private(tmp / name, data)
            written += len(data)
        _write_private(tmp / NOTE, note)
        target = out / pair_id
        if target.is_symlink() or (target.exists() and not target.is_dir()):
            raise UsageError(f"refusing to replace {target}: it is not a folder this tool wrote")
        if target.exists():  # an older pack of this pair: swap in one step where the system can
            if not _exchange(tmp, target):
                old = out / f".{pair_id}.old-{os.getpid()}"
                target.rename(old)
                tmp.rename(target)
                shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return written


def _remove_leftovers(out: Path) -> None:
    """Temporary folders of runs that were killed (their process is gone)."""
    from .publish import alive

    for entry in out.iterdir():
        name = entry.name
        if name.startswith(".") and (".tmp-" in name or ".old-" in name) and entry.is_dir() and not entry.is_symlink():
            pid = name.rsplit("-", 1)[-1]
            if pid.isdigit() and not alive(int(pid)):
                shutil.rmtree(entry, ignore_errors=True)


def check_out_dir(root: Path, out: Path) -> None:
    """Packs are personal data: never inside the published site or the program's sources."""
    root, out = root.resolve(), out.resolve()
    if out == root or root.is_relative_to(out):
        raise UsageError(f"refusing to write packs to {out}: it contains the program itself")
    for folder in ("content", "templates", "worksheets", "site"):
        if out.is_relative_to(root / folder):
            raise UsageError(f"refusing to write packs to {out}: it is inside {folder}/, "
                             "and packs hold personal data that must never be published")
    for parent in (out, *out.parents):
        if (parent / MARKER).exists():
            raise UsageError(f"refusing to write packs to {out}: {parent} is a published site folder")
    if out.exists() and not out.is_dir():
        raise UsageError(f"refusing to write packs to {out}: it is a file")


def _progress(total: int, quiet: bool, report: Report) -> Any:
    """A bar with rate and time left on a terminal; plain lines in a log; nothing when quiet."""
    if quiet or total == 0:
        return contextlib.nullcontext(lambda: None)
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total, unit="pack", dynamic_ncols=True, smoothing=0.1)

        @contextlib.contextmanager
        def tty() -> Iterator[Callable[[], None]]:
            try:
                yield lambda: bar.update(1)
            finally:
                bar.close()

        return tty()
    step = max(1, total // 10)
    state = {"done": 0, "started": time.perf_counter()}

    def plain() -> None:
        state["done"] += 1
        done = state["done"]
        if done % step == 0 or done == total:
            rate = done / max(time.perf_counter() - state["started"], 1e-9)
            report(f"{done}/{total} packs ({rate:.1f}/s, {(total - done) / rate:.0f} s left)")

    return contextlib.nullcontext(plain)


@dataclass
class Result:
    pairs: int = 0
    written: int = 0
    skipped: int = 0
    bytes: int = 0
    seconds: float = 0.0
    layout_seconds: float = 0.0  # of `seconds`: checking the roster and laying out the blanks


def roster_problems(program: LoadedProgram, path: Path, problems: Problems) -> roster.Summary:
    """Check the roster, fonts included; problems go into `problems`."""
    try:
        unshowable("a")
        shows: roster.Shows | None = unshowable
    except FontMissing:
        shows = None
    return roster.check(path, program.config, problems, shows=shows)


def validate_roster(program: LoadedProgram, roster_file: Path | None = None) -> int:
    """Check the roster (the default one, if the program has one); return its number of pairs."""
    path = roster_file or program.root / roster.DEFAULT
    if not path.is_file():
        if roster_file:
            raise UsageError(f"no roster at {path}")
        return 0
    problems = Problems(program.root)
    summary = roster_problems(program, path, problems)
    problems.raise_if_any()
    return summary.pairs


def make_packs(
    root: Path,
    *,
    roster_file: Path | None = None,
    out: Path | None = None,
    only: list[str] | None = None,
    shard: tuple[int, int] | None = None,
    report: Report = lambda _: None,
    quiet: bool = False,
    after_pair: Callable[[Path], None] | None = None,
) -> Result:
    """Write every pair's pack (or the chosen ones) to `out` (default: ROOT/packs).

    `after_pair` is called with each folder written (the benchmark uses it to measure without
    filling the disk).
    """
    started = time.perf_counter()
    root = root.resolve()
    program = load_program(root)
    path = roster_file.resolve() if roster_file else root / roster.DEFAULT
    if not path.is_file():
        raise UsageError(f"no roster at {path}; write one (see the README's roster columns) or give --roster FILE")
    out = (out or root / "packs").resolve()
    check_out_dir(root, out)
    try:
        font_ok = unshowable("a") is None
    except FontMissing as exc:
        raise UsageError(str(exc)) from None
    problems = Problems(root)
    summary = roster_problems(program, path, problems)
    problems.raise_if_any()
    assert font_ok
    chosen = shard_range(summary.pairs, *shard) if shard else range(summary.pairs)
    wanted = set(only or ())
    if wanted:
        ids = {p.pair_id for p in roster.pairs(path, program.config)}
        unknown = sorted(wanted - ids)
        if unknown:
            raise UsageError(f"--only names pairs not in the roster: {', '.join(unknown)}")
    total = sum(1 for i in chosen) if not wanted else len(wanted)
    blanks = prepare(program, summary.characters, report)
    stamp = build_stamp()  # as the site's calendar: SOURCE_DATE_EPOCH when set
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    if stat.S_IMODE(out.stat().st_mode) & 0o077:
        out.chmod(0o700)
    ignore = out / ".gitignore"
    if not ignore.exists() and not ignore.is_symlink():  # personal data: never committed by accident
        _write_private(ignore, b"# Personal data (mentoring-site packs): never commit or publish.\n*\n")
    _remove_leftovers(out)
    result = Result(layout_seconds=time.perf_counter() - started)
    with _progress(total, quiet, report) as tick:
        seen: set[str] = set()  # every id, to name folders of pairs no longer in the roster
        for index, pair in enumerate(roster.pairs(path, program.config)):
            if not wanted and not shard:
                seen.add(pair.pair_id)
            if wanted and pair.pair_id not in wanted:
                continue
            if not wanted and index not in chosen:
                continue
            result.pairs += 1
            note = _note(blanks, pair)
            if _current(out / pair.pair_id, note):
                result.skipped += 1
            else:
                result.bytes += write_pair(out, pair_files(program, blanks, pair, stamp), pair.pair_id, note)
                result.written += 1
                if after_pair:
                    after_pair(out / pair.pair_id)
            tick()
    if not wanted and not shard:
        _report_stale(out, seen, report)
    result.seconds = time.perf_counter() - started
    return result


def _report_stale(out: Path, ids: set[str], report: Report) -> None:
    """Folders of pairs no longer in the roster are named, not deleted: removing personal data
    is the program manager's decision."""
    stale = sorted(p.name for p in out.glob("[!.]*") if p.is_dir() and (p / NOTE).is_file() and p.name not in ids)
    if stale:
        shown = ", ".join(stale[:10]) + (f" and {len(stale) - 10} more" if len(stale) > 10 else "")
        report(f"{len(stale)} folder{'s' if len(stale) != 1 else ''} in {out} for pairs no longer in the "
               f"roster, left as they are: {shown}")


__all__ = ["ProgramError", "make_packs", "parse_shard", "shard_range"]
