"""Writes and deletes only where the tool can prove it owns the target (issue 9).

A program folder may come from someone else, and git stores symbolic links: a cloned program
can carry `site`, `.mentoring-site` or any folder as a link to anywhere. Every case builds,
exports, serves or runs `mkdocs build` through such a link and checks that the command refuses
with one line and that the folder outside is exactly as it was.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from mentoring_site.build import generate
from mentoring_site.cli import main
from mentoring_site.publish import MARKER
from tests.conftest import REPO, tree_digest


def _outside(tmp_path: Path, *, exists: bool = True, marked: bool = True) -> Path:
    """A folder outside the program holding someone's files (marked as a site of ours, even:
    the marker inside a link's target proves nothing about the link)."""
    target = tmp_path / "outside" / "target"
    if exists:
        target.mkdir(parents=True)
        (target / "precious.txt").write_text("keep me\n")
        (target / "theme").mkdir()
        (target / "theme" / "main.html").write_text("someone's template\n")
        (target / "old.pdf").write_bytes(b"%PDF-1.7 someone's")
        if marked:
            (target / MARKER).write_text("planted\n")
    else:
        target.parent.mkdir(parents=True)
    return target


def _state(target: Path) -> dict[str, bytes] | None:
    return tree_digest(target) if target.exists() else None


MESSAGE = ("error: refusing to write {p}/{w}: {it} a symbolic link (to {t}); "
           "remove the link or choose another --site-dir")
# (id, link inside the program, does its target exist, arguments after the program folder, message)
CLI_CASES = [
    ("site-link", "site", True, [], MESSAGE.format(p="{p}", w="site", it="it is", t="{t}")),
    ("site-link-to-nothing-yet", "site", False, [], MESSAGE.format(p="{p}", w="site", it="it is", t="{t}")),
    ("site-dir-under-a-linked-folder", "out", True, ["--site-dir", "{p}/out/site"],
     MESSAGE.format(p="{p}", w="out/site", it="{p}/out is", t="{t}")),
    ("site-dir-is-the-linked-folder", "out", True, ["--site-dir", "{p}/out"],
     MESSAGE.format(p="{p}", w="out", it="it is", t="{t}")),
    ("relative-site-dir-under-a-link", "out", False, ["--site-dir", "{p}/content/../out/site"],
     MESSAGE.format(p="{p}", w="content/../out/site", it="{p}/out is", t="{t}")),
]


@pytest.mark.parametrize(("link", "exists", "extra", "expected"), [c[1:] for c in CLI_CASES],
                         ids=[c[0] for c in CLI_CASES])
def test_build_refuses_to_write_through_a_link(small: Path, tmp_path: Path, capsys, link: str, exists: bool,
                                               extra: list[str], expected: str) -> None:
    target = _outside(tmp_path, exists=exists)
    (small / link).symlink_to(target, target_is_directory=True)
    before = _state(target)
    code = main(["build", str(small), "-q", *[a.format(p=small) for a in extra]])
    err = capsys.readouterr().err.splitlines()
    assert (code, err) == (2, [expected.format(p=small, t=target)])
    assert _state(target) == before
    assert sorted(p.name for p in target.parent.iterdir()) == (["target"] if exists else [])  # no staging


@pytest.mark.parametrize("exists", [True, False], ids=["existing", "not-yet"])
def test_export_refuses_to_write_through_a_link(small: Path, tmp_path: Path, capsys, exists: bool) -> None:
    target = _outside(tmp_path, exists=exists)
    out = tmp_path / "export"
    out.symlink_to(target, target_is_directory=True)
    before = _state(target)
    assert main(["export", str(small), str(out), "-q"]) == 2
    assert capsys.readouterr().err == (f"error: refusing to write {out}: it is a symbolic link (to {target}); "
                                       "remove the link or choose another output folder\n")
    assert _state(target) == before


