"""Stage 3b, finish worksheet forms: WeasyPrint lays the page out, this stage owns the PDF form.

`finish(pdf, sheet, language=..., extra_characters=...)` takes the PDF WeasyPrint wrote (tagged,
with one widget per input at the right place) and makes the form work in every common viewer:

- Names: stable, readable, period-free (a period separates levels of a name in PDF):
  text/long_text/date `<id>`; check boxes `<id>_<n>` (n = 1-based option); choice and scale one
  radio field `<id>` whose value is the chosen option's number `/1`, `/2`, … (a scale's value is
  the rating); table cells `<id>_r<row>_<column id>`; signatures `<id>_<party>_name|signature|date`.
- Structure: a radio group is one field with one widget per option; every widget carries its own
  tooltip (`/TU`, "How ready I feel: 3"), so a screen reader names each option.
- Appearance: `/DA` with a real colour and the form font; an appearance stream (`/AP`) for every
  state (text fields: empty or the value; check boxes `/Yes` and `/Off`; radio widgets their
  number and `/Off`). Nothing relies on `/NeedAppearances`.
- The form font: DejaVu Sans (found through fontconfig, as WeasyPrint finds it), subset to the
  characters of the program's language(s) (Latin-1 and Latin Extended-A at least, plus the
  scripts the sheet itself uses) and `extra_characters` (the packs stage passes a roster's
  names). It is drawn at half its em, with a line height of exactly one em: viewers step a
  multi-line field's lines by its font size (poppler always does; PDFium uses ascent minus
  descent, set to one em), so a size equal to the printed rule pitch puts one typed line on each
  rule, in letters half that size. Single-line fields use automatic size (`0 Tf`), so text
  shrinks to fit a small cell instead of being clipped; both viewers then centre it alike.
- Suggested values (a field's `default`) are pre-filled as the field's value, printed once.

WeasyPrint would embed the whole font of a page's inputs (about 380 KB), so the worksheet CSS
gives inputs a tiny placeholder font (`placeholder_font_url()`, family PLACEHOLDER_FAMILY),
which this stage drops.

Filling values quickly (for the packs stage, or any tool):

    blank = Blank(finished_pdf_bytes)          # read once per blank
    info = blank.fields["signatures_mentor_name"]  # FieldInfo: kind, size, states, object numbers
    blank.missing("Zoë Łukasiewicz")           # characters the form font cannot show ("" = none)
    blank.appearance(info, "Zoë Łukasiewicz")  # the /AP /N content stream for that value
    fill(finished_pdf_bytes, {"topic": "…", "areas_1": True, "energy": "3"}, blank)  # filled bytes

`fill` rewrites the file (pikepdf); a stage that appends incremental updates instead can write,
per text field, a new field object (the old one with `/V` and `/AP /N` changed) and one form
XObject with `appearance(...)` as its content, `/BBox [0 0 width height]` and
`/Resources << /Font << /FormSans <Blank.font_objgen> >> >>`; per check box `/V` and `/AS`
(`/Yes` or `/Off`); per radio field the group's `/V` and each widget's `/AS`.
"""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from .fields import FormField

# Bump when the output of this stage changes: it is part of the worksheet cache key.
FORMS_VERSION = "1"

FONT_RESOURCE = "/FormSans"
FONT_FAMILIES = ("DejaVu Sans", "Noto Sans", "Liberation Sans", "sans-serif")
# The placeholder family the worksheet CSS gives inputs, so WeasyPrint embeds a tiny font for
# them (instead of the whole page font); this stage replaces it with the form font.
PLACEHOLDER_FAMILY = "mentoring-site-form"
# A pen-like dark blue: typed answers stand apart from the printed sheet (11:1 on white).
INK = (0.06, 0.22, 0.49)
EM_SCALE = 2  # the form font's glyphs are drawn at 1/EM_SCALE of its em
ASCENT, DESCENT = 900, -100  # one em from ascent to descent, in 1/1000 em
# How far a multi-line field's box reaches above its ruled block (pt). Measured: poppler puts the
# first baseline 3 pt + one line under the top of the box, PDFium about 0.9 line + 1.4 pt; with
# this offset, descenders clear each rule by about 2.7 pt (poppler) and 7 pt (PDFium), and
# accents clear the rule above by 7 pt and 3.3 pt.
LINE_OFFSET = 9.5
TEXT_INSET = 2.0  # horizontal padding inside text fields (pt), as viewers use

