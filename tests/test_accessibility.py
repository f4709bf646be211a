"""Accessibility: axe-core (vendored, tests/vendor/) runs in headless Chromium on every kind of
page — the index pages, the overview, a sector report, a department page, the assessment, the
search page and the users' guide — and finds no serious or critical violation (WCAG 2.1 A/AA
rules: contrast, names, labels, language, headings …). Every chart is drawn with a title and
a text alternative (its SVG's aria-label)."""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

import pytest

from greenlib.report import render
from tests.paths import DISTRICT

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
SITE = f"{DISTRICT.id}/site"
PAGES = ["index.html", "search.html", "使用说明.html", f"{SITE}/index.html",
         f"{SITE}/overview.html", f"{SITE}/industry.html", f"{SITE}/assessment.html",
         f"{SITE}/units/区经济信息委.html"]


def axe_violations(page: Path) -> tuple[list[dict], str]:
    """axe-core's violations on ``page`` after its scripts (and charts) ran, and the DOM.

    The check runs on a copy beside the page (same relative links) without the page's CSP,
    which would refuse the inline axe script; everything else is the page as built."""
    text = page.read_text(encoding="utf-8")
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text, count=1)
    runner = (
        "<script>" + AXE.read_text(encoding="utf-8").replace("</script", "<\\/script")
        + "</script><script>setTimeout(function () {"
        "axe.run(document, {resultTypes: ['violations']}).then(function (r) {"
        "var p = document.createElement('pre'); p.id = 'axe-result';"
        "p.textContent = JSON.stringify(r.violations.map(function (v) {"
        "return {id: v.id, impact: v.impact, help: v.help,"
        "nodes: v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); })}; }));"
        "document.body.appendChild(p); }); }, 2000);</script>")
    copy = page.with_name(".axe-" + page.name)
    head, tag, tail = text.rpartition("</body>")  # the last: scripts may hold the string
    copy.write_text(head + runner + tag + tail, encoding="utf-8")
    try:
        dom = render.dump_dom(copy, budget_ms=30000, timeout=240)
    finally:
        copy.unlink()
    found = re.search(r'<pre id="axe-result">(.*?)</pre>', dom, re.S)
    assert found, f"axe-core did not report on {page.name}"
    return json.loads(html.unescape(found.group(1))), dom


def test_the_vendored_axe_is_the_one_recorded() -> None:
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256
    assert "Mozilla Public License" in (AXE.parent / "LICENSE").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES)
def test_no_serious_or_critical_violation(built_site: Path, page: str) -> None:
    violations, dom = axe_violations(built_site / page)
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert bad == [], bad
    # every chart is drawn (an SVG), with its title and a text alternative (vega-embed puts
    # the spec's description in the chart container's aria-label)
    charts = re.findall(r'(<div class="gp-chart[^"]*"[^>]*>)(<svg\b)?', dom)
    for tag, svg in charts:
        label = re.search(r'aria-label="([^"]*)"', tag)
        assert svg and label and label.group(1).startswith("图表："), tag[:300]
    if page.endswith(("overview.html", "industry.html")):
        assert charts


def test_the_check_can_fail(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><head><title>x</title></head><body><main>'
                    '<p style="color:#bbb">浅色文字</p><img src="data:image/png;base64,">'
                    "</main></body></html>", encoding="utf-8")
    ids = {v["id"] for v in axe_violations(page)[0]}
    assert {"html-has-lang", "color-contrast", "image-alt"} <= ids
