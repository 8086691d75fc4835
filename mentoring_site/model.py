"""The program definition: what `content/program.yml` and the practice files may contain.

Every key a user can write is a field below with its documentation. Key names are part of the
user-facing interface: keep them stable.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import zoneinfo
from dataclasses import dataclass, field
from typing import Any, Literal

from . import sourcefiles, svgsafety
from .errors import shown
from .schema import INVALID, Ctx, RuleError, meta
from .yamlsource import Path_

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def text(doc: str, **kwargs: Any) -> dict[str, Any]:
    """Metadata of a text a reader sees: in a program of several languages it may be a mapping
    from language codes to text (see languages.py)."""
    return {**meta(doc, **kwargs), "translatable": True}


def _slug(value: str, ctx: Ctx, path: Path_) -> Any:
    if not SLUG.match(value):
        return ctx.error(path, f"{shown(value)} must be lowercase letters, digits and single hyphens")
    return value


# One rule for an email address wherever one is written (program.yml, the roster): no spaces,
# angle brackets, quotes or the separators a list of addresses would use.
EMAIL = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:]+$")


def _email(value: str, ctx: Ctx, path: Path_) -> Any:
    if not EMAIL.match(value):
        return ctx.error(path, f"{shown(value)} is not an email address")
    return value


def _email_or_empty(value: str, ctx: Ctx, path: Path_) -> Any:
    return _email(value, ctx, path) if value else value


def _colour(value: str, ctx: Ctx, path: Path_) -> Any:
    if not COLOUR.match(value):
        return ctx.error(path, f"{shown(value)} must be a colour written \"#RRGGBB\" (in quotes)")
    return value.lower()


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two "#rrggbb" colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _readable_on_white(role: str) -> Any:
    def check(value: str, ctx: Ctx, path: Path_) -> Any:
        value = _colour(value, ctx, path)
        if value is INVALID:
            return value
        ratio = contrast(value, "#ffffff")
        if ratio < 4.5:
            return ctx.error(
                path,
                f"{value} {role}: contrast with white is {ratio:.2f}:1, below the 4.5:1 "
                "that WCAG AA requires for text; choose a darker colour",
            )
        return value

    return check


IMAGE_LIMIT = 1_000_000
IMAGE_KINDS = {"png": b"\x89PNG\r\n\x1a\n", "ico": b"\x00\x00\x01\x00", "jpg": b"\xff\xd8\xff"}
MAX_PIXELS = 4096
FONT_LIMIT = 2_000_000
FONT_KINDS = {"woff2": (b"wOF2",), "woff": (b"wOFF",), "ttf": (b"\x00\x01\x00\x00", b"true"), "otf": (b"OTTO",)}


def _program_file(value: str, ctx: Ctx, path: Path_, *, limit: int, what: str) -> Any:
    """The resolved path of a file inside the program folder, or INVALID (reported)."""
    root = ctx.problems.root.resolve()
    if value.startswith(("/", "\\")) or "://" in value or value.startswith(("data:", "file:")):
        return ctx.error(path, f"{shown(value)} must be a path inside the program folder, e.g. assets/logo.svg")
    resolved = (root / value).resolve()
    if not resolved.is_relative_to(root):
        return ctx.error(path, f"{shown(value)} points outside the program folder")
    if not resolved.exists():
        return ctx.error(path, f"{shown(value)} does not exist")
    why = sourcefiles.check(resolved)  # a named pipe would hang the build; say so instead
    if why or resolved.is_dir():
        return ctx.error(path, f"{shown(value)} {why or 'is a folder, not a file'}")
    size = resolved.stat().st_size
    if size > limit:
        return ctx.error(path, f"{shown(value)} is {size} bytes; {what} may be at most {limit} bytes")
    return resolved


def _image(kinds: tuple[str, ...]) -> Any:
    """A file inside the program folder that really is an image of an accepted kind."""

    def check(value: str, ctx: Ctx, path: Path_) -> Any:
        if not value:
            return value
        resolved = _program_file(value, ctx, path, limit=IMAGE_LIMIT, what="images")
        if resolved is INVALID:
            return INVALID
        try:
            data = sourcefiles.read_bytes(resolved, limit=IMAGE_LIMIT)
        except sourcefiles.Refused as exc:
            return ctx.error(path, f"{shown(value)} {exc}")
        head = data[:2048]
        kind = next((k for k, magic in IMAGE_KINDS.items() if head.startswith(magic)), None)
        if kind is None and svgsafety.looks_like_svg(head):
            kind = "svg"
        if kind == "svg" and kind in kinds:
            found = svgsafety.problem(data)
            if found is not None:
                return ctx.error(path, f"{shown(value)}, {found}")
        if kind == "png" and len(head) >= 24:
            width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
            if width > MAX_PIXELS or height > MAX_PIXELS:
                return ctx.error(path, f"{shown(value)} is {width} by {height} pixels; images may be at most "
                                 f"{MAX_PIXELS} by {MAX_PIXELS}")
        if kind not in kinds:
            names = " or ".join(k.upper() for k in kinds)
            article = "an" if names[0] in "AEFHILMNORSX" else "a"  # an SVG, a PNG
            return ctx.error(path, f"{shown(value)} is not {article} {names} image")
        return resolved.relative_to(ctx.problems.root.resolve()).as_posix()

    return check


def _font_file(value: str, ctx: Ctx, path: Path_) -> Any:
    """A font file (WOFF2, WOFF, TTF or OTF) inside the program folder."""
    if not value:
        return value
    resolved = _program_file(value, ctx, path, limit=FONT_LIMIT, what="font files")
    if resolved is INVALID:
        return INVALID
    try:
        head = sourcefiles.read_bytes(resolved, limit=4)
    except sourcefiles.Refused as exc:
        return ctx.error(path, f"{shown(value)} {exc}")
    if not any(head.startswith(m) for magics in FONT_KINDS.values() for m in magics):
        return ctx.error(path, f"{shown(value)} is not a font file (WOFF2, WOFF, TTF or OTF)")
    return resolved.relative_to(ctx.problems.root.resolve()).as_posix()


WEB_ADDRESS = re.compile(r"^https?://[^\s<>\"'`\\]+$")


def _web_address(value: str, ctx: Ctx, path: Path_) -> Any:
    if value and not WEB_ADDRESS.match(value):
        return ctx.error(path, f"{shown(value)} must be a web address starting with https://")
    return value


def _time(value: str, ctx: Ctx, path: Path_) -> Any:
    if not TIME.match(value):
        return ctx.error(path, f"{shown(value)} must be a 24-hour time written \"HH:MM\" (in quotes)")
    return value


def bcp47(locale: Any) -> str:
    """A Babel locale's BCP 47 code: Locale('pt', territory='BR') -> "pt-BR"."""
    return "-".join(filter(None, (locale.language, locale.script, locale.territory, locale.variant)))


