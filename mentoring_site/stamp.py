"""Stamp values into a finished PDF form by an incremental update (ISO 32000-1 §7.5.6).

Laying a worksheet out is slow (WeasyPrint, most of a second); filling one in need not be.
`Blank.prepare` takes a worksheet once (per paper size), gives it a form font that covers every
character to be stamped, and works out everything about the fields that will be filled: their
object numbers, the rest of their dictionaries, their boxes. `Blank.stamp` then writes, for one
pair, the blank's bytes unchanged followed by only the changed field objects (each with its new
value `/V` and an appearance stream `/AP`), a cross-reference section for them and a trailer
whose `/Prev` points at the blank's own. Each pair costs little more than writing its bytes, and
the file stays an ordinary, still editable form: a viewer shows the update, and typing into a
field replaces the stamped value as usual.

pikepdf (qpdf) is used only to prepare a blank; stamping is byte assembly, with no PDF library.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import subprocess
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

PREPARE_VERSION = "1"  # bump when a prepared blank's bytes change for the same inputs
FONT_NAME = "/MSForm"  # the resource name of the stamping font in /AcroForm /DR
# Characters every form font carries, whatever the roster: what people type into worksheets
# in the program's language (Latin-1 and Latin Extended-A), plus common punctuation.
BASE_CHARACTERS = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "".join(chr(c) for c in range(0xA0, 0x180))
    + "\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac"
)
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
)
RULE_PITCH = 8.5 * 72 / 25.4  # the worksheets' write-on lines are 8.5 mm apart


class FontMissing(Exception):
    """No font on this machine can be used for form text."""


@cache
def font_file() -> Path:
    """The form font: DejaVu Sans from the machine (as WeasyPrint's worksheets use)."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", "DejaVu Sans"], capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        found = ""
    if found and Path(found).is_file() and found.lower().endswith((".ttf", ".otf")):
        return Path(found)
    raise FontMissing("no DejaVu Sans font found; install fonts-dejavu-core (Debian/Ubuntu) or fonts-dejavu")


@cache
def _cmap() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(font_file()), lazy=True) as font:
        return frozenset(font.getBestCmap())


def unshowable(text: str) -> str | None:
    """The first character of `text` the form font cannot show, or None."""
    known = _cmap()
    for char in text:
        if ord(char) not in known and not char.isspace():
            return char
    return None


@dataclass(frozen=True)
class FormFont:
    """A subset of the form font as PDF objects, with what stamping needs to lay text out."""

    glyphs: Mapping[str, int]  # character -> glyph id in the subset
    advances: Mapping[str, float]  # character -> advance width per 1000 units of font size
    ascent: float
    descent: float
    font_program: bytes

    @classmethod
    def subset(cls, characters: Iterable[str]) -> FormFont:
        import logging

        from fontTools import subset
        from fontTools.ttLib import TTFont

        logging.getLogger("fontTools").setLevel(logging.ERROR)

        wanted = sorted({ord(c) for c in (*BASE_CHARACTERS, *characters)} & _cmap())
        font = TTFont(str(font_file()))
        options = subset.Options()
        options.layout_features = []
        options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
        options.notdef_outline = True
        options.hinting = False
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=wanted)
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
        return cls.from_program(out.getvalue())

    @classmethod
    def from_program(cls, program: bytes) -> FormFont:
        """The font from a subset made earlier (e.g. kept in the cache)."""
        from fontTools.ttLib import TTFont

        font = TTFont(io.BytesIO(program))
        scale = 1000 / font["head"].unitsPerEm
        order = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
        cmap = font.getBestCmap()
        metrics = font["hmtx"].metrics
        glyphs = {chr(code): order[name] for code, name in cmap.items()}
        advances = {chr(code): metrics[name][0] * scale for code, name in cmap.items()}
        hhea = font["hhea"]
        return cls(glyphs, advances, hhea.ascent * scale, hhea.descent * scale, program)

    def width(self, text: str, size: float) -> float:
        return sum(self.advances.get(c, 600) for c in text) * size / 1000

    def encode(self, text: str) -> bytes:
        """Two-byte glyph ids, as a hex string for a content stream (Identity-H encoding)."""
        return b"<" + "".join(f"{self.glyphs.get(c, 0):04X}" for c in text).encode() + b">"

    def add_to(self, pdf: object) -> object:
        """Add this font to a pikepdf document as a Type 0 font; return the font dictionary."""
        import pikepdf

        assert isinstance(pdf, pikepdf.Pdf)
        by_gid = sorted({gid: c for c, gid in self.glyphs.items()}.items())
        widths = pikepdf.Array()
        for gid, char in by_gid:
            widths.extend([gid, pikepdf.Array([round(self.advances[char])])])
        tounicode = ["/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
                     "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
                     "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
                     "1 begincodespacerange <0000> <FFFF> endcodespacerange"]
        for start in range(0, len(by_gid), 100):
            chunk = by_gid[start : start + 100]
            tounicode.append(f"{len(chunk)} beginbfchar")
            tounicode += [f"<{gid:04X}> <{c.encode('utf-16-be').hex().upper()}>" for gid, c in chunk]
            tounicode.append("endbfchar")
        tounicode += ["endcmap CMapName currentdict /CMap defineresource pop end end"]
        descriptor = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/MSFORM+DejaVuSans"), Flags=32,
            FontBBox=[-1021, -463, 1793, 1232], ItalicAngle=0, Ascent=round(self.ascent),
            Descent=round(self.descent), CapHeight=729, StemV=80,
            FontFile2=pdf.make_stream(zlib.compress(self.font_program, 9), Filter=pikepdf.Name.FlateDecode),
        ))
        cid = pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=pikepdf.Name("/MSFORM+DejaVuSans"),
            CIDSystemInfo=pikepdf.Dictionary(Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"),
                                             Supplement=0),
            FontDescriptor=descriptor, W=widths, DW=600, CIDToGIDMap=pikepdf.Name.Identity,
        )
        return pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name("/MSFORM+DejaVuSans"),
            Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[pdf.make_indirect(cid)],
            ToUnicode=pdf.make_stream("\n".join(tounicode).encode()),
        ))


