"""SVG safety: an SVG (logo, favicon, a file beside the pages) is published only if it is a
picture and nothing more.

An SVG opened on its own in a browser is a document that can run script, follow links and fetch
other files. Searching its text misses what an XML parser sees (a script element under another
prefix, a file in UTF-16), so we parse it (defusedxml: no DTD, no entities, no external
anything) and allow elements and attributes by namespace:

- in the SVG namespace, the elements of shapes, text, gradients, patterns, masks, filters and
  styles; no script, no foreignObject, no links (`<a>`), no animation (which can rewrite an
  attribute into a script URL), no switch;
- attributes from a fixed list of geometry and presentation names, plus `data-*`, `aria-*`;
  references (`href`, `xlink:href`, `url(...)`) only to a part of the same file (`#id`), and an
  `<image>` only as an embedded raster (`data:image/png;base64,...`);
- style (the element and the attribute) without `@import`, outside `url()` or `expression()`;
- editor metadata (Inkscape, Sodipodi, RDF, Creative Commons, Dublin Core) is kept: browsers
  ignore elements of namespaces they do not know, and their children are checked all the same;
- `<use>` repeats another part of the picture, and nested repeats multiply (a 2 KB file kept
  WeasyPrint busy for minutes): at most MAX_USES of them, each naming a part of the file that
  holds no `<use>` itself.

`problem(data)` gives the first thing that is not allowed, with its line and column in the SVG.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.parsers.expat import ExpatError

import defusedxml.ElementTree as defused
from defusedxml import DefusedXmlException

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
METADATA_NAMESPACES = {
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://creativecommons.org/ns#",
    "http://web.resource.org/cc/",
    "http://purl.org/dc/elements/1.1/",
}
MAX_USES = 64
MAX_ELEMENTS = 50_000
MAX_DEPTH = 100

ELEMENTS = {
    "svg", "g", "defs", "title", "desc", "metadata", "symbol", "use", "style",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "image",
    "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
    "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feDropShadow",
    "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feMerge",
    "feMergeNode", "feMorphology", "feOffset",
}
ATTRIBUTES = {
    "id", "class", "style", "lang", "role", "focusable", "version", "baseProfile", "href",
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "dx", "dy",
    "width", "height", "viewBox", "preserveAspectRatio", "transform", "d", "points", "pathLength",
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "opacity", "color",
    "display", "visibility", "overflow", "clip", "clip-path", "clip-rule", "mask", "filter",
    "font-family", "font-size", "font-size-adjust", "font-weight", "font-style", "font-variant",
    "font-stretch", "text-anchor", "dominant-baseline", "alignment-baseline", "baseline-shift",
    "letter-spacing", "word-spacing", "text-decoration", "text-rendering", "writing-mode", "direction",
    "unicode-bidi", "rotate", "textLength", "lengthAdjust", "startOffset", "method", "spacing", "side",
    "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod",
    "patternUnits", "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits",
    "maskContentUnits", "markerWidth", "markerHeight", "markerUnits", "refX", "refY", "orient",
    "marker-start", "marker-mid", "marker-end", "shape-rendering", "image-rendering",
    "color-interpolation", "color-interpolation-filters", "color-rendering", "enable-background",
    "isolation", "mix-blend-mode", "paint-order", "vector-effect", "solid-color", "solid-opacity",
    "filterUnits", "primitiveUnits", "in", "in2", "result", "stdDeviation", "mode", "operator",
    "k1", "k2", "k3", "k4", "type", "values", "tableValues", "slope", "intercept", "amplitude",
    "exponent", "flood-color", "flood-opacity", "lighting-color", "radius", "edgeMode",
    "media", "title",
}
XLINK_ATTRIBUTES = {"href", "title", "type", "role", "arcrole", "show", "actuate"}
XML_ATTRIBUTES = {"space", "lang", "id"}
FRAGMENT = re.compile(r"\s*#[^\s#]+\s*")
RASTER = re.compile(r"\s*data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*", re.I)
URL_CALL = re.compile(r"url\s*\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
STYLE_DANGER = re.compile(r"@import|expression\s*\(|javascript\s*:|behavior\s*:|-moz-binding", re.I)


@dataclass
class Node:
    namespace: str
    name: str
    attrs: dict[str, str]
    line: int
    column: int
    children: list[Node] = field(default_factory=list)
    text: str = ""


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


class _Tree:
    """An ElementTree parser target that keeps where each element starts."""

    def __init__(self) -> None:
        self.parser: defused.DefusedXMLParser | None = None
        self.stack: list[Node] = []
        self.root: Node | None = None
        self.count = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        assert self.parser is not None
        expat = self.parser.parser
        namespace, name = _split(tag)
        node = Node(namespace, name, dict(attrs), expat.CurrentLineNumber, expat.CurrentColumnNumber + 1)
        self.count += 1
        if self.count > MAX_ELEMENTS:
            raise _Refused(node, f"has more than {MAX_ELEMENTS} elements")
        if len(self.stack) >= MAX_DEPTH:
            raise _Refused(node, f"nests elements deeper than {MAX_DEPTH} levels")
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def end(self, tag: str) -> None:
        self.stack.pop()

    def data(self, text: str) -> None:
        if self.stack:
            self.stack[-1].text += text

    def close(self) -> Node | None:
        return self.root


class _Refused(Exception):
    def __init__(self, node: Node, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.message = message


@dataclass(frozen=True)
class SvgProblem:
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


def _label(node: Node) -> str:
    where = "" if node.namespace == SVG else f" (namespace {node.namespace or 'none'})"
    return f"<{node.name}>{where}"


def _attribute_name(key: str) -> str:
    namespace, name = _split(key)
    prefix = {XLINK: "xlink:", XML: "xml:"}.get(namespace, f"{{{namespace}}}" if namespace else "")
    return prefix + name


def _check_style(node: Node, css: str, what: str) -> None:
    if STYLE_DANGER.search(css):
        raise _Refused(node, f"{what} of {_label(node)} imports or runs something; only plain styles are allowed")
    for match in URL_CALL.finditer(css):
        if not FRAGMENT.fullmatch(match.group(2)):
            raise _Refused(node, f"{what} of {_label(node)} refers to {match.group(2)[:80]!r}; "
                                 "only parts of the same file (url(#id)) are allowed")


def _check_attribute(node: Node, key: str, value: str) -> None:
    namespace, name = _split(key)
    shown = _attribute_name(key)
    if namespace in METADATA_NAMESPACES:
        return
    allowed = (
        (namespace == "" and (name in ATTRIBUTES or name.startswith(("data-", "aria-"))))
        or (namespace == XLINK and name in XLINK_ATTRIBUTES)
        or (namespace == XML and name in XML_ATTRIBUTES)
    )
    if not allowed or name.lower().startswith("on"):
        raise _Refused(node, f"attribute {shown} on {_label(node)} is not allowed "
                             "(no event handlers or unknown attributes)")
    if name == "href" and namespace in ("", XLINK):
        if node.name == "image" and RASTER.fullmatch(value):
            return
        if not FRAGMENT.fullmatch(value):
            raise _Refused(node, f"{shown} on {_label(node)} leads to {value[:80]!r}; only parts of the same file "
                                 "(#id) are allowed, and images only as embedded PNG, JPEG, GIF or WebP data")
    elif name == "style":
        _check_style(node, value, "the style attribute")
    elif "url" in value.lower():
        _check_style(node, value, f"attribute {shown}")


def _walk(root: Node) -> None:
    ids: dict[str, Node] = {}
    uses: list[Node] = []
    todo = [root]
    while todo:
        node = todo.pop()
        if node.namespace == SVG:
            if node.name not in ELEMENTS:
                raise _Refused(node, f"{_label(node)} is not allowed: an SVG here may hold shapes, text, gradients, "
                                     "filters and styles, but no script, links, animation or embedded documents")
        elif node.namespace not in METADATA_NAMESPACES:
            raise _Refused(node, f"{_label(node)} is not allowed: only SVG elements and editor metadata are")
        for key, value in node.attrs.items():
            _check_attribute(node, key, value)
        if node.namespace == SVG and node.name == "style":
            _check_style(node, node.text, "the style element")
        for key in ("id", f"{{{XML}}}id"):
            if key in node.attrs:
                ids[node.attrs[key]] = node
        if node.namespace == SVG and node.name == "use":
            uses.append(node)
        todo.extend(reversed(node.children))
    if len(uses) > MAX_USES:
        raise _Refused(uses[MAX_USES], f"more than {MAX_USES} <use> elements; repeats multiply the work of "
                                       "drawing the picture, so save it with the shapes written out")
    for use in uses:
        ref = (use.attrs.get("href") or use.attrs.get(f"{{{XLINK}}}href") or "").strip()
        target = ids.get(ref[1:]) if ref.startswith("#") else None
        if target is None:
            raise _Refused(use, f"<use> names {ref!r}, which is no part of this file")
        inner = [target]
        while inner:
            node = inner.pop()
            if node.namespace == SVG and node.name == "use":
                raise _Refused(use, f"<use> repeats {ref!r}, which holds a <use> itself (at line {node.line}); "
                                    "nested repeats multiply, so save the SVG with the shapes written out")
            inner.extend(node.children)


def looks_like_svg(head: bytes) -> bool:
    """Whether the start of a file reads as an SVG, in UTF-8 or (with its byte-order mark) UTF-16."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    return b"<svg" in head


def problem(data: bytes) -> SvgProblem | None:
    """The first thing in this SVG that is not allowed, or None if it is a plain picture."""
    tree = _Tree()
    parser = defused.DefusedXMLParser(target=tree, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    tree.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except _Refused as exc:
        return SvgProblem(exc.node.line, exc.node.column, exc.message)
    except DefusedXmlException as exc:
        return SvgProblem(getattr(exc, "lineno", None) or 1, 1,
                          f"declares a DTD or entities ({type(exc).__name__}); save the SVG without them")
    except (ExpatError, defused.ParseError) as exc:
        line, column = getattr(exc, "position", (1, 0))
        return SvgProblem(line, column + 1, f"is not well-formed XML ({str(exc).split(':')[0]})")
    if root is None or (root.namespace, root.name) != (SVG, "svg"):
        return SvgProblem(1, 1, "is not an SVG image (its root must be <svg> in the SVG namespace)")
    try:
        _walk(root)
    except _Refused as exc:
        return SvgProblem(exc.node.line, exc.node.column, exc.message)
    return None