@functools.lru_cache(maxsize=512)
def known_language(code: str) -> bool:
    """Whether `code` is a BCP 47 code Babel knows, as written (cheap: a file name's suffix is
    asked about)."""
    return bool(LANGUAGE.match(code)) and not language_problem(code)


def language_problem(value: str) -> str:
    """'' when `value` is a BCP 47 code Babel knows (en, es, pt-BR), else the message saying so,
    with a did-you-mean for a close code or for a language's English name ("spanish": es)."""
    import babel  # (imported here: Babel's locale data is only read when a program names a language)
    from babel import localedata

    if LANGUAGE.match(value):
        try:
            locale = babel.Locale.parse(value, sep="-")
        except (ValueError, babel.UnknownLocaleError):
            pass
        else:
            code = bcp47(locale)
            # es-mx, eng, en-UK: Babel reads them, but the site's folders and the documents' lang
            # would carry them as written. (A subtag Babel does not keep, de-CH-1996, is kept.)
            if "-" not in value:  # eng: Babel's alias is en_US, but a language alone was meant
                code = locale.language
            if code != value and not value.startswith(code + "-"):
                return f"{shown(value)} is written {code} in BCP 47; write {code}"
            return ""
    known = sorted({i.replace("_", "-") for i in localedata.locale_identifiers()})
    names = {name.lower(): code for code, name in babel.Locale("en").languages.items() if code in known}
    dashed = value.strip().replace("_", "-")
    close = [names[dashed.lower()]] if dashed.lower() in names else [c for c in known if c.lower() == dashed.lower()]
    if not close:  # esp: among the common codes of the same shape (a language alone, or with a region)
        alike = [c for c in known if ("-" in c) == ("-" in dashed) and len(c.split("-")[0]) == 2]
        close = difflib.get_close_matches(dashed, alike, n=3, cutoff=0.75)
    if close:
        hint = "; did you mean " + (close[0] if len(close) == 1 else ", ".join(close[:-1]) + " or " + close[-1]) + "?"
    else:
        hint = "; write e.g. en, de or en-GB"
    return f"{shown(value)} is not a language code{hint}"


