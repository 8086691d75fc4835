"""The roster of pairs: `content/roster.csv`, read and checked as it streams past.

A roster is CSV as spreadsheets export it (UTF-8 with or without a byte-order mark, CRLF or LF
line ends, quoted cells holding commas and line breaks, blank lines at the end). One header row
names the columns; `COLUMNS` below documents each one. Column names are part of the interface.

Problems are reported as `roster.csv:LINE:COLUMN: column: message`, where LINE and COLUMN point
at the cell itself in the file (a quoted cell that spans lines starts on its own line), all of
them in one run.

Rules chosen here (the README repeats them):
- `pair_id` becomes a folder name: letters, digits, `-`, `_` and `.`, starting with a letter or
  digit, at most 64 characters; two ids that differ only in case clash (they would be the same
  folder on macOS and Windows).
- A mentee is in one pair only (a second pair with the same `mentee_email` is an error); a
  mentor may mentor several mentees. Someone may be a mentor in one pair and a mentee in
  another, but not both in the same pair. Emails are compared ignoring case.
- A cell that looks like a spreadsheet formula (`=HYPERLINK(...)`, `+1+2`, `@SUM(...)`) in a
  name, email or id column is an error: the export wrote the formula, not its value. It is
  read as plain text and never evaluated; in `notes` it is kept as text.
- Control characters (and the invisible bidirectional overrides) are errors; `notes` may hold
  line breaks and tabs.

Rows are read one at a time; the only thing kept is what spots duplicates (a 12-byte hash of
each id and mentee email, with its line), a few dozen bytes a pair, so memory does not grow with
the size of the names or notes.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problems
from .model import EMAIL, LANGUAGE, TIME, WEEKDAYS, Program, ProgramFile

DEFAULT = Path("content/roster.csv")


@dataclass(frozen=True)
class ColumnDoc:
    required: bool
    doc: str


COLUMNS: dict[str, ColumnDoc] = {
    "pair_id": ColumnDoc(True, "Stable identifier of the pair; the name of its folder of packs."),
    "mentor_name": ColumnDoc(True, "The mentor's name as it should be printed."),
    "mentor_email": ColumnDoc(True, "The mentor's email address."),
    "mentee_name": ColumnDoc(True, "The mentee's name as it should be printed."),
    "mentee_email": ColumnDoc(True, "The mentee's email address."),
    "start": ColumnDoc(False, "YYYY-MM-DD: the pair's first meeting, if not the program's start."),
    "weekday": ColumnDoc(False, "monday ... sunday: the pair's meeting day, if not the program's."),
    "time": ColumnDoc(False, "HH:MM: the pair's meeting time, if not the program's."),
    "language": ColumnDoc(False, "The language of the pair's pack, one of the program's languages (e.g. es); "
                          "default: the program's first."),
    "notes": ColumnDoc(False, "Anything for the program manager; never printed in a pack."),
}
REQUIRED = [name for name, c in COLUMNS.items() if c.required]

PAIR_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# Names a folder cannot have on Windows, whatever the extension.
RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.I)
FORMULA = re.compile(r"^(=|\+|@|-\s*[0-9(=+])")
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
MAX_CELL = 200  # characters in any cell but notes
MAX_NOTES = 2000
MAX_PAIRS = 1_000_000


@dataclass(frozen=True)
class Pair:
    """One row of the roster, checked."""

    pair_id: str
    mentor_name: str
    mentor_email: str
    mentee_name: str
    mentee_email: str
    start: dt.date | None = None
    weekday: str | None = None
    time: str | None = None
    language: str | None = None
    notes: str = ""
    line: int = 0
    # Where each cell starts in the file, (line, column), for messages about this row later on.
    where: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def text(self) -> str:
        """Every character that will be printed in the pair's pack."""
        return self.mentor_name + self.mentor_email + self.mentee_name + self.mentee_email + self.pair_id


@dataclass
class Summary:
    """What a check found in a good roster: how many pairs, and every character they use."""

    path: Path
    pairs: int = 0
    characters: set[str] = field(default_factory=set)
    languages: set[str | None] = field(default_factory=set)  # of the pairs' packs; None: the default


class _Lines:
    """An iterator over a file's lines, decoded one by one (so a bad byte is found at its line),
    that remembers the lines of the record being read."""

    def __init__(self, handle: Iterator[bytes]) -> None:
        self.handle = handle
        self.record: list[str] = []
        self.number = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        raw = next(self.handle)
        self.number += 1
        if self.number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]  # the byte-order mark spreadsheets write
        line = raw.decode("utf-8")
        self.record.append(line)
        return line


