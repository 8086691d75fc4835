"""The Jinja environment: the program's own `templates/` first, then the built-in ones.

Any built-in template or stylesheet is replaced by a file of the same relative name in the
program's `templates/` folder. Undefined variables are errors (`StrictUndefined`), and HTML
templates are autoescaped.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import markdown as markdown_lib
import nh3
from markupsafe import Markup

from . import assets


def markdown_filter(text: str) -> Markup:
    """Markdown to sanitised HTML for text placed in HTML templates: no script survives."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"])
    return Markup(nh3.clean(html, url_schemes={"http", "https", "mailto"}))


def environment(root: Path) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    own = root / "templates"
    builtin = assets.builtin_root() / "templates"
    if own.is_dir() and own.resolve() != builtin.resolve():
        loaders.append(jinja2.FileSystemLoader(own, followlinks=False))
    loaders.append(jinja2.FileSystemLoader(builtin))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "html.j2"], default_for_string=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["markdown"] = markdown_filter
    return env


def template_sources(root: Path) -> list[Path]:
    """Every template file that may be used, for cache keys and for `serve` to watch."""
    files: list[Path] = []
    for folder in (assets.builtin_root() / "templates", root / "templates"):
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.is_file())
    return files


def render(env: jinja2.Environment, name: str, context: dict[str, object]) -> str:
    """Render a template; a mistake in a (user's) template becomes a located ProgramError."""
    from .errors import Problem, ProgramError

    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateNotFound as exc:
        where = "templates/" + (exc.name or name)
        raise ProgramError([Problem(where, 1, 1, "", f"template not found (needed by {name})")]) from None
    except jinja2.TemplateSyntaxError as exc:
        file = exc.filename or name
        raise ProgramError([Problem(file, exc.lineno or 1, 1, "", f"template error: {exc.message}")]) from None
    except jinja2.UndefinedError as exc:
        line, file = 1, name
        tb = exc.__traceback__
        while tb is not None:  # Jinja maps template frames to the template's file and line
            code = tb.tb_frame.f_code
            if code.co_filename.endswith((".j2", ".html", ".md", ".css")):
                file, line = code.co_filename, tb.tb_lineno
            tb = tb.tb_next
        raise ProgramError([Problem(file, line, 1, "", f"template error: {exc.message}")]) from None
