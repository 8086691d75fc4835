"""`mentoring-site serve`: a local preview that rebuilds on change (the browser side is in
test_serve_browser.py)."""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from mentoring_site.cli import main
from mentoring_site.serve import inject, is_loopback
from tests.serving import ServeProcess


def _get(url: str) -> tuple[int, str, str]:
    """Status, content type and text of a response, error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


def test_serve_previews_and_rebuilds_on_change(small: Path) -> None:
    serving = ServeProcess(small)
    try:
        status, ctype, page = _get(serving.url)
        assert (status, ctype) == (200, "text/html; charset=utf-8")
        assert "Tiny Test Program" in page
        build = json.loads(_get(serving.url + "__mentoring-site/state.json")[2])["build"]
        assert f'<script src="/__mentoring-site/reload.js" data-build="{build}"></script></head>' in page
        status, _, missing = _get(serving.url + "no/such/page/")
        assert status == 404 and "404 - Not found" in missing and '<base href="/">' in missing
        for asked, location in (("mentors", "/mentors/"), ("mentors?a=1", "/mentors/?a=1"),
                                ("/mentors", "/mentors/")):  # "//mentors" is no other host
            connection = http.client.HTTPConnection(urlsplit(serving.url).netloc, timeout=10)
            connection.request("GET", "/" + asked)
            response = connection.getresponse()
            assert (response.status, response.getheader("Location")) == (301, location), asked
            connection.close()

        program = small / "content/program.yml"
        program.write_text(program.read_text().replace("Tiny Test Program", "Renamed Program"))
        serving.wait_for(r"^Changed: content/program\.yml; rebuilding$")
        serving.wait_for(r"^Pages ready in \d+\.\d s \(\d+ pages\)$")
        assert "Renamed Program" in _get(serving.url)[2]
        state = json.loads(_get(serving.url + "__mentoring-site/state.json")[2])
        assert state["build"] != build and state["banner"] is None
    finally:
        serving.close()
    assert not (small / "site").exists(), "the preview must not touch the published site"
    assert not [p for p in (small / ".mentoring-site/preview").rglob("*.html") if b"__mentoring-site" in p.read_bytes()]


def test_serve_starts_with_errors_and_shows_them_until_fixed(small: Path) -> None:
    program = small / "content/program.yml"
    good = program.read_text()
    program.write_text(good.replace("  contact:", "  contakt:"))
    serving = ServeProcess(small)
    try:
        status, _, page = _get(serving.url + "mentors/")
        assert status == 503 and "There is no build to show yet." in page
        banner = json.loads(_get(serving.url + "__mentoring-site/state.json")[2])["banner"]
        assert "<code>content/program.yml:5:3</code> <code>program.contakt</code> unknown key; " in banner
        program.write_text(good)
        serving.wait_for(r"^Pages ready in")
        assert _get(serving.url + "mentors/")[0] == 200
        assert json.loads(_get(serving.url + "__mentoring-site/state.json")[2])["banner"] is None
    finally:
        serving.close()


def test_a_worksheet_template_mistake_reaches_the_banner_and_the_last_pdfs_stay(small: Path) -> None:
    """The worksheets' HTML is made with their PDFs, after the pages are on show: a mistake in
    their template reaches the banner a moment after the pages, and the last good PDFs stay."""
    serving = ServeProcess(small)
    pdf = serving.url + "worksheets/plan-a4.pdf"
    try:
        with urllib.request.urlopen(pdf, timeout=60) as response:  # answered once in place
            good = response.read()
        assert good.startswith(b"%PDF-")
        template = small / "templates/worksheets/worksheet.html.j2"
        template.parent.mkdir(parents=True, exist_ok=True)
        template.write_text("{{ sheet.titel }}\n")
        serving.wait_for(r"^Pages ready in")
        serving.wait_for(r"^templates/worksheets/worksheet\.html\.j2:1:1: template error: "
                         r"'mentoring_site\.program\.Worksheet object' has no attribute 'titel'$")
        serving.wait_for(r"^The preview still shows the last good worksheet PDFs\.$")
        banner = json.loads(_get(serving.url + "__mentoring-site/state.json")[2])["banner"]
        assert "<code>templates/worksheets/worksheet.html.j2:1:1</code>" in banner
        assert "1 problem in the program: this preview shows the new pages with the last good worksheet PDFs" in banner
        with urllib.request.urlopen(pdf, timeout=60) as response:
            assert response.read() == good
        template.unlink()
        serving.wait_for(r"^Pages ready in")
        with urllib.request.urlopen(pdf, timeout=60) as response:
            assert response.read() == good
        assert json.loads(_get(serving.url + "__mentoring-site/state.json")[2])["banner"] is None
    finally:
        serving.close()


def test_a_worksheet_that_cannot_be_made_is_not_found_rather_than_empty(small: Path, tmp_path: Path) -> None:
    """Started with a mistake in the worksheet template and nothing made before: the pages are
    shown, the PDF is not found (never an empty file), and it is made once the mistake is fixed."""
    template = small / "templates/worksheets/worksheet.html.j2"
    template.parent.mkdir(parents=True)
    template.write_text("{{ sheet.titel }}\n")
    serving = ServeProcess(small, env={"MENTORING_SITE_CACHE": str(tmp_path / "cache")})
    pdf = serving.url + "worksheets/plan-a4.pdf"
    try:
        serving.wait_for(r"^Its worksheet PDFs are made once that is fixed\.$")
        assert _get(serving.url + "mentors/")[0] == 200
        assert _get(pdf)[0] == 404
        banner = json.loads(_get(serving.url + "__mentoring-site/state.json")[2])["banner"]
        assert "1 problem in the program: this preview shows the new pages without their worksheet PDFs" in banner
        template.unlink()
        serving.wait_for(r"^Worksheets: 1 of 1 ready \(plan-a4\.pdf\)$")
        with urllib.request.urlopen(pdf, timeout=60) as response:
            assert response.read().startswith(b"%PDF-")
        assert json.loads(_get(serving.url + "__mentoring-site/state.json")[2])["banner"] is None
    finally:
        serving.close()


def test_a_worksheet_that_asks_for_a_file_outside_is_left_out_and_said(small: Path, tmp_path: Path) -> None:
    """A worksheet whose layout asks for a file outside the program is refused: the banner says
    so, at the worksheet's file, and the PDF is not found rather than empty."""
    styles = small / "templates/worksheets/worksheet.css.j2"
    styles.parent.mkdir(parents=True)
    styles.write_text('@import url("file:///etc/passwd");\nbody { color: black; }\n')
    serving = ServeProcess(small, env={"MENTORING_SITE_CACHE": str(tmp_path / "cache")})
    try:
        serving.wait_for(r"^worksheets/plan\.yml:1:1: worksheet 'plan' \(a4\) asked for .*outside the program")
        assert _get(serving.url + "worksheets/plan-a4.pdf")[0] == 404
        banner = json.loads(_get(serving.url + "__mentoring-site/state.json")[2])["banner"]
        assert "1 problem in the program: this preview shows the new pages without their worksheet PDFs" in banner
        assert "<code>worksheets/plan.yml:1:1</code>" in banner
    finally:
        serving.close()


