"""Personal packs: the roster's rules, and each pair's stamped worksheets, calendar and certificate."""

from __future__ import annotations

import functools
import io
import shutil
import stat
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from mentoring_site import roster
from mentoring_site.cli import main
from mentoring_site.errors import Problems
from mentoring_site.packs import shard_range
from mentoring_site.program import load_program

HEADER = "pair_id,mentor_name,mentor_email,mentee_name,mentee_email,start,weekday,time,notes\n"
GOOD = "p1,Ana Silva,ana@example.org,Bo Chen,bo@example.org,,,,\n"


@functools.cache
def small_program() -> Any:
    from tests.conftest import FIXTURES

    return load_program(FIXTURES / "small")


def problems_of(folder: Path, text: str | bytes) -> list[str]:
    """The problems `check` finds in a roster: the small fixture's dates (2027-03-01 to 04-26)."""
    path = folder / "content" / "roster.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode()
    path.write_bytes(text)
    program = small_program()
    problems = Problems(folder)
    roster.check(path, program.config, problems, shows=lambda s: next((c for c in s if c == "\u2603"), None))
    return [str(p) for p in sorted(problems.items)]


BAD = [
    ("missing id", HEADER + ",Ana,ana@example.org,Bo,bo@example.org,,,,\n",
     ["content/roster.csv:2:1: pair_id: is blank"]),
    ("duplicate id, case-blind", HEADER + GOOD + "P1,Cy Dee,cy@example.org,Di Eu,di@example.org,,,,\n",
     ["content/roster.csv:3:1: pair_id: 'P1' is used twice (first on line 2; ids differing only in case "
      "count as the same)"]),
    ("id not a folder name", HEADER + "../x,Ana,ana@example.org,Bo,bo@example.org,,,,\n",
     ["content/roster.csv:2:1: pair_id: '../x' cannot be a folder name: use letters, digits, '-', '_' and '.', "
      "starting with a letter or digit, at most 64 characters"]),
    ("reserved id", HEADER + "con,Ana,ana@example.org,Bo,bo@example.org,,,,\n",
     ["content/roster.csv:2:1: pair_id: 'con' cannot be a folder name: use letters, digits, '-', '_' and '.', "
      "starting with a letter or digit, at most 64 characters"]),
    ("bad email", HEADER + "p1,Ana,ana@example,Bo,bo@example.org,,,,\n",
     ["content/roster.csv:2:8: mentor_email: 'ana@example' is not an email address"]),
    ("mentee twice", HEADER + GOOD + "p2,Cy Dee,cy@example.org,Bo Chen,BO@example.org,,,,\n",
     ["content/roster.csv:3:34: mentee_email: this mentee is already in the pair on line 2; "
      "a mentee is in one pair only (a mentor may have several)"]),
    ("both roles in one pair", HEADER + "p1,Ana,ana@example.org,Bo,ana@example.org,,,,\n",
     ["content/roster.csv:2:27: mentee_email: is the mentor's email too; a person cannot be both in one pair"]),
    ("start outside", HEADER + "p1,Ana,ana@example.org,Bo,bo@example.org,2031-01-01,,,\n",
     ["content/roster.csv:2:42: start: 2031-01-01 is outside the program (2027-03-01 to 2027-04-26)"]),
    ("start not a date", HEADER + "p1,Ana,ana@example.org,Bo,bo@example.org,1/2/2027,,,\n",
     ["content/roster.csv:2:42: start: '1/2/2027' must be a date written YYYY-MM-DD"]),
    ("blank name", HEADER + "p1,  ,ana@example.org,Bo,bo@example.org,,,,\n",
     ["content/roster.csv:2:4: mentor_name: is blank"]),
    ("formula", HEADER + 'p1,"=HYPERLINK(""http://x"",""Ana"")",ana@example.org,Bo,bo@example.org,,,,\n',
     ["content/roster.csv:2:4: mentor_name: '=HYPERLINK(\"http://x\",\"Ana\")' looks like a spreadsheet formula; "
      "the roster needs the value itself (export values, or start the cell with a letter)"]),
    ("control character", HEADER + "p1,Ana\x07,ana@example.org,Bo,bo@example.org,,,,\n",
     ["content/roster.csv:2:4: mentor_name: holds the control character U+0007; retype the cell"]),
    ("bidi override", HEADER + "p1,Ana\u202e,ana@example.org,Bo,bo@example.org,,,,\n",
     ["content/roster.csv:2:4: mentor_name: holds the control character U+202E; retype the cell"]),
    ("line break in a name", HEADER + 'p1,"Ana\nSilva",ana@example.org,Bo,bo@example.org,,,,\n',
     ["content/roster.csv:2:4: mentor_name: holds a line break; this cell must be one line"]),
    ("weekday and time", HEADER + "p1,Ana,ana@example.org,Bo,bo@example.org,,someday,9am,\n",
     ["content/roster.csv:2:43: weekday: 'someday' must be a day of the week: monday, tuesday, wednesday, "
      "thursday, friday, saturday, sunday",
      "content/roster.csv:2:51: time: '9am' must be a 24-hour time written HH:MM"]),
    ("unknown column", "pair_id,mentor_name,mentor_email,mentee_name,mentee_email,Mentee Mail\n"
     "p1,Ana Silva,ana@example.org,Bo Chen,bo@example.org,x\n",
     ["content/roster.csv:1:59: Mentee Mail: unknown column; did you mean 'mentee_email'? (known columns: "
      "pair_id, mentor_name, mentor_email, mentee_name, mentee_email, start, weekday, time, language, notes)"]),
    ("missing column", "pair_id,mentor_name,mentor_email,mentee_name\np1,Ana,ana@example.org,Bo\n",
     ["content/roster.csv:1:1: mentee_email: missing required column"]),
    ("too many cells", HEADER + "p1,Silva, Ana,ana@example.org,Bo,bo@example.org,,,,\n",
     ["content/roster.csv:2:52: this row has 10 cells; the header names 9 (a comma inside a cell needs the cell "
      "in double quotes)"]),
    ("unshowable", HEADER + "p1,Ana \u2603,ana@example.org,Bo,bo@example.org,,,,\n",
     ["content/roster.csv:2:4: mentor_name: '\u2603' (U+2603) is a character the form font (DejaVu Sans) cannot "
      "show; write the name in letters it has (Latin, Greek, Cyrillic)"]),
    ("not UTF-8", (HEADER + "p1,Ana,ana@example.org,Bo,bo@example.org,,,,\n").encode() + b"p2,\xe9\n",
     ["content/roster.csv:3:4: is not UTF-8 text (invalid continuation byte); save it from your spreadsheet "
      "as 'CSV UTF-8'"]),
    ("empty", "", ["content/roster.csv:1:1: is empty; the first line names the columns: pair_id, mentor_name, "
                   "mentor_email, mentee_name, mentee_email"]),
    ("no pairs", HEADER + "\n\n", ["content/roster.csv:2:1: has a header but no pairs"]),
]


