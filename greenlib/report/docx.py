"""Word (.docx) version of a report, written from the *executed* notebook.

:func:`notebook_to_docx` reads the same executed notebook that :mod:`greenlib.report.render`
turns into HTML and writes an office-style (公文-like) Word document:

* the report title and a date line on top, then a table of contents (a ``TOC \\o "1-3"
  \\h`` field, pre-filled with the headings and marked to update when Word opens the file);
* markdown headings as Word's built-in *Heading 1/2/3* styles (the navigation pane and
  the TOC work), paragraphs, lists, bold and italic from a small markdown walk
  (markdown-it-py, already a dependency of jupytext);
* the ``show_table`` HTML tables as real Word tables: borders, a header row repeated on
  every page, fixed column widths that fit the page (long text columns get the width,
  short ones keep theirs), tables too wide for A4 portrait in a landscape section, then
  a smaller font;
* the charts as PNG pictures drawn from their Vega-Lite specs by vl-convert (offline:
  external data URLs are refused), sized to the page;
* ``show_note`` boxes as shaded paragraphs; "第 X 页 共 Y 页" (PAGE / NUMPAGES fields) in
  the footer; A4 paper.

Fonts follow GB/T 9704 (党政机关公文格式) loosely: body 仿宋 四号, headings 黑体 / 楷体 /
仿宋加粗, title 宋体 二号 bold, Times New Roman for Latin letters and digits. The East Asian
font is written as ``w:eastAsia`` on ``w:rFonts`` of the document defaults and of every
style (and the theme-font attributes, which would override it, are removed); the
document's East Asian language is zh-CN. The fonts are *named*, not embedded: Word on
the readers' Windows machines has 仿宋, 黑体, 楷体 and 宋体.

Why python-docx from the notebook outputs rather than pandoc (``pypandoc_binary``, a
registry package that ships its own ~100 MB pandoc binary)?

* **East Asian fonts.** pandoc writes its runs with a reference.docx's styles; setting
  ``w:eastAsia`` on every style, the zh-CN theme language and 公文 sizes means building
  and maintaining a reference.docx by hand in Word. Here they are a few lines of code,
  reviewed like the rest.
* **Tables.** pandoc gives each column a width from the *relative* length of the dashes in
  a pipe table (or none at all for HTML tables), has no "repeat header row" and no
  landscape section for a wide table. Here the widths are computed from the cell texts
  and the page, the header repeats, and a 9-column table gets a landscape page.
* **Fields.** pandoc's ``--toc`` writes a TOC field but no PAGE/NUMPAGES footer and no
  ``updateFields``; the footer would again need a hand-made reference.docx.
* **Charts.** The reports' charts are Vega-Lite specs drawn by JavaScript in the browser;
  pandoc cannot draw them. They would have to be converted to PNG first anyway
  (vl-convert), so the input to pandoc would be a second, rewritten document.
* **Size and install.** No extra 100 MB binary on the build machine; python-docx was
  already a dependency (the ingest step reads .docx plans).

What pandoc would do better: footnotes, math and arbitrary markdown. The reports use
none of them; unknown output types are skipped (text/plain reprs, like in the HTML).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import os
import re
import struct
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Length, Mm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from lxml import html as lxml_html
from markdown_it import MarkdownIt
from nbformat import NotebookNode

from ..errors import GreenlibError

__all__ = ["chart_png", "cjk_renders", "notebook_blocks", "notebook_to_docx"]

# --------------------------------------------------------------------------- page and fonts

#: Latin letters and digits (公文 use Times New Roman beside 仿宋).
LATIN = "Times New Roman"
BODY_FONT = "仿宋"
HEADING_FONTS = ("黑体", "楷体", "仿宋")  # levels 1, 2, 3 (GB/T 9704: 黑体, 楷体, 仿宋加粗)
TITLE_FONT = "宋体"
TABLE_HEADER_FONT = "黑体"

BODY_PT = 14  # 四号
HEADING_PT = (16, 15, 14)  # 三号, 小三, 四号
TITLE_PT = 22  # 二号
TABLE_PT = 10.5  # 五号
SMALL_TABLE_PT = 9  # 小五, for tables too wide even for a landscape page

PAGE_W, PAGE_H = Mm(210), Mm(297)  # A4
#: margins of a portrait page (top, right, bottom, left); a landscape page turns them
MARGINS = (Mm(30), Mm(26), Mm(28), Mm(28))
#: cell padding left + right (Table Grid: 108 twips each side)
CELL_PAD_PT = 2 * 108 / 20

SHADE_NOTE = "EAF2FB"
SHADE_WARN = "FDF3E1"
SHADE_HEADER = "E7EDE7"

# --------------------------------------------------------------------------- blocks


@dataclass
class Run:
    """A piece of inline text with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Block:
    """One element of the document, independent of python-docx.

    ``kind``: title, meta, heading, para, item, note, empty, table, chart, image.
    """

    kind: str
    runs: list[Run] = field(default_factory=list)
    level: int = 0  # heading level (1..3), list depth
    label: str = ""  # list marker ("•", "1.") or note kind ("note", "warn")
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    numeric: list[bool] = field(default_factory=list)
    spec: dict[str, Any] | None = None
    png: bytes = b""
    landscape: bool = False

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


