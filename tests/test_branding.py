"""Rebranding through configuration: colours, logo, words; and their errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mentoring_site.cli import main

P = "content/program.yml"


def set_branding(root: Path, lines: str) -> None:
    yml = root / P
    yml.write_text(yml.read_text() + "branding:\n" + lines)


def errors(root: Path, capsys) -> list[str]:
    assert main(["validate", str(root)]) == 2
    return capsys.readouterr().err.splitlines()[:-1]


def test_low_contrast_colour_names_the_pair_and_ratio(small: Path, capsys) -> None:
    set_branding(small, '  primary_color: "#77aadd"\n  accent_color: "#ffcc00"\n')
    assert errors(small, capsys) == [
        f"{P}:24:18: branding.primary_color: #77aadd (primary_color, behind white header text): "
        "contrast with white is 2.45:1, below the 4.5:1 that WCAG AA requires for text; choose a darker colour",
        f"{P}:25:17: branding.accent_color: #ffcc00 (accent_color, as text on white): "
        "contrast with white is 1.51:1, below the 4.5:1 that WCAG AA requires for text; choose a darker colour",
    ]


@pytest.mark.parametrize(
    ("value", "setup", "message"),
    [
        ("assets/none.svg", None, "'assets/none.svg' does not exist"),
        ("assets/fake.png", b"GIF89a not a png", "'assets/fake.png' is not an SVG or PNG image"),
        ("assets/huge.png", b"\x89PNG\r\n\x1a\n" + b"0" * 1_000_001, "'assets/huge.png' is 1000009 bytes; images may be at most 1000000 bytes"),
        ("../outside.svg", None, "'../outside.svg' points outside the program folder"),
        ("assets/link.svg", "symlink", "'assets/link.svg' points outside the program folder"),
        ("/etc/passwd", None, "'/etc/passwd' must be a path inside the program folder, e.g. assets/logo.svg"),
        ("file:///etc/passwd", None, "'file:///etc/passwd' must be a path inside the program folder, e.g. assets/logo.svg"),
        ("https://example.org/logo.svg", None, "'https://example.org/logo.svg' must be a path inside the program folder, e.g. assets/logo.svg"),
    ],
)
def test_bad_logo_is_an_error_at_its_line(small: Path, capsys, value: str, setup, message: str) -> None:
    (small / "assets").mkdir()
    (small.parent / "outside.svg").write_text("<svg/>")
    name = value.rsplit("/", 1)[-1]
    if isinstance(setup, bytes):
        (small / "assets" / name).write_bytes(setup)
    elif setup == "symlink":
        os.symlink(small.parent / "outside.svg", small / "assets" / name)
    set_branding(small, f'  logo: "{value}"\n')
    assert errors(small, capsys) == [f"{P}:24:9: branding.logo: {message}"]


def test_branding_reaches_site_and_worksheets(small: Path, capsys) -> None:
    import pypdf

    (small / "assets").mkdir()
    (small / "assets/logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#123456"/></svg>')
    set_branding(small, '  primary_color: "#123456"\n  accent_color: "#8b1a1a"\n  logo: assets/logo.svg\n  favicon: assets/logo.svg\n  footer: "Guild footer"\n')
    assert main(["build", str(small), "-q"]) == 0
    site = small / "site"
    css = (site / "assets/mentoring.css").read_text()
    assert "--md-primary-fg-color: #123456;" in css and "--md-accent-fg-color: #8b1a1a;" in css
    home = (site / "index.html").read_text()
    assert 'src="assets/logo.svg"' in home and 'href="assets/favicon.svg"' in home
    assert "Guild footer" in home
    assert (site / "assets/logo.svg").read_bytes() == (small / "assets/logo.svg").read_bytes()
    reader = pypdf.PdfReader(site / "worksheets/plan-a4.pdf")
    text = reader.pages[0].extract_text()
    assert "Guild footer" in text
    assert any("/XObject" in (page.get("/Resources") or {}) for page in reader.pages), "logo drawn"


SERIF = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
SERIF_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf")


@pytest.mark.skipif(not SERIF.is_file(), reason="needs Debian's fonts-dejavu-core")
def test_local_font_and_support_contact_reach_site_and_worksheets(small: Path) -> None:
    import pypdf

    (small / "assets/fonts").mkdir(parents=True)
    (small / "assets/fonts/Serif.ttf").write_bytes(SERIF.read_bytes())
    (small / "assets/fonts/Serif-Bold.ttf").write_bytes(SERIF_BOLD.read_bytes())
    set_branding(small, (
        "  font:\n    family: Guild Serif\n    regular: assets/fonts/Serif.ttf\n    bold: assets/fonts/Serif-Bold.ttf\n"
        '  support:\n    name: "Guild Help Desk"\n    email: "help@guild.example"\n'
    ))
    assert main(["build", str(small), "-q"]) == 0
    site = small / "site"
    css = (site / "assets/mentoring.css").read_text()
    assert '@font-face {\n  font-family: "Guild Serif";\n  src: url("fonts/regular.ttf") format("truetype");\n  font-weight: 400;' in css
    assert 'src: url("fonts/bold.ttf") format("truetype");\n  font-weight: 700;' in css
    assert ':root { --md-text-font: "Guild Serif"; }' in css
    assert (site / "assets/fonts/regular.ttf").read_bytes() == SERIF.read_bytes()
    assert (site / "assets/fonts/bold.ttf").read_bytes() == SERIF_BOLD.read_bytes()
    home = (site / "index.html").read_text()
    assert "Help: Guild Help Desk, help@guild.example" in home  # footer
    assert 'href="mailto:help@guild.example"' in home  # footer link and home page
    reader = pypdf.PdfReader(site / "worksheets/plan-a4.pdf")
    assert "Help: Guild Help Desk, help@guild.example" in reader.pages[0].extract_text()
    fonts = {
        str(f["/BaseFont"]) for page in reader.pages
        for f in (page["/Resources"].get("/Font") or {}).values()
    }
    assert any(name.endswith("+Guild-Serif") for name in fonts), fonts  # the program's file, embedded
    assert any(name.endswith("+Guild-Serif-Bold") for name in fonts), fonts
    assert not any("DejaVuSans" in name for name in fonts), fonts


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("  font:\n    family: X\n    regular: assets/fake.ttf\n",
         f"{P}:26:14: branding.font.regular: 'assets/fake.ttf' is not a font file (WOFF2, WOFF, TTF or OTF)"),
        ("  font:\n    family: X\n    regular: ../outside.ttf\n",
         f"{P}:26:14: branding.font.regular: '../outside.ttf' points outside the program folder"),
        ("  font:\n    family: 'X\"; } body { display: none'\n    regular: assets/fake.ttf\n",
         f"{P}:25:13: branding.font.family: 'X\"; }} body {{ display: none' must be a font name of letters, "
         "digits, spaces and hyphens"),
        ("  support:\n    name: Help\n",
         f"{P}:24:3: branding.support.email: give an email, a url, or both"),
        ("  support:\n    name: Help\n    url: javascript:alert(1)\n",
         f"{P}:26:10: branding.support.url: 'javascript:alert(1)' must be a web address starting with https://"),
    ],
)
def test_bad_font_or_support_is_an_error_at_its_line(small: Path, capsys, lines: str, message: str) -> None:
    (small / "assets").mkdir()
    (small / "assets/fake.ttf").write_text("not a font")
    (small.parent / "outside.ttf").write_bytes(b"\x00\x01\x00\x00rest")
    set_branding(small, lines)
    assert errors(small, capsys)[:1] == [message.replace("}}", "}").replace("{{", "{")]


def test_program_name_shows_as_written_in_the_theme(small: Path) -> None:
    program = small / "content/program.yml"
    program.write_text(program.read_text().replace('name: "Tiny Test Program"', 'name: "Women\'s R&D Circle"', 1))
    assert main(["build", str(small), "-q"]) == 0
    home = (small / "site/index.html").read_text()
    assert 'title="Women’s R&amp;D Circle"' in home  # escaped once, by the theme
    assert 'aria-label="Women’s R&D Circle"' in home
    assert "&amp;amp;" not in home and "&#x27;" not in home