PRINT_FLAG = 4
FONT_TIME = 3_786_825_600  # 2024-01-01 in the fonts' clock (seconds since 1904): fixed, for same bytes
MULTILINE, NO_TOGGLE_OFF, RADIO = 1 << 12, 1 << 14, 1 << 15

# Characters every form font holds: ASCII, Latin-1, Latin Extended-A, common punctuation.
BASE_CHARACTERS = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "".join(chr(c) for c in range(0xA0, 0x180))
    # dashes, quotation marks, dagger, bullet, ellipsis, per mille, primes, guillemets, euro, TM, minus
    + "\u2010\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2022\u2026"
    + "\u2030\u2032\u2033\u2039\u203a\u20ac\u2122\u2212"
)
# Blocks added whole when the language or the sheet's own text uses one of their letters.
BLOCKS = (
    (0x0180, 0x024F),  # Latin Extended-B (Romanian ș ț, Vietnamese ơ ư, …)
    (0x0250, 0x02AF),  # IPA extensions (Azerbaijani ə)
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x0500, 0x052F),  # Cyrillic supplement
    (0x0530, 0x058F),  # Armenian
    (0x0590, 0x05FF),  # Hebrew
    (0x0600, 0x06FF),  # Arabic
    (0x10A0, 0x10FF),  # Georgian
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
)
LANGUAGE_BLOCKS = {
    "el": (0x0370,), "ru": (0x0400,), "uk": (0x0400,), "be": (0x0400,), "bg": (0x0400,),
    "sr": (0x0400,), "mk": (0x0400,), "kk": (0x0400, 0x0500), "ky": (0x0400,), "mn": (0x0400,),
    "ro": (0x0180,), "vi": (0x0180, 0x1E00), "az": (0x0180, 0x0250), "hy": (0x0530,),
    "he": (0x0590,), "ar": (0x0600,), "fa": (0x0600,), "ka": (0x10A0,),
}


class UncoveredCharacters(ValueError):
    """Text holds characters the form font cannot show."""

    def __init__(self, characters: str) -> None:
        super().__init__(f"the form font cannot show {characters!r}")
        self.characters = characters


# ---------------------------------------------------------------------------- the form font


def _fontconfig_file(family: str) -> str | None:
    """The font file fontconfig (as Pango and so WeasyPrint use it) picks for `family`."""
    name = ctypes.util.find_library("fontconfig")
    if not name:
        return None
    fc = ctypes.CDLL(name)
    fc.FcNameParse.restype = ctypes.c_void_p
    fc.FcNameParse.argtypes = [ctypes.c_char_p]
    fc.FcConfigSubstitute.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int]
    fc.FcDefaultSubstitute.argtypes = [ctypes.c_void_p]
    fc.FcFontMatch.restype = ctypes.c_void_p
    fc.FcFontMatch.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
    fc.FcPatternGetString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
    fc.FcPatternDestroy.argtypes = [ctypes.c_void_p]
    pattern = fc.FcNameParse(family.encode())
    fc.FcConfigSubstitute(None, pattern, 0)  # FcMatchPattern
    fc.FcDefaultSubstitute(pattern)
    result = ctypes.c_int()
    match = fc.FcFontMatch(None, pattern, ctypes.byref(result))
    fc.FcPatternDestroy(pattern)
    if not match:
        return None
    out = ctypes.c_char_p()
    found = fc.FcPatternGetString(match, b"file", 0, ctypes.byref(out)) == 0 and out.value
    path = out.value.decode() if found and out.value else None
    fc.FcPatternDestroy(match)
    return path


@cache
def _source_font() -> bytes:
    """The full program of the form font (read once per process)."""
    from pathlib import Path

    for family in FONT_FAMILIES:
        path = _fontconfig_file(family)
        if path and path.lower().endswith((".ttf", ".otf")) and Path(path).is_file():
            data = Path(path).read_bytes()
            if data[:4] in (b"\x00\x01\x00\x00", b"true"):  # TrueType outlines, as a CIDFontType2 needs
                return data
    raise RuntimeError("no TrueType font for form fields: install DejaVu Sans (fonts-dejavu-core)")