def _runs(text: str, bold: bool = False) -> list[Run]:
    return [Run(text, bold=bold)] if text else []


# --------------------------------------------------------------------------- markdown


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


@functools.cache
def _md() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").enable("strikethrough")


def _inline_runs(token: Any) -> list[Run]:
    """The children of an ``inline`` token as runs; a line break inside Chinese text
    disappears (the notebooks wrap long sentences), elsewhere it is a space."""
    runs: list[Run] = []
    bold = italic = 0
    children = token.children or []
    for i, ch in enumerate(children):
        t = ch.type
        if t == "strong_open":
            bold += 1
        elif t == "strong_close":
            bold -= 1
        elif t == "em_open":
            italic += 1
        elif t == "em_close":
            italic -= 1
        elif t in ("text", "code_inline"):
            runs.append(Run(ch.content, bold > 0, italic > 0))
        elif t == "softbreak":
            before = runs[-1].text[-1:] if runs else ""
            after = next((c.content[:1] for c in children[i + 1:] if c.content), "")
            if not (before and after and (_is_wide(before) or _is_wide(after))):
                runs.append(Run(" ", bold > 0, italic > 0))
        elif t == "hardbreak":
            runs.append(Run("\n", bold > 0, italic > 0))
        elif t == "image":
            runs.append(Run(ch.content or "", bold > 0, italic > 0))
        elif t == "html_inline":
            continue
    merged: list[Run] = []
    for r in runs:  # join neighbours with the same emphasis
        if merged and (merged[-1].bold, merged[-1].italic) == (r.bold, r.italic):
            merged[-1].text += r.text
        else:
            merged.append(r)
    return [r for r in merged if r.text]


def markdown_blocks(text: str, heading_offset: int = 0) -> list[Block]:
    """Markdown → blocks. A ``#``×n heading becomes level ``n - heading_offset`` (1..3)."""
    tokens = _md().parse(text)
    blocks: list[Block] = []
    lists: list[list[Any]] = []  # stack of [ordered, next number]
    table: Block | None = None
    row: list[str] | None = None
    in_head = False
    heading_level = 0
    quote = 0
    for tok in tokens:
        t = tok.type
        if t == "heading_open":
            heading_level = int(tok.tag[1])
        elif t == "heading_close":
            heading_level = 0
        elif t == "bullet_list_open":
            lists.append([False, 0])
        elif t == "ordered_list_open":
            lists.append([True, int(tok.attrGet("start") or 1)])
        elif t in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif t == "blockquote_open":
            quote += 1
        elif t == "blockquote_close":
            quote -= 1
        elif t == "table_open":
            table = Block("table")
        elif t == "table_close" and table is not None:
            table.numeric = [_numeric_column([r[i] for r in table.rows if i < len(r)])
                             for i in range(len(table.header))]
            blocks.append(table)
            table = None
        elif t == "thead_open":
            in_head = True
        elif t == "thead_close":
            in_head = False
        elif t == "tr_open":
            row = []
        elif t == "tr_close" and table is not None and row is not None:
            if in_head:
                table.header = row
            else:
                table.rows.append(row)
            row = None
        elif t == "inline":
            runs = _inline_runs(tok)
            if row is not None:
                row.append("".join(r.text for r in runs).strip())
            elif heading_level:
                level = min(3, max(1, heading_level - heading_offset))
                blocks.append(Block("heading", [Run("".join(r.text for r in runs).strip())],
                                    level=level))
            elif lists:
                ordered, n = lists[-1]
                if ordered:
                    lists[-1][1] += 1
                blocks.append(Block("item", runs, level=len(lists),
                                    label=f"{n}." if ordered else "•"))
            elif quote:
                blocks.append(Block("note", runs, label="note"))
            else:
                blocks.append(Block("para", runs))
        elif t in ("fence", "code_block"):
            blocks.append(Block("para", _runs(tok.content.rstrip("\n"))))
    return blocks


def _heading_levels(text: str) -> Iterator[int]:
    for tok in _md().parse(text):
        if tok.type == "heading_open":
            yield int(tok.tag[1])


# --------------------------------------------------------------------------- HTML outputs

_NUMBER = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?%?$")


def _numeric_column(values: Iterable[str]) -> bool:
    vals = [v for v in values if v and v not in ("—", "-")]
    return bool(vals) and all(_NUMBER.match(v) for v in vals)


def _text(el: Any) -> str:
    return re.sub(r"\s+", " ", el.text_content()).strip()


def _classes(el: Any) -> set[str]:
    return set((el.get("class") or "").split())


