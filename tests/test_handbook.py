"""The handbook as a reader meets it: sentences that read right, the program's own word for
"program", the timeline and a calendar that real calendar programs read."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import icalendar
import pytest

from mentoring_site import meetings, timeline
from mentoring_site.build import generate
from mentoring_site.program import load_program
from mentoring_site.worksheets import render_html

# The faults issue 12 names: the rhythm phrase dropped where a verb or a clause was needed, and a
# program name used without its article.
GRAMMAR_FAULTS = [
    re.compile(r"come only an? \d+-minute"),
    re.compile(r"following an? \d+-minute meeting"),
    re.compile(r"[Mm]eet for an? \d+-minute meeting"),
    re.compile(r"(handbook of|sign up for|each role in|who run|[Ff]or|in) Northwind Mentoring Program"),
]


def built_text(root: Path) -> dict[str, str]:
    """Every page's Markdown, the navigation titles, and every worksheet's HTML."""
    generated = generate(root, pdfs=False)
    texts = {p: c for p, c in generated.files.items() if isinstance(c, str) and p.endswith(".md")}
    texts["(navigation)"] = repr(generated.config["nav"])
    program = generated.program
    for sheet in program.worksheets:
        texts[f"worksheets/{sheet.id}.html"] = render_html(program, sheet, "a4")
    return texts


def test_default_program_has_none_of_the_grammar_faults() -> None:
    root = Path(__file__).resolve().parent.parent
    texts = built_text(root)
    found = [(path, m.group(0)) for path, text in texts.items() for fault in GRAMMAR_FAULTS
             for m in fault.finditer(" ".join(text.split()))]
    assert found == []
    joined = " ".join(" ".join(t.split()) for t in texts.values())
    assert "Meetings are short" not in joined
    assert "Pairs meet every 2 weeks on Mondays at 16:00 for 60 minutes" in joined
    assert "the handbook of the Northwind Mentoring Program" in joined


def test_terminology_program_renames_the_word_everywhere(default_program: Path) -> None:
    yml = default_program / "content/program.yml"
    text = yml.read_text(encoding="utf-8").replace("  program: program\n", "  program: programme\n")
    text = text.replace("  program_manager: program manager\n", "")
    # The program's own text (description, footer) is the organisation's to write.
    text = text.replace("six-month program", "six-month programme").replace("· Mentoring Program", "· Mentoring")
    yml.write_text(text, encoding="utf-8")
    texts = built_text(default_program)
    left = []
    for path, page in texts.items():
        page = page.replace("Northwind Mentoring Program", "NAME")
        # Keys and file names are not words a reader sees: program-managers.md, class="rh-program"
        page = re.sub(r"[\w-]*program[\w-]*\.md|rh-program|program\.yml|/\*.*?\*/", "", page)
        page = re.sub(r'\b(id|name|for)="[^"]*"', "", page)  # form field names are not shown
        left += [(path, m.group(0)) for m in re.finditer(r"\bprograms?\b", page, re.I)]
    assert left == []
    assert "programme manager" in texts["roles.md"]
    assert "{'For programme managers': [{'Guide': 'program-managers.md'}" in texts["(navigation)"]


def test_calendar_parses_with_its_time_zone_and_without_skipped_days(default_program: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = generate(default_program, pdfs=False).files["meetings.ics"]
    assert generate(default_program, pdfs=False).files["meetings.ics"] == first  # stable UIDs and stamp
    cal = icalendar.Calendar.from_ical(first)
    events = list(cal.walk("VEVENT"))
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    starts = {e.decoded("dtstart") for e in events}
    meeting = next(e for e in events if str(e["summary"]).endswith("Meeting 1"))
    begin = meeting.decoded("dtstart")
    assert begin == dt.datetime(2027, 1, 18, 16, 0, tzinfo=begin.tzinfo)
    assert str(begin.tzinfo) in ("Europe/London", "GMT")  # carries the zone, not a floating time
    assert meeting.decoded("dtstamp") == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)
    assert str(meeting["location"]) == "Northwind House, meeting rooms on the second floor"
    days = {d.date() if isinstance(d, dt.datetime) else d for d in starts}
    for skipped in [dt.date(2027, 2, 15), dt.date(2027, 3, 29)]:  # half-term and Easter Monday
        assert skipped not in days
    assert dt.date(2027, 6, 24) in days  # the closing event from the timeline
    assert len({str(e["uid"]) for e in events}) == len(events)
    md = generate(default_program, pdfs=False).files["meetings.md"]
    assert "15 February 2027" not in md.split("## Dates")[1].split("No meetings")[0]
    assert "Meeting 5: **mid-point review**" in md and "**closing meeting**" in md


@pytest.mark.parametrize("written", ["Monday", "MONDAY", "monday", "mOnDaY"])
def test_weekday_accepts_any_capitalisation(full: Path, written: str) -> None:
    yml = full / "content/program.yml"
    yml.write_text(yml.read_text().replace("weekday: Monday", f"weekday: {written}"), encoding="utf-8")
    assert load_program(full).config.program.meetings.weekday == "monday"


def test_timeline_defaults_come_from_start_end_and_the_meetings(full: Path) -> None:
    yml = full / "content/program.yml"
    text = yml.read_text()
    text = re.sub(r"  timeline:\n(    .*\n)+", "", text)
    yml.write_text(text, encoding="utf-8")
    program = load_program(full).config.program
    got = {m.key: (m.day, m.given) for m in timeline.moments(program)}
    full = [m for m in meetings.schedule(program) if m.kind == "meeting"]
    assert got == {
        "applications_open": (dt.date(2027, 1, 4), False),  # 8 weeks before start
        "applications_close": (dt.date(2027, 1, 25), False),
        "matching": (dt.date(2027, 2, 15), False),
        "kick_off": (dt.date(2027, 3, 1), False),  # start
        "first_meetings": (dt.date(2027, 3, 8), False),  # the first Monday after the kick-off
        "mid_point_review": (full[(len(full) + 1) // 2 - 1].day, False),
        "closing_event": (dt.date(2027, 4, 26), False),  # end
        "feedback_survey": (dt.date(2027, 5, 3), False),
    }
    assert full[0].day == dt.date(2027, 3, 8)


def test_leaving_out_the_kick_off_starts_meetings_on_start(full: Path) -> None:
    yml = full / "content/program.yml"
    yml.write_text(re.sub(r"    kick_off: .*\n", "", yml.read_text()).replace(
        "leave_out: [applications_close, feedback_survey]", "leave_out: [kick_off]"), encoding="utf-8")
    program = load_program(full).config.program
    assert "kick_off" not in {m.key for m in timeline.moments(program)}
    assert meetings.schedule(program)[0].day == dt.date(2027, 3, 1)


def test_calendar_function_takes_meetings_and_names(full: Path) -> None:
    """The per-pair packs reuse this: a list of meetings and the pair's names in, ics bytes out."""
    program = load_program(full).config.program
    data = meetings.ics(
        meetings.schedule(program)[:2], calendar_name=program.name,
        labels={"meeting": "Meeting", "check-in": "Check-in"},
        settings=program.meetings, stamp=dt.datetime(2027, 1, 1), uid=meetings.uid_base(program), who="Ana and Ben",
    )
    cal = icalendar.Calendar.from_ical(data)
    summaries = [str(e["summary"]) for e in cal.walk("VEVENT")]
    assert summaries == ["Tiny Test Program (Ana and Ben): Meeting 1", "Tiny Test Program (Ana and Ben): Check-in 1"]
    assert str(cal["x-wr-calname"]) == "Tiny Test Program: Ana and Ben"


