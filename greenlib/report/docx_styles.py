"""The look of the Word document: page, fonts, styles, settings and fields.

The 公文-like conventions (GB/T 9704, loosely) live here as constants and as the styles of
a fresh python-docx document: A4 pages and their margins (portrait or landscape), 仿宋 /
黑体 / 楷体 / 宋体 written as ``w:eastAsia`` on every style with the theme fonts removed,
zh-CN as East Asian language, the Chinese fonts declared in the font table, fields that
update when Word opens the file, and the "第 X 页 共 Y 页" footer built from PAGE and
NUMPAGES fields.
"""

from __future__ import annotations

from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

# --------------------------------------------------------------------------- page and fonts

#: Latin letters and digits (公文 use Times New Roman beside 仿宋).
LATIN = "Times New Roman"
BODY_FONT = "仿宋"
HEADING_FONTS = ("黑体", "楷体", "仿宋")  # levels 1, 2, 3 (GB/T 9704: 黑体, 楷体, 仿宋加粗)
TITLE_FONT = "宋体"
TABLE_HEADER_FONT = "黑体"

BODY_PT = 12  # 小四
#: exact line spacing of the body: 1.5 lines (公文 set 三号 on 28–29 pt, 1.75 lines)
BODY_LINE_PT = 18
HEADING_PT = (16, 14, 12)  # 三号, 四号, 小四
TITLE_PT = 22  # 二号
TABLE_PT = 9  # 小五
SMALL_TABLE_PT = 7.5  # 六号, for tables too wide even for a landscape page

PAGE_W, PAGE_H = Mm(210), Mm(297)  # A4
#: margins of a portrait page (top, right, bottom, left): GB/T 9704's, which leave its
#: 156 × 225 mm 版心; a landscape page turns them (the same 版心, lying)
MARGINS = (Mm(37), Mm(26), Mm(35), Mm(28))
#: margins of a landscape page (top, right, bottom, left), for wide tables (附表): bound on
#: its top edge (the portrait pages' left), 20 mm elsewhere — the 版心 turned would leave a
#: 9-column table 225 mm and double its pages
LANDSCAPE_MARGINS = (Mm(28), Mm(20), Mm(20), Mm(20))
#: cell padding left and right, each (twips; Table Grid's 108 leaves little room for text)
CELL_MARGIN_TWIPS = 57
#: cell padding left + right in points
CELL_PAD_PT = 2 * CELL_MARGIN_TWIPS / 20

SHADE_NOTE = "EAF2FB"
SHADE_WARN = "FDF3E1"
SHADE_HEADER = "E7EDE7"

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
    pf.line_spacing = Pt(BODY_LINE_PT)
    pf.space_before, pf.space_after = Pt(0), Pt(0)
    pf.first_line_indent = Pt(2 * BODY_PT)  # 首行缩进两字
    pf.widow_control = True

    for level, (font, size) in enumerate(zip(HEADING_FONTS, HEADING_PT, strict=True), start=1):
        h = _style(doc, f"Heading {level}", font, size, bold=level == 3)
        h.font.italic = False
        hf = h.paragraph_format
        hf.first_line_indent = Pt(0) if level == 1 else Pt(2 * BODY_PT)
        hf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        hf.line_spacing = Pt(size + 8)
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
        # exact: "single" is 1.45 lines in the CJK fonts LibreOffice substitutes (Noto)
        st.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        st.paragraph_format.line_spacing = Pt(round(size * 1.25 * 2) / 2)
        st.paragraph_format.space_before = Pt(0.5)
        st.paragraph_format.space_after = Pt(0.5)
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
    for level in (1, 2, 3):  # 五号 on exact 16 pt lines: the contents list stays on page 1
        st = _style(doc, f"toc {level}", BODY_FONT, 10.5)
        st.paragraph_format.first_line_indent = Pt(0)
        st.paragraph_format.left_indent = Pt(10.5 * 2 * (level - 1))
        st.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        st.paragraph_format.line_spacing = Pt(16)
        st.paragraph_format.space_after = Pt(0)


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
    if landscape:
        top, right, bottom, left = LANDSCAPE_MARGINS
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = PAGE_H, PAGE_W
        section.top_margin, section.right_margin = top, right
        section.bottom_margin, section.left_margin = bottom, left
    else:
        top, right, bottom, left = MARGINS
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


def _footer(section: Any, note: str = "") -> None:
    """"第 X 页　共 Y 页" in the page footer, and under it in small grey type ``note``
    (the build's line: when made, from which data version) on every page."""
    p = section.footer.paragraphs[0]
    p.style = "Footer"
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("第 ")
    add_field(p, "PAGE", "1")
    p.add_run(" 页　共 ")
    add_field(p, "NUMPAGES", "1")
    p.add_run(" 页")
    if note:
        small = section.footer.add_paragraph(note, style="Footer")
        small.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = small.runs[0]
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor(0x77, 0x77, 0x77)