def _language(value: str, ctx: Ctx, path: Path_) -> Any:
    problem = language_problem(value)
    return ctx.error(path, problem) if problem else value


def _languages(value: list[str], ctx: Ctx, path: Path_) -> Any:
    ok = True
    for i, code in enumerate(value):
        problem = language_problem(code) or (f"lists {code} twice" if code in value[:i] else "")
        if problem:
            ctx.error((*path, i), problem)
            ok = False
    if not value:
        return ctx.error(path, "must name at least one language; the first is the default")
    parent = ctx.doc.data
    for key in path[:-1]:
        parent = parent.get(key) if isinstance(parent, dict) else None
    if isinstance(parent, dict) and "language" in parent:  # one or the other: which is the default?
        ctx.error_at_key((*path[:-1], "language"), "give languages or language, not both "
                         "(the first of languages is the default)")
        ok = False
    if not ok and ctx.repair:
        # The right codes stay, each once: with one language fewer, its translations would be
        # reported as translating a language the program does not have.
        right = [c for i, c in enumerate(value) if not language_problem(c) and c not in value[:i]]
        ctx.replaced.append(path)  # stood in for all the same: the default may not be the one meant
        return right or INVALID
    return value if ok else INVALID


def _positive(limit: int) -> Any:
    def check(value: int, ctx: Ctx, path: Path_) -> Any:
        if not 1 <= value <= limit:
            return ctx.error(path, f"must be between 1 and {limit}, not {value}")
        return value

    return check


def _nonblank(value: str, ctx: Ctx, path: Path_) -> Any:
    if not value.strip():
        return ctx.error(path, "must not be blank")
    return value


@dataclass(frozen=True)
class Contact:
    """Who participants write to with questions."""

    name: str = field(metadata=text("Full name of the program's contact person.", check=_nonblank,
                                    neutral="Contact"))
    email: str = field(metadata=meta("Their email address.", check=_email, neutral="contact@example.org"))


@dataclass(frozen=True)
class CheckIn:
    """A short check-in held in the weeks between full meetings."""

    every_weeks: int = field(default=1, metadata=meta("Weeks between check-ins.", check=_positive(8)))
    length_minutes: int = field(
        default=15, metadata=meta("Length of a check-in in minutes.", check=_positive(240))
    )


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS = list(Weekday.__args__)  # type: ignore[attr-defined]


def _weekday(value: str, ctx: Ctx, path: Path_) -> Any:
    """Any capitalisation of a weekday's English name: Monday, MONDAY and monday are the same."""
    if value.strip().lower() not in WEEKDAYS:
        return ctx.error(path, f"must be one of {', '.join(WEEKDAYS)}, not {shown(value)}")
    return value.strip().lower()