@dataclass(frozen=True)
class FormFont:
    """The subset, half-em form font: its program and what a stream needs to use it."""

    program: bytes
    base_font: str
    gids: Mapping[str, int]  # character -> glyph id
    widths: Mapping[int, float]  # glyph id -> advance in 1/1000 text space
    bbox: tuple[int, int, int, int]
    cap_height: int

    def missing(self, text: str) -> str:
        """Characters of `text` the font cannot show, in order, once each (line breaks are fine)."""
        return "".join(dict.fromkeys(c for c in text if c not in self.gids and c not in "\r\n\t"))

    def encode(self, text: str) -> bytes:
        return b"".join(self.gids.get(c, 0).to_bytes(2, "big") for c in text)

    def width(self, text: str, size: float) -> float:
        return sum(self.widths.get(self.gids.get(c, 0), 0) for c in text) * size / 1000


@cache
def form_font(characters: str) -> FormFont:
    """The form font holding `characters` (as many as the source font has)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # Tables read as the subsetter needs them; the dates in `head` kept as set below (fontTools
    # would set the time of saving), so that the same characters make the same bytes.
    font = TTFont(io.BytesIO(_source_font()), recalcTimestamp=False)
    cmap = font.getBestCmap()
    wanted = sorted({ord(c) for c in characters} & set(cmap))
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = [1, 2]
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM", "BASE", "JSTF", "MATH", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    head = font["head"]
    upem = head.unitsPerEm * EM_SCALE
    head.unitsPerEm = upem
    head.created = head.modified = FONT_TIME  # same input, same bytes
    for table, asc, desc in ((font["hhea"], "ascent", "descent"), (font["OS/2"], "sTypoAscender", "sTypoDescender")):
        setattr(table, asc, round(ASCENT * upem / 1000))
        setattr(table, desc, round(DESCENT * upem / 1000))
    font["hhea"].lineGap = font["OS/2"].sTypoLineGap = 0
    out = io.BytesIO()
    font.save(out)
    order = font.getGlyphOrder()
    gid_of = {name: i for i, name in enumerate(order)}
    gids = {chr(u): gid_of[n] for u, n in font.getBestCmap().items()}
    widths = {gid_of[n]: round(font["hmtx"][n][0] * 1000 / upem, 1) for n in order}
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(out.getvalue()).digest()[:6])
    name = font["name"].getDebugName(1) or "Sans"
    box = (head.xMin, head.yMin, head.xMax, head.yMax)
    return FormFont(
        program=out.getvalue(),
        base_font=f"{tag}+{name.replace(' ', '')}-Form",
        gids=gids,
        widths=widths,
        bbox=tuple(round(v * 1000 / upem) for v in box),  # type: ignore[arg-type]
        cap_height=round(getattr(font["OS/2"], "sCapHeight", 0) * 1000 / upem) or 360,
    )


def characters(language: str, text: str = "", extra: str = "") -> str:
    """The characters a form font holds for `language`, a sheet's `text` and `extra` ones."""
    starts = set(LANGUAGE_BLOCKS.get(language.split("-")[0].lower(), ()))
    for char in set(text + extra):
        starts.update(lo for lo, hi in BLOCKS if lo <= ord(char) <= hi)
    blocks = "".join(chr(c) for lo, hi in BLOCKS if lo in starts for c in range(lo, hi + 1))
    return "".join(sorted(set(BASE_CHARACTERS + blocks + text + extra) - set("\r\n\t")))


