"""Where the built-in content, worksheets and templates live.

In a wheel they ship inside the package as `mentoring_site/_data/`; in a source checkout they are
the repository's own `content/`, `worksheets/` and `templates/` (the repository root is the
default program). Nothing else is ever read from outside the user's program directory.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


@cache
def builtin_root() -> Path:
    """The folder holding the default program's `content/`, `worksheets/` and `templates/`."""
    for candidate in (PACKAGE / "_data", PACKAGE.parent):
        if (candidate / "templates" / "pages").is_dir() and (candidate / "content").is_dir():
            return candidate
    raise RuntimeError(f"built-in templates are missing from {PACKAGE}; reinstall the package")
