"""STUB (lang-pdf) of lang-messages' interface, dropped when lang-messages is merged."""

from __future__ import annotations

import gettext
from pathlib import Path
from typing import Any


def catalog(root: Path, code: str) -> gettext.NullTranslations:  # STUB
    return gettext.NullTranslations()


def install(env: Any, catalog: gettext.NullTranslations) -> None:  # STUB
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_translations(catalog, newstyle=True)