def _font_object(doc: pikepdf.Pdf, font: FormFont) -> pikepdf.Object:
    """A Type 0 (CID, Identity-H) font dictionary for `font`, with a ToUnicode map."""
    program = doc.make_stream(font.program)
    program.Length1 = len(font.program)
    descriptor = Dictionary(
        Type=Name.FontDescriptor, FontName=Name("/" + font.base_font), Flags=4,
        FontBBox=Array(font.bbox), ItalicAngle=0, Ascent=ASCENT, Descent=DESCENT,
        CapHeight=font.cap_height, StemV=80, FontFile2=program,
    )
    glyphs = sorted(font.widths)
    cid_font = Dictionary(
        Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=Name("/" + font.base_font),
        CIDSystemInfo=Dictionary(Registry=String("Adobe"), Ordering=String("Identity"), Supplement=0),
        FontDescriptor=doc.make_indirect(descriptor), CIDToGIDMap=Name.Identity,
        W=Array([0, Array([font.widths[g] for g in glyphs])]),
    )
    pairs = sorted((gid, char) for char, gid in font.gids.items())
    lines = [b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
             b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
             b"1 begincodespacerange <0000> <FFFF> endcodespacerange"]
    seen: set[int] = set()
    unique = [(g, c) for g, c in pairs if not (g in seen or seen.add(g))]  # type: ignore[func-returns-value]
    for start in range(0, len(unique), 100):
        chunk = unique[start:start + 100]
        lines.append(f"{len(chunk)} beginbfchar".encode())
        lines += [f"<{g:04X}> <{c.encode('utf-16-be').hex().upper()}>".encode() for g, c in chunk]
        lines.append(b"endbfchar")
    lines.append(b"endcmap CMapName currentdict /CMap defineresource pop end end")
    to_unicode = doc.make_stream(b"\n".join(lines))
    return doc.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type0, BaseFont=Name("/" + font.base_font), Encoding=Name("/Identity-H"),
        DescendantFonts=Array([doc.make_indirect(cid_font)]), ToUnicode=to_unicode,
    ))


