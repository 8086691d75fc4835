"""The meeting calendar: actual dates from start, end and rhythm, and an iCalendar file."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from .model import WEEKDAYS, ProgramFile


@dataclass(frozen=True)
class Meeting:
    number: int  # 1-based count within its kind
    day: dt.date
    kind: str  # "meeting" or "check-in"
    minutes: int


def first_day(start: dt.date, weekday: str | None) -> dt.date:
    if weekday is None:
        return start
    return start + dt.timedelta(days=(WEEKDAYS.index(weekday) - start.weekday()) % 7)


def schedule(config: ProgramFile) -> list[Meeting]:
    """Every meeting and check-in between start and end, in date order."""
    p = config.program
    m = p.meetings
    day = first_day(p.start, m.weekday)
    meeting_days: list[dt.date] = []
    while day <= p.end:
        meeting_days.append(day)
        day += dt.timedelta(weeks=m.every_weeks)
    out = [Meeting(i, d, "meeting", m.length_minutes) for i, d in enumerate(meeting_days, 1)]
    if m.check_in and meeting_days:
        taken = set(meeting_days)
        day, n = meeting_days[0], 0
        while day <= p.end:
            if day not in taken:
                n += 1
                out.append(Meeting(n, day, "check-in", m.check_in.length_minutes))
            day += dt.timedelta(weeks=m.check_in.every_weeks)
    return sorted(out, key=lambda x: (x.day, x.kind))


def _escape(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a lone CR would start a new line
    text = "".join(c for c in text if c == "\n" or c >= " ")  # no other control characters
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 lines are at most 75 octets; longer ones continue after CRLF + space."""
    raw = line.encode()
    parts = []
    while len(raw) > 75:
        cut = 75 if not parts else 74
        while cut and (raw[cut] & 0xC0) == 0x80:  # don't split a UTF-8 sequence
            cut -= 1
        parts.append(raw[:cut].decode())
        raw = raw[cut:]
    parts.append(raw.decode())
    return "\r\n ".join(parts)


def ics(config: ProgramFile, meetings: list[Meeting], labels: dict[str, str], stamp: dt.datetime) -> str:
    """An iCalendar file of the meetings. `labels` maps kind to the event title."""
    p = config.program
    uid_base = hashlib.sha256(f"{p.organisation}/{p.name}".encode()).hexdigest()[:16]
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//mentoring-site//EN",
        "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_escape(p.name)}",
    ]
    for m in meetings:
        lines += ["BEGIN:VEVENT", f"UID:{m.kind}-{m.day:%Y%m%d}-{uid_base}@mentoring-site"]
        lines.append(f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}")
        if p.meetings.time:
            hh, mm = map(int, p.meetings.time.split(":"))
            begin = dt.datetime.combine(m.day, dt.time(hh, mm))
            finish = begin + dt.timedelta(minutes=m.minutes)
            lines += [f"DTSTART:{begin:%Y%m%dT%H%M%S}", f"DTEND:{finish:%Y%m%dT%H%M%S}"]
        else:
            lines += [
                f"DTSTART;VALUE=DATE:{m.day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{m.day + dt.timedelta(days=1):%Y%m%d}",
            ]
        title = f"{p.name}: {labels[m.kind]} {m.number}"
        lines += [f"SUMMARY:{_escape(title)}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines if line)