OPERATIONS = {
    "applying-and-matching.md": ["The mentor's experience fits the mentee's main goal.",
                                 "The last day to apply is **7 December 2026**."],
    "orientation.md": ["**11 January 2027**", "| 40 min | Mentors | Session for mentors (below) |"],
    "conduct.md": ["| Employee Assistance Line | Free, confidential counselling",
                   "write to **Priya Nair, Head of People** (<people@example.org>)"],
    "meeting-online.md": ["**Europe/London** time zone", "a short check-in of 15 minutes every week"],
    "when-things-go-wrong.md": ["(60 minutes every 2 weeks)", "no-fault ending and re-match"],
    "closing-well.md": ["closing event on **24 June 2027**", "The formal pairing ends on 25 June 2027"],
    "messages.md": ["    Subject: Your mentoring match in the Northwind Mentoring Program",
                    "    Sam Okafor", "## No-fault closing note"],
    "measuring.md": ["[Baseline survey](worksheets/baseline-survey.md) | before the first meeting (18 January 2027) "
                     "| Mentor and mentee, each on their own |",
                     "[End survey](worksheets/end-survey.md) | after the last meeting (2 July 2027)"],
}


def test_operations_pages_are_in_the_nav_and_carry_the_programs_facts() -> None:
    generated = generate(Path(__file__).resolve().parent.parent, pdfs=False)
    nav = repr(generated.config["nav"])
    for path, facts in OPERATIONS.items():
        assert f"'{path}'" in nav, path
        page = generated.files[path]
        for fact in facts:
            assert fact in page, (path, fact)
    assert "'timeline.md'" in nav and "'about.md'" in nav
    assert "content.code.copy" in generated.config["theme"]["features"]  # the messages' copy buttons
    sheets = {s.id for s in generated.program.worksheets}
    assert {"baseline-survey", "mid-point-survey", "end-survey"} <= sheets


def test_an_operations_page_can_be_overridden(full: Path) -> None:
    (full / "templates/pages").mkdir(parents=True)
    (full / "templates/pages/conduct.md.j2").write_text("# Our rules\n\nAsk {{ program.contact.name }}.\n")
    generated = generate(full, pdfs=False)
    assert generated.files["conduct.md"] == "# Our rules\n\nAsk Robin Tester.\n"
    # Without applying, support_services or concerns, the pages still read as sentences.
    applying = generated.files["applying-and-matching.md"]
    assert "**As a guide:** Journeymen with **three years** in the trade." in applying
    assert "- Your trade\n- Your hours\n" in applying