@cache
def placeholder_font_url() -> str:
    """A `data:` URL of a tiny font for the inputs' CSS (see PLACEHOLDER_FAMILY)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "space"])
    builder.setupCharacterMap({0x20: "space"})
    empty = TTGlyphPen(None).glyph()
    builder.setupGlyf({".notdef": empty, "space": empty})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "space": (250, 0)})
    builder.setupHorizontalHeader(ascent=900, descent=-100)
    builder.setupNameTable({"familyName": PLACEHOLDER_FAMILY, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=900, sTypoDescender=-100, usWinAscent=900, usWinDescent=100)
    builder.setupPost()
    builder.updateHead(created=FONT_TIME, modified=FONT_TIME)
    out = io.BytesIO()
    builder.save(out)
    return "data:font/ttf;base64," + base64.b64encode(out.getvalue()).decode()


# ---------------------------------------------------------------------------- appearances


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def _ink() -> str:
    return " ".join(_num(c) for c in INK)


@dataclass
class FieldInfo:
    """One field of a finished blank, as a filler needs it. Object numbers are the blank's own
    (`(number, generation)`), so an incremental update can replace exactly those objects."""

    name: str
    kind: str  # "text", "multiline", "checkbox" or "radio"
    width: float = 0.0
    height: float = 0.0
    font_size: float = 0.0  # 0: automatic (single-line); a multi-line field's line pitch
    states: tuple[str, ...] = ()  # radio: the on-state of each widget, in order
    objgen: tuple[int, int] = (0, 0)  # the field dictionary (a radio field: the group)
    widget_objgens: tuple[tuple[int, int], ...] = ()  # its widgets (a text field is its own widget)


def wrap(font: FormFont, text: str, size: float, width: float) -> list[str]:
    """`text` broken into lines no wider than `width` at `size`, at spaces and line breaks."""
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and font.width(candidate, size) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def text_appearance(font: FormFont, info: FieldInfo, value: str) -> bytes:
    """Content stream showing `value` in a text field, laid out as poppler lays it out."""
    if not value:
        return b"/Tx BMC EMC"
    missing = font.missing(value)
    if missing:
        raise UncoveredCharacters(missing)
    w, h = info.width, info.height
    out = [f"/Tx BMC q 0 0 {_num(w)} {_num(h)} re W n BT {_ink()} rg"]
    if info.kind == "multiline":
        size = info.font_size
        out.append(f"{FONT_RESOURCE} {_num(size)} Tf")
        y = h - 3 - size
        for line in wrap(font, value, size, w - 2 * TEXT_INSET):
            if y < 0:
                break
            out.append(f"1 0 0 1 {_num(TEXT_INSET)} {_num(y)} Tm <{font.encode(line).hex().upper()}> Tj")
            y -= size
    else:
        line = " ".join(value.split())
        size = h - 2
        natural = font.width(line, 1)
        if natural * size > w - 2 * TEXT_INSET:
            size = max(2.0, (w - 2 * TEXT_INSET) / natural)
        out.append(f"{FONT_RESOURCE} {_num(size)} Tf")
        out.append(f"1 0 0 1 {_num(TEXT_INSET)} {_num(0.5 * h - 0.4 * size)} Tm <{font.encode(line).hex().upper()}> Tj")
    out.append("ET Q EMC")
    return "\n".join(out).encode()


def _tick(w: float, h: float) -> bytes:
    """A check mark filling most of a wxh box."""
    s = min(w, h)
    x0, y0 = (w - s) / 2, (h - s) / 2
    points = [(0.15, 0.52), (0.40, 0.22), (0.88, 0.82), (0.78, 0.90), (0.40, 0.40), (0.24, 0.62)]
    moves = (f"{_num(x0 + px * s)} {_num(y0 + py * s)} {'m' if i == 0 else 'l'}" for i, (px, py) in enumerate(points))
    path = " ".join(moves)
    return f"q {_ink()} rg {path} h f Q".encode()


def _dot(w: float, h: float) -> bytes:
    """A filled circle centred in a wxh box."""
    r = min(w, h) * 0.3
    cx, cy, k = w / 2, h / 2, 0.5523 * r
    c = [
        f"{_num(cx + r)} {_num(cy)} m",
        f"{_num(cx + r)} {_num(cy + k)} {_num(cx + k)} {_num(cy + r)} {_num(cx)} {_num(cy + r)} c",
        f"{_num(cx - k)} {_num(cy + r)} {_num(cx - r)} {_num(cy + k)} {_num(cx - r)} {_num(cy)} c",
        f"{_num(cx - r)} {_num(cy - k)} {_num(cx - k)} {_num(cy - r)} {_num(cx)} {_num(cy - r)} c",
        f"{_num(cx + k)} {_num(cy - r)} {_num(cx + r)} {_num(cy - k)} {_num(cx + r)} {_num(cy)} c",
    ]
    return f"q {_ink()} rg {' '.join(c)} f Q".encode()


def _xobject(doc: pikepdf.Pdf, content: bytes, w: float, h: float, fonts: Any = None) -> pikepdf.Object:
    stream = doc.make_stream(content)
    stream.Type = Name.XObject
    stream.Subtype = Name.Form
    stream.BBox = Array([0, 0, round(w, 3), round(h, 3)])
    stream.Resources = Dictionary(Font=fonts) if fonts is not None else Dictionary()
    return stream


def _size(widget: pikepdf.Object) -> tuple[float, float]:
    x0, y0, x1, y1 = (float(v) for v in widget.Rect)
    return abs(x1 - x0), abs(y1 - y0)


# ---------------------------------------------------------------------------- finishing


def _declared(sheet: Any) -> dict[str, tuple[FormField, Any]]:
    """{form field name: (its FormField, the sheet field)} as fields.py declares them."""
    return {ff.name: (ff, f) for f in sheet.all_fields for ff in f.form_fields(None)}


def _sheet_text(sheet: Any) -> str:
    parts = [sheet.title, sheet.intro]
    for f in sheet.all_fields:
        for attr in ("label", "default", "help", "low", "high", "text"):
            value = getattr(f, attr, "")
            if isinstance(value, str):
                parts.append(value)
        parts += list(getattr(f, "options", []) or [])
    return "".join(parts)


def _is_placeholder(font: Any) -> bool:
    return PLACEHOLDER_FAMILY.replace("-", "") in str(font.get("/BaseFont", "")).replace("-", "")


def finish(pdf: bytes, sheet: Any, *, language: str, extra_characters: str = "") -> bytes:
    """Finish the form of one worksheet PDF (see the module docstring)."""
    doc = pikepdf.open(io.BytesIO(pdf))
    if "/AcroForm" not in doc.Root:
        return pdf  # a stylesheet without `appearance: auto` inputs: no form to finish
    font = form_font(characters(language, _sheet_text(sheet), extra_characters))
    missing = font.missing(extra_characters)
    if missing:
        raise UncoveredCharacters(missing)
    font_ref = _font_object(doc, font)
    declared = _declared(sheet)
    fields: list[pikepdf.Object] = []
    groups_done: set[tuple[int, int]] = set()
    text_da = f"{FONT_RESOURCE} 0 Tf {_ink()} rg"
    for page in doc.pages:
        _drop_placeholder(page.obj.get("/Resources"))
        for widget in page.obj.get("/Annots", []):
            if widget.get("/Subtype") != Name.Widget:
                continue
            parent = widget.get("/Parent")
            if parent is not None and parent.get("/Ff", 0) & RADIO:
                if parent.objgen not in groups_done:
                    groups_done.add(parent.objgen)
                    _finish_radio(doc, parent, declared)
                    fields.append(parent)
                continue
            name = str(widget.get("/T", "")).replace(".", "_")
            widget.T = String(name)
            widget.F = PRINT_FLAG
            w, h = _size(widget)
            if widget.get("/FT") == Name.Btn:
                widget.V = widget.AS = Name.Off
                widget.AP = Dictionary(N=Dictionary(Yes=_xobject(doc, _tick(w, h), w, h), Off=_xobject(doc, b"", w, h)))
                widget.MK = Dictionary(CA=String("4"))
                widget.DA = String(f"/ZaDb 0 Tf {_ink()} rg")
                for key in ("/Border",):
                    if key in widget:
                        del widget[key]
            elif widget.get("/FT") == Name.Tx:
                declared_field = declared.get(name)
                if declared_field:
                    multiline = declared_field[0].kind == "multiline"
                else:  # a field a custom template added: keep what it asked for
                    multiline = bool(widget.get("/Ff", 0) & MULTILINE)
                info = FieldInfo(name, "multiline" if multiline else "text", w, h)
                if multiline:
                    lines = getattr(declared_field[1], "lines", 0) if declared_field else 0
                    info.font_size = round(h / lines, 3) if lines else 12.0 * EM_SCALE
                    x0, y0, x1, y1 = (float(v) for v in widget.Rect)
                    top = max(y0, y1) + LINE_OFFSET
                    widget.Rect = Array([min(x0, x1), min(y0, y1), max(x0, x1), top])
                    info.height = h + LINE_OFFSET
                    widget.Ff = MULTILINE
                    widget.DA = String(f"{FONT_RESOURCE} {_num(info.font_size)} Tf {_ink()} rg")
                else:
                    if "/Ff" in widget:
                        del widget["/Ff"]
                    widget.DA = String(text_da)
                widget.Q = 0
                widget.MK = Dictionary()
                value = getattr(declared_field[1], "default", "") if declared_field else ""
                widget.V = String(value)
                shown = text_appearance(font, info, value)
                fonts = Dictionary({FONT_RESOURCE: font_ref})
                widget.AP = Dictionary(N=_xobject(doc, shown, info.width, info.height, fonts))
            fields.append(widget)
    acro = doc.Root.AcroForm
    acro.Fields = Array(fields)
    # ZapfDingbats is named (never used by our own appearances) because viewers that redraw a
    # ticked box themselves, poppler among them, draw its tick from /ZaDb in /DR.
    dingbats = doc.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.ZapfDingbats))
    acro.DR = Dictionary(Font=Dictionary({FONT_RESOURCE: font_ref, "/ZaDb": dingbats}))
    acro.DA = String(f"{FONT_RESOURCE} 0 Tf 0 g")
    if "/NeedAppearances" in acro:
        del acro["/NeedAppearances"]
    out = io.BytesIO()
    doc.remove_unreferenced_resources()
    doc.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True,
             compress_streams=True, recompress_flate=False)
    return out.getvalue()


def _drop_placeholder(resources: Any) -> None:
    fonts = resources.get("/Font") if resources is not None else None
    if fonts is None:
        return
    for key in list(fonts.keys()):
        if _is_placeholder(fonts[key]):
            del fonts[key]


def _finish_radio(doc: pikepdf.Pdf, group: pikepdf.Object, declared: Mapping[str, tuple[FormField, Any]]) -> None:
    name = str(group.get("/T", "")).replace(".", "_")
    group.T = String(name)
    label = str(group.get("/TU", name))
    options = declared[name][0].options if name in declared else ()
    group.Ff = RADIO | NO_TOGGLE_OFF
    group.V = Name.Off
    group.DA = String(f"/ZaDb 0 Tf {_ink()} rg")
    for key in ("/Opt",):
        if key in group:
            del group[key]
    for number, kid in enumerate(group.Kids, 1):
        for key in ("/T", "/FT", "/Ff", "/V", "/Border", "/DA"):
            if key in kid:
                del kid[key]
        option = options[number - 1] if number <= len(options) else str(number)
        kid.TU = String(f"{label}: {option}")
        kid.F = PRINT_FLAG
        kid.AS = Name.Off
        w, h = _size(kid)
        states = {f"/{number}": _xobject(doc, _dot(w, h), w, h), "/Off": _xobject(doc, b"", w, h)}
        kid.AP = Dictionary(N=Dictionary(states))
        kid.MK = Dictionary(CA=String("l"))


# ---------------------------------------------------------------------------- filling


class Blank:
    """A finished blank read once: its fields and form font, ready to fill many times.
    Reading it never changes it; `fill` starts from the blank's bytes each time."""

    def __init__(self, pdf: bytes) -> None:
        self.pdf = pdf
        doc = pikepdf.open(io.BytesIO(pdf))
        font_ref = doc.Root.AcroForm.DR.Font[FONT_RESOURCE]
        self.font_objgen: tuple[int, int] = font_ref.objgen  # what /Resources /Font /FormSans names
        self.font = _read_font(font_ref)
        self.fields: dict[str, FieldInfo] = {}
        for obj in doc.Root.AcroForm.Fields:
            name = str(obj.T)
            if obj.get("/FT") == Name.Btn and obj.get("/Ff", 0) & RADIO:
                kids = list(obj.Kids)
                states = tuple(next(str(k)[1:] for k in kid.AP.N if k != "/Off") for kid in kids)
                info = FieldInfo(name, "radio", states=states, widget_objgens=tuple(k.objgen for k in kids))
            elif obj.get("/FT") == Name.Btn:
                info = FieldInfo(name, "checkbox", *_size(obj), widget_objgens=(obj.objgen,))
            else:
                multiline = bool(obj.get("/Ff", 0) & MULTILINE)
                size = float(str(obj.DA).split(" Tf")[0].split()[-1])
                kind = "multiline" if multiline else "text"
                info = FieldInfo(name, kind, *_size(obj), size, widget_objgens=(obj.objgen,))
            info.objgen = obj.objgen
            self.fields[name] = info

    def missing(self, text: str) -> str:
        """Characters of `text` the form font cannot show ("" when it shows them all)."""
        return self.font.missing(text)

    def appearance(self, info: FieldInfo, value: str) -> bytes:
        """The content stream of a text field's normal appearance (`/AP /N`) showing `value`:
        a form XObject with `/BBox [0 0 width height]` whose `/Resources` name the form font
        as `/FormSans`. Raises UncoveredCharacters for characters the font cannot show."""
        return text_appearance(self.font, info, value)


