"""Offline search: real reports of the district plan are built, indexed, and searched in
headless Chromium from file:// with the network off, as a reader would type the queries."""

from __future__ import annotations

import html
import re
import urllib.parse
from pathlib import Path

import pytest

from greenlib.report import render, search
from tests.paths import DISTRICT

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def built(built_site: Path) -> Path:
    """build/ with the district plan's site (four real reports, conftest.SITE_PAGES)."""
    return built_site


def _search(root: Path, query: str, plan: str = "") -> tuple[str, list[tuple[str, str]], str]:
    """(status line, [(href, title)] of the results, the results' HTML) after the page ran."""
    url = (root / search.PAGE).as_uri() + "?q=" + urllib.parse.quote(query)
    if plan:
        url += "&plan=" + plan
    proc = render.run_chromium(["--virtual-time-budget=5000", "--dump-dom", url], timeout=120)
    dom = proc.stdout.decode("utf-8", "replace")
    status = re.search(r'id="gp-status"[^>]*>(.*?)</p>', dom, re.S)
    assert status, dom[-2000:]
    hits = [(html.unescape(h), re.sub(r"<[^>]+>", "", html.unescape(t))) for h, t in
            re.findall(r'<a class="gp-hit-title" href="([^"]*)">(.*?)</a>', dom)]
    results = re.search(r'<ol id="gp-results".*?</ol>', dom, re.S)
    return re.sub(r"<[^>]+>", "", status.group(1)), hits, results.group(0) if results else ""


def test_real_queries_find_the_right_pages(built: Path) -> None:
    base = f"{DISTRICT.id}/site/"
    status, hits, dom = _search(built, "绿色工厂")
    assert "找到" in status
    pages = {h.split("#")[0] for h, _ in hits}
    assert base + "industry.html" in pages  # task 3: 创建一批绿色工厂、绿色园区
    assert base + "units/区经济信息委.html" in pages  # its lead unit's page
    assert "<mark>绿色工厂</mark>" in dom  # the match is highlighted

    _, hits, _ = _search(built, "单位GDP能耗")  # a goal, shown on the overview
    assert hits and hits[0][0].startswith(base + "overview.html")

    _, hits, _ = _search(built, "区经济信息委")  # a department: its own page comes first
    assert hits[0][0] == base + "units/区经济信息委.html"
    assert hits[0][1] == "区经济信息委"

    _, hits, _ = _search(built, "任务3")  # a task number: task 3, not 30–39
    assert hits[0] == (hits[0][0], "任务3") and hits[0][0].startswith(base + "industry.html#")
    assert not any(t in ("任务30", "任务31") for _, t in hits)

    status, hits, _ = _search(built, "火星猫咪量子纠缠")
    assert hits == [] and "没有找到" in status


def test_the_index_pages_carry_a_search_box(built: Path) -> None:
    index = (built / "index.html").read_text(encoding="utf-8")
    assert 'action="search.html"' in index and "form-action 'self'" in index
    plan_index = (built / DISTRICT.id / "site" / "index.html").read_text(encoding="utf-8")
    assert 'action="../../search.html"' in plan_index
    assert f'name="plan" id="gp-plan" value="{DISTRICT.id}"' in plan_index
    # searching from the plan's index keeps to that plan
    status, hits, _ = _search(built, "区经济信息委", plan=DISTRICT.id)
    assert hits and "只在" in status


def test_the_index_is_small_and_escaped(built: Path) -> None:
    js = (built / DISTRICT.id / "site" / search.INDEX_FILE).read_text(encoding="utf-8")
    assert js.startswith("(window.GREENPLAN_SEARCH = window.GREENPLAN_SEARCH || []).push(")
    assert "</script" not in js.lower() and "<" not in js
    assert len(js.encode()) < 400_000  # four pages and the data of 97 tasks
    page = (built / search.PAGE).read_text(encoding="utf-8")
    assert render.external_refs(page) == []
    assert not re.search(r"<[a-z]+[^>]*\son[a-z]+=", page)  # no inline event handler
    assert "innerHTML" not in (search.STATIC / search.SCRIPT).read_text(encoding="utf-8")


def test_text_folding_and_bigrams() -> None:
    assert search.fold("单位 ＧＤＰ 能耗") == "单位gdp能耗"
    assert search.bigrams("任务 28") == {"任务", "务2", "28"}
    doc = search.Doc("a.html", "task", "任务1", "", "<b>x</b>")
    assert "<" not in search.index_script({"docs": [[0, 1, doc.heading, "", doc.text]]})