@pytest.mark.parametrize(("text", "expected"), [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_bad_roster_is_located(tmp_path: Path, text: str | bytes, expected: list[str]) -> None:
    assert problems_of(tmp_path, text) == expected


def test_spreadsheet_export_just_works(small: Path) -> None:
    """A byte-order mark, CRLF, quoted commas and line breaks, rows of empty cells at the end."""
    text = ("\ufeff" + HEADER + 'p1,"Silva, Ana",ana@example.org,Bo Chen,bo@example.org,,Tuesday,09:30,'
            '"likes, commas\r\nand lines; =SUM(1)"\r\n'
            "p2,Cy,cy@example.org,Di,di@example.org,,,,\r\n,,,,,,,,\r\n\r\n")
    path = small / "content" / "roster.csv"
    path.write_bytes(text.replace("\n", "\r\n").replace("\r\r\n", "\r\n").encode())
    program = load_program(small)
    problems = Problems(small)
    summary = roster.check(path, program.config, problems)
    assert problems.items == []
    assert summary.pairs == 2
    first, second = roster.pairs(path, program.config)
    assert (first.mentor_name, first.weekday, first.time) == ("Silva, Ana", "tuesday", "09:30")
    assert first.notes == "likes, commas\r\nand lines; =SUM(1)"  # kept as text, never evaluated
    assert (second.pair_id, second.line) == ("p2", 4)


PREFILL_CASES = [
    ("{type: text, id: topic, label: \"Topic\", help: \"One line\"}",
     "{type: text, id: topic, label: \"Topic\", prefill: mentee_nmae}",
     'worksheets/plan.yml:10:58: sections[1] "About this meeting".fields[1] "topic".prefill: '
     "unknown prefill value 'mentee_nmae'; did you mean "
     "'mentee_name'? (known: pair_id, mentor_name, mentor_email, mentee_name, mentee_email, pair_names, pair_emails, "
     "program_manager_name, program_manager_email, start, end, midpoint, last_meeting, meeting_rhythm)"),
    ("{id: step, label: \"Step\", width: large}",
     "{id: step, label: \"Step\", width: large, prefill: meeting_date}",
     'worksheets/plan.yml:26:62: sections[3] "Steps and signatures".fields[1] "steps".columns[1] "step".prefill: '
     "unknown prefill value 'meeting_date'; "
     "did you mean 'meeting_dates'? (known: meeting_dates)"),
    ("{type: signature, id: sign, parties: [mentor, mentee]}",
     "{type: signature, id: sign, parties: [mentor, mentee], prefill: mentor_name}",
     'worksheets/plan.yml:29:73: sections[3] "Steps and signatures".fields[3] "sign".prefill: '
     "unknown prefill value 'mentor_name' (known: names)"),
]


@pytest.mark.parametrize(("old", "new", "expected"), PREFILL_CASES, ids=["text", "column", "signature"])
def test_prefill_names_a_known_value(small: Path, old: str, new: str, expected: str) -> None:
    from mentoring_site.errors import ProgramError

    sheet = small / "worksheets" / "plan.yml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(ProgramError) as caught:
        load_program(small)
    assert [str(p) for p in caught.value.problems] == [expected]


def test_prefill_fills_the_fields_it_names(small: Path) -> None:
    from mentoring_site.packs import fill, targets

    sheet = small / "worksheets" / "plan.yml"
    text = sheet.read_text(encoding="utf-8")
    text = text.replace('help: "One line"}', 'prefill: pair_names}').replace(
        '{id: step, label: "Step", width: large}', '{id: step, label: "Step", width: large, prefill: meeting_dates}'
    ).replace("parties: [mentor, mentee]}", "parties: [mentor, mentee], prefill: names}")
    sheet.write_text(text, encoding="utf-8")
    program = load_program(small)
    found = targets(program.worksheets[0], program.terms)
    values = {"pair_names": "Ana and Bo", "mentor_name": "Ana", "mentee_name": "Bo"}
    assert fill(found, values, {"meeting_dates": ["1 Mar 2027"]}) == {
        "topic": "Ana and Bo", "steps_r1_step": "1 Mar 2027", "steps_r2_step": "",
        "sign_mentor_name": "Ana", "sign_mentee_name": "Bo",
    }


@pytest.mark.parametrize("count", [0, 1, 5, 7, 100])
@pytest.mark.parametrize("parts", [1, 2, 3, 8])
def test_shards_add_up_to_the_whole(count: int, parts: int) -> None:
    seen = [i for k in range(1, parts + 1) for i in shard_range(count, k, parts)]
    assert seen == list(range(count))
    sizes = [len(shard_range(count, k, parts)) for k in range(1, parts + 1)]
    assert max(sizes) - min(sizes) <= 1


ROSTER = HEADER + (
    "anna-1,Zoë Łukasiewicz-Ó'Brien,zoe@example.org,Ана Петрова,ana@example.org,,,,\n"
    "p-2,Αλέξης Παπαδόπουλος,alexis@example.org,Seán O'Connor,sean@example.org,2027-02-01,wednesday,09:30,\n"
    "p3,Chidi Okafor,chidi@example.org,Mei Lin,mei@example.org,,,,\n"
)


@pytest.fixture(scope="module")
def packed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import copy_default_program

    root = copy_default_program(tmp_path_factory.mktemp("packs") / "default")
    # One paper size keeps the layout (the slow part, once per size) to half; both sizes take the
    # same path through the code.
    config = root / "content" / "program.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("paper_sizes: [a4, letter]", "paper_sizes: [a4]"),
                      encoding="utf-8")
    (root / "content" / "roster.csv").write_text(ROSTER, encoding="utf-8")
    assert main(["packs", str(root), "-q"]) == 0
    return root


def test_each_pair_gets_its_folder_owner_only(packed: Path) -> None:
    out = packed / "packs"
    assert sorted(p.name for p in out.iterdir()) == [".gitignore", "anna-1", "p-2", "p3"]
    assert (out / ".gitignore").read_text(encoding="utf-8").endswith("\n*\n")
    program = load_program(packed)
    expected = {f"{s.id}-{size}.pdf" for s in program.worksheets for size in program.paper_sizes}
    expected |= {f"{kind}-{size}.pdf" for kind in ("pack", "certificate") for size in program.paper_sizes}
    expected |= {"meetings.ics", ".pack"}
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for folder in out.glob("[!.]*"):
        assert {p.name for p in folder.iterdir()} == expected
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}


