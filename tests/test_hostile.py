"""Hostile and broken input, table-driven.

Every case either fails with exit code 2 and a `file:line:column` message (REJECTED), or is
built and shown harmlessly as written (NEUTRALISED). In both, no traceback, nothing fetched
from the network, no file outside the program read, and a failed build leaves the site as it was.
"""

from __future__ import annotations

import html.parser
import re
import resource
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from mentoring_site.cli import main
from tests.conftest import FIXTURES, KNOWN_PLACEHOLDERS, tree_digest

P = "content/program.yml"
MENTORS = "content/practices/mentors.yml"
SHEET = "worksheets/plan.yml"

# --- watching what the program reads and connects to -------------------------------------

OPENED: list[str] = []
RECORDING = [False]


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if RECORDING[0] and event == "open" and isinstance(args[0], (str, bytes, Path)):
        OPENED.append(str(args[0]))


sys.addaudithook(_audit)


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch):
    """Record files opened; make any network connection fail loudly and be recorded."""
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise OSError("network use in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    OPENED.clear()
    RECORDING[0] = True
    yield attempts
    RECORDING[0] = False


Edit = tuple[str, Callable[[str, Path], "str | bytes | None"]]


def append(extra: str) -> Callable[[str, Path], str]:
    return lambda old, root: old + extra


def replace(old_text: str, new_text: str) -> Callable[[str, Path], str]:
    def edit(old: str, root: Path) -> str:
        assert old_text in old, old_text
        return old.replace(old_text, new_text, 1)
    return edit


def whole(text: str | bytes) -> Callable[[str, Path], str | bytes]:
    return lambda old, root: text


def link_out(name: str) -> Callable[[str, Path], None]:
    def edit(old: str, root: Path) -> None:
        (root / name).symlink_to(root.parent / "outside" / "secret.png")
    return edit


def apply(root: Path, edits: list[Edit]) -> None:
    for rel, edit in edits:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
        new = edit(old, root)
        if isinstance(new, bytes):
            path.write_bytes(new)
        elif new is not None:
            path.write_text(new, encoding="utf-8")


def brand(line: str) -> Edit:
    return (P, append(f"branding:\n  {line}\n"))


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
BRAND_LINE = 24  # the line `branding:` values land on, after the fixture's program.yml

# (edits, command, the exact lines printed before the summary line, bounded: run in a
# subprocess with memory and time limits)
REJECTED = [
    pytest.param([(P, whole("program: [\n"))], "validate",
                 [f"{P}:2:1: YAML syntax error: expected the node content, but found '<stream end>'"],
                 False, id="yaml-unclosed-bracket"),
    pytest.param([(P, replace("  name:", "\tname:"))], "validate",
                 [f"{P}:2:1: YAML syntax error: found character '\\t' that cannot start any token "
                  "(tabs are not allowed for indentation in YAML; use spaces)"],
                 False, id="tab-indent"),
    pytest.param([(P, replace("  organisation:", "   organisation:"))], "validate",
                 [f"{P}:3:4: YAML syntax error: expected <block end>, but found '<block mapping start>' "
                  "(check the indentation of this line and the one before)"],
                 False, id="bad-indent"),
    pytest.param([(SHEET, replace("purpose:", "title: \"Again\"\npurpose:"))], "validate",
                 [f"{SHEET}:3:1: title: duplicate key (first defined at line 2)"],
                 False, id="duplicate-key-worksheet"),
    pytest.param([(P, whole("\n".join(
        ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        + [f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]" for i in range(1, 10)]) + "\n"))],
                 "validate", [f"{P}:1:37: document has more than 100000 values (alias bomb?)"],
                 True, id="alias-bomb"),
    pytest.param([(P, append("x: " + "[" * 5000 + "]" * 5000 + "\n"))], "validate",
                 [f"{P}:23:43: nesting is deeper than 40 levels"], True, id="deep-flow-nesting"),
    pytest.param([(P, append("x:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 100))))],
                 "validate", [f"{P}:63:81: nesting is deeper than 40 levels"], True, id="deep-block-nesting"),
    pytest.param([(P, append("# " + "x" * 2_000_000 + "\n"))], "validate",
                 [f"{P}:1:1: file is larger than 1000000 bytes"], True, id="huge-yaml"),
    pytest.param([("content/pages/big.md", whole("# Big\n" + "word " * 400_000))], "validate",
                 ["content/pages/big.md:1:1: is larger than 1000000 bytes"], True, id="huge-page"),
    pytest.param([(P, whole(b"program:\n  name: \xff\xfe\n"))], "validate",
                 [f"{P}:1:1: is not UTF-8 text (invalid start byte)"], False, id="not-utf8-yaml"),
    pytest.param([("content/pages/bad.md", whole(b"# Hi \xff\n"))], "validate",
                 ["content/pages/bad.md:1:1: is not UTF-8 text (invalid start byte)"], False, id="not-utf8-page"),
    pytest.param([(P, whole(""))], "validate",
                 [f"{P}:1:1: missing required key 'program'"], False, id="empty-file"),
    pytest.param([(P, whole("- a\n- b\n"))], "validate",
                 [f"{P}:1:1: must be a mapping of keys, not a list"], False, id="list-not-mapping"),
    pytest.param([(P, replace('name: "Tiny Test Program"', "name: !!python/object/apply:os.system [echo hi]"))],
                 "validate",
                 [f"{P}:2:9: program.name: YAML tag !!python/object/apply:os.system is not allowed; write a plain value"],
                 False, id="python-tag"),
    pytest.param([(P, replace('name: "Tiny Test Program"', "name: [a, b]"))], "validate",
                 [f"{P}:2:3: program.name: must be text, not a list"], False, id="wrong-type-list"),
    pytest.param([(P, append("brandng: {}\n"))], "validate",
                 [f"{P}:23:1: brandng: unknown key; did you mean 'branding'? "
                  "(known keys: program, terminology, branding, worksheets, site, applying, support_services, concerns, "
                  "booklet)"],
                 False, id="unknown-key"),
    pytest.param([(P, replace("mentor: Guide", "mentor: no"))], "validate",
                 [f'{P}:17:11: terminology.mentor: must be text, not false '
                  f'(YAML reads unquoted no as false; write "no" in quotes)'],
                 False, id="unquoted-no"),
    pytest.param([(MENTORS, replace('title: "Say hello"', "title: on"))], "validate",
                 [f'{MENTORS}:3:12: practices[1] "say-hello".title: must be text, not true '
                  f'(YAML reads unquoted on as true; write "on" in quotes)'],
                 False, id="unquoted-on"),
    pytest.param([(P, replace("start: 2027-03-01", "start: 2027-13-01"))], "validate",
                 [f"{P}:8:10: program.start: 2027-13-01 is not a valid date (month must be in 1..12)"],
                 False, id="bad-month"),
    pytest.param([(P, replace("end: 2027-04-26", "end: 2027-02-01"))], "validate",
                 [f"{P}:9:8: program.end: end (2027-02-01) is before start (2027-03-01)"],
                 False, id="end-before-start"),
    pytest.param([brand('primary_color: "#ffff00"')], "validate",
                 [f"{P}:{BRAND_LINE}:18: branding.primary_color: #ffff00 (primary_color, behind white header "
                  "text): contrast with white is 1.07:1, below the 4.5:1 that WCAG AA requires for text; "
                  "choose a darker colour"],
                 False, id="low-contrast"),
    pytest.param([brand('logo: "file:///etc/passwd"')], "validate",
                 [f"{P}:{BRAND_LINE}:9: branding.logo: 'file:///etc/passwd' must be a path inside the program "
                  "folder, e.g. assets/logo.svg"],
                 False, id="logo-file-url"),
    pytest.param([brand('logo: "/etc/passwd"')], "validate",
                 [f"{P}:{BRAND_LINE}:9: branding.logo: '/etc/passwd' must be a path inside the program folder, "
                  "e.g. assets/logo.svg"],
                 False, id="logo-absolute-path"),
    pytest.param([brand('logo: "../outside/secret.png"')], "validate",
                 [f"{P}:{BRAND_LINE}:9: branding.logo: '../outside/secret.png' points outside the program folder"],
                 False, id="logo-dotdot"),
    pytest.param([("x", link_out("logo.png")), brand('logo: "logo.png"')], "validate",
                 [f"{P}:{BRAND_LINE}:9: branding.logo: 'logo.png' points outside the program folder"],
                 False, id="logo-symlink-out"),
    pytest.param([("x", lambda old, root: (root / SHEET).unlink()), ("x", link_out(SHEET))], "validate",
                 [f"{SHEET}:1:1: is a link to something outside the program; copy it in instead"],
                 False, id="worksheet-linked-out"),
    pytest.param([("x", lambda old, root: (root / MENTORS).unlink()), ("x", link_out(MENTORS))], "validate",
                 [f"{MENTORS}:1:1: is a link to something outside the program; copy it in instead"],
                 False, id="practices-linked-out"),
    pytest.param([("templates/pages/x", whole("")), ("x", link_out("templates/pages/roles.md.j2"))], "build",
                 ["templates/pages/roles.md.j2:1:1: is a link to something outside the program; copy it in instead"],
                 False, id="template-linked-out"),
    pytest.param([("templates/x", whole("")), ("x", link_out("templates/theme"))], "build",
                 ["templates/theme:1:1: is a link to something outside the program; copy it in instead"],
                 False, id="theme-folder-linked-out"),
    pytest.param([brand('favicon: "http://example.org/favicon.png"')], "validate",
                 [f"{P}:{BRAND_LINE}:12: branding.favicon: 'http://example.org/favicon.png' must be a path "
                  "inside the program folder, e.g. assets/logo.svg"],
                 False, id="favicon-http"),
    pytest.param([("logo.png", whole("just text")), brand('logo: "logo.png"')], "validate",
                 [f"{P}:{BRAND_LINE}:9: branding.logo: 'logo.png' is not an SVG or PNG image"],
                 False, id="logo-not-an-image"),
    pytest.param([("logo.png", whole(PNG + b"\0" * 2_000_000)), brand('logo: "logo.png"')], "validate",
                 [f"{P}:{BRAND_LINE}:9: branding.logo: 'logo.png' is 2000072 bytes; images may be at most "
                  "1000000 bytes"],
                 True, id="logo-oversized"),
    pytest.param([("logo.png", whole(PNG[:8] + b"\0\0\0\rIHDR" + (50_000).to_bytes(4, "big") * 2 + b"\0" * 64)),
                  brand('logo: "logo.png"')], "validate",
                 [f"{P}:{BRAND_LINE}:9: branding.logo: 'logo.png' is 50000 by 50000 pixels; images may be at "
                  "most 4096 by 4096"],
                 False, id="logo-pixel-bomb"),
    pytest.param([("logo.svg", whole('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>')),
                  brand('logo: "logo.svg"')], "validate",
                 [f"{P}:{BRAND_LINE}:9: branding.logo: 'logo.svg', line 1, column 1: attribute onload on <svg> is "
                  "not allowed (no event handlers or unknown attributes)"],
                 False, id="logo-svg-with-script"),
    pytest.param([("favicon.svg", whole('<svg xmlns="http://www.w3.org/2000/svg"><image href="http://evil.example/x.png"/></svg>')),
                  brand('favicon: "favicon.svg"')], "validate",
                 [f"{P}:{BRAND_LINE}:12: branding.favicon: 'favicon.svg', line 1, column 41: href on <image> "
                  "leads to 'http://evil.example/x.png'; only parts of the same file (#id) are allowed, and images "
                  "only as embedded PNG, JPEG, GIF or WebP data"],
                 False, id="favicon-svg-fetching"),
    pytest.param([(P, replace('name: "Tiny Test Program"', 'name: "Tiny\x07Program"'))], "validate",
                 [f"{P}:2:14: control character U+0007 is not allowed in YAML; remove it"],
                 False, id="control-character"),
    pytest.param([(P, replace("start: 2027-03-01", "start: 9999-12-25")),
                  (P, replace("end: 2027-04-26", "end: 9999-12-31"))], "validate",
                 [f"{P}:8:10: program.start: 9999-12-25 is not between the years 1900 and 2999",
                  f"{P}:9:8: program.end: 9999-12-31 is not between the years 1900 and 2999"],
                 False, id="far-future-dates"),
    pytest.param([("content/pages/extra/index.md", whole("# Twin\n"))], "validate",
                 ["content/pages/extra.md:1:1: would be published at /extra/ like content/pages/extra/index.md; "
                  "choose another file name"],
                 False, id="two-pages-one-address"),
    pytest.param([("content/pages/search/search_index.json.md", whole("# Search\n"))], "validate",
                 ["content/pages/search/search_index.json.md:1:1: would be published at "
                  "/search/search_index.json/ like the site's own search/ files; choose another file name"],
                 False, id="page-over-search-index"),
    pytest.param([(MENTORS, whole("big: &big \"" + "x" * 400_000 + "\"\npractices: [" + ", ".join(["*big"] * 40) + "]\n"))],
                 "validate",
                 [f"{MENTORS}:1:6: document expands to more than 4000000 characters of text (aliases repeating text?)"],
                 True, id="alias-text-bomb"),
    pytest.param([(MENTORS, whole("practices:\n" + "".join(
                      f"  - {{id: p{i}, title: T, summary: S, what: W, why: Y, how: [H]}}\n" for i in range(31))))],
                 "validate",
                 [f"{MENTORS}:1:1: practices: lists 31 practices; a role may have at most 30"],
                 False, id="too-many-practices"),
    pytest.param([brand('favicon: "nope.png"')], "validate",
                 [f"{P}:{BRAND_LINE}:12: branding.favicon: 'nope.png' does not exist"], False, id="favicon-missing"),
    pytest.param([(SHEET, replace("id: plan", "id: ../../evil"))], "validate",
                 [f"{SHEET}:1:5: id: id '../../evil' must match the file name 'plan'"], False, id="sheet-id-traversal"),
    pytest.param([(MENTORS, replace("id: say-hello", "id: ../say-hello"))], "validate",
                 [f"{MENTORS}:2:9: practices[1] \"Say hello\".id: '../say-hello' must be lowercase letters, digits and "
                  "single hyphens"],
                 False, id="practice-id-traversal"),
    pytest.param([("content/pages/x.md", whole("# X\n\nHello [[nope]]\n"))], "validate",
                 [f"content/pages/x.md:3:7: unknown placeholder [[nope]] ({KNOWN_PLACEHOLDERS})"], False,
                 id="unknown-placeholder"),
    pytest.param([("content/pages/mentors.md", whole("# Mine\n"))], "validate",
                 ["content/pages/mentors.md:1:1: would be published at /mentors/ like the generated page "
                  "mentors/index.md; choose another file name, or override that page's template to change it"],
                 False, id="page-url-clash"),
    pytest.param([("templates/pages/index.md.j2", whole("# {{ program.name \n"))], "build",
                 ["templates/pages/index.md.j2:1:1: template error: unexpected end of template, expected "
                  "'end of print statement'."],
                 False, id="template-syntax"),
    pytest.param([("templates/pages/index.md.j2", whole("# {{ program.nmae }}\n"))], "build",
                 ["templates/pages/index.md.j2:1:1: template error: 'mentoring_site.model.Program object' "
                  "has no attribute 'nmae'"],
                 False, id="template-undefined"),
    pytest.param([("templates/pages/index.md.j2", whole('{% include "/etc/passwd" %}\n'))], "build",
                 ["templates/pages/index.md.j2:1:1: template error: template '/etc/passwd' not found"],
                 False, id="template-include-absolute"),
    pytest.param([("templates/pages/index.md.j2", whole('{% include "../../outside/secret.png" %}\n'))], "build",
                 ["templates/pages/index.md.j2:1:1: template error: template '../../outside/secret.png' not found"],
                 False, id="template-include-dotdot"),
    pytest.param([(SHEET, replace('intro: "', 'intro: "![x](/etc/passwd) '))], "validate",
                 [f"{SHEET}:4:8: intro: image '/etc/passwd' must be a file inside the program "
                  "(e.g. assets/diagram.png) or a data: URL"],
                 False, id="worksheet-image-absolute"),
    pytest.param([(SHEET, replace('intro: "', 'intro: "![x](file:///etc/passwd) '))], "validate",
                 [f"{SHEET}:4:8: intro: image 'file:///etc/passwd' must be a file inside the program "
                  "(e.g. assets/diagram.png) or a data: URL"],
                 False, id="worksheet-image-file-url"),
    pytest.param([(SHEET, replace('intro: "', 'intro: "![x](http://example.org/a.png) '))], "validate",
                 [f"{SHEET}:4:8: intro: image 'http://example.org/a.png' must be a file inside the program "
                  "(e.g. assets/diagram.png) or a data: URL"],
                 False, id="worksheet-image-http"),
    pytest.param([(P, append('site:\n  url: "https://x.org/\\"><script>alert(1)</script>"\n'))], "validate",
                 [f"{P}:{BRAND_LINE}:8: site.url: 'https://x.org/\"><script>alert(1)</script>' must be a web address "
                  "starting with https://"],
                 False, id="markup-in-site-url"),
    pytest.param([(P, append('site:\n  url: "javascript:alert(1)"\n'))], "validate",
                 [f"{P}:{BRAND_LINE}:8: site.url: 'javascript:alert(1)' must be a web address starting with https://"],
                 False, id="script-site-url"),
    pytest.param([(SHEET, replace('intro: "', 'intro: "![x](../outside/secret.png) '))], "validate",
                 [f"{SHEET}:4:8: intro: image '../outside/secret.png' points outside the program"],
                 False, id="worksheet-image-dotdot"),
    pytest.param([(SHEET, replace('intro: "', 'intro: "![x](assets/missing.png) '))], "validate",
                 [f"{SHEET}:4:8: intro: image 'assets/missing.png' does not exist (paths are relative to the "
                  "program folder)"],
                 False, id="worksheet-image-missing"),
]


@pytest.fixture
def program(tmp_path: Path) -> Path:
    """The small fixture program, with a secret file beside it that nothing may read."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.png").write_bytes(PNG)
    root = tmp_path / "program"
    shutil.copytree(FIXTURES / "small", root)
    return root


def _limit_resources() -> None:  # pragma: no cover - runs in the child process
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    resource.setrlimit(resource.RLIMIT_CPU, (60, 60))


@pytest.mark.parametrize(("edits", "command", "expected", "bounded"), REJECTED)
def test_rejected(program: Path, watched: list[Any], capsys, edits, command, expected, bounded) -> None:
    site = program / "site"
    site.mkdir()
    (site / ".mentoring-site-output").write_text("")
    (site / "index.html").write_text("the previous site")
    before = tree_digest(site)
    apply(program, edits)
    expected = [line.replace("{outside}", str(program.parent / "outside")) for line in expected]
    summary = f"{len(expected)} problem{'s' if len(expected) != 1 else ''} found; nothing was changed."
    if bounded:
        RECORDING[0] = False
        result = subprocess.run(
            [sys.executable, "-m", "mentoring_site", command, str(program)],
            capture_output=True, text=True, timeout=120, preexec_fn=_limit_resources, check=False,
        )
        code, err = result.returncode, result.stderr.splitlines()
    else:
        code = main([command, str(program)])
        err = capsys.readouterr().err.splitlines()
    assert (code, err) == (2, [*expected, summary])
    assert tree_digest(site) == before
    assert not watched, "a network connection was attempted"
    outside = str(program.parent / "outside")
    assert not [p for p in OPENED if p.startswith((outside, "/etc/passwd"))]


# --- neutralised: one hostile program, built once ----------------------------------------

HOSTILE_PAGE = """\
# Notes {: onclick="alert('heading')" }

Raw <a href="javascript:alert('raw')">raw link</a> here.

<svg onload=alert('svg')></svg>

<iframe src="https://evil.example/"></iframe>

<style>body { display: none }</style>

<!-- hidden --><script>alert('comment')</script>

[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)

[vb link](vbscript:msgbox(1))

![passwd](file:///etc/passwd)

[entity link](&#106;avascript:alert('entity'))

[named entity link](javascript&colon;alert('colon'))

[tab link](java&#9;script:alert('tab'))

[ref link][r]

[split link](java
script:alert('split'))

[ok link](https://example.org/){: href="javascript:alert('attr')" }

<https://example.org/"onmouseover="alert('autolink')>

<scr<script>ipt>alert('nested')</script>

Code stays code: `<script>alert('code')</script>`.

Template-looking text: {{ config }} and {% if true %}yes{% endif %}.

[r]: javascript:alert('reference')
"""

NEUTRALISED_EDITS: list[Edit] = [
    (P, replace('name: "Tiny Test Program"', 'name: "Tiny <script>alert(\'name\')</script> & Co"')),
    (P, replace('description: "A two-month program used by the test suite."',
                'description: "\\" onmouseover=\\"alert(\'description\')"')),
    (P, replace('name: "Robin Tester"', 'name: "<b onclick=alert(\'contact\')>Robin</b>"')),
    (P, append('branding:\n  footer: "</footer><img src=x onerror=alert(\'footer\')>"\n')),
    (MENTORS, replace('title: "Say hello"', 'title: "Say <img src=x onerror=alert(\'title\')> hello"')),
    (MENTORS, replace("summary: ", "summary: \"[click me](javascript:alert('summary')) {{ 7*7 }}\" #")),
    ("content/practices/mentees.yml", replace('title: "Come prepared"', 'title: "</title><script>alert(\'breakout\')</script>"')),
    ("content/pages/notes.md", whole(HOSTILE_PAGE)),
    (SHEET, replace('title: "Meeting plan"', 'title: "Plan <script>alert(\'sheet\')</script> {{ 7*7 }}"')),
    (SHEET, replace('purpose: "Plan one meeting."', 'purpose: "<b onmouseover=alert(\'purpose\')>Plan</b>"')),
    (SHEET, replace('intro: "', "intro: \"[sheet link](javascript:alert('intro')) ")),
    (SHEET, replace('label: "Topic"', 'label: "Topic <img src=x onerror=alert(\'label\')>"')),
]


class Collect(html.parser.HTMLParser):
    """Every element with its attributes, script bodies, and the visible text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            while self._in and self._in.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "script":
            self.scripts.append(data.strip())
        elif not (self._in and self._in[-1] in ("style", "title")):
            self.text.append(data)


def parse(path: Path) -> Collect:
    c = Collect()
    c.feed(path.read_text(encoding="utf-8"))
    return c


def scheme(url: str) -> str:
    cleaned = re.sub(r"[\x00-\x20]", "", url).lower()
    return cleaned.split(":", 1)[0] if ":" in cleaned.split("/", 1)[0] else ""


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The fixture built as it is (clean) and with every hostile payload (hostile)."""
    out = {}
    for name, edits in (("clean", []), ("hostile", NEUTRALISED_EDITS)):
        root = tmp_path_factory.mktemp(name) / "program"
        shutil.copytree(FIXTURES / "small", root)
        apply(root, edits)
        assert main(["build", str(root), "-q"]) == 0
        out[name] = root / "site"
    return out


def page_text(site: Path, rel: str) -> str:
    return " ".join(" ".join(parse(site / rel).text).split())


NEUTRALISED = [
    # (page, what the reader sees, written exactly as the content had it)
    pytest.param("index.html", "Tiny <script>alert('name')</script> & Co", id="script-in-program-name"),
    pytest.param("index.html", "<b onclick=alert('contact')>Robin</b>", id="handler-in-contact"),
    pytest.param("index.html", "</footer><img src=x onerror=alert('footer')>", id="markup-in-footer"),
    pytest.param("mentors/say-hello/index.html", "Say <img src=x onerror=alert('title')> hello",
                 id="handler-in-practice-title"),
    pytest.param("mentors/say-hello/index.html", "click me", id="javascript-link-in-summary"),
    pytest.param("mentors/say-hello/index.html", "{{ 7*7 }}", id="template-syntax-in-summary"),
    pytest.param("mentees/prepare/index.html", "</title><script>alert('breakout')</script>",
                 id="title-breakout"),
    pytest.param("notes/index.html", "Raw <a href=\"blocked-javascript:alert('raw')\">raw link</a> here.",
                 id="raw-anchor"),
    pytest.param("notes/index.html", "<svg onload=alert('svg')></svg>", id="svg-onload"),
    pytest.param("notes/index.html", '<iframe src="https://evil.example/"></iframe>', id="iframe"),
    pytest.param("notes/index.html", "<style>body { display: none }</style>", id="style-element"),
    pytest.param("notes/index.html", "<!-- hidden --><script>alert('comment')</script>", id="comment-and-script"),
    pytest.param("notes/index.html", "data link", id="data-url-link"),
    pytest.param("notes/index.html", "vb link", id="vbscript-link"),
    pytest.param("notes/index.html", "entity link", id="entity-encoded-javascript"),
    pytest.param("notes/index.html", "named entity link", id="named-entity-colon"),
    pytest.param("notes/index.html", "tab link", id="entity-tab-in-scheme"),
    pytest.param("notes/index.html", "ref link", id="javascript-reference-definition"),
    pytest.param("notes/index.html", "split link", id="scheme-split-across-lines"),
    pytest.param("notes/index.html", "ok link", id="attr-list-href"),
    pytest.param("notes/index.html", "<scr<script>ipt>alert('nested')</script>", id="nested-script-trick"),
    pytest.param("notes/index.html", "<script>alert('code')</script>", id="script-in-code-span"),
    pytest.param("notes/index.html", "{{ config }} and {% if true %}yes{% endif %}", id="jinja-in-page"),
    pytest.param("worksheets/plan/index.html", "Plan <script>alert('sheet')</script> {{ 7*7 }}",
                 id="script-in-worksheet-title"),
    pytest.param("worksheets/index.html", "<b onmouseover=alert('purpose')>Plan</b>", id="handler-in-purpose"),
    pytest.param("worksheets/plan/index.html", "sheet link", id="javascript-link-in-intro"),
    pytest.param("worksheets/plan/index.html", "Topic <img src=x onerror=alert('label')>",
                 id="handler-in-field-label"),
]


@pytest.mark.parametrize(("page", "shown"), NEUTRALISED)
def test_neutralised_text_is_shown_as_written(sites: dict[str, Path], page: str, shown: str) -> None:
    assert shown in page_text(sites["hostile"], page)


def test_no_script_handler_or_script_link_survives_in_the_site(sites: dict[str, Path]) -> None:
    clean_scripts: set[tuple[str, str]] = set()
    for path in sites["clean"].rglob("*.html"):
        c = parse(path)
        clean_scripts |= {(a.get("src") or "", "") for t, a in c.elements if t == "script"}
        clean_scripts |= {("", s) for s in c.scripts}
    pages = sorted(sites["hostile"].rglob("*.html"))
    assert len(pages) >= 12
    for path in pages:
        c = parse(path)
        where = path.relative_to(sites["hostile"])
        for tag, attrs in c.elements:
            assert tag not in ("iframe", "object", "embed", "style"), (where, tag)
            for name, value in attrs.items():
                assert not name.startswith("on"), (where, tag, name, value)
                if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                    assert scheme(value) not in ("javascript", "vbscript", "data", "file"), (where, tag, value)
            if tag == "script":
                assert (attrs.get("src") or "", "") in clean_scripts, (where, attrs)
        assert {("", s) for s in c.scripts} <= clean_scripts, where
        # the attribute break-out in the description stays inside its attribute
        assert not any("alert" in name for _, attrs in c.elements for name in attrs), where


def test_no_script_or_outside_file_in_the_worksheet_pdfs(sites: dict[str, Path]) -> None:
    pdf = sites["hostile"] / "worksheets" / "plan-a4.pdf"
    raw = pdf.read_bytes()
    for needle in (b"/JavaScript", b"/JS ", b"/Launch", b"javascript:", b"root:x:0:0"):
        assert needle not in raw, needle
    reader = PdfReader(pdf)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Plan <script>alert('sheet')</script> {{ 7*7 }}" in text
    assert "sheet link" in text
    tooltips = {f.get("/TU") for f in reader.get_fields().values()}
    assert "Topic <img src=x onerror=alert('label')>" in tooltips


def test_allow_html_lets_trusted_markup_through_but_never_script(program: Path) -> None:
    text = (program / P).read_text().replace('name: "Tiny Test Program"', 'name: "Tiny <script>alert(3)</script>"')
    (program / P).write_text(text + "site:\n  allow_html: true\n", encoding="utf-8")
    (program / "content/pages/notes.md").write_text(
        '# Notes\n\n<span class="trusted">Kept</span>\n\n[js](javascript:void(0))\n\n'
        '<b onclick="alert(1)">bold</b><script>alert(2)</script>\n', encoding="utf-8"
    )
    assert main(["build", str(program), "-q"]) == 0
    c = parse(program / "site/notes/index.html")
    assert ("span", {"class": "trusted"}) in c.elements
    assert ("b", {}) in c.elements  # kept, without its handler
    assert [a for t, a in c.elements if t == "a" and a.get("href", "").startswith("javascript")] == []
    assert not any("alert" in s for s in c.scripts)
    assert "Tiny ‹script›alert(3)‹/script›" in " ".join(c.text)  # settings stay text
