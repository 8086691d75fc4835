"""axe-core on the built sites, in light and dark: no serious or critical violation of WCAG 2.2
AA or of axe's best practices, with the target-size rule (off by default in axe 4.12) on.

Every page of the default handbook (English and Spanish, the 404 page included) and of both
examples is checked at desktop size. A program whose colours only just pass our contrast check is
checked on one page of each kind (the templates are the default program's; what changes is
colour), to show that any colours the configuration accepts stay readable. The states a reader
puts a page in (search open with results, the navigation drawer open on a 390 px phone, the page
zoomed to 320 px wide) are checked on a representative few pages of each site, in each language
of the default handbook: the markup there is the same on every page, the words are not. A Spanish
page is checked with the language list open too.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from mentoring_site.cli import main
from tests.browser import Watch, serve, site_pages
from tests.conftest import REPO

# One page of each kind the templates make.
KINDS = [
    "", "roles/", "mentors/", "mentors/open-doors/", "mentees/appreciate/", "meetings/",
    "worksheets/", "worksheets/goals/", "worksheets/agreement/", "program-managers/",
]
BORDERLINE = '  primary_color: "#767676"\n  accent_color: "#767676"\n'  # 4.54:1 on white

# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices. axe 4.12 leaves the 2.2
# target-size rule (24 by 24 px, WCAG 2.5.8) off unless asked for.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}
# The state a page is checked in: viewport, and what the reader did after it loaded.
DESKTOP, SEARCH, DRAWER, ZOOM = "desktop", "search open", "drawer open at 390 px", "320 px wide"
LANGUAGES = "language list open"
DRAWER_OPEN = "document.getElementById('__drawer').checked"
VIEWPORTS = {DESKTOP: (1280, 900), SEARCH: (1280, 900), DRAWER: (390, 844), ZOOM: (320, 640), LANGUAGES: (1280, 900)}
STATES = (SEARCH, DRAWER, ZOOM)
# A page of each kind the states are checked on besides state_pages(): a practice (in Spanish too)
# and a worksheet.
PAGE_KINDS = ["mentors/open-doors/", "worksheets/agreement/", "es/mentors/open-doors/"]
# A missing address two folders down the Spanish site: the web server answers with the site's
# 404 page (tests/browser.py, as GitHub Pages does), which finds the site's top by itself.
MISSING = "es/no-such-page/here/"


def state_pages(root: Path) -> list[str]:
    """The pages the states are checked on, in every language of the program in `root`: the home
    page and the first page of every section of the navigation (the drawer opens on the section of
    the page it is opened from; the search results are the same on every page)."""
    from mentoring_site.build import generate_site
    from mentoring_site.pages import url_of

    pages = []
    for edition in generate_site(root, pdfs=False).editions:
        pages.append(edition.folder)
        for item in edition.config["nav"]:
            (entries,) = item.values()
            if isinstance(entries, list):
                (first,) = entries[0].values()
                assert isinstance(first, str), item  # a page, not a section in a section
                pages.append(edition.folder + url_of(first))
    return pages


def build(tmp: Path, source: Path, extra_branding: str = "") -> Path:
    """Build a copy of the program in `source`, its colours replaced by `extra_branding`, without
    its printed handbook (test_booklet.py tests that; the default program's, with its handbook,
    is conftest's `default_built`)."""
    root = tmp / source.name
    root.mkdir()
    for name in ("content", "worksheets", "assets", "templates"):
        if (source / name).is_dir() and not (source == REPO and name == "templates"):
            shutil.copytree(source / name, root / name)
    if extra_branding:
        yml = root / "content/program.yml"
        text = yml.read_text(encoding="utf-8")
        head, tail = text.split("branding:\n", 1)
        tail = "\n".join(line for line in tail.split("\n") if "_color:" not in line)
        # Its worksheets are laid out afresh in the new colours; the pages show them in one
        # paper size as in two, so one is enough (half the PDFs to make).
        assert "  paper_sizes: [a4, letter]\n" in tail
        tail = tail.replace("  paper_sizes: [a4, letter]\n", "  paper_sizes: [a4]\n")
        yml.write_text(head + "branding:\n" + extra_branding + tail, encoding="utf-8")
    assert main(["build", str(root), "-q", "--no-booklet"]) == 0
    return root / "site"


def enter_state(page: Any, state: str) -> None:
    """Put a loaded page in `state` as a reader would, and check that it got there."""
    if state == SEARCH:
        page.locator(".md-search__input").click()
        # Each language's search finds its own words only.
        page.keyboard.type("mentoría" if "/es/" in page.url else "goal")
        page.locator(".md-search-result__item").first.wait_for()
        page.wait_for_function("() => document.getElementById('__search').checked")  # opened on focus, by a timer
    elif state == DRAWER:
        page.locator('.md-header__button[for="__drawer"]').click()
        page.locator(".md-sidebar--primary .md-nav__link").first.wait_for()
        assert page.evaluate(DRAWER_OPEN)
    elif state == LANGUAGES:
        page.locator(".md-select button").focus()  # the list opens while the switcher has focus
        assert page.locator(".md-select button").get_attribute("aria-expanded") == "true"
    elif state == ZOOM:
        # Reflow (WCAG 1.4.10): nothing but wide tables, in their own scroll box, is wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[ZOOM][0], page.url
    # axe measures colour as shown: a panel still fading in would read as too faint, and the
    # drawer still sliding in (.25 s) would be partly off screen.
    page.evaluate("""async () => {
      await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
      document.getAnimations().forEach(a => a.finish());
    }""")


def serious(browser: Any, site: Path, pages: list[str], states: tuple[str, ...] = (DESKTOP,)) -> tuple[list[str], int]:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found: list[str] = []
    checked = 0
    with serve(site) as base:
        for scheme in ("light", "dark"):
            for state in states:
                width, height = VIEWPORTS[state]
                watch = Watch(base)
                context = browser.new_context(
                    base_url=base, color_scheme=scheme, viewport={"width": width, "height": height},
                )
                watch.attach(context)
                page = context.new_page()
                for path in pages:
                    page.goto(path)
                    expected = "slate" if scheme == "dark" else "default"
                    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
                    enter_state(page, state)
                    for v in axe.run(page, options=AXE_OPTIONS).response["violations"]:
                        if v["impact"] in ("serious", "critical"):
                            example = v["nodes"][0]
                            found.append(f"{scheme} {state} /{path}: {v['id']} ({v['impact']}, {len(v['nodes'])}x) "
                                         f"e.g. {example['target']}: {example.get('failureSummary', '')}")
                    checked += 1
                context.close()
                # A missing page is answered with status 404, and the 404 page asks the server
                # for 404.html in the folders above it (see templates/theme/404.html): Chromium
                # reports each 404 answer as an error.
                errors = [e for e in watch.errors
                          if not (e.startswith(f"{base}{MISSING}:") and "status of 404" in e)]
                assert watch.foreign == [] and errors == []
    return found, checked


SCHEME = "document.body.getAttribute('data-md-color-scheme')"
TOGGLE = "[data-md-component=palette] label:not([hidden])"  # the header's light/dark switch


def every_page(browser: Any, site: Path, pages: list[str]) -> tuple[list[str], int]:
    """`serious` at desktop size, each page loaded once and checked in both schemes: in the one
    it opens in, then in the other, switched with the page's own toggle as a reader would (the
    choice is kept, so the next page opens in it); then narrowed to 320 px, where it must reflow.
    Returns the findings and the checks made."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found: list[str] = []
    checked = 0
    with serve(site) as base:
        watch = Watch(base)
        context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
        watch.attach(context)
        page = context.new_page()
        for path in pages:
            page.goto(path)
            page.evaluate(axe.axe_script)
            schemes = []
            for switch in (False, True):
                if switch:
                    before = page.evaluate(SCHEME)
                    page.locator(TOGGLE).click()
                    page.wait_for_function(f"() => {SCHEME} !== {before!r}")
                enter_state(page, DESKTOP)  # transitions finished: colours as they end
                scheme = page.evaluate(SCHEME)
                schemes.append(scheme)
                result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
                assert result["testEngine"]["name"] == "axe-core" and result["passes"], path  # axe ran its rules
                for v in result["violations"]:
                    if v["impact"] in ("serious", "critical"):
                        example = v["nodes"][0]
                        found.append(f"{scheme} /{path}: {v['id']} ({v['impact']}, {len(v['nodes'])}x) "
                                     f"e.g. {example['target']}: {example.get('failureSummary', '')}")
                checked += 1
            assert sorted(schemes) == ["default", "slate"], (path, schemes)
            # Reflow (WCAG 1.4.10) on every page: at 320 px nothing but a wide table, in its own
            # scroll box, is wider than the screen (axe at that width: `serious` on state_pages()).
            page.set_viewport_size({"width": VIEWPORTS[ZOOM][0], "height": VIEWPORTS[ZOOM][1]})
            enter_state(page, ZOOM)
            page.set_viewport_size({"width": 1280, "height": 900})
        context.close()
        errors = [e for e in watch.errors if not (e.startswith(f"{base}{MISSING}:") and "status of 404" in e)]
        assert watch.foreign == [] and errors == []
    return found, checked


@pytest.fixture(scope="module")
def default_site(default_built: Path) -> Path:
    return default_built  # built once for the run (conftest), its printed handbook linked from home


@pytest.mark.parametrize("language", ["en", "es"])
def test_default_handbook_every_page(browser: Any, default_site: Path, language: str) -> None:
    """Every page of each language's site; the Spanish site's 404 page at a missing address."""
    pages = [p for p in site_pages(default_site) if p.startswith("es/") == (language == "es")]
    if language == "es":
        pages.append(MISSING)
    found, checked = every_page(browser, default_site, pages)
    assert checked == 2 * len(pages) and len(pages) >= 40
    assert found == []


def test_default_handbook_in_every_state(browser: Any, default_site: Path) -> None:
    pages = state_pages(REPO)
    # Both languages, and every section (taking part, mentors, mentees, worksheets, managers).
    assert len(pages) >= 12 and "es/mentees/" in pages and "program-managers/" in pages
    found, checked = serious(browser, default_site, pages + PAGE_KINDS, STATES)
    assert checked == 2 * len(STATES) * len(pages + PAGE_KINDS)
    assert found == []


def test_spanish_language_list_and_404(browser: Any, default_site: Path) -> None:
    """A Spanish practice with the language list open (the list is the same on every page); the
    404 page, checked with the Spanish pages, is styled at a missing Spanish address."""
    found, checked = serious(browser, default_site, ["es/mentors/open-doors/"], (LANGUAGES,))
    assert checked == 2
    assert found == []
    # The 404 page checked was styled: it found the site's top from two folders down.
    with serve(default_site) as base:
        page = browser.new_page()
        assert page.goto(base + MISSING).status == 404
        assert page.evaluate("document.baseURI") == base
        assert page.evaluate("[...document.styleSheets].every(s => s.cssRules.length > 0)")
        assert page.evaluate("document.styleSheets.length") == 3
        page.close()


@pytest.mark.parametrize("example", ["university-research", "engineering-apprenticeship"])
def test_example_every_page(browser: Any, tmp_path: Path, example: str) -> None:
    """Every page of an example, in its own colours and words; the states on its home page and a
    page of every section (the worksheet table among them, where colour meets the most of the theme)."""
    site = build(tmp_path, REPO / "examples" / example)
    pages = site_pages(site)
    found, checked = every_page(browser, site, pages)
    assert checked == 2 * len(pages) and len(pages) >= 30
    states = state_pages(site.parent)
    assert "worksheets/" in states and len(states) >= 5
    found += serious(browser, site, states, STATES)[0]
    assert found == []


def test_borderline_colours_every_page_kind(browser: Any, tmp_path: Path) -> None:
    """The default program in colours that only just pass our contrast check, on one page of each
    kind and, on the worksheet table, in every state."""
    site = build(tmp_path, REPO, BORDERLINE)
    assert "#767676" in (site / "assets/mentoring.css").read_text()
    pages = [p for p in KINDS if (site / p / "index.html").is_file()]
    assert len(pages) == len(KINDS)
    found, _ = every_page(browser, site, pages)
    found += serious(browser, site, ["worksheets/"], STATES)[0]
    assert found == []


# Where keyboard focus is and whether a sighted reader can see it: on screen, not hidden or
# covered by something else, with a ring (outline or shadow) that stands out 3:1 from what is
# behind it (WCAG 2.4.7, 2.4.11, 1.4.11). Measured in the state the page settles in: focus in the
# search box opens search (the theme's script does, from a timer that waits 1 ms after focus
# moves), and the box's ring is measured on the open search's white, not on the header behind the
# closed box (on a loaded machine the timer could fire after the two frames this once waited,
# and the ring read 1.73:1, the accent on the brand colour); then transitions are finished
# (heading anchors fade in, the search form turns white), so colours are the ones they end at.
FOCUS = """async () => {
  const frame = () => new Promise(done => requestAnimationFrame(done));
  await frame();
  await frame();
  const search = document.getElementById('__search');
  if (search && document.activeElement.closest('.md-search__form')) {
    // Frame by frame until the theme has opened search, for at most 10 s (then the ring is
    // measured as it is, on the header, and fails).
    for (const start = performance.now(); !search.checked && performance.now() - start < 10000;) await frame();
  }
  // getAnimations() applies pending style first, so a transition just begun is among them.
  document.getAnimations().forEach(a => a.finish());
  const el = document.activeElement;
  // The colour-scheme switch is a pair of 0-by-0 radio buttons: the reader sees the one label shown.
  const shown = el.matches('.md-option') ? el.form.querySelector('label:not([hidden])') : el;
  const r = shown.getBoundingClientRect();
  const s = getComputedStyle(shown);
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => {
    const v = rgb(c).slice(0, 3).map(x => x / 255).map(x => x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4);
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  };
  let back = 'rgb(255, 255, 255)';
  for (let n = shown; n; n = n.parentElement) {
    const b = getComputedStyle(n).backgroundColor, a = rgb(b);
    if (a.length === 3 || a[3] > 0.5) { back = b; break; }
  }
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const ringColour = outline ? s.outlineColor : s.boxShadow !== 'none' ? s.boxShadow : null;
  const [l1, l2] = ringColour === null ? [0, 0] : [lum(ringColour), lum(back)];
  const contrast = ringColour === null ? 0 : (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
  let opacity = 1;
  for (let n = shown; n; n = n.parentElement) opacity *= parseFloat(getComputedStyle(n).opacity);
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  return {
    // The accessible name, as near as these elements need: label, else text, else title.
    name: (el.getAttribute('aria-label') || el.textContent.trim() || el.title || el.placeholder || '')
          .trim().replace(/\\s+/g, ' '),
    where: el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).trim().split(/\\s+/).join('.') : ''),
    href: el.getAttribute('href'),
    inDrawer: !!el.closest('.md-sidebar--primary'),
    searchOpen: !!search && search.checked,
    onScreen: r.width >= 1 && r.height >= 1 && r.right > 0 && r.bottom > 0
              && r.left < innerWidth && r.top < innerHeight,
    shown: s.visibility === 'visible' && opacity > 0.9,
    uncovered: !!top && (shown.contains(top) || top.contains(shown)),
    ring: Math.round(contrast * 100) / 100,
  };
}"""


def tab_until(page: Any, name: str, limit: int) -> tuple[list[dict[str, Any]], list[str]]:
    """Press Tab until the element named `name` has focus; every stop on the way, and what is
    wrong with the focus indicator at each (an empty list when every stop could be seen)."""
    stops: list[dict[str, Any]] = []
    faults: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS)
        stops.append(stop)
        wrong = [k for k in ("onScreen", "shown", "uncovered") if not stop[k]]
        if stop["ring"] < 3:
            wrong.append(f"ring {stop['ring']}:1")
        if stop["where"].startswith("input.md-search__input") and not stop["searchOpen"]:
            wrong.append("search not opened")
        if wrong:
            faults.append(f"{page.url} stop {len(stops)} {stop['where']} {stop['name']!r}: {', '.join(wrong)}")
        if stop["name"] == name:
            return stops, faults
    raise AssertionError(f"{name!r} not reached in {limit} Tab presses: {[s['name'] for s in stops]}")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_reaches_the_menu_and_a_worksheet_pdf_with_visible_focus(
    browser: Any, default_site: Path, scheme: str,
) -> None:
    """On a phone: Tab to the menu button, open it with Enter, Tab to Worksheets, follow it, Tab
    to a PDF link. On a desktop: from the top of the worksheet table page to the same link. Every
    stop on the way is on screen, uncovered and ringed."""
    with serve(default_site) as base:
        context = browser.new_context(base_url=base, color_scheme=scheme, viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto("")
        stops, faults = tab_until(page, "Navigation", 3)
        assert [s["name"] for s in stops] == ["Skip to content", "Navigation"]
        assert stops[-1]["where"] == "label.md-header__button.md-icon.focus-visible"
        page.keyboard.press("Enter")
        assert page.evaluate(DRAWER_OPEN)  # FOCUS lets it finish sliding in (.25 s)
        into, more = tab_until(page, "Worksheets", 40)
        faults += more
        # From the menu button straight into the drawer: no header control under its shade.
        assert all(s["inDrawer"] for s in into), [s["where"] for s in into if not s["inDrawer"]]
        page.keyboard.press("Enter")
        page.wait_for_url("**/worksheets/")
        on_page, more = tab_until(page, "Goals and steps, A4 PDF", 40)
        faults += more
        # The closed drawer keeps no tab stop.
        assert not any(s["inDrawer"] for s in on_page), [s["name"] for s in on_page if s["inDrawer"]]
        assert on_page[-1]["href"] == "goals-a4.pdf"
        context.close()

        context = browser.new_context(base_url=base, color_scheme=scheme, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto("worksheets/")
        desktop, more = tab_until(page, "Goals and steps, A4 PDF", 80)
        faults += more
        names = [s["name"] for s in desktop]
        # Heading anchors are named, and named once: the pilcrow is not read out.
        assert "Worksheets Link to this section" not in names and "¶" not in names
        assert names.count("Link to this section") >= 1
        context.close()
    assert faults == [], "\n".join(faults)


MENU = ".md-header label[for='__drawer']"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_drawer_by_keyboard(browser: Any, default_site: Path, scheme: str) -> None:
    """The menu button says whether the drawer is open; opened with Enter (or Space), focus moves
    to the drawer's first link, ringed, and Tab goes round the drawer and its button; Escape
    closes it and focus is back on the button."""
    with serve(default_site) as base:
        context = browser.new_context(base_url=base, color_scheme=scheme, viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto("es/mentors/open-doors/")
        _, faults = tab_until(page, "Navegación", 3)
        menu = page.locator(MENU)
        assert menu.get_attribute("aria-expanded") == "false"
        for key in ("Enter", " "):
            page.keyboard.press(key)
            assert page.evaluate(DRAWER_OPEN), key  # FOCUS lets it finish sliding in
            assert menu.get_attribute("aria-expanded") == "true"
            inside = page.evaluate(FOCUS)
            assert inside["inDrawer"] and inside["where"].startswith("a.md-nav__button.md-logo"), inside
            assert inside["onScreen"] and inside["shown"] and inside["uncovered"] and inside["ring"] >= 3, inside
            page.keyboard.press("Escape")
            assert not page.evaluate(DRAWER_OPEN), key
            assert menu.get_attribute("aria-expanded") == "false"
            back = page.evaluate(FOCUS)
            assert back["name"] == "Navegación" and back["ring"] >= 3 and back["onScreen"], back
        # While it is open, Tab goes round the drawer, never under it or its shade (the button
        # is under it too), and Shift+Tab the other way.
        page.keyboard.press("Enter")
        first = page.evaluate(FOCUS)
        round_trip: list[dict[str, Any]] = []
        while len(round_trip) < 100:
            page.keyboard.press("Tab")
            round_trip.append(page.evaluate(FOCUS))
            if round_trip[-1]["where"] == first["where"]:
                break
        assert round_trip[-1]["where"] == first["where"] and len(round_trip) > 20, len(round_trip)
        assert all(s["inDrawer"] and s["onScreen"] and s["uncovered"] and s["ring"] >= 3 for s in round_trip), [
            s for s in round_trip if not (s["inDrawer"] and s["onScreen"] and s["uncovered"] and s["ring"] >= 3)]
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(FOCUS) == round_trip[-2]  # its last link
        # A link to a part of this page closes the drawer (the theme's script does), and the
        # button says so.
        page.locator(".md-sidebar--primary .md-nav--secondary a").first.click()
        page.wait_for_function(f"() => !{DRAWER_OPEN}")  # the theme closes it 125 ms after the address changes
        assert menu.get_attribute("aria-expanded") == "false"
        context.close()
    assert faults == [], "\n".join(faults)


LIST_SHOWN = """() => {
  document.getAnimations().forEach(a => a.finish());
  const s = getComputedStyle(document.querySelector('.md-select__inner'));
  return s.visibility === 'visible' && s.opacity === '1';
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_language_switcher_by_keyboard(browser: Any, default_site: Path, scheme: str) -> None:
    """Tab reaches the switcher, named with the language shown; focus opens its list and every
    link in it is ringed; Escape closes it, Enter opens it again, Down goes into it, and Enter on
    a language leads to this page in that language. Each link says its language (hreflang, lang)."""
    with serve(default_site) as base:
        context = browser.new_context(base_url=base, color_scheme=scheme, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto("mentors/open-doors/")
        links = page.locator(".md-select__link")
        assert [(links.nth(i).get_attribute("hreflang"), links.nth(i).get_attribute("lang"),
                 links.nth(i).get_attribute("href")) for i in range(links.count())] == [
            ("en", "en", "../../mentors/open-doors/"), ("es", "es", "../../es/mentors/open-doors/")]
        button = page.locator(".md-select button")
        _, faults = tab_until(page, "Select language: English", 20)
        assert button.get_attribute("aria-expanded") == "true" and page.evaluate(LIST_SHOWN)
        more, wrong = tab_until(page, "Español", 2)
        faults += wrong
        assert [s["name"] for s in more] == ["English", "Español"]
        page.keyboard.press("Escape")
        assert page.evaluate(FOCUS)["name"] == "Select language: English"
        assert button.get_attribute("aria-expanded") == "false" and not page.evaluate(LIST_SHOWN)
        page.keyboard.press("Enter")
        assert button.get_attribute("aria-expanded") == "true" and page.evaluate(LIST_SHOWN)
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        assert page.evaluate(FOCUS)["name"] == "Español"
        page.keyboard.press("Enter")
        page.wait_for_url("**/es/mentors/open-doors/")
        assert page.locator(".md-select button").get_attribute("aria-label") == "Seleccionar idioma: Español"
        context.close()
    assert faults == [], "\n".join(faults)
