"""`serve` as a program manager uses it, in the system Chromium: edit, see the page reload; break
something, see the error banner; fix it, see the banner go. And the built site published from a
subfolder (a GitHub Pages project site) with its styles on every page, 404 included."""

from __future__ import annotations

import functools
import http.server
import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mentoring_site.cli import main
from tests.browser import site_pages
from tests.serving import ServeProcess, left_behind

STYLESHEETS = """() => [...document.querySelectorAll('link[rel=stylesheet]')].map(
    link => [link.getAttribute('href'), link.sheet !== null && link.sheet.cssRules.length > 0])"""


def loaded_stylesheets(page: Any) -> list[list[Any]]:
    return page.evaluate(STYLESHEETS)


def test_serve_reloads_on_save_and_shows_errors_in_a_banner(browser: Any, small: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    # A cache of its own, so that the worksheet PDF is rendered in the background here.
    serving = ServeProcess(small, env={"MENTORING_SITE_CACHE": str(tmp_path / "cache")})
    try:
        serving.wait_for(r"^Worksheets: rendering 1 PDF in the background$")
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(serving.url + "mentors/say-hello/")
        heading = page.locator("article h1")
        expect(heading).to_have_text(re.compile(r"^Say hello\W*$"))  # \W: the anchor link
        # The PDF is answered once rendered (the request waits for it), and the terminal says so.
        pdf = page.request.get(serving.url + "worksheets/plan-a4.pdf")
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")
        serving.wait_for(r"^Worksheets: 1 of 1 ready \(plan-a4\.pdf\)$")

        practices = small / "content/practices/mentors.yml"
        practices.write_text(practices.read_text().replace('title: "Say hello"', 'title: "Say hello warmly"'))
        expect(heading).to_have_text(re.compile(r"^Say hello warmly\W*$"), timeout=30_000)  # the open page reloaded

        program = small / "content/program.yml"
        good = program.read_text()
        program.write_text(good.replace("  contact:", "  contakt:"))
        banner = page.locator("#mentoring-site-banner")
        expect(banner).to_be_visible(timeout=30_000)
        expect(banner.locator("h2")).to_have_text(
            "1 problem in the program: this preview still shows the last good build")
        expect(banner.locator("li")).to_have_text(
            "content/program.yml:5:3 program.contakt unknown key; did you mean 'contact'? "
            "(known keys: name, organisation, contact, start, end, meetings, name_in_text, timeline, description, language, languages)")
        expect(heading).to_have_text(re.compile(r"^Say hello warmly\W*$"))  # the last good build stays on screen
        page.screenshot(path=str(tmp_path / "banner.png"))
        # Every served page shows it, the 404 page too.
        other = browser.new_page()
        response = other.goto(serving.url + "no/such/page/")
        assert response is not None and response.status == 404
        expect(other.locator("article h1")).to_have_text("404 - Not found")
        expect(other.locator("#mentoring-site-banner")).to_be_visible()
        assert all(ok for _, ok in loaded_stylesheets(other)), loaded_stylesheets(other)
        other.close()

        program.write_text(good.replace("Tiny Test Program", "Tiny Fixed Program"))
        expect(page.locator(".md-header__topic").first).to_contain_text("Tiny Fixed Program", timeout=30_000)
        expect(banner).to_have_count(0)
        page.close()

        pool = serving.children()
        assert serving.interrupt() == 0
        assert "Stopping the preview." in serving.lines
        assert left_behind(pool) == []
    finally:
        serving.close()
    # The script is added as pages are sent: never into the files of the preview or a site.
    preview = small / ".mentoring-site/preview"
    assert not [p for p in preview.rglob("*.html") if b"__mentoring-site" in p.read_bytes()]
    assert not (small / "site").exists()


def test_an_open_page_reloads_only_when_its_own_language_changed(browser: Any, tmp_path: Path) -> None:
    """With several languages, an edit to the English text reloads the open English page and
    leaves the open Spanish one as it is (a page that reloads loses what the test set on it),
    and the other way round."""
    from playwright.sync_api import expect

    from tests.test_multilingual import three_languages

    program = three_languages(tmp_path / "small")
    english, spanish = program / "templates/pages/conduct.md.j2", program / "templates/pages/conduct.es.md.j2"
    serving = ServeProcess(program)
    try:
        pages = {}
        for folder in ("", "es/"):
            pages[folder] = browser.new_page()
            pages[folder].goto(serving.url + f"{folder}conduct/")
            pages[folder].evaluate("() => { window.notReloaded = true; }")
        heading = {folder: page.locator("article h1") for folder, page in pages.items()}

        def reloaded(folder: str) -> bool:
            return not pages[folder].evaluate("() => window.notReloaded === true")

        english.write_text(english.read_text().replace("# Code of conduct", "# Our code of conduct"))
        expect(heading[""]).to_have_text(re.compile(r"^Our code of conduct\W*$"), timeout=30_000)
        serving.wait_for(r"^Pages in Español, Español \(México\) ready in")
        pages[""].evaluate("() => { window.notReloaded = true; }")
        assert not reloaded("es/")

        spanish.write_text(spanish.read_text().replace("# Código de conducta", "# Nuestro código de conducta"))
        expect(heading["es/"]).to_have_text(re.compile(r"^Nuestro código de conducta\W*$"), timeout=30_000)
        serving.wait_for(r"^Pages in Español, Español \(México\) ready in")
        assert not reloaded("")
        for page in pages.values():
            page.close()
    finally:
        serving.close()


class _SubfolderHandler(http.server.SimpleHTTPRequestHandler):
    """A web server with the site under /sub/ and its 404 page for anything missing, as GitHub
    Pages serves a project site."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        path = self.path.split("?", 1)[0]
        if not path.startswith("/sub/"):
            self.send_error(404)
            return None
        self.path = self.path.removeprefix("/sub")
        target = Path(self.translate_path(self.path))
        if target.is_file() or (target / "index.html").is_file():
            return super().send_head()
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextmanager
def serve_in_subfolder(site: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_SubfolderHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sub/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_site_works_from_a_subfolder_without_site_url(browser: Any, small: Path) -> None:
    assert main(["build", str(small), "-q"]) == 0
    site = small / "site"
    assert not (site / "sitemap.xml").exists()  # a sitemap needs full addresses, which need site.url
    with serve_in_subfolder(site) as base:
        page = browser.new_page()
        checked = []
        # Missing addresses in the site's top folder and deeper down: the 404 page finds the
        # site's top by itself (templates/theme/404.html).
        missing = ["no-such-page", "no/such/page", "mentors/no-such-page/", "a/b/c/d/e"]
        for path in [*site_pages(site), *missing, "404.html"]:
            response = page.goto(base + path)
            assert response is not None
            assert response.status == (404 if path in missing else 200), path
            sheets = loaded_stylesheets(page)
            assert len(sheets) == 3 and all(ok for _, ok in sheets), (path, sheets)
            # Links lead into the subfolder, never to the server's root.
            home = page.locator("a.md-header__button.md-logo").get_attribute("href")
            assert page.evaluate("href => new URL(href, document.baseURI).pathname", home) == "/sub/"
            # ... and so does the theme's script (search, for one), which reads its own base.
            theirs = "new URL(JSON.parse(document.getElementById('__config').textContent).base, location.href).pathname"
            assert page.evaluate(theirs) == "/sub/", path
            checked.append(path)
        # The 404 page's own link, from deep down, leads home.
        page.goto(base + "a/b/c/d/e")
        page.locator("article a").first.click()
        page.wait_for_url(base)
        assert page.locator("h1").first.inner_text().strip()
        page.close()
    assert len(checked) == len(site_pages(site)) + 5