def _shown_text(pdf: Path) -> str:
    """The text a viewer draws, field appearances included: flatten them, then poppler's pdftotext."""
    with pikepdf.open(pdf) as doc, warnings.catch_warnings():
        # WeasyPrint's radio buttons are listed twice in the form (issue 10): qpdf warns about it.
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        doc.flatten_annotations("all")
        buffer = io.BytesIO()
        doc.save(buffer)
    text = subprocess.run(["pdftotext", "-", "-"], input=buffer.getvalue(), capture_output=True, check=True)
    return text.stdout.decode()


def test_names_show_in_every_script(packed: Path) -> None:
    agreement = _shown_text(packed / "packs/anna-1/agreement-a4.pdf")
    for name in ("Zoë Łukasiewicz-Ó'Brien", "Ана Петрова", "zoe@example.org, ana@example.org"):
        assert name in agreement
    certificate = _shown_text(packed / "packs/p-2/certificate-a4.pdf")
    for text in ("Αλέξης Παπαδόπουλος", "Seán O'Connor", "3 February 2027 to"):
        assert text in certificate


def test_values_are_field_values_still_editable(packed: Path) -> None:
    stamped = (packed / "packs/p-2/agreement-a4.pdf").read_bytes()
    blank = stamped[: stamped.index(b"%%EOF") + 6]
    with pikepdf.open(io.BytesIO(blank)) as doc:
        known = len(doc.check_pdf_syntax())  # the blank's own (WeasyPrint's radio buttons, issue 10)
    with pikepdf.open(io.BytesIO(stamped)) as doc:
        assert len(doc.check_pdf_syntax()) == known  # qpdf's structure check finds nothing new
        values = {str(f.T): str(f.get("/V", "")) for f in doc.Root.AcroForm.Fields}
        assert values["signatures_mentee_name"] == "Seán O'Connor"
        assert "on Wednesdays at 09:30" in values["schedule"]
        assert not int(doc.Root.AcroForm.Fields[0].get("/Ff", 0)) & 1  # not read-only
    with pikepdf.open(packed / "packs/p-2/meeting-log-a4.pdf") as doc:
        values = {str(f.T): str(f.get("/V", "")) for f in doc.Root.AcroForm.Fields}
        # fortnightly from 3 February on Wednesdays; 17 February falls in the half-term the program skips
        assert [values[f"meetings_r{r}_date"] for r in (1, 2, 3)] == ["3 Feb 2027", "3 Mar 2027", "17 Mar 2027"]


