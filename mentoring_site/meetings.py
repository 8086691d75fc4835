"""The meeting calendar: actual dates from start, end and rhythm, and an iCalendar file.

The calendar file is made with the `icalendar` library, so escaping, line folding and the
time zone definition (VTIMEZONE) follow RFC 5545 without code of ours. UIDs are stable across
builds (the same meeting keeps its UID, so a re-imported calendar updates instead of
duplicating), and DTSTAMP is the build stamp (SOURCE_DATE_EPOCH when set).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import icalendar

from .model import WEEKDAYS, Meetings, Program

if TYPE_CHECKING:
    from .program import LoadedProgram


@dataclass(frozen=True)
class Meeting:
    number: int  # 1-based count within its kind
    day: dt.date
    kind: str  # "meeting" or "check-in"
    minutes: int
    mark: str = ""  # "mid-point" or "closing" for the meetings that carry those reviews


@dataclass(frozen=True)
class Event:
    """One all-day entry of the calendar that is not a meeting, e.g. a timeline moment."""

    key: str  # stable part of the UID, e.g. "kick_off"
    day: dt.date
    title: str


def first_day(start: dt.date, weekday: str | None) -> dt.date:
    if weekday is None:
        return start
    return start + dt.timedelta(days=(WEEKDAYS.index(weekday) - start.weekday()) % 7)


def first_meeting_day(program: Program) -> dt.date:
    """Where meetings begin: the timeline's first_meetings if given, else the first meeting day
    after the kick-off (on or after start when the program has no kick-off)."""
    t, m = program.timeline, program.meetings
    weekday = m.weekday or WEEKDAYS[program.start.weekday()]
    if t.first_meetings is not None and "first_meetings" not in t.leave_out:
        return first_day(t.first_meetings, weekday)
    if "kick_off" in t.leave_out:
        return first_day(program.start, weekday)
    return first_day((t.kick_off or program.start) + dt.timedelta(days=1), weekday)


def schedule(program: Program) -> list[Meeting]:
    """Every meeting and check-in between the first meeting and end, in date order, without
    the skipped days. The middle meeting is marked mid-point, the last one closing."""
    m = program.meetings
    day = first_meeting_day(program)
    meeting_days: list[dt.date] = []
    every: list[dt.date] = []  # all meeting days, skipped or not: check-ins never take their place
    while day <= program.end:
        every.append(day)
        if not m.skipped(day):
            meeting_days.append(day)
        day += dt.timedelta(weeks=m.every_weeks)
    middle = (len(meeting_days) + 1) // 2
    out = [
        Meeting(i, d, "meeting", m.length_minutes,
                "closing" if i == len(meeting_days) and i > 1 else "mid-point" if i == middle and i > 1 else "")
        for i, d in enumerate(meeting_days, 1)
    ]
    if m.check_in and every:
        taken = set(every)
        day, n = every[0], 0
        while day <= program.end:
            if day not in taken and not m.skipped(day):
                n += 1
                out.append(Meeting(n, day, "check-in", m.check_in.length_minutes))
            day += dt.timedelta(weeks=m.check_in.every_weeks)
    return sorted(out, key=lambda x: (x.day, x.kind))


def _text(text: str) -> icalendar.vText:
    """Text for a calendar property: line breaks kept as escaped newlines (a lone CR would start
    a new line in some readers), other control characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return icalendar.vText("".join(c for c in text if c == "\n" or c >= " "))


def uid_base(program: Program, language: str = "", default_language: str = "") -> str:
    """The stable part of every UID of the program's calendars. A language other than the
    default gets UIDs of its own (`-es`), so that its calendar and the default one, both
    subscribed to, are two sets of entries, and the default language's UIDs stay as they were."""
    base = hashlib.sha256(f"{program.organisation}/{program.name}".encode()).hexdigest()[:16]
    return f"{base}-{language.lower()}" if language and language != default_language else base