def _cell_starts(lines: list[str], first_line: int) -> list[tuple[int, int]]:
    """(line, column) where each cell of a CSV record starts, from the record's raw lines."""
    text = "".join(lines)
    starts = [(first_line, 1)]
    line, column, quoted = first_line, 1, False
    for i, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            starts.append((line, column + 1))
        if char == "\n" or (char == "\r" and text[i + 1 : i + 2] != "\n"):
            line, column = line + 1, 0
        column += 1
    return starts


def _control(text: str, *, allow_breaks: bool) -> str | None:
    """The first control character in `text`, described, or None."""
    for char in text:
        if allow_breaks and char in "\r\n\t":
            continue
        if unicodedata.category(char) == "Cc" or char in BIDI:
            return f"U+{ord(char):04X}"
    return None


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=12).digest()


Shows = Callable[[str], "str | None"]  # the first character no font can show, or None


def check(
    path: Path, config: ProgramFile, problems: Problems, *, shows: Shows | None = None,
    languages: Sequence[str] = (),
) -> Summary:
    """Read the whole roster once, reporting every problem into `problems`. With `languages`
    (the program's), a pair's language must be one of them."""
    summary = Summary(path)
    for pair in _read(path, config, problems, summary, shows, languages):
        summary.pairs += 1
        summary.characters.update(pair.text)
        summary.languages.add(pair.language)
    return summary


def pairs(path: Path, config: ProgramFile, *, languages: Sequence[str] = ()) -> Iterator[Pair]:
    """The pairs of a roster already checked with `check`, one at a time, in file order."""
    problems = Problems(path.parent)
    yield from _read(path, config, problems, Summary(path), None, languages)
    if problems.items:  # the file changed since it was checked
        problems.raise_if_any()


def _read(
    path: Path, config: ProgramFile, problems: Problems, summary: Summary, shows: Shows | None,
    languages: Sequence[str] = (),
) -> Iterator[Pair]:
    program = config.program
    try:
        handle = path.open("rb")
    except OSError as exc:
        problems.add(path, 1, 1, "", f"cannot be read ({exc.strerror})")
        return
    with handle:
        lines = _Lines(handle)
        reader = csv.reader(lines, strict=True)
        seen_ids: dict[bytes, int] = {}
        seen_mentees: dict[bytes, int] = {}
        header: list[str] | None = None
        next_line = 1
        count = 0
        while True:
            first_line = next_line
            lines.record = []
            try:
                row = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError as exc:
                problems.add(path, lines.number, exc.start + 1, "", f"is not UTF-8 text ({exc.reason}); "
                             "save it from your spreadsheet as 'CSV UTF-8'")
                return
            except csv.Error as exc:
                problems.add(path, first_line, 1, "", f"is not readable CSV here ({exc})")
                return
            next_line = reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue  # blank lines, and rows of empty cells, are skipped
            starts = _cell_starts(lines.record, first_line)
            if header is None:
                header = _header(path, row, starts, problems)
                if header is None:
                    return
                continue
            count += 1
            if count > MAX_PAIRS:
                problems.add(path, first_line, 1, "", f"has more than {MAX_PAIRS} pairs; split it")
                return
            pair = _row(path, row, header, starts, first_line, program, problems, seen_ids, seen_mentees, shows,
                        languages)
            if pair is not None:
                yield pair
        if header is None:
            problems.add(path, 1, 1, "", f"is empty; the first line names the columns: {', '.join(REQUIRED)}")
        elif count == 0:
            problems.add(path, 2, 1, "", "has a header but no pairs")