def _timezone(value: str, ctx: Ctx, path: Path_) -> Any:
    """An IANA time zone name that this machine's time zone database knows."""
    try:
        if "/" not in value and value not in ("UTC", "Etc/UTC"):
            raise ValueError(value)  # "CET", "EST": legacy names that mean different things to different readers
        zoneinfo.ZoneInfo(value)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return ctx.error(path, f"{shown(value)} is not a time zone name; write an IANA name such as "
                         "Europe/London, America/New_York or UTC")
    return value


@dataclass(frozen=True)
class DateRange:
    """Days in a row, e.g. a winter break: start and end are both included."""

    start: dt.date = field(metadata=meta("First day, YYYY-MM-DD."))
    end: dt.date = field(metadata=meta("Last day, YYYY-MM-DD (included)."))

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise RuleError("end", f"end ({self.end}) is before start ({self.start})", reads=("start", "end"))

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Meetings:
    """The meeting rhythm: the handbook computes the actual dates from it."""

    every_weeks: int = field(
        metadata=meta("Weeks between full meetings, e.g. 2 for fortnightly.", check=_positive(12), neutral=2)
    )
    length_minutes: int = field(
        metadata=meta("Length of a full meeting in minutes.", check=_positive(480), neutral=60)
    )
    weekday: str | None = field(
        default=None,
        metadata=meta("Day of the week meetings fall on, e.g. monday (any capitalisation); "
                      "default: the weekday of `start`.", check=_weekday),
    )
    time: str | None = field(
        default=None,
        metadata=meta(
            'Usual start time, "HH:MM" in quotes; without it the calendar has all-day entries.',
            check=_time,
        ),
    )
    check_in: CheckIn | None = field(
        default=None, metadata=meta("Optional short check-ins between meetings.")
    )
    skip: list[dt.date | DateRange] = field(
        default_factory=list,
        metadata=meta("Days without meetings or check-ins: dates, and ranges written "
                      "{start: YYYY-MM-DD, end: YYYY-MM-DD} (holidays, a winter break). "
                      "A meeting that falls on one is left out, not moved."),
    )
    timezone: str = field(
        default="",
        metadata=meta("IANA time zone of `time`, e.g. Europe/London; the calendar file carries it. "
                      "Without it, calendar times are local to whoever imports them.", check=_timezone),
    )
    place: str = field(
        default="", metadata=text("Where pairs usually meet, e.g. a room; shown on the meetings page and in the "
                                  "calendar.")
    )
    video_link: str = field(
        default="",
        metadata=meta("A video-call address starting with https://, for pairs who meet online.",
                      check=_web_address),
    )
    description: str = field(
        default="", metadata=text("A line or two that every calendar entry carries, e.g. what to bring.")
    )

    def __post_init__(self) -> None:
        if self.check_in and self.check_in.every_weeks >= self.every_weeks:
            raise RuleError(
                "check_in.every_weeks",
                f"check-ins every {self.check_in.every_weeks} weeks would never fall between "
                f"meetings every {self.every_weeks} weeks; make it smaller, or leave out check_in",
                reads=("check_in", "every_weeks"),
            )
        if self.timezone and not self.time:
            raise RuleError("timezone", 'a time zone needs a meeting time; add time: "HH:MM", or leave out timezone',
                            reads=("timezone", "time"))

    def skipped(self, day: dt.date) -> bool:
        return any(day == s if isinstance(s, dt.date) else day in s for s in self.skip)