def labels(catalog: Any) -> dict[str, str]:
    """The words of calendar titles in the catalog's language: a meeting's kind and mark."""
    _ = catalog.gettext
    return {"meeting": _("Meeting"), "check-in": _("Check-in"),
            "mid-point": _("mid-point review"), "closing": _("closing meeting")}


def site_calendar(program: LoadedProgram, stamp: dt.datetime) -> bytes:
    """The site's `meetings.ics` for the language `program` was loaded in: every meeting and
    check-in, and the timeline's moments, titled in that language (its message catalog) with
    the program's own words (its name, the meetings' description) in that language too."""
    from . import messages

    cfg = program.config.program
    catalog = messages.of(program, [])  # a broken catalog is reported by the page stage
    events = [Event(m.key, m.day, m.label) for m in program.moments  # labelled in the language
              if m.key != "first_meetings"]  # the meetings themselves are in the calendar
    return ics(
        schedule(cfg), calendar_name=cfg.name, labels=labels(catalog), settings=cfg.meetings, stamp=stamp,
        uid=uid_base(cfg, program.language, program.default_language), events=events,
    )


def ics(
    meetings: Sequence[Meeting],
    *,
    calendar_name: str,
    labels: dict[str, str],
    settings: Meetings,
    stamp: dt.datetime,
    uid: str,
    events: Sequence[Event] = (),
    who: str = "",
) -> bytes:
    """An iCalendar file of the meetings and events.

    `labels` maps a meeting's kind and mark to words ("meeting" -> "Meeting", "mid-point" ->
    "mid-point review", "closing" -> "closing meeting"); `calendar_name` begins
    every title; `who` (e.g. a pair's names) follows it when given, and is part of every UID so
    that two pairs' calendars never share one. `uid` is the program's stable UID base.
    """
    cal = icalendar.Calendar()
    cal.add("prodid", "-//mentoring-site//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _text(f"{calendar_name}: {who}" if who else calendar_name))
    tz = zoneinfo.ZoneInfo(settings.timezone) if settings.timezone else None
    if settings.timezone:
        cal.add("x-wr-timezone", settings.timezone)
    base = uid + ("-" + hashlib.sha256(who.encode()).hexdigest()[:8] if who else "")
    prefix = f"{calendar_name} ({who})" if who else calendar_name
    stamp_utc = stamp.replace(tzinfo=dt.UTC)
    where = settings.place or settings.video_link
    for m in meetings:
        event = icalendar.Event()
        event.add("uid", f"{m.kind}-{m.day:%Y%m%d}-{base}@mentoring-site")
        event.add("dtstamp", stamp_utc)
        if settings.time:
            hh, mm = map(int, settings.time.split(":"))
            begin = dt.datetime.combine(m.day, dt.time(hh, mm), tzinfo=tz)
            event.add("dtstart", begin)
            event.add("dtend", begin + dt.timedelta(minutes=m.minutes))
        else:
            event.add("dtstart", m.day)
            event.add("dtend", m.day + dt.timedelta(days=1))
        mark = f" ({labels[m.mark]})" if m.mark else ""
        event.add("summary", _text(f"{prefix}: {labels[m.kind]} {m.number}{mark}"))
        if where:
            event.add("location", _text(where))
        if settings.video_link:
            event.add("url", settings.video_link)
        if settings.description:
            event.add("description", _text(settings.description))
        cal.add_component(event)
    for e in events:
        event = icalendar.Event()
        event.add("uid", f"{e.key.replace('_', '-')}-{e.day:%Y%m%d}-{base}@mentoring-site")
        event.add("dtstamp", stamp_utc)
        event.add("dtstart", e.day)
        event.add("dtend", e.day + dt.timedelta(days=1))
        event.add("summary", _text(f"{prefix}: {e.title}"))
        event.add("transp", "TRANSPARENT")  # an all-day marker, not a busy day
        cal.add_component(event)
    if tz is not None:
        cal.add_missing_timezones()
    return cal.to_ical()