def _html_table(el: Any) -> Block | None:
    trs = el.xpath(".//tr")
    if not trs:
        return None
    header: list[str] = []
    rows: list[list[str]] = []
    num_cells: list[list[bool]] = []
    for tr in trs:
        cells = tr.xpath("./th|./td")
        texts = [_text(c) for c in cells]
        if not header and all(c.tag == "th" for c in cells):
            header = texts
            continue
        rows.append(texts)
        num_cells.append(["gp-num" in _classes(c) for c in cells])
    if not header:  # no <th> row: the first row is the header
        header, rows = rows[0], rows[1:]
    ncol = len(header)
    rows = [(r + [""] * ncol)[:ncol] for r in rows]
    numeric = []
    for i in range(ncol):
        marked = [flags[i] for flags in num_cells if i < len(flags)]
        numeric.append(all(marked) if marked and any(marked)
                       else _numeric_column(r[i] for r in rows))
    return Block("table", header=header, rows=rows, numeric=numeric)


def _cards(el: Any) -> Block:
    """The headline cards (``show_headline``) as a two-row table: label over figure."""
    labels, figures = [], []
    for card in el.xpath('.//div[contains(concat(" ", @class, " "), " gp-card ")]'):
        n = card.xpath('.//div[contains(@class, "gp-card-n")]')
        lab = card.xpath('.//div[contains(@class, "gp-card-l")]')
        labels.append(_text(lab[0]) if lab else "")
        figures.append(_text(n[0]) if n else "")
    return Block("table", header=labels, rows=[figures], numeric=[False] * len(labels),
                 label="cards")


_SPEC = re.compile(r"\bvar\s+spec\s*=\s*")


def _specs_in_script(text: str) -> list[dict[str, Any]]:
    """The Vega-Lite specs inside the ``vegaEmbed`` scripts of :func:`render.chart_html`."""
    specs = []
    for m in _SPEC.finditer(text):
        try:
            spec, _ = json.JSONDecoder().raw_decode(text, m.end())
        except ValueError:
            continue
        if isinstance(spec, dict):
            specs.append(spec)
    return specs


def html_blocks(text: str, heading_offset: int = 0) -> list[Block]:
    """One HTML output → blocks (known report elements first, then plain HTML)."""
    if text.lstrip().startswith('<script id="greenplan-vega-bundle"'):
        return []  # the vega bundle, or its placeholder in a built notebook: nothing to show
    if "vegaEmbed" in text and _SPEC.search(text):
        return [Block("chart", spec=s) for s in _specs_in_script(text)]
    try:
        parts = lxml_html.fragments_fromstring(text)
    except Exception:  # lxml raises several kinds on odd fragments
        return []
    blocks: list[Block] = []
    loose: list[Run] = []

    def flush() -> None:
        if loose and "".join(r.text for r in loose).strip():
            blocks.append(Block("para", list(loose)))
        loose.clear()

    for part in parts:
        if isinstance(part, str):
            loose.extend(_runs(part.strip()))
            continue
        if part.tag in ("b", "strong", "i", "em", "span", "a", "code"):
            loose.append(Run(_text(part), bold=part.tag in ("b", "strong"),
                             italic=part.tag in ("i", "em")))
            if part.tail and part.tail.strip():
                loose.append(Run(part.tail.strip()))
            continue
        flush()
        blocks += _element_blocks(part, heading_offset)
        if part.tail and part.tail.strip():
            loose.extend(_runs(part.tail.strip()))
    flush()
    return blocks


def _element_blocks(el: Any, heading_offset: int) -> list[Block]:
    tag, cls = el.tag, _classes(el)
    if not isinstance(tag, str) or tag in ("script", "style", "template"):
        return []
    if tag == "table":
        t = _html_table(el)
        return [t] if t else []
    if tag == "h1" and "gp-title" in cls:
        return [Block("title", _runs(_text(el)))]
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        level = min(3, max(1, int(tag[1]) - heading_offset))
        return [Block("heading", _runs(_text(el)), level=level)]
    if "gp-meta" in cls:
        return [Block("meta", _runs(_text(el)))]
    if "gp-cards" in cls:
        return [_cards(el)]
    if cls & {"gp-note", "gp-warn"}:
        return [Block("note", _runs(_text(el)), label="warn" if "gp-warn" in cls else "note")]
    if "gp-empty" in cls:
        return [Block("empty", _runs(_text(el)))]
    if tag in ("ul", "ol"):
        return [Block("item", _runs(_text(li)), level=1,
                      label=f"{i}." if tag == "ol" else "•")
                for i, li in enumerate(el.xpath("./li"), start=1)]
    if tag == "img":
        return []
    children = [c for c in el if isinstance(c.tag, str)]
    block_children = [c for c in children
                      if c.tag in ("table", "div", "p", "ul", "ol", "h1", "h2", "h3", "h4")]
    if tag == "div" and block_children:
        out: list[Block] = []
        for c in children:
            out += _element_blocks(c, heading_offset)
        return out
    text = _text(el)
    return [Block("para", _runs(text))] if text else []


# --------------------------------------------------------------------------- notebook