Moment = Literal[
    "applications_open", "applications_close", "matching", "kick_off", "first_meetings",
    "mid_point_review", "closing_event", "feedback_survey",
]
MOMENTS: list[str] = list(Moment.__args__)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Timeline:
    """The program's key moments. Each is a date, or computed from start, end and the meetings
    when left out; list any the program does not have under `leave_out`."""

    applications_open: dt.date | None = field(
        default=None, metadata=meta("Applications open; default: 8 weeks before start.")
    )
    applications_close: dt.date | None = field(
        default=None, metadata=meta("Last day to apply; default: 5 weeks before start.")
    )
    matching: dt.date | None = field(
        default=None, metadata=meta("Pairs are told who they are matched with; default: 2 weeks before start.")
    )
    kick_off: dt.date | None = field(
        default=None, metadata=meta("Kick-off and orientation; default: start. Must come before the first "
                                    "meetings.")
    )
    first_meetings: dt.date | None = field(
        default=None,
        metadata=meta("Meetings begin (on the meeting weekday from this day on); default: the first meeting day "
                      "after the kick-off."),
    )
    mid_point_review: dt.date | None = field(
        default=None, metadata=meta("Mid-point review; default: the day of the middle meeting.")
    )
    closing_event: dt.date | None = field(
        default=None, metadata=meta("Closing event; default: end.")
    )
    feedback_survey: dt.date | None = field(
        default=None, metadata=meta("The end-of-program survey goes out; default: 1 week after end.")
    )
    leave_out: list[Moment] = field(
        default_factory=list,
        metadata=meta("Moments this program does not have, e.g. [applications_open, applications_close]."),
    )


# What stands in for a wrong start or end while the rest of the program is checked (see
# schema.Ctx.repair): twelve weeks from the other one when that is right, else early in 2000.
NEUTRAL_WEEKS = dt.timedelta(weeks=12)
NEUTRAL_START = dt.date(2000, 1, 3)


FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)  # the years a start and an end may be in


def _in_range(day: Any) -> bool:
    return isinstance(day, dt.date) and FIRST_DAY <= day <= LAST_DAY


def _neutral_start(given: dict[str, Any]) -> dt.date:
    end = given.get("end")
    return max(end - NEUTRAL_WEEKS, FIRST_DAY) if _in_range(end) else NEUTRAL_START


def _neutral_end(given: dict[str, Any]) -> dt.date:
    start = given.get("start")
    return min(start + NEUTRAL_WEEKS, LAST_DAY) if _in_range(start) else NEUTRAL_START + NEUTRAL_WEEKS


@dataclass(frozen=True)
class Program:
    """The program itself."""

    name: str = field(metadata=text("Program name, shown as the site title.", check=_nonblank, neutral="Program"))
    organisation: str = field(metadata=text("Organisation running the program.", check=_nonblank,
                                            neutral="Organisation"))
    contact: Contact = field(metadata=meta("Contact person for participants."))
    start: dt.date = field(metadata=meta("First day of the program, YYYY-MM-DD.", neutral=_neutral_start))
    end: dt.date = field(metadata=meta("Last day of the program, YYYY-MM-DD.", neutral=_neutral_end))
    meetings: Meetings = field(metadata=meta("The meeting rhythm."))
    name_in_text: str = field(
        default="",
        metadata=text('How the name reads inside a sentence, e.g. "the Northwind Mentoring Program"; '
                      "default: the name as written.", check=_nonblank),
    )
    timeline: Timeline = field(
        default_factory=Timeline, metadata=meta("Key moments: applications, matching, kick-off, mid-point, closing.")
    )
    description: str = field(
        default="", metadata=text("One or two sentences on what the program is for.")
    )
    language: str = field(
        default="",
        metadata=meta(
            "Language code (BCP 47) of a one-language handbook and its worksheets, e.g. en, de, en-GB: it "
            "tells browsers, screen readers and PDF readers the language, and picks the theme's interface "
            "language; default: en. A program in several languages gives `languages` instead.",
            check=_language,
        ),
    )
    languages: list[str] = field(
        default_factory=list,
        metadata=meta(
            "The languages of a program in several, e.g. [en, es]: the first is the default language (the "
            "site's root); each other one is a whole site under /<code>/. Text in the default language is "
            "used where a translation is missing.",
            check=_languages,
        ),
    )

    def __post_init__(self) -> None:
        # After loading, `languages` lists every language (default first) and `language` is the
        # one this copy of the program is in (the default, unless loaded in another).
        if not self.languages:
            object.__setattr__(self, "languages", [self.language or "en"])
        if not self.language:
            object.__setattr__(self, "language", self.languages[0])
        dates = ("start", "end")
        # Each date's own range first: a stand-in for the other one is then always in range, and
        # after it (see _neutral_start, _neutral_end).
        for key, day in (("start", self.start), ("end", self.end)):
            if not _in_range(day):
                raise RuleError(key, f"{day} is not between the years 1900 and 2999", reads=(key,))
        if self.end < self.start:
            raise RuleError("end", f"end ({self.end}) is before start ({self.start})", reads=dates)
        if (self.end - self.start).days > 366 * 5:
            raise RuleError("end", "the program lasts more than five years; check start and end", reads=dates)
        for i, skipped in enumerate(self.meetings.skip):
            for key, day in ((f"{i}", skipped),) if isinstance(skipped, dt.date) else (
                    (f"{i}.start", skipped.start), (f"{i}.end", skipped.end)):
                if not self.start <= day <= self.end:
                    raise RuleError(f"meetings.skip.{key}",
                                    f"{day} is outside the program ({self.start} to {self.end})",
                                    reads=(*dates, "meetings"))

    @property
    def in_text(self) -> str:
        """The name as it reads inside a sentence."""
        return self.name_in_text or self.name


