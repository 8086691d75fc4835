"""STUB (lang-pdf) of lang-messages' interface, dropped when lang-messages is merged."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class Catalog:  # STUB: the source text, formatted as lang-messages' Catalog formats it
    def __init__(self, code: str) -> None:
        self.code = code

    def gettext(self, message: str, **variables: Any) -> str:
        return message % variables

    def ngettext(self, singular: str, plural: str, n: int, **variables: Any) -> str:
        variables.setdefault("num", n)
        return (singular if n == 1 else plural) % variables


def catalog(root: Path, code: str) -> Catalog:  # STUB
    return Catalog(code)


def install(env: Any, catalog: Catalog) -> Any:  # STUB
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(catalog.gettext, catalog.ngettext, newstyle=True)
    return env