def test_serve_on_a_busy_port_says_so(small: Path, capsys) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", str(small), "--port", str(port)]) == 2
    assert capsys.readouterr().err == (
        f"error: cannot serve on 127.0.0.1:{port}: Address already in use; choose another --port\n"
    )


@pytest.mark.parametrize(("host", "local"), [
    ("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("my-laptop.local", False),
])
def test_only_loopback_hosts_are_private(host: str, local: bool) -> None:
    assert is_loopback(host) is local


@pytest.mark.parametrize(("page", "base", "expected"), [
    (b"<html><head><title>x</title></head><body></body></html>", False,
     b'<html><head><title>x</title><script src="/__mentoring-site/reload.js" data-build="b-1"></script>'
     b"</head><body></body></html>"),
    (b'<html><HEAD lang="en"><link href="./a.css"></HEAD></html>', True,
     b'<html><HEAD lang="en"><base href="/"><link href="./a.css">'
     b'<script src="/__mentoring-site/reload.js" data-build="b-1"></script></HEAD></html>'),
    (b"<p>no head</p>", False, b'<script src="/__mentoring-site/reload.js" data-build="b-1"></script><p>no head</p>'),
])
def test_the_reload_script_goes_into_the_head(page: bytes, base: bool, expected: bytes) -> None:
    assert inject(page, "b-1", base=base) == expected


def test_compiled_templates_are_reused_until_their_source_changes(tmp_path: Path, monkeypatch) -> None:
    from mentoring_site import templating

    cache = templating.MemoryBytecodeCache()
    monkeypatch.setattr(templating, "BYTECODE_CACHE", cache)
    template = tmp_path / "templates/serve/banner.html.j2"
    template.parent.mkdir(parents=True)
    template.write_text("first {{ problems | length }}")
    assert templating.environment(tmp_path).get_template("serve/banner.html.j2").render(problems=[]) == "first 0"
    assert len(cache.store) == 1
    template.write_text("second {{ problems | length }}")  # serve builds again with a new environment
    assert templating.environment(tmp_path).get_template("serve/banner.html.j2").render(problems=[]) == "second 0"


def test_serve_previews_every_language(tmp_path: Path) -> None:
    from tests.test_multilingual import switcher, three_languages

    program = three_languages(tmp_path / "small")
    serving = ServeProcess(program)
    try:
        status, _, page = _get(serving.url + "es/mentors/say-hello/")
        assert status == 200
        assert switcher(page) == [("../../../mentors/say-hello/", "en", "English"),
                                  ("../../mentors/say-hello/", "es", "Español"),
                                  ("../../../es-MX/mentors/say-hello/", "es-MX", "Español (México)")]
        assert '<html lang="es"' in page
        # each language's worksheet, rendered in the background into its own folder
        for folder in ("", "es/", "es-MX/"):
            with urllib.request.urlopen(serving.url + f"{folder}worksheets/plan-a4.pdf", timeout=60) as response:
                assert response.read().startswith(b"%PDF-"), folder
        status, _, missing = _get(serving.url + "es/no/such/page/")
        assert status == 404 and '<base href="/">' in missing
        assert 'data-folder="es/"' in missing  # it reloads with the Spanish site
    finally:
        serving.close()


def test_serve_puts_the_default_language_in_place_first_then_the_others(tmp_path: Path) -> None:
    """With several languages, a rebuild shows the default language's pages first and makes the
    others next; a page reloads only when its own language's site was replaced; a mistake only a
    translation has leaves the default language's new pages on show, with their PDFs."""
    from tests.test_multilingual import three_languages

    program = three_languages(tmp_path / "small")
    english, spanish = program / "templates/pages/conduct.md.j2", program / "templates/pages/conduct.es.md.j2"
    serving = ServeProcess(program)

    def builds() -> dict[str, str]:
        return json.loads(_get(serving.url + "__mentoring-site/state.json")[2])["builds"]

    try:
        first = builds()
        assert set(first) == {"", "es/", "es-MX/"}
        page = _get(serving.url + "es/conduct/")[2]
        assert f'<script src="/__mentoring-site/reload.js" data-build="{first["es/"]}" data-folder="es/">' in page

        english.write_text(english.read_text().replace("# Code of conduct", "# Our code of conduct"))
        serving.wait_for(r"^Pages ready in \d+\.\d s \(23 pages; Español, Español \(México\) next\)$")
        serving.wait_for(r"^Pages in Español, Español \(México\) ready in \d+\.\d s \(46 pages\)$")
        second = builds()
        assert second[""] != first[""] and second["es/"] == first["es/"]  # Spanish has its own words
        assert "Our code of conduct" in _get(serving.url + "conduct/")[2]

        spanish.write_text(spanish.read_text().replace("# Código de conducta", "# Nuestro código de conducta"))
        serving.wait_for(r"^Pages ready in \d+\.\d s \(23 pages unchanged; Español, Español \(México\) next\)$")
        serving.wait_for(r"^Pages in Español, Español \(México\) ready in")
        third = builds()
        assert third[""] == second[""] and third["es/"] != second["es/"]
        assert "Nuestro código de conducta" in _get(serving.url + "es/conduct/")[2]

        good = spanish.read_text()
        spanish.write_text(good + "\n{{ no_such_placeholder }}\n")
        serving.wait_for(r"and the last good build of the other languages\.$")
        english.write_text(english.read_text().replace("# Our code of conduct", "# The code of conduct"))
        serving.wait_for(r"^Pages ready in \d+\.\d s \(23 pages; Español, Español \(México\) next\)$")
        serving.wait_for(r"and the last good build of the other languages\.$")
        state = json.loads(_get(serving.url + "__mentoring-site/state.json")[2])
        assert "no_such_placeholder" in state["banner"]
        assert "shows the new pages in the default language and the last good build of the others" in state["banner"]
        assert "The code of conduct" in _get(serving.url + "conduct/")[2]
        assert "Nuestro código de conducta" in _get(serving.url + "es/conduct/")[2]
        for folder in ("", "es/"):  # the PDFs of what is on show, in every language
            with urllib.request.urlopen(serving.url + f"{folder}worksheets/plan-a4.pdf", timeout=60) as response:
                assert response.read().startswith(b"%PDF-"), folder

        spanish.write_text(good)
        serving.wait_for(r"^Pages in Español, Español \(México\) ready in")
        assert json.loads(_get(serving.url + "__mentoring-site/state.json")[2])["banner"] is None
    finally:
        serving.close()


def _reloads(page: str, state: dict[str, object]) -> bool:
    """Whether an open `page` reloads on hearing `state`, by reload.js's rule: its language's
    build id, or the top one's where its language has none any more, differs from its own."""
    script = re.search(r'<script src="/__mentoring-site/reload.js" data-build="([^"]*)"(?: data-folder="([^"]*)")?>',
                       page)
    assert script is not None
    shown, folder = script.group(1), script.group(2) or ""
    builds = state["builds"]
    assert isinstance(builds, dict)
    return builds.get(folder, state["build"]) != shown


def test_an_open_page_of_a_language_taken_out_reloads(tmp_path: Path) -> None:
    """A page of a language no longer in `languages:` reloads (to the not-found page): each
    language's build id is its own, never one another language's site has (an edit to Spanish
    alone, then Spanish taken out, once left its page with the same id as the new English site)."""
    from tests.test_multilingual import three_languages

    program = three_languages(tmp_path / "small")
    spanish = program / "templates/pages/conduct.es.md.j2"
    serving = ServeProcess(program)

    def state() -> dict[str, object]:
        return json.loads(_get(serving.url + "__mentoring-site/state.json")[2])

    try:
        spanish.write_text(spanish.read_text().replace("# Código de conducta", "# Nuestro código de conducta"))
        serving.wait_for(r"^Pages in Español, Español \(México\) ready in")
        page = _get(serving.url + "es/conduct/")[2]
        assert "Nuestro código de conducta" in page and not _reloads(page, state())

        spanish.unlink()
        program_yml = program / "content/program.yml"
        program_yml.write_text(program_yml.read_text().replace("languages: [en, es, es-MX]", "languages: [en, es-MX]"))
        serving.wait_for(r"^Pages ready in \d+\.\d s \(46 pages\)$")
        assert set(state()["builds"]) == {"", "es-MX/"}  # type: ignore[arg-type]
        assert _reloads(page, state())
        assert _get(serving.url + "es/conduct/")[0] == 404
    finally:
        serving.close()


def test_a_rebuild_makes_every_language_when_a_kept_site_changed_meanwhile(tmp_path: Path, monkeypatch: Any) -> None:
    """The other languages' sites are kept while the default language's goes first only if they
    are still exactly as published; one changed after serve looked (a second `serve` of the same
    program, or a hand edit) and every language is made again, at once, as in a first build:
    the rebuild neither fails nor keeps the changed file (it stopped serve with a KeyError)."""
    from mentoring_site.serve import Builder, Preview
    from tests.test_multilingual import three_languages

    program = three_languages(tmp_path / "small")
    preview = Preview(program, program / ".mentoring-site/preview")
    lines: list[str] = []

    class Renderer:  # the worksheet PDFs are not what this is about
        def start(self, editions: list[Any], generation: int) -> None:
            pass

    builder = Builder(preview, Renderer(), lines.append, verbose=False)  # type: ignore[arg-type]
    assert builder.build()
    english = program / "templates/pages/conduct.md.j2"
    english.write_text(english.read_text().replace("# Code of conduct", "# Our code of conduct"))
    looked = Builder._others_kept

    def changed_after_the_look(self: Builder, first: Any) -> list[str]:
        kept = looked(self, first)
        assert kept == ["es/", "es-MX/"]
        (preview.folder / "es/index.html").write_text("edited by hand")
        return kept

    monkeypatch.setattr(Builder, "_others_kept", changed_after_the_look)
    assert builder.build()
    assert re.fullmatch(r"Pages ready in \d+\.\d s \(69 pages\)", lines[-1])
    assert "Our code of conduct" in (preview.folder / "conduct/index.html").read_text()
    spanish_home = (preview.folder / "es/index.html").read_text()
    assert "edited by hand" not in spanish_home and '<html lang="es"' in spanish_home


def test_a_save_in_a_folder_that_just_appeared_is_seen(tmp_path: Path) -> None:
    """A watched folder that appears (templates/, say) is reported once its files are watched: a
    save in it right after the rebuild that reports it starts is seen (one saved while the watch
    started over was missed, and the preview kept showing the file as it was before)."""
    import queue
    import threading

    from mentoring_site.serve import _watch

    root = tmp_path / "program"
    (root / "content").mkdir(parents=True)
    stop, changes = threading.Event(), queue.Queue[set[str]]()
    threads = _watch(root, stop, changes)
    try:
        time.sleep(0.5)  # both watchers in place
        (root / "templates/pages").mkdir(parents=True)
        assert changes.get(timeout=10) == {str(root / "templates")}
        saved = root / "templates/pages/roles.md.j2"
        saved.write_text("# Roles\n")
        seen: set[str] = set()
        with contextlib.suppress(queue.Empty):
            while str(saved) not in seen:
                seen |= changes.get(timeout=5)
        assert str(saved) in seen
    finally:
        stop.set()
        for thread in threads:
            thread.join()