def _read_font(font_ref: Any) -> FormFont:
    from fontTools.ttLib import TTFont

    cid = font_ref.DescendantFonts[0]
    program = cid.FontDescriptor.FontFile2.read_bytes()
    tt = TTFont(io.BytesIO(program))
    upem = tt["head"].unitsPerEm
    order = tt.getGlyphOrder()
    gid_of = {n: i for i, n in enumerate(order)}
    return FormFont(
        program=program, base_font=str(font_ref.BaseFont)[1:],
        gids={chr(u): gid_of[n] for u, n in tt.getBestCmap().items()},
        widths={gid_of[n]: round(tt["hmtx"][n][0] * 1000 / upem, 1) for n in order},
        bbox=(0, 0, 0, 0), cap_height=0,
    )


def fill(pdf: bytes, values: Mapping[str, str | bool], blank: Blank | None = None) -> bytes:
    """The blank with `values` filled in, each with its appearance (text: str; check box: bool;
    radio: the option's number as text, "" for none). Unknown names raise KeyError."""
    blank = blank or Blank(pdf)
    doc = pikepdf.open(io.BytesIO(pdf))
    font_ref = doc.get_object(blank.font_objgen)
    for name, value in values.items():
        info = blank.fields[name]
        obj = doc.get_object(info.objgen)
        if info.kind == "checkbox":
            obj.V = obj.AS = Name.Yes if value else Name.Off
        elif info.kind == "radio":
            if value and str(value) not in info.states:
                raise ValueError(f"{name}: no option {value!r} (options: {', '.join(info.states)})")
            state = Name("/" + str(value)) if value else Name.Off
            obj.V = state
            for kid, on in zip(info.widget_objgens, info.states, strict=True):
                doc.get_object(kid).AS = state if str(value) == on else Name.Off
        else:
            text = str(value)
            obj.V = String(text)
            fonts = Dictionary({FONT_RESOURCE: font_ref})
            obj.AP = Dictionary(N=_xobject(doc, blank.appearance(info, text), info.width, info.height, fonts))
    out = io.BytesIO()
    doc.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
    return out.getvalue()