def pdf_string(text: str) -> bytes:
    """A PDF text string: literal for ASCII, else UTF-16BE with a byte-order mark, in hex."""
    if text.isascii():
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace("\r", "\\r")
        return b"(" + escaped.replace("\n", "\\n").encode() + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


@dataclass(frozen=True)
class Slot:
    """A field the stamper can fill: where it is and what its dictionary holds besides the value."""

    name: str
    number: int  # object number (generation 0)
    body: bytes  # the field dictionary's entries but /V and /AP
    width: float
    height: float
    multiline: bool
    centred: bool


@dataclass
class Blank:
    """A prepared form, ready to be stamped many times."""

    data: bytes
    slots: dict[str, Slot]
    font: FormFont
    font_ref: bytes  # "N 0 R" of the font dictionary
    size: int  # /Size of the prepared file's cross-reference
    startxref: int
    trailer: bytes  # /Root, /Info and /ID entries for the update's trailer
    resource: bytes = FONT_NAME.encode()  # the font's name in an appearance stream's /Resources
    finished: Any = None  # forms.Blank, for a form the forms stage finished: its font and layout
    _shown: dict[tuple[str, str], bytes] = dataclasses.field(default_factory=dict, repr=False)  # appearances made

    @classmethod
    def prepare(
        cls, pdf_bytes: bytes, font: FormFont, names: Iterable[str], *, read_only: Iterable[str] = (),
        cached: Callable[[str, Callable[[], bytes]], bytes] | None = None,
    ) -> Blank:
        """Give the form `font`, and find the fields `names` (full names) that will be stamped.

        Fields in `read_only` get the read-only flag and are centred (a certificate's names).
        `cached(key, make)` may keep the prepared bytes (they depend only on the inputs).
        """
        wanted = set(names)
        frozen = set(read_only)
        digest = hashlib.sha256(PREPARE_VERSION.encode())
        for part in (pdf_bytes, font.font_program, "\0".join(sorted(wanted)), "\0".join(sorted(frozen))):
            digest.update(hashlib.sha256(part if isinstance(part, bytes) else part.encode()).digest())

        def make() -> bytes:
            return cls._prepared(pdf_bytes, font, wanted, frozen)

        data = cached(digest.hexdigest(), make) if cached else make()
        return cls._analyse(data, font, wanted)

    @staticmethod
    def _prepared(pdf_bytes: bytes, font: FormFont, wanted: set[str], frozen: set[str]) -> bytes:
        import pikepdf

        from .forms import FONT_RESOURCE

        with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
            form = pdf.Root.AcroForm
            resources = form.get("/DR") or pikepdf.Dictionary()
            fonts = resources.get("/Font") or pikepdf.Dictionary()
            # A form the forms stage finished has its font (covering the roster) and /DA already;
            # any other form (the certificate) gets ours.
            own = FONT_RESOURCE not in fonts
            if own:
                fonts[FONT_NAME] = font.add_to(pdf)
                resources.Font = fonts
                form.DR = resources
                # Every stamped field carries its appearance; viewers must not redraw them.
                form.NeedAppearances = False
            found = set()
            for field in _walk(form.Fields):
                name = _full_name(field)
                if name in wanted:
                    found.add(name)
                    if own:
                        field.DA = pikepdf.String(f"0 g {FONT_NAME} 0 Tf")
                    if name in frozen:  # read-only and centred
                        field.Ff = int(field.get("/Ff", 0)) | 1
                        field.Q = 1
            if found != wanted:
                raise KeyError(f"fields not in the form: {', '.join(sorted(wanted - found))}")
            out = io.BytesIO()
            pdf.save(out, static_id=True, deterministic_id=False)
        return out.getvalue()

    @classmethod
    def _analyse(cls, data: bytes, font: FormFont, wanted: set[str]) -> Blank:
        import pikepdf

        with pikepdf.open(io.BytesIO(data)) as pdf:
            slots = {}
            for field in _walk(pdf.Root.AcroForm.Fields):
                name = _full_name(field)
                if name not in wanted:
                    continue
                number, generation = field.objgen
                if number == 0 or generation != 0:
                    raise ValueError(f"field {name} is not an indirect object of generation 0")
                body = b"".join(
                    bytes(key, "ascii") + b" " + _unparse(field.get(key)) + b"\n"
                    for key in field.keys()  # noqa: SIM118 (pikepdf dictionaries iterate differently)
                    if key not in ("/V", "/AP")
                )
                x0, y0, x1, y1 = (float(v) for v in field.Rect)
                flags = int(field.get("/Ff", 0))
                slots[name] = Slot(name, number, body, abs(x1 - x0), abs(y1 - y0), bool(flags & 4096),
                                   int(field.get("/Q", 0)) == 1)
            from . import forms

            finished = None
            resource = FONT_NAME
            if forms.FONT_RESOURCE in pdf.Root.AcroForm.DR.Font:
                resource = forms.FONT_RESOURCE
                finished = forms.Blank(data)
            font_ref = pdf.Root.AcroForm.DR.Font[resource]
            trailer = b"/Root " + pdf.trailer.Root.unparse() + b"\n"
            if "/Info" in pdf.trailer:
                trailer += b"/Info " + pdf.trailer.Info.unparse() + b"\n"
            ident = pdf.trailer.get("/ID")
            if ident is not None:
                trailer += b"/ID [" + ident[0].unparse(resolved=True) + b" " + ident[1].unparse(resolved=True) + b"]\n"
            size = int(pdf.trailer.Size)
            font_objgen = font_ref.objgen
        startxref = int(re.findall(rb"startxref\s+(\d+)", data[-1024:])[-1])
        ref = f"{font_objgen[0]} {font_objgen[1]} R".encode()
        return cls(data, slots, font, ref, size, startxref, trailer, resource.encode(), finished)

    def appearance(self, slot: Slot, text: str) -> bytes:
        """The content of an appearance stream showing `text` in `slot`."""
        key = (slot.name, text)
        shown = self._shown.get(key)
        if shown is None:
            if len(self._shown) > 2_000:  # names rarely repeat; dates and the contact do: memory stays flat
                self._shown.clear()
            shown = self._shown[key] = self._appearance(slot, text)
        return shown

    def _appearance(self, slot: Slot, text: str) -> bytes:
        if self.finished is not None:  # as the forms stage lays text out, so stamped and typed agree
            return self.finished.appearance(self.finished.fields[slot.name], text)
        font = self.font
        pad = 2.0
        inner = slot.width - 2 * pad
        ops = [b"/Tx BMC q BT 0 g"]
        if slot.multiline:
            size = 10.0
            from .forms import wrap

            lines = wrap(font, text, size, inner)
            pitch = RULE_PITCH if slot.height >= 1.5 * RULE_PITCH else size * 1.2
            capacity = max(1, round(slot.height / pitch))
            lines = lines[:capacity]
            ops.append(b"/MSForm %.2f Tf %.2f TL" % (size, pitch))
            # The first baseline sits just above the first printed rule; the rest follow the rules.
            ops.append(b"%.2f %.2f Td" % (pad, slot.height - pitch + 0.25 * size))
            for i, line in enumerate(lines):
                ops.append((b"T* " if i else b"") + font.encode(line) + b" Tj")
        else:
            size = min(24.0 if slot.centred else 10.0, slot.height * 0.6)
            width = font.width(text, size)
            if width > inner and width > 0:
                size = max(4.0, size * inner / width)  # shrink to fit: a small cell shows it all
                width = font.width(text, size)
            x = pad + max(0.0, (inner - width) / 2) if slot.centred else pad
            y = (slot.height - (font.ascent - font.descent) * size / 1000) / 2 - font.descent * size / 1000
            ops.append(b"/MSForm %.2f Tf %.2f %.2f Td " % (size, x, y) + font.encode(text) + b" Tj")
        ops.append(b"ET Q EMC")
        return b"\n".join(ops)

    def stamp(self, values: Mapping[str, str]) -> bytes:
        """The blank with `values` ({field name: text}) filled in, as an incremental update."""
        out = [self.data]
        offset = len(self.data)
        if not self.data.endswith(b"\n"):
            out.append(b"\n")
            offset += 1
        entries: list[tuple[int, int]] = []
        number = self.size
        for name, text in values.items():
            if not text:
                continue
            slot = self.slots[name]
            content = self.appearance(slot, text)
            stream = (
                b"%d 0 obj\n<< /Type /XObject /Subtype /Form /BBox [0 0 %.3f %.3f]"
                b" /Resources << /Font << %s %s >> >>"
                b" /Length %d >>\nstream\n"
                % (number, slot.width, slot.height, self.resource, self.font_ref, len(content))
                + content + b"\nendstream\nendobj\n"
            )
            field = (
                b"%d 0 obj\n<<\n" % slot.number + slot.body + b"/V " + pdf_string(text)
                + b"\n/AP << /N %d 0 R >>\n>>\nendobj\n" % number
            )
            entries.append((number, offset))
            offset += len(stream)
            entries.append((slot.number, offset))
            offset += len(field)
            out += [stream, field]
            number += 1
        xref = [b"xref\n"]
        for first, group in _runs(sorted(entries)):
            xref.append(b"%d %d\n" % (first, len(group)))
            xref += [b"%010d 00000 n \n" % at for _, at in group]
        out += xref
        out.append(b"trailer\n<<\n/Size %d\n/Prev %d\n" % (number, self.startxref) + self.trailer + b">>\n")
        out.append(b"startxref\n%d\n%%%%EOF\n" % offset)
        return b"".join(out)