def _word(value: Any, ctx: Ctx, path: Path_) -> Any:
    return _nonblank(value, ctx, path) if isinstance(value, str) else value


@dataclass(frozen=True)
class Term:
    """A role word with its plural, e.g. singular: Guide, plural: Guides."""

    singular: str = field(metadata=meta("The word for one person.", check=_nonblank))
    plural: str = field(metadata=meta("The word for several people.", check=_nonblank))
    gender: Literal["masculine", "feminine"] | None = field(
        default=None,
        metadata=meta("Grammatical gender, for languages whose articles follow it (masculine when not "
                      "given): in Spanish [[el_mentee]] is \"la mentorada\" and [[a_mentee]] \"una mentorada\" "
                      "with feminine, \"el mentorado\", \"un mentorado\" without."),
    )


@dataclass(frozen=True)
class Terminology:
    """Words for the roles: each a word (plural made for you) or a singular/plural mapping."""

    mentor: str | Term = field(
        default="mentor", metadata=meta("Word for the mentor role.", check=_word)
    )
    mentee: str | Term = field(
        default="mentee", metadata=meta("Word for the mentee role.", check=_word)
    )
    program_manager: str | Term | None = field(
        default=None,
        metadata=meta("Word for the program manager role; default: the program word and 'manager'.", check=_word),
    )
    mentoring: str = field(
        default="mentoring",
        metadata=meta("Word for the activity itself, e.g. coaching: 'the coaching agreement'.", check=_word),
    )
    program: str | Term = field(
        default="program",
        metadata=meta("The word 'program' itself, e.g. programme or scheme, wherever a reader sees it.", check=_word),
    )

    @property
    def manager(self) -> str | Term:
        """The program manager word, made from the program word when not set."""
        if self.program_manager is not None:
            return self.program_manager
        word = self.program if isinstance(self.program, str) else self.program.singular
        return f"{word.strip()} manager"

    def __post_init__(self) -> None:
        def singular(term: str | Term) -> str:
            return (term if isinstance(term, str) else term.singular).strip().lower()

        roles = ("mentor", "mentee")
        words = ("program_manager", "program", *roles)
        if singular(self.mentee) == singular(self.mentor):
            raise RuleError("mentee", f"is the same word as mentor ({shown(singular(self.mentor))}); "
                            "the two roles need different words", reads=roles)
        if self.program_manager is None and singular(self.manager) in (singular(self.mentor), singular(self.mentee)):
            raise RuleError("program", f"makes the program manager's word {singular(self.manager)!r}, the same as a "
                            "role's word; set program_manager to another word", reads=words)
        if singular(self.manager) in (singular(self.mentor), singular(self.mentee)):
            raise RuleError("program_manager", "must differ from the mentor and mentee words", reads=words)