def _heading_offset(nb: NotebookNode) -> int:
    """How many markdown levels to drop so that the top level becomes Heading 1."""
    levels: list[int] = []
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            levels += _heading_levels(cell.get("source", ""))
        for out in cell.get("outputs", []) or []:
            md = (out.get("data") or {}).get("text/markdown")
            if md:
                levels += _heading_levels(md if isinstance(md, str) else "".join(md))
    return (min(levels) - 1) if levels else 0


def _vegalite(data: dict[str, Any]) -> dict[str, Any] | None:
    for mime, value in data.items():
        if mime.startswith("application/vnd.vegalite.v") and mime.endswith("+json"):
            return value if isinstance(value, dict) else json.loads(value)
    return None


def notebook_blocks(nb: NotebookNode) -> list[Block]:
    """Every markdown cell and every displayed output of ``nb``, in order, as blocks.

    Stream outputs (prints, warnings) and code are left out, like in the HTML.
    """
    import base64

    offset = _heading_offset(nb)
    blocks: list[Block] = []
    for cell in nb.cells:
        kind = cell.get("cell_type")
        if kind == "markdown":
            blocks += markdown_blocks(cell.get("source", ""), offset)
            continue
        if kind != "code":
            continue
        for out in cell.get("outputs", []) or []:
            if out.get("output_type") not in ("display_data", "execute_result"):
                continue
            data = out.get("data") or {}
            spec = _vegalite(data)
            if spec is not None:
                blocks.append(Block("chart", spec=spec))
            elif "text/html" in data:
                h = data["text/html"]
                blocks += html_blocks(h if isinstance(h, str) else "".join(h), offset)
            elif "text/markdown" in data:
                m = data["text/markdown"]
                blocks += markdown_blocks(m if isinstance(m, str) else "".join(m), offset)
            elif "image/png" in data:
                blocks.append(Block("image", png=base64.b64decode(data["image/png"])))
    return blocks


# --------------------------------------------------------------------------- charts


@functools.cache
def _register_fonts() -> None:
    """Extra font folders for vl-convert (``GREENPLAN_FONT_DIRS``, separated by ``:``).

    vl-convert already reads the system's fonts (fonts-noto-cjk under /usr/share/fonts);
    this is for machines where the CJK font lives elsewhere.
    """
    import vl_convert as vlc

    for d in os.environ.get("GREENPLAN_FONT_DIRS", "").split(os.pathsep):
        if d and Path(d).is_dir():
            vlc.register_font_directory(str(Path(d).resolve()))


def _vl_version(spec: dict[str, Any]) -> str | None:
    m = re.search(r"/v(\d+)\.(\d+)", str(spec.get("$schema", "")))
    if not m:
        return None
    import vl_convert as vlc

    v = f"{m.group(1)}.{m.group(2)}"
    return v if v in vlc.get_vegalite_versions() else None


def chart_png(spec: dict[str, Any], scale: float = 2) -> bytes:
    """A Vega-Lite spec drawn as PNG by vl-convert, without network access (a spec that
    loads data from a URL fails instead of fetching it)."""
    import vl_convert as vlc

    _register_fonts()
    try:
        return vlc.vegalite_to_png(spec, vl_version=_vl_version(spec), scale=scale,
                                   allowed_base_urls=[])
    except ValueError as e:
        title = spec.get("title")
        if isinstance(title, dict):
            title = title.get("text")
        raise GreenlibError(f"chart {title or ''!s} could not be drawn: {e}") from e


@functools.cache
def cjk_renders(font: str = "Noto Sans CJK SC") -> bool:
    """True if vl-convert draws Chinese characters: two different characters must give
    two different images (a missing font draws both as the same box, or as nothing)."""

    def one(ch: str) -> bytes:
        return chart_png({"data": {"values": [{"t": ch}]}, "mark": {"type": "text", "font": font,
                          "fontSize": 40}, "encoding": {"text": {"field": "t"}},
                          "width": 60, "height": 60}, scale=1)

    return one("一") != one("龍")


def _png_size(png: bytes) -> tuple[int, int]:
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise GreenlibError("not a PNG image")
    w, h = struct.unpack(">II", png[16:24])
    return int(w), int(h)


# --------------------------------------------------------------------------- layout


def _width_chars(s: str) -> float:
    """Display width in em (a Chinese character is 1, a Latin letter or digit about 0.55)."""
    return sum(1.0 if _is_wide(c) else 0.55 for c in s)


def _longest_token(s: str) -> float:
    """Width of the longest run that should not be broken (Latin words, numbers)."""
    tokens = re.findall(r"[A-Za-z0-9_.,%/+\-:]+", s)
    return max((_width_chars(t) for t in tokens), default=0.0)


@dataclass
class TableLayout:
    widths_pt: list[float]
    font_pt: float
    landscape: bool


def _text_width_pt(landscape: bool) -> float:
    top, right, bottom, left = MARGINS
    if landscape:
        return Length(PAGE_H - top - bottom).pt
    return Length(PAGE_W - left - right).pt


