"""Stage 4, site configuration: the resolved `mkdocs.yml` settings for a program.

Plain data, no MkDocs import: the same dictionary feeds our MkDocs build, the plugin, and
`export` (which writes it out for MkDocs, ProperDocs or Zensical to use without our plugin).
"""

from __future__ import annotations

import html
import importlib.util
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from . import assets, messages
from .messages import N_, Catalog
from .model import Branding
from .pages import NavItem, Pages
from .program import LoadedProgram

STYLESHEET = "assets/mentoring.css"
THEME_DIR = "overrides"  # the theme's custom_dir, beside docs/ in built and exported projects

MARKDOWN_EXTENSIONS: list[Any] = [
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    # Heading anchors: the link's text is a space and its title names it, "Link to this section"
    # (the theme's default text, a pilcrow, was read out as such); the stylesheet draws the pilcrow.
    {"toc": {"permalink": " ", "permalink_title": N_("Link to this section")}},
]


def markdown_extensions(words: Catalog) -> list[Any]:
    """MARKDOWN_EXTENSIONS with their words (the heading links' title) in `words`' language."""
    return [
        {"toc": {**ext["toc"], "permalink_title": words.gettext(ext["toc"]["permalink_title"])}}
        if isinstance(ext, dict) and "toc" in ext else ext
        for ext in MARKDOWN_EXTENSIONS
    ]


def theme_files(root: Path) -> dict[str, bytes]:
    """Theme templates for the engine (not rendered by us): built-in, each replaceable by the
    program's file of the same name in templates/theme/."""
    files: dict[str, bytes] = {}
    for folder in (assets.builtin_root() / "templates" / "theme", root / "templates" / "theme"):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def brand_asset(kind: str, source: str) -> str:
    """Where a branding file is published in the site: assets/logo.svg and so on."""
    return f"assets/{kind}{PurePosixPath(source).suffix.lower()}"


FONT_FORMATS = {".woff2": "woff2", ".woff": "woff", ".ttf": "truetype", ".otf": "opentype"}


def brand_files(branding: Branding) -> dict[str, str]:
    """Every branding file the site publishes: {published path: source path in the program}."""
    files = {}
    for kind, source in (("logo", branding.logo), ("favicon", branding.favicon)):
        if source:
            files[brand_asset(kind, source)] = source
    if branding.font:
        for kind, source in (("regular", branding.font.regular), ("bold", branding.font.bold)):
            if source:
                files[brand_asset(f"fonts/{kind}", source)] = source
    return files


def site_fonts(branding: Branding) -> list[dict[str, str]]:
    """@font-face data for the site stylesheet (which lives in assets/)."""
    if not branding.font:
        return []
    faces = []
    for weight, kind, source in (("400", "regular", branding.font.regular), ("700", "bold", branding.font.bold)):
        if source:
            suffix = PurePosixPath(source).suffix.lower()
            faces.append({"weight": weight, "url": f"fonts/{kind}{suffix}", "format": FONT_FORMATS[suffix]})
    return faces


def _nav(items: list[NavItem], text: Callable[[str], str]) -> list[Any]:
    # Themes print a page's nav title into <title> through `striptags`, which undoes escaping:
    # angle brackets in titles become look-alike quotes there so that no tag can form.
    return [
        {text(title.replace("<", "\u2039").replace(">", "\u203a")): (
            _nav(target, text) if isinstance(target, list) else target
        )}
        for title, target in items
    ]


def _markup_free(name: str) -> str:
    """The program name for the theme, which prints it both escaped (`| e`, in titles) and
    as it is (text, aria-label): characters that could form markup or end an attribute become
    look-alikes, and nothing is escaped twice ("R&D", "Women's" show as written)."""
    return name.translate(str.maketrans({"<": "\u2039", ">": "\u203a", '"': "\u201d", "'": "\u2019"}))


def _footer(branding: Branding, organisation: str, words: Catalog) -> str:
    footer = branding.footer or organisation
    if branding.support:
        contact = branding.support.email or branding.support.url
        footer += " · " + words.gettext("Help: %(name)s, %(contact)s", name=branding.support.name, contact=contact)
    return footer