FAMILY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,62}$")


def _family(value: str, ctx: Ctx, path: Path_) -> Any:
    if not FAMILY.match(value):
        return ctx.error(path, f"{shown(value)} must be a font name of letters, digits, spaces and hyphens")
    return value


@dataclass(frozen=True)
class Font:
    """A typeface from files in the program folder: nothing is fetched from a font service."""

    family: str = field(metadata=meta("Name of the typeface, e.g. Atkinson Hyperlegible.", check=_family))
    regular: str = field(metadata=meta("Regular font file (WOFF2, WOFF, TTF or OTF).", check=_font_file))
    bold: str = field(default="", metadata=meta("Bold font file; without it bold is synthesised.",
                                                check=_font_file))


@dataclass(frozen=True)
class Support:
    """Who participants ask about the handbook or worksheets (often not the program contact)."""

    name: str = field(metadata=text("Person or team, e.g. People Development Team.", check=_nonblank))
    email: str = field(default="", metadata=meta("Their email address.", check=_email_or_empty))
    url: str = field(default="", metadata=meta("A help page, starting with https://.", check=_web_address))

    def __post_init__(self) -> None:
        if not self.email and not self.url:
            raise RuleError("email", "give an email, a url, or both", reads=("email", "url"))


@dataclass(frozen=True)
class Branding:
    """How the site and worksheets look."""

    primary_color: str = field(
        default="#1f4e79",
        metadata=meta(
            'Main colour, "#RRGGBB" in quotes; white text on it must reach 4.5:1 contrast.',
            check=_readable_on_white("(primary_color, behind white header text)"),
        ),
    )
    accent_color: str = field(
        default="#b3541e",
        metadata=meta(
            'Accent colour, "#RRGGBB" in quotes; used as text on white, so 4.5:1 is required.',
            check=_readable_on_white("(accent_color, as text on white)"),
        ),
    )
    logo: str = field(
        default="",
        metadata=meta("SVG or PNG file in the program folder, shown in the site header and on worksheets.",
                      check=_image(("svg", "png"))),
    )
    favicon: str = field(
        default="",
        metadata=meta("SVG, PNG or ICO file in the program folder: the browser tab icon.",
                      check=_image(("svg", "png", "ico"))),
    )
    footer: str = field(default="", metadata=text("Text in the footer of every page and worksheet."))
    font: Font | None = field(
        default=None,
        metadata=meta("A typeface from font files in the program folder, for the site and worksheets."),
    )
    support: Support | None = field(
        default=None,
        metadata=meta("Who helps with the handbook and worksheets; shown in every footer."),
    )


PaperSize = Literal["a4", "letter"]


def _paper_sizes(value: list[str], ctx: Ctx, path: Path_) -> Any:
    if not value:
        return ctx.error(path, "must name at least one paper size (a4, letter)")
    if len(set(value)) != len(value):
        return ctx.error(path, "lists a paper size twice")
    return value


@dataclass(frozen=True)
class WorksheetSettings:
    """How worksheets are produced."""

    paper_sizes: list[PaperSize] = field(
        default_factory=lambda: ["a4", "letter"],
        metadata=meta("Paper sizes to produce: a4, letter or both.", check=_paper_sizes),
    )


@dataclass(frozen=True)
class SiteSettings:
    """Settings for the published site."""

    url: str = field(
        default="",
        metadata=meta("Public address of the site, if known, starting https://.", check=_web_address),
    )
    allow_html: bool = field(
        default=False,
        metadata=meta("Let raw HTML in content through to the site (off: it is shown as written)."),
    )


@dataclass(frozen=True)
class Applying:
    """Who can apply, what the application asks, and how pairs are matched."""

    mentors: str = field(default="", metadata=text("Markdown: who can apply as a mentor."))
    mentees: str = field(default="", metadata=text("Markdown: who can apply as a mentee."))
    questions: list[str] = field(
        default_factory=list, metadata=text("What the application form asks, one line each.")
    )
    criteria: list[str] = field(
        default_factory=list,
        metadata=text("How the program manager matches pairs, most important first, one line each."),
    )