@pytest.mark.parametrize("link", [".mentoring-site", ".mentoring-site/preview"])
def test_serve_refuses_a_linked_preview_folder(small: Path, tmp_path: Path, capsys, link: str) -> None:
    target = _outside(tmp_path)
    (small / link).parent.mkdir(exist_ok=True)
    (small / link).symlink_to(target, target_is_directory=True)
    before = _state(target)
    assert main(["serve", str(small), "-q", "--port", "0"]) == 2
    shown = "it is" if link.endswith("preview") else f"{small}/.mentoring-site is"
    assert capsys.readouterr().err == (f"error: refusing to write {small}/.mentoring-site/preview: {shown} "
                                       f"a symbolic link (to {target}); remove the link\n")
    assert _state(target) == before


def test_links_planted_where_earlier_versions_wrote_are_not_followed(small: Path, tmp_path: Path) -> None:
    """Staging folders of killed builds are removed, but a link planted under such a name is not
    followed into its target; the PDF cache that once lived in `.mentoring-site/cache/` (and
    pruned every other PDF there) is in the user's cache folder now, and a link there is unused."""
    target = _outside(tmp_path)
    before = _state(target)
    (small / ".site.new-999999999-planted").symlink_to(target, target_is_directory=True)
    (small / ".mentoring-site/cache").mkdir(parents=True)
    (small / ".mentoring-site/cache/worksheets").symlink_to(target, target_is_directory=True)
    assert main(["build", str(small), "-q"]) == 0
    assert _state(target) == before


def _mkdocs(program: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=program, env=env,
                          capture_output=True, text=True, check=False, timeout=300)


# (id, link in the program, expected error line)
PLUGIN_CASES = [
    ("site-link", "site", "refusing to write {p}/site: it is a symbolic link (to {t}); "
     "remove the link or choose another site_dir (in mkdocs.yml, or -d)"),
    ("site-link-to-nothing-yet", "site", "refusing to write {p}/site: it is a symbolic link (to {t}); "
     "remove the link or choose another site_dir (in mkdocs.yml, or -d)"),
    ("mentoring-site-folder-link", ".mentoring-site", "refusing to write {p}/.mentoring-site/theme: "
     "{p}/.mentoring-site is a symbolic link (to {t}); remove the link"),
    ("theme-folder-link", ".mentoring-site/theme", "refusing to write {p}/.mentoring-site/theme: "
     "it is a symbolic link (to {t}); remove the link"),
]


@pytest.fixture
def plugin_program(small: Path) -> Path:
    shutil.copy(REPO / "mkdocs.yml", small / "mkdocs.yml")
    return small


@pytest.mark.parametrize(("link", "expected"), [c[1:] for c in PLUGIN_CASES], ids=[c[0] for c in PLUGIN_CASES])
def test_mkdocs_build_refuses_to_write_or_empty_through_a_link(plugin_program: Path, tmp_path: Path, request,
                                                               link: str, expected: str) -> None:
    target = _outside(tmp_path, exists="nothing" not in request.node.callspec.id)
    (plugin_program / link).parent.mkdir(parents=True, exist_ok=True)
    (plugin_program / link).symlink_to(target, target_is_directory=True)
    before = _state(target)
    result = _mkdocs(plugin_program)
    assert result.returncode == 1
    assert f"ERROR   -  {expected.format(p=plugin_program, t=target)}" in result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert _state(target) == before


