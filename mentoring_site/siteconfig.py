"""Stage 4, site configuration: the resolved `mkdocs.yml` settings for a program.

Plain data, no MkDocs import: the same dictionary feeds our MkDocs build, the plugin, and
`export` (which writes it out for MkDocs, ProperDocs or Zensical to use without our plugin).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from .pages import NavItem, Pages
from .program import LoadedProgram

STYLESHEET = "assets/mentoring.css"

MARKDOWN_EXTENSIONS: list[Any] = [
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    {"toc": {"permalink": True}},
]


def brand_asset(kind: str, source: str) -> str:
    """Where a branding file is published in the site: assets/logo.svg and so on."""
    return f"assets/{kind}{PurePosixPath(source).suffix.lower()}"


def _nav(items: list[NavItem]) -> list[Any]:
    return [{title: _nav(target) if isinstance(target, list) else target} for title, target in items]


def site_config(program: LoadedProgram, pages: Pages) -> dict[str, Any]:
    cfg = program.config
    p = cfg.program
    toggle = {
        "default": {"icon": "material/weather-night", "name": "Switch to dark mode"},
        "slate": {"icon": "material/weather-sunny", "name": "Switch to light mode"},
    }
    config: dict[str, Any] = {
        "site_name": p.name,
        "site_description": p.description or f"Handbook of {p.name}, {p.organisation}",
        "site_author": p.organisation,
        "copyright": cfg.branding.footer or f"{p.organisation}",
        "use_directory_urls": True,
        "theme": {
            "name": "material",
            "language": p.language,
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
                "toc.follow",
            ],
        },
        "plugins": ["search"],
        "markdown_extensions": MARKDOWN_EXTENSIONS,
        "extra_css": [STYLESHEET],
        "nav": _nav(pages.nav),
    }
    brand = cfg.branding
    if brand.logo:
        config["theme"]["logo"] = brand_asset("logo", brand.logo)
    if brand.favicon:
        config["theme"]["favicon"] = brand_asset("favicon", brand.favicon)
    if cfg.site.url:
        config["site_url"] = cfg.site.url
    return config
