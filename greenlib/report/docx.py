"""Word (.docx) version of a report, written from the *executed* notebook.

:func:`notebook_to_docx` reads the same executed notebook that :mod:`greenlib.report.render`
turns into HTML and writes an office-style (公文-like) Word document:

* the report title and a date line on top, then a table of contents (a ``TOC \\o "1-3"
  \\h`` field, pre-filled with the headings and marked to update when Word opens the file);
* markdown headings as Word's built-in *Heading 1/2/3* styles (the navigation pane and
  the TOC work), paragraphs, lists, bold and italic from a small markdown walk
  (markdown-it-py, already a dependency of jupytext);
* the ``show_table`` HTML tables as real Word tables: borders, a header row repeated on
  every page, numbers and the headers over them right-aligned, lights as a coloured mark
  with their word (●红灯), fixed column widths that fit the page (every header on one line,
  or on two for a long one — never one character a line; the text goes to the column
  holding the most), long tables too wide for A4 portrait in a landscape section, short
  ones upright in smaller type (:mod:`.docx_layout`);
* the charts as PNG pictures drawn from their Vega-Lite specs by vl-convert (offline:
  external data URLs are refused), sized to the page;
* ``show_note`` boxes as shaded paragraphs; "第 X 页 共 Y 页" (PAGE / NUMPAGES fields) and
  the build's line (生成时间, 数据版本) in the footer of every page; A4 paper.

The layout follows GB/T 9704 (党政机关公文格式) as offices use it for reports: A4 with its
margins (top 37, bottom 35, left 28, right 26 mm: the 156 × 225 mm 版心), body 仿宋,
headings 黑体 (level 1) / 楷体 (level 2) / 仿宋加粗, title 宋体 二号 bold, Times New Roman
for Latin letters and digits, headings kept with the next paragraph. Two deliberate
variants: body 小四 on 20 pt lines and tables 小五 (GB/T 9704 sets 三号 for a 公文's few
pages; a report of 100-row 附表 in 三号 would run to three times the pages of its PDF), and
landscape pages (wide 附表) with 20 mm margins bound at the top. The East Asian
font is written as ``w:eastAsia`` on ``w:rFonts`` of the document defaults and of every
style (and the theme-font attributes, which would override it, are removed); the
document's East Asian language is zh-CN. The fonts are *named*, not embedded: Word on
the readers' Windows machines has 仿宋, 黑体, 楷体 and 宋体; the font table gives their
English names (FangSong …) and the GB2312 charset, so that where one is missing Word and
WPS substitute a Chinese font, and LibreOffice the CJK font installed (Noto CJK on Linux).

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

The work is split by job: :mod:`.docx_blocks` turns the notebook into a flat list of
blocks (no python-docx there), :mod:`.docx_charts` draws the charts as PNG,
:mod:`.docx_layout` sizes tables and picks the page orientation, :mod:`.docx_styles` holds
the page, fonts, styles and fields; this module writes the blocks into the document and
re-exports the names other code uses (``dx.Block``, ``dx.chart_png``, …).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from copy import deepcopy
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from lxml.etree import SubElement
from nbformat import NotebookNode

from .. import labels
from . import fmt
from .docx_blocks import Block, Run, _runs, html_blocks, markdown_blocks, notebook_blocks
from .docx_charts import _png_size, chart_png, cjk_renders
from .docx_layout import TableLayout, _text_width_pt, assign_orientation, table_layout
from .docx_styles import (
    BODY_FONT,
    BODY_PT,
    CELL_MARGIN_TWIPS,
    LANDSCAPE_MARGINS,
    MARGINS,
    PAGE_H,
    PAGE_W,
    SHADE_HEADER,
    SHADE_NOTE,
    SHADE_WARN,
    SMALL_TABLE_PT,
    TABLE_PT,
    _fld_char,
    _font_table,
    _footer,
    _instr,
    _page,
    _setup_settings,
    _setup_styles,
    add_field,
)

# the names other code and the tests use, importable from here as before the split
__all__ = [
    "BODY_FONT",
    "SHADE_WARN",
    "SMALL_TABLE_PT",
    "TABLE_PT",
    "Block",
    "Run",
    "TableLayout",
    "_text_width_pt",
    "add_field",
    "assign_orientation",
    "chart_png",
    "cjk_renders",
    "html_blocks",
    "markdown_blocks",
    "notebook_blocks",
    "notebook_to_docx",
    "table_layout",
    "write_blocks",
]

# --------------------------------------------------------------------------- table of contents


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


def _cell_paragraph(cell: Any, text: str, style_id: str, align: Any, font_pt: float,
                    lights: bool = True) -> None:
    """Style (by id), alignment and text of a new cell's empty paragraph.

    Written as plain XML elements, the very ones python-docx would write: its paragraph
    and run API (style and alignment setters, ``add_run``, ``font.size``) searches the
    schema order for every child it adds, ~0.5 ms a cell, which was most of the time of a
    report made of tables. Texts with tabs or line breaks (which python-docx turns into
    ``w:tab`` / ``w:br``) and a cell that is not empty still go through python-docx.
    """
    p = cell._tc.p_lst[0]
    light = fmt.light_code(text) if lights else None
    if light:  # a coloured mark and the word (the word carries it in black-and-white print)
        para = cell.paragraphs[0]
        para._p.get_or_add_pPr().style = style_id
        para.alignment = align
        for part, color in ((fmt.LIGHT_MARK, labels.LIGHT_COLORS[light]),
                            (labels.LIGHT[light], None)):
            run = para.add_run(part)
            if color:
                run.font.color.rgb = RGBColor.from_string(color.lstrip("#").upper())
            if font_pt != TABLE_PT:
                run.font.size = Pt(font_pt)
        return
    if len(p) or any(c in text for c in "\t\n\r"):
        para = cell.paragraphs[0]
        para._p.get_or_add_pPr().style = style_id
        para.alignment = align
        run = para.add_run(text)
        if font_pt != TABLE_PT:
            run.font.size = Pt(font_pt)
        return
    ppr = SubElement(p, _W_PPR)
    SubElement(ppr, _W_PSTYLE).set(_W_VAL, style_id)
    SubElement(ppr, _W_JC).set(_W_VAL, align.xml_value)
    r = SubElement(p, _W_R)
    if font_pt != TABLE_PT:
        SubElement(SubElement(r, _W_RPR), _W_SZ).set(_W_VAL, str(round(font_pt * 2)))
    if text:
        t = SubElement(r, _W_T)
        t.text = text
        if len(text.strip()) < len(text):
            t.set(_XML_SPACE, "preserve")


_W_PPR, _W_PSTYLE, _W_JC, _W_R, _W_RPR, _W_SZ, _W_T, _W_VAL, _XML_SPACE = (
    qn(t) for t in ("w:pPr", "w:pStyle", "w:jc", "w:r", "w:rPr", "w:sz", "w:t", "w:val",
                    "xml:space"))


def _table(doc: DocxDocument, b: Block) -> DocxTable:
    layout = table_layout(b, landscape=b.landscape)  # as assign_orientation placed it
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
    mar = OxmlElement("w:tblCellMar")  # narrower cell padding (docx_layout counts with it)
    for side in ("w:left", "w:right"):
        el = OxmlElement(side)
        el.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    look = tblpr.find(qn("w:tblLook"))  # schema order: tblCellMar comes right before tblLook
    if look is not None:
        look.addprevious(mar)
    else:
        tblpr.append(mar)
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
        # a header over numbers is right-aligned like them (else it reads as a shifted column)
        _cell_paragraph(cell, b.header[i], head_id,
                        WD_ALIGN_PARAGRAPH.RIGHT if b.numeric[i] and b.label != "cards"
                        else WD_ALIGN_PARAGRAPH.CENTER, layout.font_pt, lights=False)
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
    top, _, bottom, _ = LANDSCAPE_MARGINS if landscape else MARGINS
    max_w = Pt(_text_width_pt(landscape))
    max_h = (PAGE_W if landscape else PAGE_H) - top - bottom - Mm(20)
    # the size the PDF prints it (a CSS px is 0.75 pt), smaller where the text or the page
    # is narrower (enlarging a small chart to the text width doubled its area and pages)
    k = min(1.0, max_w / natural_w, max_h / natural_h)
    p = doc.add_paragraph(style="GP Figure")
    p.add_run().add_picture(io.BytesIO(png), width=Emu(int(natural_w * k)),
                            height=Emu(int(natural_h * k)))


def _date_line(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def write_blocks(doc: DocxDocument, blocks: list[Block], title: str, footer: str,
                 date: dt.date, *, chart_cache: Path | None = None) -> None:
    """Lay ``blocks`` out in ``doc`` (title, date, TOC, body; the build's ``footer`` line
    under the page number of every page); charts are drawn through ``chart_cache`` (see
    :func:`chart_png`)."""
    body = [b for b in blocks if b.kind not in ("title", "meta")]
    assign_orientation(body)
    landscape = bool(body) and body[0].landscape  # opens with a landscape table: title too
    _page(doc.sections[0], landscape=landscape)
    _footer(doc.sections[0], footer)  # later sections share it (linked to the previous)
    titles = [b for b in blocks if b.kind == "title"]
    metas = [b for b in blocks if b.kind == "meta"]
    doc.add_paragraph(titles[0].text if titles else title, style="Title")
    doc.add_paragraph(_date_line(date), style="GP Meta")
    for m in metas[:1]:
        doc.add_paragraph(m.text, style="GP Meta")
    _toc(doc, [b for b in blocks if b.kind == "heading"])

    for k, b in enumerate(body):
        if b.landscape != landscape:
            section = doc.add_section(WD_SECTION.NEW_PAGE)
            _page(section, b.landscape)
            landscape = b.landscape
        if b.kind == "heading":
            doc.add_paragraph(b.text, style=f"Heading {b.level}")
        elif b.kind == "para":
            p = doc.add_paragraph()
            _add_runs(p, b.runs)
            nxt = body[k + 1] if k + 1 < len(body) else None
            if nxt is not None and nxt.kind in ("table", "chart", "image") \
                    and nxt.landscape == b.landscape:
                p.paragraph_format.keep_with_next = True  # a table's caption stays with it
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
            _picture(doc, chart_png(b.spec, cache=chart_cache), landscape)
        elif b.kind == "image" and b.png:
            _picture(doc, b.png, landscape, scale=1)


def notebook_to_docx(nb: NotebookNode, out: Path, title: str, footer: str = "",
                     *, date: dt.date | None = None, chart_cache: Path | None = None) -> Path:
    """Write the executed notebook ``nb`` as a Word document to ``out`` (atomically).

    ``title`` is used when the notebook shows no title of its own (``show_title``) and
    as the document's title property; ``footer`` (build time, data version) is printed
    small under the page number of every page; ``date`` (default: today) is the date line under the title;
    ``chart_cache``, a folder, keeps the chart PNGs for the next report or build showing
    the same chart.
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
    write_blocks(doc, blocks, title, footer, date or dt.date.today(), chart_cache=chart_cache)
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