def test_the_blank_bytes_are_kept_and_poppler_and_pdfium_draw_the_names(packed: Path) -> None:
    import pypdfium2 as pdfium

    one = (packed / "packs/anna-1/agreement-a4.pdf").read_bytes()
    two = (packed / "packs/p3/agreement-a4.pdf").read_bytes()
    common = one.index(b"%%EOF") + len(b"%%EOF\n")
    assert one[:common] == two[:common]  # each is the same blank, followed by its own update
    assert one[common:].startswith(b"4") and one.count(b"%%EOF") == 2
    doc = pdfium.PdfDocument(one)
    doc.init_forms()
    last = len(doc) - 1
    stamped = doc[last].render(scale=1, may_draw_forms=True).to_pil().convert("L")
    assert stamped.getextrema()[0] < 100
    png = subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", str(last + 1), "-l", str(last + 1), "-"],
                         input=one, capture_output=True, check=True).stdout
    blank_png = subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", str(last + 1), "-l", str(last + 1), "-"],
                               input=one[:common], capture_output=True, check=True).stdout
    assert png != blank_png


def test_the_pack_has_every_worksheet_with_a_bookmark_each(packed: Path) -> None:
    program = load_program(packed)
    with pikepdf.open(packed / "packs/anna-1/pack-a4.pdf") as doc, doc.open_outline() as outline:
        assert [item.title for item in outline.root] == [s.title for s in program.worksheets]
        values = {str(f.T): str(f.get("/V", "")) for f in doc.Root.AcroForm.Fields}
    assert values["agreement_signatures_mentor_name"] == "Zoë Łukasiewicz-Ó'Brien"
    assert values["closing_reflection_signatures_mentee_name"] == "Ана Петрова"
    assert all(name.startswith(tuple(s.id.replace("-", "_") for s in program.worksheets)) for name in values)