def _header(path: Path, row: list[str], starts: list[tuple[int, int]], problems: Problems) -> list[str] | None:
    names = [cell.strip() for cell in row]
    ok = True
    for i, name in enumerate(names):
        line, column = starts[i]
        if name in COLUMNS:
            if names.index(name) != i:
                problems.add(path, line, column, name, "this column is named twice")
                ok = False
            continue
        normal = re.sub(r"[\s-]+", "_", name.lower())
        close = difflib.get_close_matches(normal, list(COLUMNS), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        shown = name or f"column {i + 1}"
        what = "has no name" if not name else "unknown column"
        problems.add(path, line, column, shown, f"{what}{hint} (known columns: {', '.join(COLUMNS)})")
        ok = False
    for name in REQUIRED:
        if name not in names:
            problems.add(path, starts[0][0], 1, name, "missing required column")
            ok = False
    # With every required column there, the rows are still checked (unknown columns ignored),
    # so that one run reports everything.
    return names if ok or all(name in names for name in REQUIRED) else None


def _row(
    path: Path,
    row: list[str],
    header: list[str],
    starts: list[tuple[int, int]],
    first_line: int,
    program: Program,
    problems: Problems,
    seen_ids: dict[bytes, int],
    seen_mentees: dict[bytes, int],
    shows: Shows | None,
    languages: Sequence[str] = (),
) -> Pair | None:
    failed: set[str] = set()

    def error(name: str, message: str) -> None:
        failed.add(name)
        index = header.index(name) if name in header else 0
        line, column = starts[index] if index < len(starts) else starts[-1]
        problems.add(path, line, column, name, message)

    if len(row) > len(header):
        line, column = starts[len(header)]
        problems.add(path, line, column, "", f"this row has {len(row)} cells; the header names {len(header)} "
                     "(a comma inside a cell needs the cell in double quotes)")
        return None  # its cells are shifted: checking them one by one would only mislead
    cells = {name: (row[i] if i < len(row) else "") for i, name in enumerate(header) if name in COLUMNS}
    values: dict[str, str] = {}
    for name, raw in cells.items():
        value = raw.strip()
        values[name] = value
        notes = name == "notes"
        control = _control(value, allow_breaks=notes)
        if control in ("U+000A", "U+000D"):
            error(name, "holds a line break; this cell must be one line")
            continue
        if control:
            error(name, f"holds the control character {control}; retype the cell")
            continue
        if len(value) > (MAX_NOTES if notes else MAX_CELL):
            error(name, f"is {len(value)} characters long; at most {MAX_NOTES if notes else MAX_CELL}")
            continue
        if not notes and FORMULA.match(value):
            error(name, f"{value[:40]!r} looks like a spreadsheet formula; the roster needs the value itself "
                  "(export values, or start the cell with a letter)")
            continue
        if COLUMNS[name].required and not value:
            error(name, "is blank")
    bad = bool(failed)

    def ok(name: str) -> bool:
        return name not in failed

    pair_id = values["pair_id"]
    if pair_id and ok("pair_id"):
        if not PAIR_ID.match(pair_id) or RESERVED.match(pair_id):
            error("pair_id", f"{pair_id!r} cannot be a folder name: use letters, digits, '-', '_' and '.', "
                  "starting with a letter or digit, at most 64 characters")
            bad = True
        else:
            key = _digest(pair_id.casefold())
            if key in seen_ids:
                error("pair_id", f"{pair_id!r} is used twice (first on line {seen_ids[key]}; ids differing "
                      "only in case count as the same)")
                bad = True
            else:
                seen_ids[key] = first_line
    for role in ("mentor", "mentee"):
        email = values[f"{role}_email"]
        if email and ok(f"{role}_email") and not EMAIL.match(email):
            error(f"{role}_email", f"{email!r} is not an email address")
            bad = True
    mentee = values["mentee_email"].casefold()
    if mentee and mentee == values["mentor_email"].casefold():
        error("mentee_email", "is the mentor's email too; a person cannot be both in one pair")
        bad = True
    elif mentee and ok("mentee_email"):
        key = _digest(mentee)
        if key in seen_mentees:
            error("mentee_email", f"this mentee is already in the pair on line {seen_mentees[key]}; "
                  "a mentee is in one pair only (a mentor may have several)")
            bad = True
        else:
            seen_mentees[key] = first_line
    start = None
    if values.get("start"):
        try:
            start = dt.date.fromisoformat(values["start"])
        except ValueError:
            error("start", f"{values['start']!r} must be a date written YYYY-MM-DD")
            bad = True
        else:
            if not program.start <= start <= program.end:
                error("start", f"{start} is outside the program ({program.start} to {program.end})")
                bad = True
    weekday = values.get("weekday", "").lower() or None
    if weekday and weekday not in WEEKDAYS:
        error("weekday", f"{values['weekday']!r} must be a day of the week: {', '.join(WEEKDAYS)}")
        bad = True
    time = values.get("time") or None
    if time and not TIME.match(time):
        error("time", f"{time!r} must be a 24-hour time written HH:MM")
        bad = True
    language = values.get("language") or None
    # Codes are case-insensitive (BCP 47): ES and es-mx name the program's es and es-MX.
    known = {code.casefold(): code for code in languages}
    if language and language.casefold() in known:
        language = known[language.casefold()]
    elif language and not LANGUAGE.match(language):
        error("language", f"{language!r} is not a language code; write e.g. en, de or en-GB")
        bad = True
    elif language and languages:
        error("language", f"{language!r} is not a language of the program; its languages: {', '.join(languages)} "
              "(leave the cell blank for the first)")
        bad = True
    if shows is not None and not bad:
        for name in ("mentor_name", "mentee_name", "mentor_email", "mentee_email"):
            missing = shows(values[name])
            if missing:
                error(name, f"{missing!r} (U+{ord(missing):04X}) is a character the form font (DejaVu Sans) "
                      "cannot show; write the name in letters it has (Latin, Greek, Cyrillic)")
                bad = True
    if bad:
        return None
    where = {name: starts[i] for i, name in enumerate(header) if i < len(starts)}
    return Pair(
        pair_id, values["mentor_name"], values["mentor_email"], values["mentee_name"], values["mentee_email"],
        start, weekday, time, language, values.get("notes", ""), first_line, where,
    )