def table_layout(b: Block) -> TableLayout:
    """Column widths, font size and orientation for a table.

    Every column first gets its minimum (header on one line; short values such as
    numbers, codes, years and unit names on one line; no Latin word broken), then the
    room left goes to the columns that want more, in proportion to what they lack. A
    table whose minimum does not fit a portrait page, or that has eight columns or more
    (each text column would be a sliver), goes landscape; if it still does not fit,
    the font shrinks to 小五.
    """
    n = len(b.header)
    cols = [[b.header[i], *(r[i] for r in b.rows)] for i in range(n)]
    head = [_width_chars(h) for h in b.header]
    longest = [max(_width_chars(v) for v in c) for c in cols]
    token = [max(_longest_token(v) for v in c) for c in cols]
    minimum = []
    for i in range(n):
        short = longest[i] <= 9 or b.numeric[i]
        minimum.append(max(head[i], min(token[i], 14), longest[i] if short else min(longest[i], 6)))
    desired = [max(m, min(lg, 40)) for m, lg in zip(minimum, longest, strict=True)]

    def fits(landscape: bool, font: float) -> bool:
        room = _text_width_pt(landscape) - n * CELL_PAD_PT
        return sum(minimum) * font <= room

    landscape = n >= 8 or not fits(False, TABLE_PT)
    font = TABLE_PT if fits(landscape, TABLE_PT) else SMALL_TABLE_PT
    room = _text_width_pt(landscape) - n * CELL_PAD_PT
    em = [m * font for m in minimum]
    want = [d * font for d in desired]
    if sum(em) >= room:  # even the minimum is too wide: shrink proportionally
        widths = [w * room / sum(em) for w in em]
    else:
        extra = room - sum(em)
        lack = [w - m for w, m in zip(want, em, strict=True)]
        if sum(lack) > extra:
            widths = [m + extra * lk / sum(lack) for m, lk in zip(em, lack, strict=True)]
        else:  # every cell fits on one line: widen in proportion (a small table stays small)
            total = sum(want)
            if total < room * 0.6 and n <= 3:
                room = total
            widths = [w * room / total for w in want]
    if b.label == "cards":
        widths = [room / n] * n
    return TableLayout([w + CELL_PAD_PT for w in widths], font, landscape)


def assign_orientation(blocks: list[Block]) -> None:
    """Mark landscape tables; the heading and text right before such a table (back to the
    nearest heading, if no other table or chart lies between) go with it, so that a
    heading never sits alone at the bottom of a portrait page."""
    for i, b in enumerate(blocks):
        if b.kind != "table" or not table_layout(b).landscape:
            continue
        b.landscape = True
        j = i - 1
        while j >= 0 and blocks[j].kind in ("heading", "para", "item", "note", "empty"):
            blocks[j].landscape = True
            if blocks[j].kind == "heading":
                break
            j -= 1
        if j >= 0 and blocks[j].kind != "heading":  # no heading found: undo the text part
            for k in range(j + 1, i):
                blocks[k].landscape = False


# --------------------------------------------------------------------------- docx styling


