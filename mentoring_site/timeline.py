"""The program's timeline: its key moments, given in `program.timeline` or computed.

A moment left out of the YAML gets a date computed from `start`, `end` and the meeting
schedule; a moment listed under `leave_out` is absent. Dates are checked for order and for
lying inside the program, and every mistake is reported at the key that has to change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from . import meetings
from .messages import N_
from .model import MOMENTS, Program

# What a reader sees for each moment (page, home page, calendar). Templates get these as
# `moment.label`, in the program's language (the message catalog); an organisation that wants
# other words overrides the page templates, or the messages.
LABELS = {
    "applications_open": N_("Applications open"),
    "applications_close": N_("Applications close"),
    "matching": N_("Pairs are matched"),
    "kick_off": N_("Kick-off and orientation"),
    "first_meetings": N_("First meetings"),
    "mid_point_review": N_("Mid-point review"),
    "closing_event": N_("Closing event"),
    "feedback_survey": N_("Feedback survey"),
}
assert list(LABELS) == MOMENTS

# Moments that belong inside the program's own dates; the others come before it
# (recruiting) or just after it (the survey).
INSIDE = ("kick_off", "first_meetings", "mid_point_review", "closing_event")
RECRUITING_LEAD = dt.timedelta(days=366)  # applications may open at most a year before start
SURVEY_LAG = dt.timedelta(weeks=12)  # the survey may go out at most 12 weeks after end


@dataclass(frozen=True)
class Moment:
    key: str  # the YAML key, e.g. "kick_off"
    day: dt.date
    given: bool  # written in the YAML (True) or computed (False)
    text: str = field(default="", compare=False)  # the label in the program's language

    @property
    def label(self) -> str:
        return self.text or LABELS[self.key]


def _defaults(program: Program) -> dict[str, dt.date]:
    start, end = program.start, program.end
    out = {
        "applications_open": start - dt.timedelta(weeks=8),
        "applications_close": start - dt.timedelta(weeks=5),
        "matching": start - dt.timedelta(weeks=2),
        "kick_off": start,
        "first_meetings": meetings.first_meeting_day(program),
        "closing_event": end,
        "feedback_survey": end + dt.timedelta(weeks=1),
    }
    full = [m for m in meetings.schedule(program) if m.kind == "meeting"]
    out["mid_point_review"] = full[(len(full) + 1) // 2 - 1].day if full else out["first_meetings"]
    return out


def moments(program: Program, gettext: Callable[[str], str] | None = None) -> list[Moment]:
    """The program's moments in timeline order, without those it leaves out; `gettext`: the
    language's messages, for the labels (English without; `LoadedProgram.moments` passes them)."""
    given = program.timeline
    defaults = _defaults(program)
    out = []
    for key in MOMENTS:
        if key in given.leave_out:
            continue
        day = getattr(given, key)
        out.append(Moment(key, day or defaults[key], day is not None, gettext(LABELS[key]) if gettext else ""))
    return out


def problems(program: Program) -> list[tuple[str, str]]:
    """(key path under `program`, message) for each mistake in the timeline."""
    found: list[tuple[str, str]] = []
    where = {m.key: m for m in moments(program)}

    def blame(m: Moment) -> str:
        return f"timeline.{m.key}" if m.given else "timeline"

    def shown(m: Moment) -> str:
        return f"{m.key} ({m.day})" if m.given else f"{m.key} ({m.day}, computed; set it to change it)"

    for m in where.values():
        if m.key in INSIDE and not program.start <= m.day <= program.end and m.given:
            found.append((blame(m), f"{m.day} is outside the program ({program.start} to {program.end})"))
        elif m.key == "applications_open" and m.day < program.start - RECRUITING_LEAD:
            found.append((blame(m), f"{m.day} is more than a year before start ({program.start})"))
        elif m.key == "feedback_survey" and m.day > program.end + SURVEY_LAG:
            found.append((blame(m), f"{m.day} is more than 12 weeks after end ({program.end})"))
    first = where.get("first_meetings")
    if first and not first.given and first.day > program.end:
        found.append(("timeline", f"no meeting day falls between the kick-off and end ({program.end}); "
                                  "move the kick-off earlier, or list kick_off under leave_out"))
    ordered = list(where.values())
    for i, later in enumerate(ordered):
        for earlier in ordered[:i]:
            strict = (earlier.key, later.key) == ("kick_off", "first_meetings")
            if later.day < earlier.day or (strict and later.day == earlier.day):
                culprit, other, word = (later, earlier, "before") if later.given else (earlier, later, "after")
                if strict:
                    word = "on or before" if culprit is later else "on or after"
                found.append((blame(culprit), f"{culprit.day} is {word} {shown(other)}; the moments go in the "
                                              f"order {', '.join(MOMENTS)}"))
                break
    return found