def _unparse(value: object) -> bytes:
    """PDF syntax for a value read with pikepdf (which turns numbers into Python ones)."""
    import pikepdf

    if isinstance(value, pikepdf.Object):
        return bytes(value.unparse())
    return bytes(pikepdf.Array([value]).unparse()).strip()[1:-1].strip()


def _runs(entries: list[tuple[int, int]]) -> list[tuple[int, list[tuple[int, int]]]]:
    """Consecutive object numbers grouped into cross-reference subsections."""
    runs: list[tuple[int, list[tuple[int, int]]]] = []
    for number, at in entries:
        if runs and runs[-1][0] + len(runs[-1][1]) == number:
            runs[-1][1].append((number, at))
        else:
            runs.append((number, [(number, at)]))
    return runs




def _walk(fields: object) -> Iterable[object]:
    for field in fields:  # type: ignore[attr-defined]
        yield field
        if "/Kids" in field:
            yield from (kid for kid in _walk(field.Kids) if "/T" in kid)


def _full_name(field: object) -> str:
    parts = []
    node = field
    while node is not None:
        if "/T" in node:  # type: ignore[operator]
            parts.append(str(node.T))  # type: ignore[attr-defined]
        node = node.get("/Parent")  # type: ignore[attr-defined]
    return ".".join(reversed(parts))