def _set_fonts(rpr: Any, latin: str, east_asia: str) -> None:
    """Explicit fonts on an ``w:rPr``; theme-font attributes (which win over explicit
    ones in Word) are removed."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _style(doc: DocxDocument, name: str, font: str, size: float, *, bold: bool = False,
           base: str = "Normal", kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> Any:
    try:
        st = doc.styles[name]
    except KeyError:
        st = doc.styles.add_style(name, kind)
        st.base_style = doc.styles[base]
    st.font.size = Pt(size)
    st.font.bold = bold
    st.font.color.rgb = RGBColor(0, 0, 0)
    _set_fonts(st.element.get_or_add_rPr(), LATIN, font)
    return st


def _setup_styles(doc: DocxDocument) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, LATIN, BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")

    normal = _style(doc, "Normal", BODY_FONT, BODY_PT)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(26)
    pf.space_before, pf.space_after = Pt(0), Pt(0)
    pf.first_line_indent = Pt(2 * BODY_PT)  # 首行缩进两字
    pf.widow_control = True

    for level, (font, size) in enumerate(zip(HEADING_FONTS, HEADING_PT, strict=True), start=1):
        h = _style(doc, f"Heading {level}", font, size, bold=level == 3)
        h.font.italic = False
        hf = h.paragraph_format
        hf.first_line_indent = Pt(0) if level == 1 else Pt(2 * BODY_PT)
        hf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        hf.line_spacing = Pt(size + 12)
        hf.space_before = Pt(12 if level == 1 else 6)
        hf.space_after = Pt(6 if level == 1 else 3)
        hf.keep_with_next = True
        rpr = h.element.get_or_add_rPr()
        for tag in ("w:color",):  # Word's blue: 公文 are black
            el = rpr.find(qn(tag))
            if el is not None:
                el.attrib.pop(qn("w:themeColor"), None)
                el.attrib.pop(qn("w:themeShade"), None)

    title = _style(doc, "Title", TITLE_FONT, TITLE_PT, bold=True)
    tf = title.paragraph_format
    tf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    tf.first_line_indent = Pt(0)
    tf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    tf.space_before, tf.space_after = Pt(12), Pt(12)
    ppr = title.element.get_or_add_pPr()
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is not None:
        ppr.remove(bdr)
    title_rpr = title.element.get_or_add_rPr()
    for tag in ("w:spacing", "w:kern"):
        el = title_rpr.find(qn(tag))
        if el is not None:
            title_rpr.remove(el)
    color = title_rpr.find(qn("w:color"))
    if color is not None:
        for attr in ("w:themeColor", "w:themeShade"):
            color.attrib.pop(qn(attr), None)

    meta = _style(doc, "GP Meta", "楷体", 12)
    meta.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta.paragraph_format.first_line_indent = Pt(0)
    meta.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    meta.paragraph_format.space_after = Pt(4)

    for name, font, size, bold in (("GP Table Text", BODY_FONT, TABLE_PT, False),
                                   ("GP Table Header", TABLE_HEADER_FONT, TABLE_PT, False)):
        st = _style(doc, name, font, size, bold=bold)
        st.paragraph_format.first_line_indent = Pt(0)
        st.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        st.paragraph_format.space_before = Pt(1)
        st.paragraph_format.space_after = Pt(1)
        st.paragraph_format.widow_control = False

    fig = _style(doc, "GP Figure", BODY_FONT, BODY_PT)
    fig.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fig.paragraph_format.first_line_indent = Pt(0)
    fig.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # exact spacing clips pictures
    fig.paragraph_format.space_before = Pt(6)
    fig.paragraph_format.space_after = Pt(6)
    fig.paragraph_format.keep_together = True

    note = _style(doc, "GP Note", BODY_FONT, 12)
    note.paragraph_format.first_line_indent = Pt(0)
    note.paragraph_format.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
    note.paragraph_format.line_spacing = 1.25
    note.paragraph_format.space_before = Pt(6)
    note.paragraph_format.space_after = Pt(6)
    note.paragraph_format.left_indent = Pt(6)
    note.paragraph_format.right_indent = Pt(6)

    item = _style(doc, "GP List", BODY_FONT, BODY_PT)
    item.paragraph_format.first_line_indent = Pt(-BODY_PT)
    item.paragraph_format.left_indent = Pt(3 * BODY_PT)

    small = _style(doc, "GP Small", BODY_FONT, 10.5)
    small.paragraph_format.first_line_indent = Pt(0)
    small.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    small.font.color.rgb = RGBColor(0x55, 0x55, 0x55)

    footer = _style(doc, "Footer", TITLE_FONT, 10.5)
    footer.paragraph_format.first_line_indent = Pt(0)
    footer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

    toc_head = _style(doc, "TOC Heading", "黑体", HEADING_PT[0])
    toc_head.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    toc_head.paragraph_format.first_line_indent = Pt(0)
    toc_head.paragraph_format.space_before = Pt(12)
    toc_head.paragraph_format.space_after = Pt(6)
    toc_head.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    for level in (1, 2, 3):
        st = _style(doc, f"toc {level}", BODY_FONT, 12)
        st.paragraph_format.first_line_indent = Pt(0)
        st.paragraph_format.left_indent = Pt(12 * 2 * (level - 1))
        st.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        st.paragraph_format.space_after = Pt(3)


def _setup_settings(doc: DocxDocument) -> None:
    """Fields update when Word opens the file; the theme's East Asian language is zh-CN."""
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    if settings.find(qn("w:updateFields")) is None:
        upd = OxmlElement("w:updateFields")
        upd.set(qn("w:val"), "true")
        # schema order: updateFields comes right before these
        after = ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars",
                 "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
                 "w:clrSchemeMapping")
        nxt = next((el for el in settings if el.tag in {qn(t) for t in after}), None)
        if nxt is not None:
            nxt.addprevious(upd)
        else:
            settings.append(upd)


#: Chinese fonts for the font table: (name, English name, panose, pitch). charset 86 is
#: GB2312: Word and WPS pick a Chinese substitute if a reader lacks the font, and the
#: English name lets an English Windows find 仿宋 as "FangSong".
CJK_FONTS = (
    ("仿宋", "FangSong", "02010609060101010101", "fixed"),
    ("黑体", "SimHei", "02010609060101010101", "fixed"),
    ("楷体", "KaiTi", "02010609060101010101", "fixed"),
    ("宋体", "SimSun", "02010600030101010101", "variable"),
)


def _font_table(doc: DocxDocument) -> None:
    """Declare the Chinese fonts in word/fontTable.xml (python-docx keeps it as raw bytes)."""
    from lxml import etree

    part = next((p for p in doc.part.package.iter_parts()
                 if str(p.partname) == "/word/fontTable.xml"), None)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    have = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name, alt, panose, pitch in CJK_FONTS:
        if name in have:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, val in (("w:altName", alt), ("w:panose1", panose), ("w:charset", "86"),
                         ("w:family", "modern" if pitch == "fixed" else "auto"),
                         ("w:pitch", pitch)):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), val)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page(section: Any, landscape: bool) -> None:
    top, right, bottom, left = MARGINS
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = PAGE_H, PAGE_W
        section.top_margin, section.right_margin = right, top
        section.bottom_margin, section.left_margin = left, bottom
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_W, PAGE_H
        section.top_margin, section.right_margin = top, right
        section.bottom_margin, section.left_margin = bottom, left
    section.header_distance = Mm(15)
    section.footer_distance = Mm(15)