def test_mkdocs_build_swaps_the_site_in_whole_and_keeps_what_it_did_not_make(plugin_program: Path) -> None:
    """The plugin builds beside site_dir and swaps the result in, like `mentoring-site build`;
    a site folder it did not make is refused, not emptied."""
    first = _mkdocs(plugin_program)
    assert first.returncode == 0, first.stderr
    assert (plugin_program / "site" / MARKER).is_file()
    assert (plugin_program / ".mentoring-site" / "theme" / MARKER).is_file()
    assert _mkdocs(plugin_program).returncode == 0
    assert not [p.name for p in plugin_program.iterdir() if p.name.startswith(".site.")]
    # A build that strict mode fails after MkDocs wrote every page leaves the site as it was.
    before = tree_digest(plugin_program / "site")
    # (A link to a missing page is caught before MkDocs starts; one to a missing heading only
    # by MkDocs itself, at the end, when the program's mkdocs.yml asks it to warn.)
    yml = plugin_program / "mkdocs.yml"
    yml.write_text(yml.read_text() + "validation:\n  anchors: warn\n")
    (plugin_program / "templates/pages").mkdir(parents=True)
    (plugin_program / "templates/pages/roles.md.j2").write_text("# Roles\n\nSee [nothing](index.md#nowhere).\n")
    failed = _mkdocs(plugin_program)
    assert failed.returncode == 1
    assert "Aborted with 1 warnings in strict mode!" in failed.stdout + failed.stderr
    assert tree_digest(plugin_program / "site") == before
    assert not [p.name for p in plugin_program.iterdir() if p.name.startswith(".site.")]
    foreign = plugin_program / "site"
    shutil.rmtree(foreign)
    foreign.mkdir()
    (foreign / "precious.txt").write_text("keep me\n")
    result = _mkdocs(plugin_program)
    assert result.returncode == 1
    assert (f"ERROR   -  refusing to replace {foreign}: it was not made by mentoring-site (no {MARKER} file); "
            "remove it yourself or choose another site_dir (in mkdocs.yml, or -d)") in result.stderr.splitlines()
    assert (foreign / "precious.txt").read_text() == "keep me\n"


# -- kill -9 at any moment: no process and, after the next build, no folder left behind --------