def theme_language(tag: str) -> str:
    """The theme's interface language for a language tag: the tag itself where the theme has a
    translation for it (de, pt-BR), else its first part (en-GB -> en), else English."""
    spec = importlib.util.find_spec("material")
    folder = Path(spec.origin).parent / "templates/partials/languages" if spec and spec.origin else None
    if folder is None or not folder.is_dir():
        return tag
    for candidate in (tag, tag.split("-")[0]):
        if (folder / f"{candidate}.html").is_file():
            return candidate
    return "en"


def search_language(code: str) -> str:
    """The search plugin's `lang` for a language: its own where the theme ships a stemmer for
    it (es, de, pt), else English, which splits words on spaces and still finds whole words."""
    spec = importlib.util.find_spec("material")
    stemmers = (Path(spec.origin).parent / "templates/assets/javascripts/lunr/min"
                if spec and spec.origin else None)
    base = code.split("-")[0].lower()
    if base != "en" and stemmers is not None and (stemmers / f"lunr.{base}.min.js").is_file():
        return base
    return "en"


def site_config(program: LoadedProgram, pages: Pages) -> dict[str, Any]:
    cfg = program.config
    p = cfg.program
    words = messages.of(program)
    # MkDocs themes print these settings into HTML unescaped, on every page and outside the
    # content the safety stage sanitises: escape them always (site.allow_html is for content),
    # so that a name like "R&D <Mentoring>" shows as written and cannot carry markup.
    text: Callable[[str], str] = html.escape
    toggle = {
        # Translations come from .po files, possibly a program's own: escaped like the rest.
        "default": {"icon": "material/weather-night", "name": text(words.gettext("Switch to dark mode"))},
        "slate": {"icon": "material/weather-sunny", "name": text(words.gettext("Switch to light mode"))},
    }
    config: dict[str, Any] = {
        "site_name": _markup_free(p.name),
        "site_description": text(p.description or words.gettext(
            "Handbook of %(program)s, %(organisation)s", program=p.name, organisation=p.organisation)),
        "site_author": text(p.organisation),
        "copyright": text(_footer(cfg.branding, p.organisation, words)),
        "use_directory_urls": True,
        "theme": {
            "name": "material",
            "custom_dir": THEME_DIR,
            "language": theme_language(program.language),
            "font": False,  # system fonts: no request to any font service
            "palette": [
                {"media": "(prefers-color-scheme: light)", "scheme": "default",
                 "primary": "custom", "accent": "custom", "toggle": toggle["default"]},
                {"media": "(prefers-color-scheme: dark)", "scheme": "slate",
                 "primary": "custom", "accent": "custom", "toggle": toggle["slate"]},
            ],
            "features": [
                "navigation.sections",
                "navigation.top",
                "navigation.footer",
                "navigation.indexes",
                "search.highlight",
                "content.code.copy",  # a copy button on the ready-to-send messages
                "toc.follow",
            ],
        },
        "plugins": [{"search": {"lang": [search_language(program.language)]}}],
        "markdown_extensions": markdown_extensions(words),
        "extra_css": [STYLESHEET],
        "nav": _nav(pages.nav, text),
    }
    if config["theme"]["language"] != program.language:  # see templates/theme/partials/language.html
        config.setdefault("extra", {})["page_language"] = program.language
    brand = cfg.branding
    if brand.logo:
        config["theme"]["logo"] = brand_asset("logo", brand.logo)
    if brand.favicon:
        config["theme"]["favicon"] = brand_asset("favicon", brand.favicon)
    if cfg.site.url:
        config["site_url"] = cfg.site.url
    if brand.support:
        link = f"mailto:{brand.support.email}" if brand.support.email else brand.support.url
        config.setdefault("extra", {})["social"] = [
            # The theme escapes this one itself (a title attribute).
            {"icon": "material/lifebuoy", "link": link,
             "name": words.gettext("Help: %(name)s", name=brand.support.name)},
        ]
    # What the one 404 page says, in every language of the program (its template escapes it).
    config.setdefault("extra", {})["not_found"] = messages.not_found(program.root, program.languages)
    return config