# --------------------------------------------------------------------------- fields


def _fld_char(kind: str, dirty: bool = False) -> Any:
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    if dirty:
        el.set(qn("w:dirty"), "true")
    return el


def _instr(text: str) -> Any:
    el = OxmlElement("w:instrText")
    el.set(qn("xml:space"), "preserve")
    el.text = f" {text} "
    return el


def add_field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A complex field (``PAGE``, ``NUMPAGES``, …) with ``shown`` as its last result."""
    for el in (_fld_char("begin"), _instr(instruction), _fld_char("separate")):
        paragraph.add_run()._r.append(el)
    paragraph.add_run(shown)
    paragraph.add_run()._r.append(_fld_char("end"))


def _footer(section: Any) -> None:
    p = section.footer.paragraphs[0]
    p.style = "Footer"
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("第 ")
    add_field(p, "PAGE", "1")
    p.add_run(" 页　共 ")
    add_field(p, "NUMPAGES", "1")
    p.add_run(" 页")


def _toc(doc: DocxDocument, headings: list[Block]) -> None:
    """A TOC field over Heading 1–3. Its stored result lists the headings (without page
    numbers), so a viewer that does not update fields still shows the outline; Word
    rebuilds it with page numbers on opening (``updateFields`` and ``w:dirty``)."""
    doc.add_paragraph("目　录", style="TOC Heading")
    entries = [h for h in headings if h.level <= 3] or [Block("heading", _runs("（无标题）"), level=1)]
    first = doc.add_paragraph(style="toc 1")
    for el in (_fld_char("begin", dirty=True), _instr('TOC \\o "1-3" \\h \\z \\u'),
               _fld_char("separate")):
        first.add_run()._r.append(el)
    para = first
    for i, h in enumerate(entries):
        if i:
            para = doc.add_paragraph(style=f"toc {h.level}")
        else:
            para.style = f"toc {h.level}"
        para.add_run(h.text)
    para.add_run()._r.append(_fld_char("end"))
    hint = doc.add_paragraph(
        "（页码在 Word 打开文档时自动更新；如未更新，请在目录上单击右键，选择“更新域”。）",
        style="GP Small")
    hint.alignment = WD_ALIGN_PARAGRAPH.CENTER


# --------------------------------------------------------------------------- writing


def _shade(element_pr: Any, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    element_pr.append(shd)


def _add_runs(p: Paragraph, runs: list[Run]) -> None:
    for r in runs:
        parts = r.text.split("\n")
        for k, part in enumerate(parts):
            run = p.add_run(part)
            run.bold = r.bold or None
            run.italic = r.italic or None
            if k < len(parts) - 1:
                run.add_break(WD_BREAK.LINE)


def _note(doc: DocxDocument, b: Block) -> None:
    p = doc.add_paragraph(style="GP Note")
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for k, v in (("w:val", "single"), ("w:sz", "24"), ("w:space", "6"),
                 ("w:color", "C0762B" if b.label == "warn" else "2B8CBE")):
        left.set(qn(k), v)
    bdr.append(left)
    ppr.append(bdr)
    _shade(ppr, SHADE_WARN if b.label == "warn" else SHADE_NOTE)
    _add_runs(p, b.runs)


def _cell_paragraph(cell: Any, text: str, style_id: str, align: Any, font_pt: float) -> None:
    p = cell.paragraphs[0]
    p._p.get_or_add_pPr().style = style_id  # by id: python-docx's lookup by name is slow
    p.alignment = align
    run = p.add_run(text)
    if font_pt != TABLE_PT:
        run.font.size = Pt(font_pt)


def _table(doc: DocxDocument, b: Block) -> DocxTable:
    layout = table_layout(b)
    n = len(b.header)
    t = doc.add_table(rows=1 + len(b.rows), cols=n)
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False  # w:tblLayout fixed: Word keeps the widths below
    tblpr = t._tbl.tblPr
    tw = tblpr.find(qn("w:tblW"))
    if tw is None:
        tw = OxmlElement("w:tblW")
        tblpr.append(tw)
    tw.set(qn("w:type"), "dxa")
    tw.set(qn("w:w"), str(round(sum(layout.widths_pt) * 20)))
    widths = [Pt(w) for w in layout.widths_pt]
    head_id = doc.styles["GP Table Header"].style_id
    text_id = doc.styles["GP Table Text"].style_id
    for i, col in enumerate(t.columns):
        col.width = widths[i]
    header = t.rows[0]
    trpr = header._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):  # header repeats on every page
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        trpr.append(el)
    for i, cell in enumerate(header.cells):
        cell.width = widths[i]
        _shade(cell._tc.get_or_add_tcPr(), SHADE_HEADER)
        _cell_paragraph(cell, b.header[i], head_id, WD_ALIGN_PARAGRAPH.CENTER,
                        layout.font_pt)
    for r, values in enumerate(b.rows, start=1):
        cells = t.rows[r].cells
        for i, cell in enumerate(cells):
            cell.width = widths[i]
            align = (WD_ALIGN_PARAGRAPH.CENTER if b.label == "cards" else
                     WD_ALIGN_PARAGRAPH.RIGHT if b.numeric[i] else WD_ALIGN_PARAGRAPH.LEFT)
            _cell_paragraph(cell, values[i] if values[i] else "—", text_id, align,
                            layout.font_pt)
    return t


def _picture(doc: DocxDocument, png: bytes, landscape: bool, scale: float = 2) -> None:
    w_px, h_px = _png_size(png)
    natural_w = Pt(w_px / scale * 0.75)  # CSS px → pt
    natural_h = Pt(h_px / scale * 0.75)
    top, _, bottom, _ = MARGINS
    max_w = Pt(_text_width_pt(landscape))
    max_h = (PAGE_W - top - bottom - Mm(20)) if landscape else (PAGE_H - top - bottom - Mm(20))
    # as wide as the text (charts are drawn ~560 px wide: a little larger in print, at
    # most 1.5 times, which the 2x PNG still covers), never taller than a page
    k = min(1.5, max_w / natural_w, max_h / natural_h)
    p = doc.add_paragraph(style="GP Figure")
    p.add_run().add_picture(io.BytesIO(png), width=Emu(int(natural_w * k)),
                            height=Emu(int(natural_h * k)))


def _date_line(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def write_blocks(doc: DocxDocument, blocks: list[Block], title: str, footer: str,
                 date: dt.date) -> None:
    """Lay ``blocks`` out in ``doc`` (title, date, TOC, body, build footer)."""
    _page(doc.sections[0], landscape=False)
    _footer(doc.sections[0])
    titles = [b for b in blocks if b.kind == "title"]
    metas = [b for b in blocks if b.kind == "meta"]
    doc.add_paragraph(titles[0].text if titles else title, style="Title")
    doc.add_paragraph(_date_line(date), style="GP Meta")
    for m in metas[:1]:
        doc.add_paragraph(m.text, style="GP Meta")
    _toc(doc, [b for b in blocks if b.kind == "heading"])

    body = [b for b in blocks if b.kind not in ("title", "meta")]
    assign_orientation(body)
    landscape = False
    for b in body:
        if b.landscape != landscape:
            section = doc.add_section(WD_SECTION.NEW_PAGE)
            _page(section, b.landscape)
            landscape = b.landscape
        if b.kind == "heading":
            doc.add_paragraph(b.text, style=f"Heading {b.level}")
        elif b.kind == "para":
            _add_runs(doc.add_paragraph(), b.runs)
        elif b.kind == "item":
            p = doc.add_paragraph(style="GP List")
            p.paragraph_format.left_indent = Pt(BODY_PT * (2 + b.level))
            _add_runs(p, [Run(b.label + " "), *b.runs])
        elif b.kind == "note":
            _note(doc, b)
        elif b.kind == "empty":  # "（无）" sentences, in grey (italic CJK is a fake slant)
            p = doc.add_paragraph()
            p.add_run(b.text).font.color.rgb = RGBColor(0x66, 0x66, 0x66)
        elif b.kind == "table":
            _table(doc, b)
            doc.add_paragraph(style="GP Small")  # Word needs a paragraph between tables
        elif b.kind == "chart" and b.spec is not None:
            _picture(doc, chart_png(b.spec), landscape)
        elif b.kind == "image" and b.png:
            _picture(doc, b.png, landscape, scale=1)
    if footer:
        p = doc.add_paragraph(footer, style="GP Small")
        p.paragraph_format.space_before = Pt(18)


def notebook_to_docx(nb: NotebookNode, out: Path, title: str, footer: str = "",
                     *, date: dt.date | None = None) -> Path:
    """Write the executed notebook ``nb`` as a Word document to ``out`` (atomically).

    ``title`` is used when the notebook shows no title of its own (``show_title``) and
    as the document's title property; ``footer`` (build time, data version) closes the
    document in small print; ``date`` (default: today) is the date line under the title.
    Raises :class:`GreenlibError` when a chart cannot be drawn.
    """
    nb = deepcopy(nb)
    blocks = notebook_blocks(nb)
    doc = Document()
    _setup_styles(doc)
    _setup_settings(doc)
    _font_table(doc)
    shown_title = next((b.text for b in blocks if b.kind == "title"), title)
    props = doc.core_properties
    props.title = shown_title
    props.subject = title
    props.author = "greenplan"
    props.language = "zh-CN"
    props.comments = footer
    write_blocks(doc, blocks, title, footer, date or dt.date.today())
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:  # a reader never sees a half-written file; a failure leaves the old one
        doc.save(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return out
