"""Printed reports as a reader holds them: real notebooks, real Chromium, real PDFs checked with
poppler (``pdftotext -bbox``, ``pdftohtml -xml``) through :mod:`greenlib.report.pdfcheck`.

The overview and the agriculture report are built for the district plan; their tables are the
widest (all targets with their task ids, the monitoring sources with long titles, corrections
with their reasons), the ones that used to be cut at the page edge.
"""

from __future__ import annotations

import inspect
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from greenlib.report import build, pdfcheck, render, show
from tests.helpers import need
from tests.paths import DISTRICT

pytestmark = pytest.mark.e2e

REPORTS = ("overview", "agriculture")
#: Every kind of leader report (overview, sector, assessment, department pages), printed and
#: written to Word: the page checks and the Word page count run over these. 区发展改革委 leads the
#: most tasks (a landscape table opens its page); 区市场监管局's landscape table used to end on a
#: page holding two rows.
LEADER_REPORTS = (*REPORTS, "assessment", "units/区发展改革委", "units/区市场监管局")


@pytest.fixture(scope="module")
def built(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> build.Paths:
    need(render.chromium_path(), "Chromium")
    need(shutil.which("pdftotext") and shutil.which("pdftohtml"), "poppler-utils")
    paths = build.Paths(params=DISTRICT.params, data=built_data,
                        root=tmp_path_factory.mktemp("print"))
    reports, _ = build.load_reports(paths)
    for r in reports:
        if r.name in LEADER_REPORTS:
            res = build.build_report(r, paths, pdf=True, docx=True)
            log = paths.executed / f"{r.name}.log"
            assert res.ok, f"{res.error}\n{log.read_text(encoding='utf-8') if log.exists() else ''}"
    return paths


def _pages(paths: build.Paths, name: str) -> list[pdfcheck.Page]:
    return pdfcheck.pages(paths.pdf / f"{name}.pdf")


@pytest.mark.parametrize("name", REPORTS)
def test_no_word_lies_beyond_the_printable_width(built: build.Paths, name: str) -> None:
    pages = _pages(built, name)
    assert len(pages) >= 3 and sum(len(p.words) for p in pages) > 300
    over = pdfcheck.overflowing_words(pages)
    assert over == [], f"{name}.pdf: {len(over)} word(s) cut at the page edge, e.g. {over[:5]}"


@pytest.mark.parametrize("name", REPORTS)
def test_every_table_cell_is_printed_in_full(built: build.Paths, name: str) -> None:
    # a column cut at the page edge loses its characters from the PDF text
    html = (built.site / f"{name}.html").read_text(encoding="utf-8")
    missing = pdfcheck.missing_table_text(html, built.pdf / f"{name}.pdf")
    assert missing == {}, f"{name}.pdf lacks {sum(missing.values())} characters of its tables"


def test_wide_tables_print_on_landscape_pages(built: build.Paths) -> None:
    pages = _pages(built, "overview")
    landscape = [p for p in pages if p.landscape]
    assert landscape, "the overview's 8-column target table should get a landscape page"
    # the target table's right-most column header is on a landscape page, inside the margin
    assert any("关联任务" in p.text() for p in landscape)
    assert any(not p.landscape for p in pages)  # the rest stays portrait


@pytest.mark.parametrize("name", REPORTS)
def test_pdf_has_bookmarks_from_the_headings(built: build.Paths, name: str) -> None:
    items = pdfcheck.outline(built.pdf / f"{name}.pdf")
    html = (built.site / f"{name}.html").read_text(encoding="utf-8")
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    h2 = [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(r"<h2\b[^>]*>(.*?)</h2>", html, flags=re.S)]
    assert "一、概要" in h2
    for h in h2:
        assert any(h in item for item in items), f"no bookmark for {h!r}: {items}"


@pytest.mark.parametrize("name", REPORTS)
def test_no_page_is_empty(built: build.Paths, name: str) -> None:
    assert pdfcheck.empty_pages(_pages(built, name)) == []


@pytest.mark.parametrize("name", REPORTS)
def test_every_page_but_the_first_is_numbered(built: build.Paths, name: str) -> None:
    pages = _pages(built, name)
    numbers = [pdfcheck.page_number_on(p) for p in pages]
    if not any(numbers) and "footerTemplate" not in inspect.getsource(render):
        pytest.skip("render.print_pdf prints no page numbers yet (no footer template in render.py)")
    for p, n in zip(pages[1:], numbers[1:], strict=True):
        assert n == p.number, f"{name}.pdf page {p.number}: page number {n!r}"


@pytest.mark.parametrize("name", REPORTS)
def test_html_has_a_contents_list_linking_every_section(built: build.Paths, name: str) -> None:
    html = (built.site / f"{name}.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="gp-toc".*?</nav>', html, flags=re.S)
    assert nav and "目录" in nav.group(0)
    targets = re.findall(r'href="#([^"]+)"', nav.group(0))
    assert len(targets) >= 5
    for t in targets:  # every entry lands on a heading
        assert re.search(rf'<h[23][^>]*\bid="{re.escape(t)}"', html), t
    assert "一、概要" in nav.group(0)
    assert '<a href="index.html">← 返回报告目录</a>' in html


def test_the_cut_table_checks_can_fail(tmp_path: Path) -> None:
    """Control: a table too wide for A4 loses text on paper, and the checks see it.

    Asserts what the reader loses, not how one Chromium build draws it: older builds drew a
    plain table past the margin (words beyond the edge), Chromium 156 clips it at the margin
    (characters missing from the PDF); a scroll box clips in every build."""
    need(render.chromium_path(), "Chromium")
    need(shutil.which("pdftotext"), "poppler-utils")
    cells = "".join(f"<td style='white-space:nowrap'>第{i}列很长很长的文字内容</td>" for i in range(12))
    for box in ("overflow-x:auto", "overflow:visible"):
        page = tmp_path / "wide.html"
        text = ("<html><head><meta charset='utf-8'><style>@page { size: A4; margin: 14mm 12mm "
                f"16mm 12mm; }}</style></head><body><div style='{box}'><table><tr>"
                f"{cells}</tr></table></div></body></html>")
        page.write_text(text, encoding="utf-8")
        pdf = render.print_pdf(page, tmp_path / "wide.pdf")
        lost = pdfcheck.lost_to_reader(text, pdf)
        assert lost, f"{box}: a 12-column table wider than A4 printed whole ({render.chromium_version()})"
        # the reader-facing checks of the reports fail on this page: each signal is one of them
        assert set(lost) <= {"missing_chars", "words_beyond_edge"}
    # and a table that fits loses nothing (the checks are not always on)
    narrow = tmp_path / "narrow.html"
    text = ("<html><head><meta charset='utf-8'></head><body><table><tr>"
            + "".join(f"<td>第{i}列</td>" for i in range(4)) + "</tr></table></body></html>")
    narrow.write_text(text, encoding="utf-8")
    assert pdfcheck.lost_to_reader(text, render.print_pdf(narrow, tmp_path / "narrow.pdf")) == {}


def _reader_text(html: str) -> tuple[str, str]:
    """(the report's visible text before its 附录, the appendix and footer): no scripts, styles
    or tags."""
    import html as html_mod

    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    html = re.sub(r'<nav class="gp-toc".*?</nav>', "", html, flags=re.S)
    heading = re.search(r"<h2\b[^>]*>\s*附录", html)
    assert heading, "no 附录 heading"
    body, appendix = html[:heading.start()], html[heading.start():]
    return tuple(html_mod.unescape(re.sub(r"<[^>]+>", " ", t)) for t in (body, appendix))


@pytest.mark.parametrize("name", REPORTS)
def test_reader_pages_carry_no_machine_talk(built: build.Paths, name: str) -> None:
    html = (built.site / f"{name}.html").read_text(encoding="utf-8")
    body, appendix = _reader_text(html)
    version = build.data_version(built.data)
    assert version not in body and version in appendix  # the data version is in the appendix
    for pattern, what in [
        (r"[\w./-]+\.(?:py|csv|yaml|yml|ipynb|json)\b", "a file name"),
        (r"\b[a-z]+_[a-z_]+\b", "a field name"),
        (r"\b(?:unit|target|task)-\d+-[a-z]+\b", "a correction id"),
        (r"\b(?:task_units|targets|tasks|indicator)\b", "a table or field name"),
        (r"\(?as of\)?|CAGR|ProgressMeasure|sdg-build|greenlib|notebooks/", "a code word"),
    ]:
        found = re.findall(pattern, body)
        assert not found, f"{name}: {what} on a reader page: {found[:5]}"
    formula = re.compile(r"进度比\s*=")  # the formula is in the appendix only
    assert not formula.search(body) and formula.search(appendix)
    assert not re.search(r"\b(?:unit|target)-\d+-[a-z]+\b", appendix)  # no pinyin ids at all


def test_monitoring_sources_link_to_their_address(built: build.Paths) -> None:
    html = (built.site / "agriculture.html").read_text(encoding="utf-8")
    links = re.findall(r"<a\b[^>]*>", html.split("监测数据", 2)[-1])
    external = [a for a in links if 'href="http' in a]
    assert external, "no source title links to its address"
    for a in external:
        assert 'target="_blank"' in a and 'rel="noopener noreferrer"' in a, a
    assert not re.search(r'href="\s*(?:javascript|data|file):', html, flags=re.I)


# --------------------------------------------------------------------------- numbers and lights


def _ppm(path: Path) -> tuple[int, int, bytes]:
    """(width, height, RGB bytes) of a binary PPM (pdftoppm's output)."""
    data = path.read_bytes()
    head = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert head, "not a binary PPM"
    return int(head.group(1)), int(head.group(2)), data[head.end():]


def test_numbers_align_right_under_their_headers_and_lights_print_coloured_with_their_word(
        tmp_path: Path) -> None:
    """A printed table as a reader holds it: a header over numbers ends where the numbers end
    (not left, where it reads as a shifted column); a light is a coloured mark with its word
    beside it, so black-and-white print still says 红灯."""
    from greenlib import labels

    need(render.chromium_path(), "Chromium")
    need(shutil.which("pdftotext") and shutil.which("pdftoppm"), "poppler-utils")
    df = pd.DataFrame({"合成指标": ["合成指标甲", "合成指标乙"],
                       "完成进度": ["85.0%", "12.5%"],  # numbers formatted as text
                       "最新值": [1234.5, 2.0],
                       "信号灯": ["红灯", "绿灯"]})
    page = tmp_path / "lights.html"
    page.write_text(f"<html><head><meta charset='utf-8'><style>{render.CSS.read_text(encoding='utf-8')}"
                    f"</style></head><body class='gp-report'><main>{show.table_html(df)}</main>"
                    "</body></html>", encoding="utf-8")
    pdf = render.print_pdf(page, tmp_path / "lights.pdf")
    words = pdfcheck.pages(pdf)[0].words

    def word(text: str) -> pdfcheck.Word:
        return next(w for w in words if text in w.text)

    for header, value in (("完成进度", "85.0%"), ("最新值", "1234.5")):
        h, v = word(header), word(value)
        assert abs(h.x1 - v.x1) <= 2, f"{header} ends at {h.x1:.1f} pt, its numbers at {v.x1:.1f} pt"
        assert h.x0 > v.x0 - 30  # right-aligned, not left-aligned over a short number
    text = pdfcheck.pdf_text(pdf)
    assert "红灯" in text and "绿灯" in text and text.count("●") == 2
    # the marks are coloured: render the page and look at the pixels left of each word
    dpi = 150
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True, capture_output=True)
    width, _, rgb = _ppm(next(tmp_path.glob("page*.ppm")))
    k = dpi / 72
    for code in ("red", "green"):
        w = word(labels.LIGHT[code])
        want = tuple(int(labels.LIGHT_COLORS[code][i:i + 2], 16) for i in (1, 3, 5))
        x0 = int(w.x0 * k) - int(12 * k)  # the mark sits before (or in) the word's box
        pixels = [tuple(rgb[3 * (y * width + x):3 * (y * width + x) + 3])
                  for y in range(int(w.y0 * k), int(w.y1 * k))
                  for x in range(max(0, x0), int(w.x1 * k))]
        assert any(sum(abs(a - b) for a, b in zip(p, want, strict=True)) < 90 for p in pixels), (
            f"no {code} pixel at the mark of {labels.LIGHT[code]}")



# --------------------------------------------------------------------------- pages not wasted


@pytest.mark.parametrize("name", LEADER_REPORTS)
def test_no_page_is_left_under_a_quarter_full(built: build.Paths, name: str) -> None:
    """An orientation change must not leave a page holding one table row, or only the title
    before a landscape table (issue 17); only the last page may be short."""
    pages = _pages(built, name)
    short = pdfcheck.underfilled_pages(pages)
    fills = [f"{p.number}{'L' if p.landscape else ''}:{pdfcheck.fill(p):.2f}" for p in pages]
    assert short == [], f"{name}.pdf: pages under a quarter full {short}; fill per page {fills}"


def test_a_department_page_opens_on_a_full_page(built: build.Paths) -> None:
    # its task table is landscape: the title and contents go with it, not alone on a portrait page
    first = _pages(built, "units/区发展改革委")[0]
    assert pdfcheck.fill(first) >= 0.5, f"the first page is {1 - pdfcheck.fill(first):.0%} blank"


def _turn_page(n_rows: int) -> str:
    """Cells as the report template writes them: a short portrait part (a heading and a small
    table), then a heading and a landscape table of ``n_rows`` rows (synthetic data)."""
    small = show.table_html(pd.DataFrame({"合成项目": ["合成甲", "合成乙"], "数量": [1, 2]}))
    wide = show.table_html(pd.DataFrame({f"合成列{i}": [f"合成数据第{r}行第{i}列" for r in range(n_rows)]
                                         for i in range(9)}))
    assert "gp-wide" in wide
    cells = [("jp-MarkdownCell", "<h2>一、合成开头</h2><p>合成的说明文字。</p>"),
             ("jp-CodeCell", small),
             ("jp-MarkdownCell", "<h2>二、合成宽表</h2>"),
             ("jp-CodeCell", wide)]
    body = "".join(f'<div class="jp-Cell {k}">{h}</div>' for k, h in cells)
    return (f"<html><head><meta charset='utf-8'><style>{render.CSS.read_text(encoding='utf-8')}"
            f"</style></head><body class='gp-report'><main>{body}</main></body></html>")


def test_the_short_page_check_can_fail_and_the_printer_fills_the_page(tmp_path: Path) -> None:
    """Control: a short portrait part before a landscape table leaves a page mostly blank, and
    the check sees it in a plain print; the report printer turns that part landscape too."""
    from greenlib.report import pdf_printer

    need(render.chromium_path(), "Chromium")
    need(shutil.which("pdftotext"), "poppler-utils")
    page = tmp_path / "turn.html"
    page.write_text(_turn_page(60), encoding="utf-8")
    plain = pdfcheck.pages(render.print_pdf(page, tmp_path / "plain.pdf"))
    assert not plain[0].landscape and plain[1].landscape
    assert [n for n, _ in pdfcheck.underfilled_pages(plain)] == [1]
    with pdf_printer.Printer() as printer:
        filled = pdfcheck.pages(printer.print_pdf(page, tmp_path / "filled.pdf"))
    assert pdfcheck.underfilled_pages(filled) == []
    assert filled[0].landscape and "合成开头" in filled[0].text()


def test_a_short_wide_table_prints_upright_in_smaller_type() -> None:
    wide = pd.DataFrame({f"合成列{i}": ["合成数据甲乙丙丁"] * 3 for i in range(9)})
    assert show.print_class(wide) == "gp-dense"
    assert show.print_class(pd.concat([wide] * 10)) == "gp-wide"
    assert show.print_class(wide.iloc[:, :3]) == ""


# --------------------------------------------------------------------------- Word vs PDF

#: The Word copy may run to this many times the pages of the printed PDF (issue 17), or one
#: page more for a report of up to three pages: Word's GB/T 9704 版心 holds about 30 % less
#: than the PDF's page, so a PDF that just fills two pages takes three in Word.
WORD_PAGES_MAX = 1.3


@pytest.fixture(scope="module")
def word_pdfs(built: build.Paths, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every leader report's Word file converted to PDF by LibreOffice (headless)."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if not office:
        pytest.skip("LibreOffice is not installed, so the Word files cannot be converted to count "
                    "their pages (make test installs libreoffice-writer-nogui as root; else "
                    "apt-get install libreoffice-writer-nogui)")
    out = tmp_path_factory.mktemp("word-pdf")
    docs = {name: built.site / "docx" / f"{name}.docx" for name in LEADER_REPORTS}
    flat = out / "docx"
    flat.mkdir()
    for name, src in docs.items():  # one folder, unique names
        shutil.copy(src, flat / (name.replace("/", "_") + ".docx"))
    proc = subprocess.run([office, "--headless", f"-env:UserInstallation={(out / 'profile').as_uri()}",
                           "--convert-to", "pdf", "--outdir", str(out), *sorted(map(str, flat.iterdir()))],
                          capture_output=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-2000:]
    return {name: out / (name.replace("/", "_") + ".pdf") for name in LEADER_REPORTS}


@pytest.mark.parametrize("name", LEADER_REPORTS)
def test_word_copy_runs_to_about_the_pages_of_the_pdf(built: build.Paths, word_pdfs: dict[str, Path],
                                                      name: str) -> None:
    word = pdfcheck.pages(word_pdfs[name])
    pdf = _pages(built, name)
    allowed = max(WORD_PAGES_MAX * len(pdf), len(pdf) + 1 if len(pdf) <= 3 else 0)
    assert len(word) <= allowed, (
        f"{name}: Word {len(word)} pages, PDF {len(pdf)} (at most {WORD_PAGES_MAX}×)")
    # LibreOffice printed every page number field and the build's line
    assert all(pdfcheck.page_number_on(p) == p.number for p in word)
    assert "数据版本" in word[-1].text()
