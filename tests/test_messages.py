"""Message catalogs (mentoring_site/messages.py): the words of our own templates per language.

English output is pinned by the goldens (tests/test_golden.py), which these changes leave as
they were. Here: the catalogs are complete, Spanish reaches the pages, worksheets, navigation
and settings, a program's own .po file merges over ours, and a broken one is reported at its
line.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from mentoring_site import messages, siteconfig, worksheets
from mentoring_site.cli import main
from mentoring_site.errors import ProgramError
from mentoring_site.pages import render_pages
from mentoring_site.program import load_program
from mentoring_site.templating import environment

REPO = Path(__file__).resolve().parent.parent
POT = REPO / "templates/messages/messages.pot"
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def _ids(catalog) -> set[tuple[str | None, str]]:
    return {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in catalog if m.id}


def test_pot_lists_exactly_the_marked_messages() -> None:
    """Every _(), ngettext, pgettext, css_message and N_ string of our templates and Python is in
    messages.pot, and the .pot holds none that is no longer used. After changing a message:
    `python -m mentoring_site.messages`, then translate it in every .po file."""
    marked = _ids(messages.extract())
    listed = _ids(read_po(io.StringIO(POT.read_text(encoding="utf-8"))))
    assert sorted(marked - listed, key=str) == [], "marked but missing from messages.pot"
    assert sorted(listed - marked, key=str) == [], "in messages.pot but no longer marked"


def test_spanish_catalog_is_complete() -> None:
    """es.po translates every message of the .pot (none untranslated or fuzzy), and reads clean."""
    assert messages.untranslated(REPO, "es") == []
    assert messages.catalog(REPO, "es").files == ["templates/messages/es.po"]


@pytest.fixture
def bilingual(small: Path) -> Path:
    """The small program in English and Spanish."""
    yml = small / "content/program.yml"
    text = yml.read_text(encoding="utf-8")
    yml.write_text(text.replace("  organisation:", "  languages: [en, es]\n  organisation:", 1), encoding="utf-8")
    return small


def _po(root: Path, code: str, body: str) -> Path:
    path = root / "templates/messages" / f"{code}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_spanish_pages_and_navigation(bilingual: Path) -> None:
    # A practice with a Spanish title has a Spanish page (one with none is wholly in English).
    (bilingual / "content/practices/mentors.es.yml").write_text(
        'practices:\n  - {id: say-hello, title: "Saluda"}\n', encoding="utf-8")
    program = load_program(bilingual, language="es")
    pages = render_pages(program)
    practice = pages.files["mentors/say-hello.md"]
    assert isinstance(practice, str)
    for heading in ("## En qué consiste", "## Por qué importa", "## Cómo hacerlo", "## Preguntas que puedes hacer",
                    "## Errores que conviene evitar", '!!! tip "Consejo"', "## Hojas de trabajo para esta práctica"):
        assert heading in practice
    assert "*Práctica 1 de 2 para " in practice
    assert "What it is" not in practice and "Why it matters" not in practice
    index = pages.files["worksheets/index.md"]
    assert isinstance(index, str)
    assert "| Hoja de trabajo | Para qué sirve | Quién la completa | Descarga |" in index
    titles = [title for title, _ in pages.nav]
    assert titles[:4] == ["Inicio", "Roles y expectativas", "Cronograma", "Participar"]
    assert titles[-1] == "Sobre este manual"
    # English, loaded from the same program, is as it always was.
    english = render_pages(load_program(bilingual))
    assert [title for title, _ in english.nav][:2] == ["Home", "Roles and expectations"]
    assert "## What it is" in str(english.files["mentors/say-hello.md"])


def test_spanish_worksheet_html_and_page_numbers(bilingual: Path) -> None:
    program = load_program(bilingual, language="es")
    html = worksheets.render_html(program, program.worksheets[0], "a4")
    assert 'content: "Página " counter(page) " de " counter(pages);' in html
    assert "Quién la completa:" in html and "Filled in by" not in html


def test_spanish_booklet_and_certificate(bilingual: Path) -> None:
    from markupsafe import Markup

    from mentoring_site import booklet, forms
    from mentoring_site.pages import base_context
    from mentoring_site.templating import render

    program = load_program(bilingual, language="es")
    pages = render_pages(program, booklet_sizes=["a4"])
    html = booklet.render_html(program, pages, dict(pages.files), "a4")
    for text in ('<p class="cover-kicker">Manual</p>', '<h1 class="contents-title" id="contents-title">Índice</h1>',
                 '@page contents { @top-right { content: "Índice"; } }', "Anexo: hojas de trabajo para imprimir"):
        assert text in html
    context = {**base_context(program), "size": "a4", "form_font_family": forms.PLACEHOLDER_FAMILY,
               "form_font_url": Markup(forms.placeholder_font_url())}
    certificate = render(environment(program.root, messages.of(program)), "packs/certificate.html.j2", context)
    assert "<h1>Certificado de finalización</h1>" in certificate
    assert "<p>Tiny Test Program certifica que</p>" in certificate


def test_spanish_site_settings_and_404(bilingual: Path) -> None:
    program = load_program(bilingual, language="es")
    config = siteconfig.site_config(program, render_pages(program))
    toc = next(ext["toc"] for ext in config["markdown_extensions"] if isinstance(ext, dict) and "toc" in ext)
    assert toc["permalink_title"] == "Enlace a esta sección"
    assert config["theme"]["palette"][0]["toggle"]["name"] == "Cambiar a modo oscuro"
    # One 404 page for every language: each says it, with its lang and its own home page.
    assert config["extra"]["not_found"] == [
        {"lang": "en", "title": "404 - Not found",
         "text": "There is no page at this address. It may have moved, or the link that led here may be mistyped.",
         "home_text": "Go to the home page", "home": ""},
        {"lang": "es", "title": "404: página no encontrada",
         "text": "No hay ninguna página en esta dirección. Puede que se haya movido o que el enlace que te trajo "
                 "hasta aquí tenga un error.",
         "home_text": "Ir a la página de inicio", "home": "es/"},
    ]


def test_translations_in_theme_settings_are_escaped(bilingual: Path) -> None:
    """The theme prints the palette toggle's name into attributes unescaped: a program's own
    translation cannot end the attribute or add markup."""
    _po(bilingual, "es", 'msgid "Switch to dark mode"\nmsgstr "Modo \\"oscuro\\" <b>"\n')
    program = load_program(bilingual, language="es")
    config = siteconfig.site_config(program, render_pages(program))
    assert config["theme"]["palette"][0]["toggle"]["name"] == "Modo &quot;oscuro&quot; &lt;b&gt;"


def test_program_catalog_merges_over_ours_and_regions_fall_back(small: Path) -> None:
    _po(small, "es", 'msgid "What it is"\nmsgstr "Qué es"\n')
    _po(small, "es-MX", 'msgid "Tip"\nmsgstr "Sugerencia"\n')
    spanish = messages.catalog(small, "es")
    assert spanish.gettext("What it is") == "Qué es"  # the program's
    assert spanish.gettext("Why it matters") == "Por qué importa"  # ours, not overridden
    assert spanish.gettext("Tip") == "Consejo"
    mexican = messages.catalog(small, "es-MX")
    assert [mexican.gettext(m) for m in ("Tip", "What it is", "Why it matters")] == [
        "Sugerencia", "Qué es", "Por qué importa"]
    assert mexican.files == ["templates/messages/es.po", "templates/messages/es.po", "templates/messages/es-MX.po"]
    # A language nobody translated is the source text; untranslated() lists what it lacks.
    assert messages.catalog(small, "pt-BR").gettext("What it is") == "What it is"
    _po(small, "pt", 'msgid "What it is"\nmsgstr "O que é"\n\n#, fuzzy\nmsgid "Tip"\nmsgstr "Dica?"\n')
    assert messages.catalog(small, "pt-BR").gettext("Tip") == "Tip"  # a fuzzy translation is a draft
    lacking = messages.untranslated(small, "pt-BR")
    assert "What it is" not in [msgid for msgid, _ in lacking] and "Tip" in [msgid for msgid, _ in lacking]
    assert len(lacking) == len(_ids(read_po(io.StringIO(POT.read_text(encoding="utf-8"))))) - 1
    where = dict(lacking)["Why it matters"]
    assert where.startswith("templates/pages/practice.md.j2:")
    assert messages.untranslated(small, "en-GB") == []


def test_catalog_is_read_again_when_its_file_changes(small: Path) -> None:
    path = _po(small, "es", 'msgid "Tip"\nmsgstr "Pista"\n')
    first = messages.catalog(small, "es")
    assert messages.catalog(small, "es") is first  # cached
    path.write_text(HEADER + 'msgid "Tip"\nmsgstr "Sugerencia útil"\n', encoding="utf-8")
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)
    assert messages.catalog(small, "es").gettext("Tip") == "Sugerencia útil"


def test_templates_format_and_escape_like_jinja(small: Path) -> None:
    _po(small, "es", 'msgid "Help: %(name)s"\nmsgstr "Ayuda: «%(name)s» al 100 %%"\n'
                     'msgid "Page %(page)s of %(pages)s"\nmsgstr "Hoja \\"%(page)s\\" / %(pages)s"\n')
    env = environment(small, messages.catalog(small, "es"))
    env.autoescape = True  # as in the HTML templates
    html = env.from_string('<p>{{ _("Help: %(name)s", name="<R&D>") }}</p>').render()
    assert html == "<p>Ayuda: «&lt;R&amp;D&gt;» al 100 %</p>"
    page_numbers = '{{ css_message("Page %(page)s of %(pages)s", page="counter(page)", pages="counter(pages)") }}'
    for autoescape in (True, False):  # a stylesheet template, or a <style> in an HTML one
        env.autoescape = autoescape
        assert env.from_string(page_numbers).render() == '"Hoja \\"" counter(page) "\\" / " counter(pages)'


BROKEN = [
    pytest.param('msgid "What it is"\nmsgstr "Qué es\n',
                 '6:8: expected the closing " of this text', id="unterminated"),
    pytest.param('msgstr "Qué es"\n', "5:1: msgstr must follow its msgid", id="msgstr-alone"),
    pytest.param('msgid "What it is"\nmsgstr "Qué es"\nhola\n',
                 '7:1: expected msgid, msgstr, a "quoted" line or a # comment here', id="stray-line"),
    pytest.param('msgid "What it is"\nmsgstr "Qu\\é es"\n',
                 "6:11: unknown escape \\é (use \\n, \\t, \\\" or \\\\)", id="escape"),
    pytest.param('msgid "What it is"\n\nmsgid "Tip"\nmsgstr "Consejo"\n',
                 '5:1: this message has no msgstr (write msgstr "" to leave it untranslated)', id="no-msgstr"),
    pytest.param('msgid "Practice %(number)s of %(count)s for %(role)s"\nmsgstr "Práctica %(numero)s"\n',
                 "6:8: the translation of 'Practice %(number)s of %(count)s for %(role)s' uses %(numero)s, which "
                 "the original does not give (it has: %(count)s, %(number)s, %(role)s)", id="unknown-placeholder"),
    pytest.param('msgid "What it is"\nmsgstr "Qué es al 100%"\n',
                 "6:8: the translation of 'What it is' is not a valid format string (incomplete format); write %% "
                 "for a percent sign", id="lone-percent"),
    pytest.param('msgid "Tip"\nmsgstr "Consejo"\n\nmsgctxt "paper size"\nmsgid "Tip"\nmsgstr "Punta"\n\n'
                 'msgid ""\n"Tip"\nmsgstr "Pista"\n',
                 "12:1: this message is given twice: first at line 5; keep one", id="twice"),
    pytest.param('msgid "%(num)d page"\nmsgid_plural "%(num)d pages"\nmsgstr[0] "%(num)d página"\n'
                 'msgstr[1] "%(num)d páginas"\n',
                 "7:11: Spanish (es) has 3 plural forms: give msgstr[0] to msgstr[2]", id="plural-forms"),
]


@pytest.mark.parametrize(("body", "expected"), BROKEN)
def test_broken_catalog_is_reported_at_its_line(small: Path, body: str, expected: str) -> None:
    _po(small, "es", body)
    with pytest.raises(ProgramError) as caught:
        messages.catalog(small, "es")
    assert [str(p) for p in caught.value.problems] == [f"templates/messages/es.po:{expected}"]


def test_broken_catalog_in_validate_with_the_other_problems(small: Path, capsys) -> None:
    """A program in Spanish with a broken es.po of its own: validate reports it with the rest."""
    yml = small / "content/program.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("  organisation:", "  language: es\n  organisation:", 1),
                   encoding="utf-8")
    _po(small, "es", 'msgid "What it is"\nmsgstr "Qué es\n')
    page = small / "content/pages/extra.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[gone](nowhere.md)\n", encoding="utf-8")
    assert main(["validate", str(small)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert 'templates/messages/es.po:6:8: expected the closing " of this text' in err
    assert next(line for line in err if "nowhere.md" in line).startswith("content/pages/extra.md:")


def test_broken_catalog_of_another_language_in_validate_with_its_other_problems(bilingual: Path, capsys) -> None:
    """A broken es.po in an [en, es] program does not hide the Spanish translations' mistakes:
    the default language's run (its 404 page names every language) leaves it to the Spanish run."""
    _po(bilingual, "es", 'msgid "What it is"\nmsgstr "Qué es\n')
    overlay = bilingual / "content/practices/mentors.es.yml"
    overlay.write_text("practices:\n  - id: say-helo\n    title: Saluda\n", encoding="utf-8")
    assert main(["validate", "-q", str(bilingual)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "content/practices/mentors.es.yml:2:9: practices[1] \"Saluda\".id: no practice 'say-helo' in "
        "content/practices/mentors.yml; did you mean 'say-hello'?",
        'templates/messages/es.po:6:8: expected the closing " of this text',
        "2 problems found; nothing was changed.",
    ]


def test_catalog_linking_outside_the_program_is_not_read(small: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.po"
    outside.write_text(HEADER + 'msgid "Tip"\nmsgstr "Consejo de fuera"\n', encoding="utf-8")
    folder = small / "templates/messages"
    folder.mkdir(parents=True)
    (folder / "es.po").symlink_to(outside)
    with pytest.raises(ProgramError) as caught:
        messages.catalog(small, "es")
    assert [str(p) for p in caught.value.problems] == [
        "templates/messages/es.po:1:1: is a link to something outside the program; copy it in instead"]


def test_untranslated_counts_the_program_own_template_messages(small: Path) -> None:
    """An override may mark messages of its own: a language lacks them until a .po of the
    program translates them."""
    override = small / "templates/pages/practice.md.j2"
    override.parent.mkdir(parents=True)
    text = (REPO / "templates/pages/practice.md.j2").read_text(encoding="utf-8")
    override.write_text(text + '\n{{ _("Ask your program manager") }}\n', encoding="utf-8")
    line = len(text.splitlines()) + 2
    where = f"templates/pages/practice.md.j2:{line}"
    assert messages.untranslated(small, "es") == [("Ask your program manager", where)]
    _po(small, "es", 'msgid "Ask your program manager"\nmsgstr "Pregunta a quien coordina el programa"\n')
    assert messages.untranslated(small, "es") == []