def _children(pid: int) -> set[int]:
    """Every process descended from `pid`, read from /proc (psutil is not a dependency)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has ended; only its exit status is left to collect


def _wait_for(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen in {timeout} s")
        time.sleep(0.02)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: PDFs render in the build's own process")
@pytest.mark.parametrize("phase", ["pdf", "mkdocs"])
def test_a_build_killed_at_any_moment_leaves_nothing_behind(
    small: Path, tmp_path: Path, phase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["build", str(small), "-q"]) == 0  # a previous site, and a warm cache
    before = tree_digest(small / "site")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary)}
    if phase == "pdf":
        # Two worksheets long enough to keep two worker processes busy for many seconds.
        sections = "".join(f"  - title: Part {i}\n    fields:\n      - {{type: long_text, id: f{i}, "
                           f"label: Notes {i}, lines: 20}}\n" for i in range(80))
        for name in ("long-one", "long-two"):
            (small / f"worksheets/{name}.yml").write_text(
                f"id: {name}\ntitle: Long\npurpose: Long.\nintro: Long.\nfilled_by: both\nsections:\n{sections}")
        env["MENTORING_SITE_CACHE"] = str(tmp_path / "cold-cache")
    else:  # a change, so that the engine runs (a rebuild with nothing changed keeps the site)
        (small / "content/pages").mkdir(exist_ok=True)
        (small / "content/pages/new.md").write_text("# New\n\nA page added since.\n", encoding="utf-8")
    build = subprocess.Popen([sys.executable, "-m", "mentoring_site", "build", str(small), "-q"], env=env)
    try:
        if phase == "pdf":
            # The PDFs are laid out while MkDocs builds the pages into the staging folder.
            _wait_for(lambda: len(_children(build.pid)) >= 2 and any(small.glob(".site.new-*")), 60,
                      "starting the PDF workers and MkDocs")
            time.sleep(1)  # rendering now, and for a good while yet
        else:
            _wait_for(lambda: any(small.glob(".site.new-*")), 60, "starting MkDocs")
        children = _children(build.pid)
        build.kill()
    finally:
        build.kill()
        build.wait()
    try:
        # The kernel ends them at once on Linux; the fallback checks twice a second.
        _wait_for(lambda: not any(_running(pid) for pid in children), 3, "the workers ending")
    finally:
        for pid in filter(_running, children):  # a failed test leaves no process behind either
            os.kill(pid, signal.SIGKILL)
    left = sorted(p.name.split("-")[0] for p in small.iterdir() if p.name.startswith(".site."))
    assert left == [".site.new", ".site.work"]  # the folders of the killed build
    assert tree_digest(small / "site") == before  # the previous site, whole
    for sheet in small.glob("worksheets/long-*.yml"):
        sheet.unlink()
    monkeypatch.setenv("TMPDIR", str(temporary))  # the next build works in the same temporary folder
    monkeypatch.setattr(tempfile, "tempdir", None)
    assert main(["build", str(small), "-q"]) == 0
    assert [p.name for p in small.iterdir() if p.name.startswith(".site.")] == []
    assert list(temporary.iterdir()) == []  # nothing in the temporary folder either (WeasyPrint's fonts)


# -- special and unreadable files: a located error, never a hang or a traceback -----------------

PNG = (REPO / "docs/screenshot.png").read_bytes()
PIPE = "is a named pipe (FIFO), not a regular file; only plain files can be used"
DENIED = "cannot be read: Permission denied"

# (id, file made a pipe or unreadable, the error's location and key, before the reason)
SPECIAL_CASES = [
    ("page", "content/pages/extra.md", "content/pages/extra.md:1:1: "),
    ("program-yml", "content/program.yml", "content/program.yml:1:1: "),
    ("practice-file", "content/practices/mentors.yml", "content/practices/mentors.yml:1:1: "),
    ("worksheet", "worksheets/plan.yml", "worksheets/plan.yml:1:1: "),
    ("template-override", "templates/pages/index.md.j2", "templates/pages/index.md.j2:1:1: "),
    ("file-beside-a-page", "content/pages/diagram.png", "content/pages/diagram.png:1:1: "),
    ("logo", "assets/logo.png", "content/program.yml:24:9: branding.logo: 'assets/logo.png' "),
    ("worksheet-image", "assets/diagram.png", "worksheets/plan.yml:4:8: intro: image 'assets/diagram.png' "),
]


@pytest.fixture
def program_with_files(small: Path) -> Path:
    """The small program with a template override, a file beside a page, a logo and a
    worksheet image: every kind of file the build reads."""
    (small / "templates/pages").mkdir(parents=True)
    (small / "templates/pages/index.md.j2").write_text("# Home\n")
    (small / "assets").mkdir()
    for name in ("content/pages/diagram.png", "assets/logo.png", "assets/diagram.png"):
        (small / name).write_bytes(PNG)
    program = small / "content/program.yml"
    program.write_text(program.read_text() + "branding:\n  logo: assets/logo.png\n")
    sheet = small / "worksheets/plan.yml"
    sheet.write_text(sheet.read_text().replace('intro: "Fill this in before you meet your [[mentor]]."',
                                               'intro: "See ![plan](assets/diagram.png)."'))
    return small


@pytest.fixture
def no_hang():  # type: ignore[no-untyped-def]
    """A test that would wait on a pipe forever fails after 30 s instead."""
    def expired(signum: int, frame: object) -> None:
        raise TimeoutError("the command waited on a file")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(("name", "where"), [c[1:] for c in SPECIAL_CASES], ids=[c[0] for c in SPECIAL_CASES])
@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_named_pipe_is_refused_not_waited_on(program_with_files: Path, capsys, no_hang, command: str,
                                               name: str, where: str) -> None:
    assert main(["validate", str(program_with_files), "-q"]) == 0  # every file is fine as it is
    (program_with_files / name).unlink()
    os.mkfifo(program_with_files / name)
    assert main([command, str(program_with_files), "-q"]) == 2
    assert capsys.readouterr().err.splitlines() == [where + PIPE, "1 problem found; nothing was changed."]
    assert not (program_with_files / "site").exists()


@pytest.mark.parametrize(("name", "where"), [c[1:] for c in SPECIAL_CASES], ids=[c[0] for c in SPECIAL_CASES])
def test_an_unreadable_file_is_a_located_error(program_with_files: Path, capsys, monkeypatch, name: str,
                                               where: str) -> None:
    target = program_with_files / name
    if os.geteuid() == 0:
        # Root reads a chmod 000 file all the same (CI runs as root): refuse it where the
        # program's files are opened, as the system would for anyone else.
        from mentoring_site import sourcefiles

        real_open = sourcefiles._open

        def denied(path: Path) -> int:
            if Path(path).resolve() == target.resolve():
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path)

        monkeypatch.setattr(sourcefiles, "_open", denied)
    else:
        target.chmod(0)
    try:
        assert main(["validate", str(program_with_files), "-q"]) == 2
    finally:
        target.chmod(0o644)
    assert capsys.readouterr().err.splitlines() == [where + DENIED, "1 problem found; nothing was changed."]


# -- a full disk: one line, exit 2, the previous site as it was ---------------------------------


def _full_disk(path: object) -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


def _fail_engine_input(monkeypatch: pytest.MonkeyPatch) -> None:
    from mentoring_site import engine

    def write_tree(files: dict[str, str | bytes], folder: Path) -> None:
        raise _full_disk(folder / sorted(files)[0])

    monkeypatch.setattr(engine, "write_tree", write_tree)


def _fail_mkdocs_page(monkeypatch: pytest.MonkeyPatch) -> None:
    import mkdocs.utils

    real = mkdocs.utils.write_file

    def write_file(content: bytes, output_path: str) -> None:
        if output_path.endswith("roles/index.html"):
            raise _full_disk(output_path)
        real(content, output_path)

    monkeypatch.setattr(mkdocs.utils, "write_file", write_file)


def _fail_marker(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Path.write_text

    def write_text(self: Path, *args: object, **kwargs: object) -> int:
        if self.name == MARKER:
            raise _full_disk(self)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", write_text)


@pytest.mark.parametrize("fail", [_fail_engine_input, _fail_mkdocs_page, _fail_marker],
                         ids=["engine-input", "mkdocs-page", "site-marker"])
def test_a_full_disk_is_one_line_and_keeps_the_previous_site(small: Path, capsys, monkeypatch, fail) -> None:  # type: ignore[no-untyped-def]
    assert main(["build", str(small), "-q"]) == 0
    before = tree_digest(small / "site")
    # A change, so that the rebuild writes (one with nothing changed keeps the site as it is).
    (small / "content/pages").mkdir(exist_ok=True)
    (small / "content/pages/new.md").write_text("# New\n\nA page added since.\n", encoding="utf-8")
    fail(monkeypatch)
    assert main(["build", str(small), "-q"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"error: could not write {small}/site: No space left on device (")
    assert err[0].endswith("); the previous output is unchanged")
    assert tree_digest(small / "site") == before
    assert [p.name for p in small.iterdir() if p.name.startswith(".site.")] == []


@pytest.mark.parametrize("value", ["soon", "1.5", "-1", "", " 17", "1e9", "٣", "99999999999999999999"])
@pytest.mark.parametrize("command", ["validate", "build"])
def test_source_date_epoch_that_is_not_a_whole_number_is_one_line(small: Path, capsys, monkeypatch,
                                                                   command: str, value: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert main([command, str(small), "-q"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 (e.g. 1700000000), "
        f"not {value!r}; set it to one or unset it"
    ]
    assert not (small / "site").exists()


# -- many extra pages: linear time, bounded with a located message ------------------------------


def _add_pages(program: Path, count: int, title: str = "Page {i}") -> None:
    for i in range(count):
        (program / f"content/pages/page-{i:03d}.md").write_text(f"# {title.format(i=i)}\n\nText {i}.\n")


def _nav_entries(nav: list) -> int:  # type: ignore[type-arg]
    return sum(_nav_entries(v) if isinstance(v, list) else 1 for item in nav for v in item.values())


@pytest.mark.parametrize(("count", "listed"), [(49, False), (50, True)], ids=["50-in-the-nav", "51-listed"])
def test_beyond_fifty_extra_pages_the_navigation_links_a_page_listing_them(small: Path, count: int,
                                                                           listed: bool) -> None:
    _add_pages(small, count, title="Page [{i}]")  # with the fixture's extra.md: 50 or 51 pages
    generated = generate(small, pdfs=False)
    nav = generated.config["nav"]
    managers = next(i for i, item in enumerate(nav) if "For program managers" in item)
    extras = nav[managers + 1 : -1]  # between the managers' section and "About this handbook"
    if listed:
        assert extras == [{"More pages": "more-pages.md"}]
        lines = str(generated.files["more-pages.md"]).splitlines()
        assert lines[:4] == ["# More pages", "",
                             "Everything else this handbook holds, in the order of its file names:", ""]
        assert lines[4:6] == ["- [Extra page](extra.md)", "- [Page \\[0\\]](page-000.md)"]
        assert len(lines) == 4 + 51
    else:
        assert len(extras) == 50 and "more-pages.md" not in generated.files
        assert extras[:2] == [{"Extra page": "extra.md"}, {"Page [0]": "page-000.md"}]


def test_the_navigation_every_page_carries_does_not_grow_with_the_pages(small: Path, tmp_path: Path) -> None:
    """Every page carries the whole navigation: a navigation that grew with the pages made the
    build quadratic (1,000 pages 44 s, 3,000 pages 339 s)."""
    _add_pages(small, 60)
    sixty = _nav_entries(generate(small, pdfs=False).config["nav"])
    _add_pages(small, 600)
    assert _nav_entries(generate(small, pdfs=False).config["nav"]) == sixty


def test_a_page_named_like_the_listing_page_is_refused_when_there_is_one(small: Path, capsys) -> None:
    _add_pages(small, 60)
    (small / "content/pages/more-pages.md").write_text("# Mine\n")
    assert main(["validate", str(small), "-q"]) == 2
    assert capsys.readouterr().err.splitlines()[0] == (
        "content/pages/more-pages.md:1:1: would be published at /more-pages/ like the generated page more-pages.md; "
        "choose another file name, or override that page's template to change it")


def test_too_many_extra_pages_or_bytes_are_located_errors(small: Path, capsys, monkeypatch) -> None:
    from mentoring_site import program

    _add_pages(small, 5)
    monkeypatch.setattr(program, "MAX_EXTRA_PAGES", 4)
    assert main(["validate", str(small), "-q"]) == 2
    assert capsys.readouterr().err.splitlines()[0] == (
        "content/pages/page-003.md:1:1: is extra page 5; a program may have at most 4 "
        "(merge pages, or publish the rest as a site of their own)")
    monkeypatch.setattr(program, "MAX_EXTRA_PAGES", 100)
    monkeypatch.setattr(program, "MAX_PAGES_TOTAL_BYTES", 2_000_000)
    (small / "content/pages/photo.png").write_bytes(PNG[:8] + bytes(2_000_000))
    assert main(["validate", str(small), "-q"]) == 2
    assert capsys.readouterr().err.splitlines()[0] == (
        "content/pages/photo.png:1:1: brings the extra pages and the files beside them past 2 MB together; "
        "publish large files elsewhere")


def test_a_killed_validate_leaves_nothing_once_the_next_build_has_run(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`validate` runs the site engine in the system's temporary folder; a kill -9 there leaves
    its work folder, which the next `validate` or `build` removes (its process is gone)."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a pid whose process has ended, as a killed validate's has
    leftover = temporary / f".mentoring-site-validate.work-{gone.pid}-x1y2z3"
    (leftover / "engine" / "docs").mkdir(parents=True)
    alive = temporary / f".mentoring-site-validate.work-{os.getpid()}-a1b2c3"
    alive.mkdir()  # a validate still running (this process) is left alone
    assert main(["build", str(small), "-q"]) == 0
    assert sorted(p.name for p in temporary.iterdir()) == [alive.name]
    alive.rmdir()
    leftover.mkdir()
    assert main(["validate", str(small), "-q"]) == 0
    assert list(temporary.iterdir()) == []