@dataclass(frozen=True)
class SupportService:
    """A service participants can turn to beyond the program, e.g. an employee assistance line."""

    name: str = field(metadata=text("Name of the service.", check=_nonblank))
    about: str = field(metadata=text("What it helps with and when, in a sentence.", check=_nonblank))
    contact: str = field(default="", metadata=text("How to reach it: a phone number, an email, opening hours."))
    url: str = field(default="", metadata=meta("Its web page, starting with https://.", check=_web_address))


@dataclass(frozen=True)
class BookletSettings:
    """The printed handbook: every page in one PDF per paper size, `site/handbook-<size>.pdf`."""

    enabled: bool = field(
        default=True,
        metadata=meta("Build the printed handbook (off: no PDF and no link to it; "
                      "`mentoring-site build --no-booklet` does the same for one build)."),
    )
    worksheets: bool = field(
        default=True,
        metadata=meta("Print every worksheet's blank form in an appendix at the end of the handbook."),
    )


@dataclass(frozen=True)
class ProgramFile:
    """`content/program.yml`."""

    program: Program = field(metadata=meta("The program itself."))
    terminology: Terminology = field(
        default_factory=Terminology, metadata=meta("Words for the roles.")
    )
    branding: Branding = field(default_factory=Branding, metadata=meta("Colours and footer."))
    worksheets: WorksheetSettings = field(
        default_factory=WorksheetSettings, metadata=meta("Worksheet output settings.")
    )
    site: SiteSettings = field(default_factory=SiteSettings, metadata=meta("Site settings."))
    applying: Applying = field(
        default_factory=Applying, metadata=meta("Who can apply, what the application asks, matching criteria.")
    )
    support_services: list[SupportService] = field(
        default_factory=list, metadata=meta("Services participants can turn to for help beyond the program.")
    )
    concerns: Contact | None = field(
        default=None,
        metadata=meta("Someone other than the program manager to report a concern to, e.g. HR or a "
                      "safeguarding lead."),
    )
    booklet: BookletSettings = field(
        default_factory=BookletSettings, metadata=meta("The printed handbook (one PDF per paper size).")
    )


@dataclass(frozen=True)
class Practice:
    """One good practice: a page of the handbook."""

    id: str = field(metadata=meta("Stable identifier; the page's URL slug.", check=_slug))
    title: str = field(metadata=meta("Title of the practice.", check=_nonblank))
    summary: str = field(metadata=meta("One or two sentences for overview pages.", check=_nonblank))
    what: str = field(metadata=meta("Markdown: what the practice is."))
    why: str = field(metadata=meta("Markdown: why it matters."))
    how: list[str] = field(metadata=meta("Concrete steps, one Markdown line each."))
    questions: list[str] = field(default_factory=list, metadata=meta("Questions to ask."))
    pitfalls: list[str] = field(default_factory=list, metadata=meta("Pitfalls and how to avoid them."))
    tip: str = field(default="", metadata=meta("Optional short tip shown in a box."))


MAX_PRACTICES = 30


def _unique_ids(value: list[Practice], ctx: Ctx, path: Path_) -> Any:
    seen: set[str] = set()
    ok = True
    for i, practice in enumerate(value):
        if practice.id in seen:
            ctx.error((*path, i, "id"), f"practice id {shown(practice.id)} is used twice")
            ok = False
        seen.add(practice.id)
    if not value:
        return ctx.error(path, "must list at least one practice")
    if len(value) > MAX_PRACTICES:
        return ctx.error(path, f"lists {len(value)} practices; a role may have at most {MAX_PRACTICES}")
    return value if ok else INVALID


@dataclass(frozen=True)
class PracticeFile:
    """`content/practices/mentors.yml` or `mentees.yml`: the ordered practices of one role."""

    practices: list[Practice] = field(metadata=meta("The practices, in order.", check=_unique_ids))
