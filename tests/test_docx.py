"""The Word version of a report: one real sector report built to .docx and read back
with python-docx, as a reader opening it in Word would check it (navigation pane headings,
real tables with a repeated header, pictures, page numbers, Chinese fonts); plus the
layout rules, the build's keep-the-good-file rule and the offline chart renderer."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import docx
import nbformat
import pytest
from docx.oxml.ns import qn
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from greenlib.errors import GreenlibError
from greenlib.report import build
from greenlib.report import docx as dx
from tests.paths import DISTRICT

REPORT = "agriculture"
TASK_HEADER = ["编号", "重点任务", "牵头单位", "配合单位", "目标年份", "进展", "信号灯"]
CJK = re.compile(r"[\u4e00-\u9fff]")


# --------------------------------------------------------------------------- one real report


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, built_data: Path) -> build.Paths:
    """The agriculture report built (no PDF) from the real plan cleaned into a temp folder."""
    tmp = tmp_path_factory.mktemp("report")
    paths = build.Paths(params=DISTRICT.params, data=built_data, root=tmp)
    reports, _ = build.load_reports(paths)
    report = next(r for r in reports if r.name == REPORT)
    res = build.build_report(report, paths, pdf=False)
    log = paths.executed / f"{REPORT}.log"
    assert res.ok, f"{res.error}\n{log.read_text(encoding='utf-8') if log.exists() else ''}"
    return paths


@pytest.fixture(scope="module")
def document(built: build.Paths) -> docx.document.Document:
    path = built.site / "docx" / f"{REPORT}.docx"
    assert path.exists() and path.stat().st_size > 10_000
    return docx.Document(str(path))


@pytest.fixture(scope="module")
def executed(built: build.Paths) -> nbformat.NotebookNode:
    return nbformat.read(built.executed / f"{REPORT}.ipynb", as_version=4)


def _notebook_headings(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    """(markdown level, text) of every heading the reader sees, in order."""
    out = []
    texts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            texts.append(cell.source)
        for o in cell.get("outputs", []):
            if "text/markdown" in o.get("data", {}):
                texts.append(o["data"]["text/markdown"])
    for text in texts:
        in_fence = False
        for line in text.splitlines():
            if line.startswith("```"):
                in_fence = not in_fence
            m = re.match(r"^(#{1,6})\s+(.+?)\s*#*\s*$", line)
            if m and not in_fence:
                out.append((len(m.group(1)), m.group(2)))
    return out


def _chart_specs(nb: nbformat.NotebookNode) -> int:
    return sum(o.get("data", {}).get("text/html", "").count("vegaEmbed(")
               for c in nb.cells for o in c.get("outputs", []))


@pytest.mark.e2e
def test_headings_are_word_headings_in_notebook_order(document, executed) -> None:
    want = _notebook_headings(executed)
    assert len(want) >= 8
    top = min(level for level, _ in want)
    got = [(p.style.name, p.text) for p in document.paragraphs
           if p.style.name.startswith("Heading")]
    assert got == [(f"Heading {level - top + 1}", text) for level, text in want]
    styles = {name for name, _ in got}
    assert {"Heading 1", "Heading 2"} <= styles
    assert "一、概要" in [t for _, t in got] and "附录" in [t for _, t in got]


@pytest.mark.e2e
def test_title_date_line_and_toc_on_top(document, built) -> None:
    paras = document.paragraphs
    assert paras[0].style.name == "Title" and "农业" in paras[0].text
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", paras[1].text)
    body = document.element.body
    instr = " ".join(t.text for t in body.iter(qn("w:instrText")))
    assert 'TOC \\o "1-3" \\h' in instr
    settings = document.settings.element
    upd = settings.find(qn("w:updateFields"))
    assert upd is not None and upd.get(qn("w:val")) == "true"
    # the build's line (data version) is in the footer of every page, under the page number
    footer = " ".join(p.text for p in document.sections[0].footer.paragraphs)
    assert "数据版本" in footer
    assert all(s.footer.is_linked_to_previous for s in document.sections[1:])


@pytest.mark.e2e
def test_task_table_is_a_real_table_with_a_repeated_chinese_header(document, executed) -> None:
    tables = document.tables
    assert len(tables) >= 4
    for t in tables:
        assert all(CJK.search(c.text) for c in t.rows[0].cells), [c.text for c in t.rows[0].cells]
    task = next(t for t in tables if [c.text for c in t.rows[0].cells] == TASK_HEADER)
    html = next(o["data"]["text/html"] for c in executed.cells for o in c.get("outputs", [])
                if "<th>重点任务</th>" in o.get("data", {}).get("text/html", ""))
    assert len(task.rows) - 1 == html.count("<tr>") - 1 > 1  # every task, plus the header
    tr_pr = task.rows[0]._tr.trPr
    assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None
    # the task text gets the most room and the table fits between the margins
    widths = [c.width for c in task.columns]
    assert widths.index(max(widths)) == TASK_HEADER.index("重点任务")
    assert sum(widths) <= max(s.page_width - s.left_margin - s.right_margin  # its section's
                              for s in document.sections)
    assert task.rows[1].cells[1].text and task.rows[1].cells[1].text != "—"


@pytest.mark.e2e
def test_every_chart_is_an_inline_picture_within_the_page(document, executed) -> None:
    n = _chart_specs(executed)
    assert n >= 4
    assert len(document.inline_shapes) == n
    section = document.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    assert all(0 < s.width <= text_width + 1 for s in document.inline_shapes)


@pytest.mark.e2e
def test_chart_pictures_are_sharp_in_print_and_cached(document, built) -> None:
    # >= 150 dpi at the printed width: crisp on paper (scale 2 gives 96 * 2 / enlargement)
    for shape in document.inline_shapes:
        rid = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        w_px, _ = dx._png_size(document.part.related_parts[rid].blob)
        assert w_px / (shape.width / 914400) >= 150, (w_px, shape.width)
    # the build kept the chart PNGs for the next report or build showing the same chart
    assert len(list((built.cache / "charts").glob("*.png"))) == len(document.inline_shapes)


@pytest.mark.e2e
def test_footer_numbers_pages(document) -> None:
    footer = document.sections[0].footer
    xml = footer._element
    instr = [t.text.strip() for t in xml.iter(qn("w:instrText"))]
    assert "PAGE" in instr and "NUMPAGES" in instr
    text = "".join(t.text or "" for t in xml.iter(qn("w:t")))
    assert text.startswith("第") and "页" in text and "共" in text


@pytest.mark.e2e
def test_east_asian_fonts_and_a4(document) -> None:
    def fonts(style_name: str) -> dict[str, str]:
        rfonts = document.styles[style_name].element.rPr.find(qn("w:rFonts"))
        return {k.split("}")[1]: v for k, v in rfonts.attrib.items()}

    normal = fonts("Normal")
    assert normal["eastAsia"] == dx.BODY_FONT and "eastAsiaTheme" not in normal
    assert fonts("Heading 1")["eastAsia"] == "黑体"
    assert all("eastAsiaTheme" not in fonts(f"Heading {i}") for i in (1, 2, 3))
    lang = document.settings.element.find(qn("w:themeFontLang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    s = document.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)


@pytest.mark.e2e
def test_libreoffice_can_convert_it(built: build.Paths, tmp_path: Path) -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if not office:
        pytest.skip("LibreOffice is not installed (optional check)")
    src = built.site / "docx" / f"{REPORT}.docx"
    proc = subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                           str(src)], capture_output=True, timeout=300, check=False)
    pdf = tmp_path / f"{REPORT}.pdf"
    assert proc.returncode == 0 and pdf.exists() and pdf.stat().st_size > 10_000, proc.stderr


# --------------------------------------------------------------------------- layout rules


def _table(ncols: int, long_col: int | None = None, rows: int = 5) -> dx.Block:
    header = [f"列{i}" for i in range(ncols)]
    body = [["合成数据" if i != long_col else "这是一段用于测试的合成长文本" * 4
             for i in range(ncols)] for _ in range(rows)]
    return dx.Block("table", header=header, rows=body, numeric=[False] * ncols)


def test_table_layout_fits_the_page_and_turns_wide_tables() -> None:
    narrow = dx.table_layout(_table(5, long_col=1))
    assert not narrow.landscape and narrow.font_pt == dx.TABLE_PT
    assert narrow.widths_pt.index(max(narrow.widths_pt)) == 1
    assert sum(narrow.widths_pt) <= dx._text_width_pt(False) + 0.5
    wide = dx.table_layout(_table(9, long_col=3, rows=30))
    assert wide.landscape and sum(wide.widths_pt) <= dx._text_width_pt(True) + 0.5
    # too many columns even for landscape: smaller font, still within the page
    huge = dx.table_layout(_table(20, rows=30))
    assert huge.landscape and huge.font_pt == dx.SMALL_TABLE_PT
    assert sum(huge.widths_pt) <= dx._text_width_pt(True) + 0.5


@pytest.mark.parametrize("text", ["合成 ", " a", "", "x\ty", "a\nb", "12.5%"])
@pytest.mark.parametrize("font_pt", [dx.TABLE_PT, dx.SMALL_TABLE_PT])
def test_table_cells_are_what_python_docx_would_write(text: str, font_pt: float) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt
    from lxml import etree

    t = docx.Document().add_table(rows=1, cols=2)
    p = t.cell(0, 0).paragraphs[0]
    p._p.get_or_add_pPr().style = "GPTableText"
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = p.add_run(text)
    if font_pt != dx.TABLE_PT:
        run.font.size = Pt(font_pt)
    dx._cell_paragraph(t.cell(0, 1), text, "GPTableText", WD_ALIGN_PARAGRAPH.RIGHT, font_pt)
    want, got = (etree.tostring(t.cell(0, i)._tc) for i in (0, 1))
    assert got == want


def test_heading_before_a_wide_table_goes_landscape_with_it() -> None:
    blocks = [dx.Block("heading", [dx.Run("一、合成")], level=1),
              dx.Block("para", [dx.Run("说明文字（合成）")]),
              _table(9, long_col=3, rows=30),
              dx.Block("para", [dx.Run("之后的文字")])]
    dx.assign_orientation(blocks)
    # a short stretch after it stays landscape too (two turns would waste two page ends)
    assert [b.landscape for b in blocks] == [True, True, True, True]
    blocks += [dx.Block("heading", [dx.Run("二、合成")], level=1), _table(3, rows=60)]
    dx.assign_orientation(blocks)
    assert [b.landscape for b in blocks] == [True, True, True, False, False, False]
    # after a portrait table, only the heading and the text before the wide one go along
    blocks = [dx.Block("heading", [dx.Run("一、合成")], level=1), _table(3),
              dx.Block("heading", [dx.Run("二、合成")], level=1),
              dx.Block("para", [dx.Run("说明文字（合成）")]), _table(9, long_col=3, rows=30)]
    dx.assign_orientation(blocks)
    assert [b.landscape for b in blocks] == [False, False, True, True, True]


def test_a_short_wide_table_stays_upright_in_smaller_type() -> None:
    """Turning the page for a wide table of a few rows would leave most of two pages blank:
    it stays portrait in 六号 with long headers on two lines (never one character a line)."""
    block = _table(10, long_col=1, rows=3)
    block.header = ["编号", "指标", "目标值", "目标年份", "评级", "责任单位", "信号灯",
                    "最新监测值", "关联任务", "方案原文"]
    short = dx.table_layout(block)
    assert not short.landscape and short.font_pt == dx.SMALL_TABLE_PT
    assert sum(short.widths_pt) <= dx._text_width_pt(False) + 0.5
    _assert_headers_hold_two_characters(block.header, short)
    block.rows = block.rows * 10  # the same table, long: landscape
    assert dx.table_layout(block).landscape


def _assert_headers_hold_two_characters(header: list[str], layout: dx.TableLayout) -> None:
    """Every header fits on one line, or (four characters and more) on two: each line holds
    at least two characters."""
    import math

    from greenlib.report import docx_layout

    for h, w in zip(header, layout.widths_pt, strict=True):
        room_em = (w - docx_layout.CELL_PAD_PT) / layout.font_pt
        n = docx_layout._width_chars(h)
        need = math.ceil(n / 2) if n >= 4 else n
        assert room_em >= need, f"header {h!r}: {room_em:.1f} em for {n:.1f}"
        per_line = math.floor(room_em - docx_layout.SLACK_EM / 2)
        assert n <= per_line or round(n) % per_line != 1, f"header {h!r} leaves one character alone"


@pytest.mark.e2e
def test_headers_of_every_table_fit_on_one_or_two_lines(document) -> None:
    from docx.shared import Pt

    from greenlib.report import docx_layout

    assert len(document.tables) >= 4
    for t in document.tables:
        header = [c.text for c in t.rows[0].cells]
        sizes = {r.font.size for c in t.rows[0].cells for p in c.paragraphs for r in p.runs}
        font = (sizes.pop() or Pt(dx.TABLE_PT)).pt if len(sizes) == 1 else dx.TABLE_PT
        layout = docx_layout.TableLayout([c.width.pt for c in t.columns], font, False)
        _assert_headers_hold_two_characters(header, layout)
        rpr = t.rows[0]._tr.trPr
        assert rpr is not None and rpr.find(qn("w:tblHeader")) is not None  # repeats per page


def test_gbt9704_page_fonts_and_headings_kept_with_the_next_paragraph(tmp_path: Path) -> None:
    out = dx.notebook_to_docx(_synthetic_notebook(), tmp_path / "s.docx", "合成报告", footer="合成页脚")
    d = docx.Document(str(out))
    s = d.sections[0]
    assert [round(m.mm) for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] \
        == [37, 35, 28, 26]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)

    def east_asia(style: str) -> str:
        return d.styles[style].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    assert [east_asia(n) for n in ("Normal", "Heading 1", "Heading 2")] == ["仿宋", "黑体", "楷体"]
    assert all(d.styles[f"Heading {i}"].paragraph_format.keep_with_next for i in (1, 2, 3))
    font_table = next(p for p in d.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    for name, english in (("仿宋", "FangSong"), ("黑体", "SimHei"), ("楷体", "KaiTi")):
        assert f'w:name="{name}"'.encode() in font_table.blob and english.encode() in font_table.blob
    instr = [t.text.strip() for t in s.footer._element.iter(qn("w:instrText"))]
    assert instr == ["PAGE", "NUMPAGES"]



# --------------------------------------------------------------------------- synthetic notebook


def _synthetic_notebook() -> nbformat.NotebookNode:
    html_out = new_output("display_data", data={
        "text/html": '<div class="gp-warn">合成提示：本笔记本为测试用合成数据。</div>',
        "text/plain": "<HTML>"})
    md_out = new_output("display_data", data={
        "text/markdown": "### 合成小节\n\n| 评级 | 含义 |\n|---|---|\n| 已实现 | 合成 |\n",
        "text/plain": "<Markdown>"})
    return new_notebook(cells=[
        new_markdown_cell("## 一、合成章节\n\n这是**加粗**的文字，\n换行后接着写。\n\n"
                          "- 第一项\n- 第二项\n\n1. 甲\n2. 乙"),
        new_code_cell("x", outputs=[html_out, md_out,
                                    new_output("stream", name="stdout", text="不应出现的打印")]),
    ])


def test_markdown_notes_and_lists(tmp_path: Path) -> None:
    out = dx.notebook_to_docx(_synthetic_notebook(), tmp_path / "synthetic.docx", "合成报告",
                              footer="合成页脚")
    d = docx.Document(str(out))
    texts = [p.text for p in d.paragraphs]
    assert texts[0] == "合成报告"
    assert "这是加粗的文字，换行后接着写。" in texts  # no space where Chinese text was wrapped
    bold = [r.text for p in d.paragraphs for r in p.runs if r.bold]
    assert "加粗" in bold
    assert "• 第一项" in texts and "2. 乙" in texts
    note = next(p for p in d.paragraphs if p.text.startswith("合成提示"))
    shd = note._p.pPr.find(qn("w:shd"))
    assert shd is not None and shd.get(qn("w:fill")) == dx.SHADE_WARN
    assert [(p.style.name, p.text) for p in d.paragraphs if p.style.name.startswith("Heading")] \
        == [("Heading 1", "一、合成章节"), ("Heading 2", "合成小节")]
    assert [[c.text for c in r.cells] for r in d.tables[0].rows] == [["评级", "含义"], ["已实现", "合成"]]
    assert not any("不应出现" in t for t in texts)
    assert "合成页脚" not in texts and "合成页脚" in d.sections[0].footer.paragraphs[-1].text


def test_chinese_renders_in_chart_pictures() -> None:
    assert dx.cjk_renders(), "vl-convert draws no Chinese: install a CJK font (make sysdeps)"


def test_charts_never_fetch_from_the_network() -> None:
    spec = {"data": {"url": "https://example.com/synthetic.csv"}, "mark": "point",
            "encoding": {"x": {"field": "a", "type": "quantitative"}}}
    with pytest.raises(GreenlibError, match="not allowed"):
        dx.chart_png(spec)


def test_chart_cache_draws_a_spec_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from greenlib.report import docx_charts

    spec = {"data": {"values": [{"a": "合成", "n": 1}]}, "mark": "bar",
            "encoding": {"x": {"field": "a"}, "y": {"field": "n", "type": "quantitative"}}}
    png = dx.chart_png(spec, cache=tmp_path)
    assert len(list(tmp_path.glob("*.png"))) == 1 and not list(tmp_path.glob("*.tmp"))

    def no_drawing(*_: object) -> bytes:
        raise AssertionError("drawn again")

    monkeypatch.setattr(docx_charts, "_draw", no_drawing)
    assert dx.chart_png(spec, cache=tmp_path) == png
    with pytest.raises(AssertionError, match="drawn again"):  # another scale is another picture
        dx.chart_png(spec, scale=1, cache=tmp_path)
    monkeypatch.undo()
    # a spec that cannot be drawn is not cached; old, unused PNGs are pruned
    with pytest.raises(GreenlibError):
        dx.chart_png({"data": {"url": "https://example.com/synthetic.csv"}, "mark": "point"},
                     cache=tmp_path)
    assert len(list(tmp_path.glob("*.png"))) == 1
    old = next(tmp_path.glob("*.png"))
    os.utime(old, (0, 0))
    assert docx_charts.prune_chart_cache(tmp_path) == 1 and not old.exists()


def test_chart_spec_is_read_from_the_report_html() -> None:
    from greenlib.report import render

    spec = {"mark": "bar", "data": {"values": [{"a": "合成<甲>&乙", "n": 1}]},
            "encoding": {"x": {"field": "a"}, "y": {"field": "n", "type": "quantitative"}}}
    blocks = dx.html_blocks(render.chart_html(spec))
    assert [b.kind for b in blocks] == ["chart"] and blocks[0].spec == json.loads(json.dumps(spec))


def test_the_vega_bundle_and_its_placeholder_show_nothing() -> None:
    from greenlib.report import render

    assert dx.html_blocks(render.PLACEHOLDER) == []  # what a built notebook carries
    assert dx.html_blocks(render.bundle_html()) == []


@pytest.mark.e2e
def test_built_notebook_carries_the_placeholder_and_the_word_file_not(document, executed) -> None:
    from greenlib.report import render

    first = next(o for c in executed.cells for o in c.get("outputs", [])
                 if "text/html" in o.get("data", {}))
    assert first["data"]["text/html"] == render.PLACEHOLDER
    text = "\n".join(p.text for p in document.paragraphs)
    assert "greenplan-vega-bundle" not in text and "data-inject" not in text


# --------------------------------------------------------------------------- build hook


TINY = [
    new_code_cell("word = 'hello'\nfail = False", metadata={"tags": ["parameters"]}),
    new_markdown_cell("## 一、小报告"),
    new_code_cell("from IPython.display import HTML, display\n"
                  "display(HTML(f'<p>合成：{word}</p>'))"),
]


def test_build_writes_docx_keeps_the_good_one_and_can_skip(tmp_path: Path, built_data: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    nb = new_notebook(cells=TINY)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, nbdir / "tiny.ipynb")
    params = tmp_path / "params"
    params.mkdir()
    (params / "alpha.yaml").write_text("notebook: tiny\ntitle: 合成报告\nparameters:\n  word: 甲\n",
                                       encoding="utf-8")
    data = tmp_path / "plan" / "data"
    shutil.copytree(built_data, data)
    paths = build.Paths(params=params, data=data, root=tmp_path / "plan", notebooks=nbdir)
    report = build.load_reports(paths)[0][0]
    target = paths.site / "docx" / "alpha.docx"

    assert build.build_report(report, paths, pdf=False).ok
    good = target.read_bytes()
    assert "合成：甲" in [p.text for p in docx.Document(str(target)).paragraphs]

    def broken(*_a: object, **_k: object) -> Path:
        raise GreenlibError("synthetic docx failure")

    monkeypatch.setattr(dx, "notebook_to_docx", broken)
    html_before = (paths.site / "alpha.html").read_bytes()
    res = build.build_report(report, paths, pdf=False)
    assert not res.ok and "synthetic docx failure" in res.error
    assert target.read_bytes() == good
    assert (paths.site / "alpha.html").read_bytes() == html_before
    monkeypatch.undo()

    # the index links the Word file; --no-docx builds none
    assert build.run_reports(paths, jobs=1, pdf=False, force=True) == 0
    assert 'href="docx/alpha.docx"' in (paths.site / "index.html").read_text(encoding="utf-8")
    target.unlink()
    assert build.run_reports(paths, jobs=1, pdf=False, docx=False) == 0
    assert not target.exists()


def test_numeric_headers_align_right_and_lights_are_coloured_marks_with_their_word(
        tmp_path: Path) -> None:
    import pandas as pd
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from greenlib import labels
    from greenlib.report import show

    df = pd.DataFrame({"合成指标": ["合成指标甲", "合成指标乙"], "完成进度": ["85.0%", "12.5%"],
                       "信号灯": ["红灯", "绿灯"]})
    nb = new_notebook(cells=[new_code_cell("x", outputs=[new_output("display_data", data={
        "text/html": show.table_html(df), "text/plain": "<HTML>"})])])
    doc = docx.Document(str(dx.notebook_to_docx(nb, tmp_path / "t.docx", "合成报告")))
    table = doc.tables[0]
    head = [c.paragraphs[0] for c in table.rows[0].cells]
    assert head[1].alignment == WD_ALIGN_PARAGRAPH.RIGHT  # over the numbers
    assert table.rows[1].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert head[0].alignment != WD_ALIGN_PARAGRAPH.RIGHT
    for row, code in ((1, "red"), (2, "green")):
        runs = table.rows[row].cells[2].paragraphs[0].runs
        assert "".join(r.text for r in runs) == "●" + labels.LIGHT[code]  # the word carries it
        mark = next(r for r in runs if r.text == "●")
        assert str(mark.font.color.rgb) == labels.LIGHT_COLORS[code].lstrip("#").upper()
