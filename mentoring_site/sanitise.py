"""Neutralise raw HTML in content Markdown, so that content edited by many hands cannot put
script into the site, whichever engine later turns the Markdown into HTML.

We work on the Markdown itself, line by line:

- every `<` that does not open a Markdown autolink (`<https://...>`, `<mailto:...>`,
  `<name@host>`) or sit in a one-line code span becomes `&lt;`, so raw HTML tags and comments
  show as written;
- character references that spell ASCII (`&#106;`, `&colon;`, ...) are shown as written, so a
  link target cannot hide `javascript:` from the next rule;
- `javascript:`, `vbscript:` and `file:/` anywhere, and `data:` where a link target starts,
  become `blocked-javascript:` and so on: a harmless relative link, visibly changed;
- `on...=` keys in attribute lists (`{: onclick=...}`) become `data-blocked-on...=`.

`site.allow_html: true` in `content/program.yml` turns this off for trusted content.
"""

from __future__ import annotations

import html.entities
import re

CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)(.+?)(?<!`)\1(?!`)")
AUTOLINK = re.compile(r"<(?:(?:https?|ftp)://[^<>\s]*|mailto:[^<>\s]*|[^<>\s!@]+@[^<>\s@]+)>", re.I)
REFERENCE = re.compile(r"&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,7}|[A-Za-z][A-Za-z0-9]{0,31});?")
SCRIPT_SCHEME = re.compile(r"(?<![A-Za-z0-9+.-])(javascript|vbscript|livescript)(\s*:)", re.I)
DATA_TARGET = re.compile(r"""((?:^|[(<="':\s])\s*)(data\s*:)(?=\s*[A-Za-z]+/)""", re.I)
FILE_TARGET = re.compile(r"(?<![A-Za-z0-9+.-])(file\s*:\s*/)", re.I)
ATTR_LIST = re.compile(r"\{[^{}\n]*\}")
EVENT_KEY = re.compile(r"(?<![\w-])(on[a-z]+\s*=)", re.I)
# Browsers drop tabs and line breaks inside a URL, so "java<newline>script:" is still script:
# the same schemes spelt across lines, matched on the whole text before the line-by-line pass.
_SPLIT = "[\t\r\n]*"
SPLIT_SCHEME = re.compile(
    r"(?<![A-Za-z0-9+.-])("
    + "|".join(_SPLIT.join(word) for word in ("javascript", "vbscript", "livescript"))
    + r"|" + _SPLIT.join("file") + r"(?=\s*:\s*/)"
    + r"|" + _SPLIT.join("data") + r"(?=\s*:\s*[A-Za-z]+/)"
    + r")(?=\s*:)",
    re.I,
)
SAFE_NAMES = {"amp", "lt", "gt", "quot", "apos", "nbsp"}


def _reference(match: re.Match[str]) -> str:
    ref = match.group(1)
    if ref.startswith("#"):
        try:
            code = int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:])
        except ValueError:
            code = 0
        keep = code > 0x9F and code <= 0x10FFFF and match.group(0).endswith(";")
    else:
        decoded = html.entities.html5.get(ref + ";", "")
        keep = match.group(0).endswith(";") and (
            ref in SAFE_NAMES or (decoded != "" and all(ord(c) > 0x9F for c in decoded))
        )
    return match.group(0) if keep else "&amp;" + match.group(0)[1:]


def _escape(text: str) -> str:
    """Escape `<` (but autolinks) and ASCII-spelling references in text outside code spans."""
    text = REFERENCE.sub(_reference, text)
    out, last = [], 0
    for match in AUTOLINK.finditer(text):
        out.append(text[last : match.start()].replace("<", "&lt;"))
        out.append(match.group(0))
        last = match.end()
    out.append(text[last:].replace("<", "&lt;"))
    return "".join(out)


def _line(line: str) -> str:
    # Schemes and event keys first, on the whole line: a code span cannot shield them.
    line = SCRIPT_SCHEME.sub(r"blocked-\1\2", line)
    line = DATA_TARGET.sub(r"\1blocked-\2", line)
    line = FILE_TARGET.sub(r"blocked-\1", line)
    line = ATTR_LIST.sub(lambda m: EVENT_KEY.sub(r"data-blocked-\1", m.group(0)), line)
    parts, last = [], 0
    for match in CODE_SPAN.finditer(line):
        parts.append(_escape(line[last : match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(_escape(line[last:]))
    return "".join(parts)


def neutralise(markdown: str) -> str:
    """Show raw HTML as written and defuse script-bearing links and attributes.

    Line by line, with no notion of code blocks: Markdown here has no fenced-code extension,
    and guessing blocks wrong would let HTML through. Code spans on one line keep their `<`.
    """
    markdown = SPLIT_SCHEME.sub(r"blocked-\1", markdown)
    return "\n".join(_line(line) for line in markdown.split("\n"))
