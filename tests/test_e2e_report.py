"""End to end: one sector report through papermill, nbconvert and headless Chromium.

The data are the real district plan cleaned and rated into a temporary folder. The HTML is opened in
Chromium with all traffic sent to a local logging proxy: every chart must be drawn as SVG
and not a single request may be attempted. The PDF must carry the Chinese headings and
the chart titles as text, with every font embedded.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from greenlib.report import build, render
from tests.helpers import need
from tests.paths import DISTRICT

pytestmark = pytest.mark.e2e

REPORT = "agriculture"
HEADINGS = ["一、概要", "二、重点任务清单", "三、责任分工", "四、量化目标", "附录",
            "如何阅读评级"]
CHART_TITLES = ["各责任单位承担任务数", "共同承担任务矩阵", "时间节点", "量化目标进展评级",
                "监测值与目标值对比"]


@pytest.fixture(scope="module")
def built(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> build.Paths:
    need(render.chromium_path(), "Chromium")
    tmp = tmp_path_factory.mktemp("report")
    paths = build.Paths(params=DISTRICT.params, data=built_data, root=tmp)
    reports, _ = build.load_reports(paths)
    report = next(r for r in reports if r.name == REPORT)
    res = build.build_report(report, paths, pdf=True)
    log = paths.executed / f"{REPORT}.log"
    assert res.ok, f"{res.error}\n{log.read_text(encoding='utf-8') if log.exists() else ''}"
    return paths


@pytest.fixture(scope="module")
def html(built: build.Paths) -> str:
    return (built.site / f"{REPORT}.html").read_text(encoding="utf-8")


class _Proxy:
    """A local 'proxy' that records the first line of every connection and closes it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.seen: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.settimeout(2)
            try:
                self.seen.append(conn.recv(300).split(b"\r\n")[0].decode("latin-1"))
            except OSError as e:
                self.seen.append(f"<connection: {e}>")
            finally:
                conn.close()


@pytest.fixture(scope="module")
def proxy() -> Iterator[_Proxy]:
    p = _Proxy()
    yield p
    p.sock.close()


class _Charts(HTMLParser):
    """Per chart container (div.gp-chart): does it hold an <svg>, what text does it show."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.open: list[dict] = []
        self.charts: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "div":
            self.depth += 1
            if "gp-chart" in (dict(attrs).get("class") or ""):
                chart = {"depth": self.depth, "svg": 0, "text": ""}
                self.open.append(chart)
                self.charts.append(chart)
        elif tag == "svg" and self.open:
            self.open[-1]["svg"] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "div":
            if self.open and self.open[-1]["depth"] == self.depth:
                self.open.pop()
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open[-1]["text"] += data


def test_html_needs_no_network_and_shows_no_code(html: str) -> None:
    assert render.external_refs(html) == []
    assert "<script src" not in html.replace(" ", "")
    assert html.count('id="greenplan-vega-bundle"') == 1
    for code in ("rh.scope(", "render.setup_notebook", "charts.unit_roles(", "import "
                 "greenlib"):
        assert code not in html, f"code shown in the report: {code}"
    assert "In&nbsp;[" not in html and "jp-InputArea-editor" not in html
    for h in HEADINGS:
        assert h in html


def test_executed_notebook_is_small_and_the_page_holds_the_bundle_once(
        built: build.Paths, html: str) -> None:
    """A build leaves a placeholder in the notebook; the HTML export puts the bundle in."""
    executed = built.executed / f"{REPORT}.ipynb"
    text = executed.read_text(encoding="utf-8")
    assert executed.stat().st_size < 300_000, "the Vega bundle is back in the executed notebook"
    assert "vegaEmbed" in text  # its charts are there …
    assert text.count("greenplan-vega-bundle") == 1 and "data-inject" in text  # … the bundle not
    assert render.javascript_bundle()[:2000] not in text
    assert html.count(render.bundle_html()) == 1 and "data-inject" not in html
    assert html.index(render.bundle_html()) < html.index('class="gp-chart')


def test_every_chart_draws_offline(built: build.Paths, proxy: _Proxy) -> None:
    dom = render.dump_dom(built.site / f"{REPORT}.html", budget_ms=10000,
                          proxy=f"127.0.0.1:{proxy.port}", resolve_nothing=False)
    parser = _Charts()
    parser.feed(dom)
    assert len(parser.charts) >= len(CHART_TITLES)
    drawn = [c for c in parser.charts if c["svg"] >= 1]
    assert len(drawn) == len(parser.charts), [c["text"][:80] for c in parser.charts]
    assert not any("图表无法显示" in c["text"] for c in parser.charts)
    assert proxy.seen == [], f"the page tried to reach the network: {proxy.seen}"


def test_pdf_has_chinese_text_charts_and_embedded_fonts(built: build.Paths) -> None:
    need(shutil.which("pdftotext") and shutil.which("pdffonts"), "poppler-utils")
    pdf = built.pdf / f"{REPORT}.pdf"
    assert (built.site / "pdf" / f"{REPORT}.pdf").read_bytes() == pdf.read_bytes()
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    for h in [*HEADINGS, *CHART_TITLES]:  # chart titles are SVG text: the charts printed
        assert h in text, f"{h!r} missing from the PDF text"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True
                           ).stdout.decode("utf-8").splitlines()[2:]
    assert fonts, "no fonts in the PDF"
    for line in fonts:
        # the last columns are: emb sub uni object-number generation. Chromium embeds the
        # CFF-flavoured Noto Sans CJK as Type 3 subsets (vector glyphs), which pdffonts
        # lists without a name; "uni yes" means the Chinese text stays searchable.
        emb, _sub, uni = line.split()[-5:-2]
        assert emb == "yes" and uni == "yes", f"font not embedded / not searchable: {line}"


def test_the_network_check_can_fail(tmp_path: Path, proxy: _Proxy) -> None:
    """Control: a page with one external image is caught by the same proxy check."""
    need(render.chromium_path(), "Chromium")
    page = tmp_path / "leaky.html"
    page.write_text('<html><body><img src="http://example.invalid/x.png"></body></html>',
                    encoding="utf-8")
    before = len(proxy.seen)
    render.dump_dom(page, budget_ms=3000, proxy=f"127.0.0.1:{proxy.port}", resolve_nothing=False)
    assert any("example.invalid" in line for line in proxy.seen[before:])
    del proxy.seen[before:]