def test_calendar_has_both_names_and_stable_uids(packed: Path) -> None:
    import icalendar

    cal = icalendar.Calendar.from_ical((packed / "packs/p-2/meetings.ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    assert str(events[0]["SUMMARY"]) == "Northwind Mentoring Program (Αλέξης Παπαδόπουλος and Seán O'Connor): Meeting 1"
    first = events[0].decoded("DTSTART")
    assert (first.date().isoformat(), first.time().isoformat()) == ("2027-02-03", "09:30:00")
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    other = icalendar.Calendar.from_ical((packed / "packs/p3/meetings.ics").read_bytes())
    assert not set(uids) & {str(e["UID"]) for e in other.walk("VEVENT")}


def test_rerun_keeps_finished_folders_and_finishes_the_rest(packed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(packed / "packs/p3")
    (packed / "packs/.p3.tmp-999999").mkdir()  # a killed run's half-written folder
    before = (packed / "packs/anna-1/.pack").stat().st_mtime_ns
    (packed / "packs/gone").mkdir()  # a pair since taken out of the roster
    (packed / "packs/gone/.pack").write_text("x\n", encoding="utf-8")
    assert main(["packs", str(packed)]) == 0
    printed = capsys.readouterr().out
    assert "Packs: 1 written, 2 already up to date" in printed
    assert "3/3 packs (" in printed  # plain progress lines when the output is not a terminal
    assert f"1 folder in {packed / 'packs'} for pairs no longer in the roster, left as they are: gone\n" in printed
    shutil.rmtree(packed / "packs/gone")
    assert (packed / "packs/anna-1/.pack").stat().st_mtime_ns == before
    assert sorted(p.name for p in (packed / "packs").glob("[!.]*")) == ["anna-1", "p-2", "p3"]
    assert not list((packed / "packs").glob(".*tmp*"))  # the killed run's leftovers are gone


def test_a_killed_run_leaves_whole_folders_and_a_rerun_finishes(packed: Path, tmp_path: Path) -> None:
    import os
    import signal
    import sys
    import time

    # The same letters as the other tests' roster, so the same blanks (from the cache) serve. A
    # pair's folder takes milliseconds: enough pairs that the run is still going when this test,
    # sharing the machine with others, sees the first one.
    pairs = 60
    lines = [HEADER] + [f"k{i},Αλέξης Παπαδόπουλος,a{i}@example.org,Ана Петрова,b{i}@example.org,,,,\n"
                        for i in range(pairs)]
    (tmp_path / "big.csv").write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "mentoring_site", "packs", str(packed), "-q", "--roster",
               str(tmp_path / "big.csv"), "--out", str(out)]
    child = subprocess.Popen(command, env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (out.is_dir() and len(list(out.glob("[!.]*"))) >= 1):
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait()
    done = [p for p in out.iterdir() if not p.name.startswith(".")]
    assert 0 < len(done) < pairs
    program = load_program(packed)
    whole = len(program.paper_sizes) * (len(program.worksheets) + 2) + 2  # PDFs, meetings.ics, .pack
    for folder in done:  # whole, or not there at all
        assert len(list(folder.iterdir())) == whole and (folder / ".pack").is_file()
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert result.stdout == ""
    assert sorted(p.name for p in out.glob("[!.]*")) == sorted(f"k{i}" for i in range(pairs))


def test_shards_and_only(packed: Path, tmp_path: Path) -> None:
    assert main(["packs", str(packed), "-q", "--out", str(tmp_path / "a"), "--shard", "1/2"]) == 0
    assert main(["packs", str(packed), "-q", "--out", str(tmp_path / "b"), "--shard", "2/2"]) == 0
    assert main(["packs", str(packed), "-q", "--out", str(tmp_path / "c"), "--only", "p3"]) == 0
    assert [p.name for p in (tmp_path / "a").glob("[!.]*")] == ["anna-1"]
    assert sorted(p.name for p in (tmp_path / "b").glob("[!.]*")) == ["p-2", "p3"]
    assert [p.name for p in (tmp_path / "c").glob("[!.]*")] == ["p3"]


@pytest.mark.parametrize(("args", "message"), [
    (["--only", "p3", "nope"], "error: --only names pairs not in the roster: nope\n"),
    (["--shard", "3/2"], "error: --shard '3/2' must be K/N with 1 <= K <= N, e.g. 2/8\n"),
    (["--roster", "missing.csv"], "error: no roster at {root}/missing.csv; write one (see the README's roster "
                                  "columns) or give --roster FILE\n"),
])
def test_wrong_requests_are_refused(packed: Path, tmp_path: Path, args: list[str], message: str,
                                    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(packed)
    assert main(["packs", str(packed), "--out", str(tmp_path / "x"), *args]) == 2
    assert capsys.readouterr().err == message.format(root=packed)
    assert not (tmp_path / "x").exists()


def test_bad_roster_writes_nothing(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (small / "content" / "roster.csv").write_text(HEADER + "p1,Ana,ana@,Bo,bo@example.org,,,,\n", encoding="utf-8")
    assert main(["packs", str(small)]) == 2
    err = capsys.readouterr().err
    assert "content/roster.csv:2:8: mentor_email: 'ana@' is not an email address" in err
    assert not (small / "packs").exists()
    assert main(["validate", str(small)]) == 2


@pytest.mark.parametrize("where", ["site/packs", "content/packs"])
def test_packs_never_go_where_they_could_be_published(
    small: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (small / "content" / "roster.csv").write_text(HEADER + GOOD, encoding="utf-8")
    assert main(["packs", str(small), "--out", str(small / where)]) == 2
    assert "refusing to write packs to" in capsys.readouterr().err
    assert not (small / where).exists()
