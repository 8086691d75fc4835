"""Languages as a layer over the same pipeline: one site per language, published as one.

A program with `languages: [en, es]` is generated once per language through the same stages
(`build.generate(root, language=code)`). The default language's site sits at the top of the
published folder, every other language's as a whole site of its own under `<code>/`: its own
navigation, search index (the search plugin's `lang`), theme language, sitemap, worksheets,
printed handbook and calendar, so that every relative link inside it works unchanged. This
module knows what differs between those sites and how they are joined:

- `folder(program)`: where a language's site goes ("" or "es/");
- `link(editions)`: each site's settings learn of the others: the language switcher
  (Material's `extra.alternate`, drawn by templates/theme/partials/alternate.html, which leads
  to the same page in the other language by a relative link, or to that language's home where
  the page does not exist there), the address with `site.url`, and the links of a language's
  own 404 page (the search language and the theme's are siteconfig's, per language);
- `place(built, target)`: a language's built site moved under the default one's, without its
  own 404 page (the site has one, at its top, for every language).

Nothing here imports MkDocs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel import Locale

from .errors import Problem
from .pages import url_of

if TYPE_CHECKING:
    from .build import Generated
    from .program import LoadedProgram

ERROR_PAGE = "404.html"  # the engine writes one per site; the published site keeps the top one


def folder(program: LoadedProgram) -> str:
    """The folder of the published site that a language's site is in: "" for the default
    language, "es/" for Spanish."""
    return "" if program.language == program.default_language else f"{program.language}/"


def language_name(code: str) -> str:
    """A language's name in that language, as a switcher shows it: English, Español, Français."""
    name = Locale.parse(code, sep="-").display_name or code
    return name[:1].upper() + name[1:]


def page_urls(files: dict[str, str | bytes]) -> set[str]:
    """The addresses of the pages of one language's site, relative to its top ("" is home)."""
    return {url_of(path) for path in files if path.endswith(".md")}


def link(editions: Sequence[Generated]) -> None:
    """Give each language's site settings that know the others (see the module's docstring).

    `editions`: one Generated a language, the default language first. With one language,
    nothing changes."""
    if len(editions) == 1:
        return
    urls = [page_urls(e.files) for e in editions]
    for here, edition in enumerate(editions):
        config = edition.config
        up = "../" if here else ""  # from this site's top to the default language's
        alternate: list[dict[str, Any]] = []
        for there, other in enumerate(editions):
            other_code = other.program.language
            top = "" if there == here else up + folder(other.program)
            entry: dict[str, Any] = {
                "name": language_name(other_code),
                # The language's home page as a file: the theme's script takes every link under an
                # `alternate` folder for a language switch and, finding no sitemap (none without
                # site.url), sends it to that language's home; under a file no link falls.
                "link": top + "index.html",
                "lang": other_code,
                "folder": top,  # for our switcher: where the twin of each page is
            }
            # The pages of this site that the other language lacks: their switcher leads to that
            # language's home (usually none: every language has every page, some in fallback).
            entry["missing"] = {url: True for url in sorted(urls[here] - urls[there])}
            alternate.append(entry)
        config.setdefault("extra", {})["alternate"] = alternate
        if here and "site_url" in config:
            config["site_url"] = config["site_url"].rstrip("/") + "/" + folder(edition.program)
        # The one 404 page links each language's home from the top; a language's own 404 page,
        # which only another engine's build of an export keeps, links them from its folder.
        config.setdefault("extra", {})["not_found"] = [
            {**said, "home": up + said["home"]} for said in config["extra"].get("not_found", [])
        ]


def set_site_url(editions: Sequence[Generated], url: str) -> None:
    """The public address of the whole site (`build --site-url`): each language's is under it."""
    for edition in editions:
        edition.config["site_url"] = url.rstrip("/") + "/" + folder(edition.program)


def export_config(program: LoadedProgram, config: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """Where `export` writes a language's pages and settings, and the settings: (docs folder,
    configuration file, settings). The default language's are docs/ and mkdocs.yml, as for a
    program in one language; each other language's are docs-<code>/ and mkdocs.<code>.yml
    beside them, publishing into site/<code>/ (engines want the site inside the folder of
    their configuration), with the same theme override (overrides/). Building mkdocs.yml first
    (it empties site/), then each language's, gives the tree `build` makes:
    `mkdocs build && mkdocs build -f mkdocs.es.yml` (ProperDocs and Zensical alike)."""
    code = program.language
    if not folder(program):
        return "docs", "mkdocs.yml", config
    return f"docs-{code}", export_config_file(code), {**config, "site_dir": f"site/{code}"}


def export_config_file(code: str) -> str:
    """The configuration file `export` writes for a language other than the default one."""
    return f"mkdocs.{code}.yml"


def clashes(default: LoadedProgram, files: dict[str, str | bytes]) -> list[Problem]:
    """Files of the default language's site that would land in another language's folder."""
    others = {code for code in default.languages if code != default.language}
    sources = {p.path: p.source.relative_to(default.root).as_posix() for p in default.pages}
    sources.update({rel: f"content/pages/{rel}" for rel in default.page_files})
    problems = []
    for path in sorted(files):
        published = url_of(path) if path.endswith(".md") else path  # es.md is published as es/
        top = published.split("/", 1)[0]
        if "/" in published and top in others:
            problems.append(Problem(
                sources.get(path, path), 1, 1, "",
                f"would be published in /{top}/, where the {language_name(top)} ({top}) site is; "
                "choose another folder name",
            ))
    return problems


def place(built: Path, target: Path) -> None:
    """Move a language's built site (`built`) to `target`, inside the default language's site,
    leaving its own 404 page behind: the site's top one serves every language."""
    error_page = built / ERROR_PAGE
    if error_page.is_file() and not error_page.is_symlink():
        error_page.unlink()
    built.rename(target)  # fails, rather than mixes, if the default language's site has that folder
