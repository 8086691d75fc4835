"""Bad input from other hands, table-driven: YAML that broke the loader, template overrides that
misbehave, and what `validate` passed but `build` refused. Each case ends quickly with exit code 2
and exactly the located messages pinned here, never a traceback.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mentoring_site.cli import main
from tests.conftest import FIXTURES, REPO

P = "content/program.yml"
MENTORS = "content/practices/mentors.yml"
SHEET = "worksheets/plan.yml"
END = 23  # the first line after the small fixture's program.yml


def key_bomb(levels: int = 12) -> str:
    """An alias bomb written as a mapping key: a few hundred bytes that expand to 10**levels values."""
    lines = ["? [&a0 [x, x, x, x, x, x, x, x, x, x],"]
    lines += [f"   &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]," for i in range(1, levels)]
    return "\n".join([*lines, "   x]", ": 1", ""])


def alias_chain(n: int = 1000) -> str:
    """Each anchor a list holding the one before: no bomb in size, but 1,000 levels deep."""
    return "".join(f"a{i}: &a{i} [*a{i - 1}]\n" if i else "a0: &a0 [x]\n" for i in range(n))


Edit = Callable[[str], str]


def append(text: str) -> Edit:
    return lambda old: old + text


def replace(old_text: str, new_text: str) -> Edit:
    def edit(old: str) -> str:
        assert old_text in old, old_text
        return old.replace(old_text, new_text, 1)
    return edit


BIG = "x" * 100_000
KNOWN = "(known keys: program, terminology, branding, worksheets, site, applying, support_services, concerns, booklet)"

# (file, edit, the exact lines printed before the summary line, bounded: run in a child process
# with limits, for the bombs)
YAML_CASES = [
    pytest.param(P, append(key_bomb()),
                 [f"{P}:{END}:3: a key must be plain text, not a list"], True, id="alias-bomb-as-key"),
    pytest.param(P, append("? {a: 1}\n: 2\n"),
                 [f"{P}:{END}:3: a key must be plain text, not a mapping"], False, id="mapping-as-key"),
    pytest.param(P, append("!!binary aGk=: 1\n"),
                 [f"{P}:{END}:1: a key must be plain text, not !!binary"], False, id="tagged-key"),
    pytest.param(P, append("x: &a [*a]\n"),
                 [f"{P}:{END}:1: x: unknown key {KNOWN}",
                  f"{P}:{END}:4: x[1]: an alias refers to the value it is part of; a value cannot contain itself"],
                 True, id="self-referencing-alias"),
    pytest.param(P, append("x: &a {y: *a}\n"),
                 [f"{P}:{END}:1: x: unknown key {KNOWN}",
                  f"{P}:{END}:4: x.y: an alias refers to the value it is part of; a value cannot contain itself"],
                 True, id="self-referencing-mapping"),
    pytest.param(P, append(alias_chain()),
                 [f"{P}:{END + 39}:6: nesting is deeper than 40 levels (through aliases)"], True, id="alias-chain"),
    pytest.param(P, replace('name: "Tiny Test Program"', "name: !!bool maybe"),
                 [f"{P}:2:9: program.name: maybe is not a valid true or false value"], False, id="bool-maybe"),
    pytest.param(P, replace("start: 2027-03-01", "start: !!timestamp x"),
                 [f"{P}:8:10: program.start: x is not a valid date"], False, id="timestamp-x"),
    pytest.param(P, replace("every_weeks: 2", "every_weeks: !!int two"),
                 [f"{P}:11:18: program.meetings.every_weeks: two is not a valid whole number"], False, id="int-two"),
    pytest.param(P, replace('name: "Tiny Test Program"', "name: !!seq abc"),
                 [f"{P}:2:9: program.name: abc is not a valid value for the tag !!seq"], False, id="seq-tag-on-text"),
    pytest.param(P, append("!!bool maybe: 1\n"),
                 [f"{P}:{END}:1: maybe is not a valid true or false value"], False, id="bool-maybe-as-key"),
    pytest.param(P, replace('name: "Tiny Test Program"', 'name: "Tiny \\U00110000"'),
                 [f"{P}:2:15: escape \\U00110000 is beyond Unicode (the largest character is \\U0010FFFF)"],
                 False, id="escape-beyond-unicode"),
    pytest.param(P, replace('name: "Tiny Test Program"', 'name: "Tiny \\ud800"'),
                 [f"{P}:2:9: program.name: \\ud800 is half of a UTF-16 pair (a lone surrogate), not a character; "
                  "write the character itself"], False, id="lone-surrogate"),
    pytest.param(MENTORS, replace('title: "Say hello"', 'title: "Say \\udc80hello"'),
                 [f"{MENTORS}:3:12: practices[1].title: \\udc80 is half of a UTF-16 pair (a lone surrogate), "
                  "not a character; write the character itself"], False, id="lone-surrogate-in-practice"),
    pytest.param(P, append('"\\ud83d": 1\n'),
                 [f"{P}:{END}:1: \\ud83d is half of a UTF-16 pair (a lone surrogate), not a character; "
                  "write the character itself"], False, id="lone-surrogate-key"),
    pytest.param(P, replace("start: 2027-03-01", f"start: {BIG}"),
                 [f"{P}:8:10: program.start: must be a date written YYYY-MM-DD, not '{'x' * 59}…"],
                 False, id="huge-value-quoted-short"),
    pytest.param(P, replace('email: "robin@example.org"', f'email: "{BIG}"'),
                 [f"{P}:7:12: program.contact.email: '{'x' * 59}… is not an email address"],
                 False, id="huge-email-quoted-short"),
    pytest.param(P, append(f"? {BIG}\n: 1\n"),
                 [f"{P}:{END}:3: {'x' * 120}…: unknown key {KNOWN}"], False, id="huge-key-cut"),
    pytest.param(P, replace("every_weeks: 2", f"every_weeks: !!float {BIG}"),
                 [f"{P}:11:18: program.meetings.every_weeks: {'x' * 60}… is not a valid number"],
                 False, id="huge-tagged-value"),
]


def _limit_resources() -> None:  # pragma: no cover - runs in the child process
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    resource.setrlimit(resource.RLIMIT_CPU, (30, 30))


def run_bounded(*argv: str) -> tuple[int, list[str]]:
    """The command in a child process with 1 GB of memory and 30 s of CPU: a bomb cannot take
    the test run down with it."""
    result = subprocess.run(
        [sys.executable, "-m", "mentoring_site", *argv],
        capture_output=True, text=True, timeout=60, preexec_fn=_limit_resources, check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stderr.splitlines()


@pytest.fixture
def program(tmp_path: Path) -> Path:
    root = tmp_path / "program"
    shutil.copytree(FIXTURES / "small", root)
    return root


def summary(n: int) -> str:
    return f"{n} problem{'s' if n != 1 else ''} found; nothing was changed."


@pytest.mark.parametrize(("rel", "edit", "expected", "bounded"), YAML_CASES)
def test_bad_yaml_is_a_located_error(
    program: Path, capsys, rel: str, edit: Edit, expected: list[str], bounded: bool
) -> None:
    path = program / rel
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_bounded("validate", str(program)) if bounded else run(["validate", str(program)], capsys)
    assert result == (2, [*expected, summary(len(expected))])


def test_new_refuses_a_name_that_is_not_utf8(tmp_path: Path) -> None:
    target = tmp_path / "ours"
    result = subprocess.run(
        [sys.executable.encode(), b"-m", b"mentoring_site", b"new", str(target).encode(), b"--name", b"Caf\xe9 club"],
        capture_output=True, check=False,
    )
    assert (result.returncode, result.stderr.decode().splitlines()) == (2, [
        "error: --name is not UTF-8 text (it holds the byte 0xE9); use a UTF-8 terminal (e.g. LANG=C.UTF-8) "
        "or write the name in content/program.yml afterwards",
    ])
    assert not target.exists()


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(argv)
    return code, capsys.readouterr().err.splitlines()


# --- template overrides: sandboxed, and a mistake is located in validate and build alike -----

THEME_PAGE = '{{% extends "base.html" %}}\n{{% block content %}}\n{}\n{{% endblock %}}\n'
ROLES = "templates/pages/roles.md.j2"
SANDBOX = "template error: not allowed (templates run sandboxed): "

# (files written, the exact lines printed before the summary line); each is run with validate
# and with build, which must print the same.
TEMPLATE_CASES = [
    pytest.param({ROLES: "# Roles\n\n{{ 1/0 }}\n"},
                 [f"{ROLES}:3:1: template error: ZeroDivisionError: division by zero"], id="division-by-zero"),
    pytest.param({ROLES: "# Roles\n\n{{ program.name.y.z }}\n"},
                 [f"{ROLES}:3:1: template error: 'str object' has no attribute 'y'"], id="attribute-of-text"),
    pytest.param({ROLES: "# Roles\n\n{{ long_date.__globals__ }}\n"},
                 [f"{ROLES}:3:1: {SANDBOX}access to attribute '__globals__' of 'function' object is unsafe."],
                 id="function-globals"),
    pytest.param({ROLES: "# Roles\n\n{{ program.__class__.__init__.__globals__['os'].system('id') }}\n"},
                 [f"{ROLES}:3:1: {SANDBOX}access to attribute '__init__' of 'StrictUndefined' object is unsafe."],
                 id="class-init-globals"),
    pytest.param({ROLES: "# Roles\n\n{{ 'x' * 10**9 }}\n"},
                 [f"{ROLES}:3:1: {SANDBOX}a repetition longer than 1000000 is not allowed"], id="huge-repetition"),
    pytest.param({ROLES: "# Roles\n\n{{ 2 ** 2000000 }}\n"},
                 [f"{ROLES}:3:1: {SANDBOX}a power of more than 1000000 bits is not allowed"], id="huge-power"),
    pytest.param({ROLES: "# Roles\n\n{% for i in range(10**9) %}{% endfor %}\n"},
                 [f"{ROLES}:3:1: template error: OverflowError: Range too big. The sandbox blocks ranges larger "
                  "than MAX_RANGE (100000)."], id="huge-range"),
    pytest.param({ROLES: "# Roles\n\n{% include 'pages/missing.md.j2' %}\n"},
                 [f"{ROLES}:3:1: template error: template 'pages/missing.md.j2' not found"], id="missing-include"),
    pytest.param({"templates/site/mentoring.css.j2": "body {\n  width: {{ 1/0 }};\n}\n"},
                 ["templates/site/mentoring.css.j2:2:1: template error: ZeroDivisionError: division by zero"],
                 id="stylesheet"),
    pytest.param({"templates/worksheets/sheet-body.html.j2": "<p>\n{{ sheet.title.nope.x }}\n</p>\n"},
                 ["templates/worksheets/sheet-body.html.j2:2:1: template error: 'str object' has no attribute "
                  "'nope'"], id="worksheet"),
    pytest.param({"templates/theme/main.html": THEME_PAGE.format("{{ 1/0 }}")},
                 ["templates/theme/main.html:3:1: template error: ZeroDivisionError: division by zero"],
                 id="theme-runtime-error"),
    pytest.param({"templates/theme/main.html": THEME_PAGE.format("{{ config.x( }}")},
                 ["templates/theme/main.html:3:1: template error: unexpected '}', expected ')'"],
                 id="theme-syntax-error"),
    pytest.param({"templates/theme/main.html": THEME_PAGE.format(
        "{{ config.__class__.__init__.__globals__['os'].system('touch {marker}') }}")},
                 [f"templates/theme/main.html:3:1: {SANDBOX}access to attribute '__init__' of 'Undefined' object "
                  "is unsafe."], id="theme-runs-a-command"),
    pytest.param({"templates/theme/main.html": THEME_PAGE.format("{% include 'partials/missing.html' %}")},
                 ["templates/theme/main.html:3:1: template error: template 'partials/missing.html' not found"],
                 id="theme-missing-include"),
]


@pytest.mark.parametrize(("files", "expected"), TEMPLATE_CASES)
def test_template_mistakes_are_located_by_validate_and_build(
    program: Path, capsys, files: dict[str, str], expected: list[str]
) -> None:
    marker = program.parent / "ran"
    for rel, text in files.items():
        (program / rel).parent.mkdir(parents=True, exist_ok=True)
        (program / rel).write_text(text.replace("{marker}", str(marker)), encoding="utf-8")
    for command in ("validate", "build"):
        assert run([command, str(program)], capsys) == (2, [*expected, summary(len(expected))]), command
    assert not marker.exists()
    assert not (program / "site").exists()


# --- validate and build agree, and say where -----------------------------------------------

PAGE_CLASH = "would be published at /{url}/ like the site's own {what}; choose another file name"
DEAD = "links to 'nope.md', which is no page or file of the site"

# (file, text written or (old, new) replaced, the exact lines printed before the summary line)
AGREEMENT_CASES = [
    pytest.param(MENTORS, ("what: \"A friendly", "what: \"A [friendly](nope.md)"),
                 [f"{MENTORS}:5:11: practices[1] \"say-hello\".what: {DEAD} (on the page mentors/say-hello.md)"],
                 id="link-in-practice-text"),
    pytest.param(MENTORS, ("summary: \"Open warmly", "summary: \"Open [warmly](nope.md)"),
                 [f"{MENTORS}:4:14: practices[1] \"say-hello\".summary: {DEAD} (on the pages index.md, "
                  "mentors/index.md, mentors/say-hello.md)"], id="link-in-practice-summary"),
    pytest.param(MENTORS, ("      - \"Share something", "      - \"See [this](nope.md). Share something"),
                 [f"{MENTORS}:8:9: practices[1] \"say-hello\".how[1]: {DEAD} (on the page mentors/say-hello.md)"],
                 id="link-in-practice-step"),
    pytest.param(SHEET, ('intro: "Fill', 'intro: "[Read](nope.md), then fill'),
                 [f"{SHEET}:4:8: intro: {DEAD} (on the page worksheets/plan.md)"], id="link-in-worksheet-intro"),
    pytest.param(P, ('description: "A two-month', 'description: "A [two-month](nope.md)'),
                 [f"{P}:4:16: program.description: {DEAD} (on the page index.md)"], id="link-in-description"),
    pytest.param("content/pages/extra.md", ("Ask [[contact_name]]", "Ask [[contact_name]] [here](nope.md)"),
                 [f"content/pages/extra.md:3:29: {DEAD}"], id="column-after-a-placeholder"),
    pytest.param("content/pages/extra.md", ("R&D", "<b> [R&D](nope.md)"),
                 [f"content/pages/extra.md:5:41: {DEAD}"], id="column-after-neutralised-html"),
    pytest.param("content/pages/sitemap.xml.md", "# Map\n",
                 ["content/pages/sitemap.xml.md:1:1: " + PAGE_CLASH.format(url="sitemap.xml", what="sitemap.xml")],
                 id="page-named-sitemap"),
    pytest.param("content/pages/sitemap.xml.gz/index.md", "# Map\n",
                 ["content/pages/sitemap.xml.gz/index.md:1:1: "
                  + PAGE_CLASH.format(url="sitemap.xml.gz", what="sitemap.xml.gz")], id="page-named-sitemap-gz"),
    pytest.param("content/pages/404.html.md", "# Lost\n",
                 ["content/pages/404.html.md:1:1: " + PAGE_CLASH.format(url="404.html", what="404.html")],
                 id="page-named-404-html"),
    pytest.param("content/pages/assets/notes.md", "# Notes\n",
                 ["content/pages/assets/notes.md:1:1: would be published at /assets/notes/ like the site's own "
                  "assets/ files; choose another file name"], id="page-in-assets"),
    pytest.param("content/pages/worksheets/plan-a4.pdf", "%PDF-1.4 not ours\n",
                 ["content/pages/worksheets/plan-a4.pdf:1:1: would replace the site's own /worksheets/plan-a4.pdf; "
                  "choose another file name"], id="file-named-like-a-worksheet-pdf"),
]


@pytest.mark.parametrize(("rel", "change", "expected"), AGREEMENT_CASES)
def test_validate_and_build_agree_and_locate(
    program: Path, capsys, rel: str, change: str | tuple[str, str], expected: list[str]
) -> None:
    path = program / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(change, tuple):
        path.write_text(replace(*change)(path.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        path.write_text(change, encoding="utf-8")
    for command in ("validate", "build"):
        assert run([command, str(program)], capsys) == (2, [*expected, summary(len(expected))]), command


def test_validate_runs_the_site_engine_without_pdfs(program: Path, capsys) -> None:
    """A broken link MkDocs finds that we do not (a reference-style link) fails validate too,
    and validate writes nothing: no site, no PDF."""
    extra = program / "content/pages/extra.md"
    extra.write_text(extra.read_text(encoding="utf-8") + "\nSee [the rules][r].\n\n[r]: rules.md\n", encoding="utf-8")
    for command in ("validate", "build"):
        code, err = run([command, str(program)], capsys)
        assert code == 2, command
        assert err[0] == "error: MkDocs could not build the site:", command
        assert "'rules.md'" in err[1], command
    assert sorted(p.name for p in program.iterdir()) == ["content", "worksheets"]


def test_theme_override_runs_sandboxed_through_the_mkdocs_plugin(program: Path) -> None:
    """`mkdocs build` in a program folder (our plugin) sandboxes the theme's templates too."""
    marker = program.parent / "ran"
    shutil.copy(REPO / "mkdocs.yml", program / "mkdocs.yml")
    (program / "content/pages").mkdir(exist_ok=True)
    theme = program / "templates/theme/main.html"
    theme.parent.mkdir(parents=True)
    # In the page title, which every page prints (the error page too, which is rendered first).
    payload = "{{ config.__class__.__init__.__globals__['os'].system('touch " + str(marker) + "') }}"
    theme.write_text(THEME_PAGE.format(payload).replace("block content", "block htmltitle"), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=program, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 1
    assert "SecurityError: access to attribute '__init__' of 'Undefined' object is unsafe." in result.stderr
    assert not marker.exists()
