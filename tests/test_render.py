"""Offline rendering: the chart renderer, the HTML export and the network check."""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path

import altair as alt
import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from greenlib.errors import GreenlibError
from greenlib.report import render, reproducible


def _html_output(html: str) -> nbformat.NotebookNode:
    return new_output("display_data", data={"text/html": html, "text/plain": "<html>"})


def _chart() -> alt.Chart:
    df = pd.DataFrame({"x": ["甲", "乙"], "y": [1, 2], "t": ["</script><b>", "&"]})
    return alt.Chart(df).mark_bar().encode(x="x:N", y="y:Q", tooltip="t:N")


def test_bundle_is_wrapped_and_defines_vega_embed() -> None:
    js = render.javascript_bundle()
    assert js.startswith("(function () {") and js.rstrip().endswith("})();")
    assert "window.vegaEmbed" in js
    assert "</script" not in js.lower()
    assert render.bundle_html().count("<script") == 1


def test_chart_html_escapes_the_spec() -> None:
    html = render.chart_html(_chart().to_dict())
    assert html.count("</script>") == 1  # only the element's own end tag
    assert 'class="gp-chart' in html and "vegaEmbed" in html
    assert "</script><b>" not in html
    spec = json.loads(re.search(r"var spec = (\{.*?\}), opt = ", html, flags=re.S).group(1))
    assert "</script><b>" in json.dumps(spec, ensure_ascii=False)  # the data survive intact


def test_renderer_is_registered_and_used() -> None:
    render.enable_renderer()
    try:
        bundle = _chart()._repr_mimebundle_()
        html = bundle["text/html"]
        assert "cdn.jsdelivr" not in html and "gp-vis-" in html
    finally:
        alt.renderers.enable("default")


@pytest.mark.parametrize("html, bad", [
    ('<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>', True),
    ('<script src="//cdnjs.cloudflare.com/require.js"></script>', True),
    ('<link rel="stylesheet" href="http://fonts.googleapis.com/css">', True),
    ('<img src="https://example.com/a.png">', True),
    ("<style>@import url('https://fonts.googleapis.com/css2');</style>", True),
    ('<div style="background: url(http://x.org/a.png)"></div>', True),
    ('<a href="https://www.cq.gov.cn/">来源</a>', False),
    ("<p>http://wldsb.com/ 原文链接（纯文本）</p>", False),
    ('<script>var u = "https://vega.github.io/schema";</script>', False),
    ('<img src="data:image/png;base64,AAAA">', False),
])
def test_external_refs(html: str, bad: bool) -> None:
    assert bool(render.external_refs(html)) is bad


def _notebook() -> nbformat.NotebookNode:
    nb = new_notebook()
    setup = new_code_cell("from greenlib import render\nrender.setup_notebook()")
    setup.outputs = [_html_output(render.bundle_html())]
    params = new_code_cell("sector = 'industry'", metadata={"tags": ["parameters"]})
    chart = new_code_cell("charts.unit_roles(secret_variable_name)")
    chart.outputs = [_html_output(render.chart_html(_chart().to_dict())),
                     new_output("stream", name="stderr", text="FutureWarning: noise")]
    nb.cells = [params, setup, new_markdown_cell("## 一、概要\n\n正文"), chart]
    return nb


def test_notebook_to_html_is_offline_and_codeless() -> None:
    html = render.notebook_to_html(_notebook(), "测试报告", footer="页脚")
    assert render.external_refs(html) == []
    assert "<script src" not in html
    assert "secret_variable_name" not in html and "render.setup_notebook" not in html
    assert "In&nbsp;[" not in html and "Out[" not in html
    assert "FutureWarning" not in html  # stream outputs are for the log, not for readers
    assert "一、概要" in html and "页脚" in html and "<title>测试报告</title>" in html
    assert html.count('id="greenplan-vega-bundle"') == 1
    assert "mathjax" not in html.lower() and "require.js" not in html.lower()


def test_one_exporter_for_many_reports_gives_the_pages_fresh_ones_give() -> None:
    """The exporter is kept per process (templates compiled once); no report may leave
    anything in it that changes the next page."""
    first = _notebook()
    second = new_notebook(cells=[new_markdown_cell("# 二、另一份报告\n\n正文。")])
    render.html_exporter.cache_clear()
    shared = [render.notebook_to_html(nb, t, footer=f) for nb, t, f in
              ((first, "甲报告", "页脚甲"), (second, "乙报告", "页脚乙"))]
    render.html_exporter.cache_clear()
    fresh = render.notebook_to_html(second, "乙报告", footer="页脚乙")
    assert shared[1] == fresh
    assert "甲报告" not in shared[1] and "页脚甲" not in shared[1] and "一、概要" not in shared[1]


def _displayed(monkeypatch: pytest.MonkeyPatch, build: bool) -> str:
    """The HTML ``setup_notebook`` displays, in a build kernel or in JupyterLab."""
    import IPython.display

    shown: list[str] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj.data))
    if build:
        monkeypatch.setenv(render.INJECT_ENV, "1")
    else:
        monkeypatch.delenv(render.INJECT_ENV, raising=False)
    try:
        render.setup_notebook()
    finally:
        alt.renderers.enable("default")
    assert len(shown) == 1
    return shown[0]


def test_setup_notebook_shows_the_bundle_in_jupyterlab_and_a_placeholder_in_a_build(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert _displayed(monkeypatch, build=False) == render.bundle_html()  # charts draw offline
    placeholder = _displayed(monkeypatch, build=True)
    assert placeholder == render.PLACEHOLDER and len(placeholder) < 100


def _built_notebook(nb: nbformat.NotebookNode | None = None,
                    placeholders: int = 1) -> nbformat.NotebookNode:
    """``nb`` (a :func:`_notebook`) as a build kernel leaves it: placeholders for the bundle."""
    built = copy.deepcopy(nb or _notebook())
    built.cells[1].outputs = [_html_output(render.PLACEHOLDER) for _ in range(placeholders)]
    return built


@pytest.mark.parametrize("placeholders", [1, 2])
def test_export_puts_the_bundle_in_place_of_the_placeholder_once(placeholders: int) -> None:
    nb = _notebook()
    html = render.notebook_to_html(_built_notebook(nb, placeholders), "测试报告", footer="页脚")
    assert html.count(render.bundle_html()) == 1
    assert html.count('id="greenplan-vega-bundle"') == 1 and "data-inject" not in html
    assert html.index(render.bundle_html()) < html.index('class="gp-chart')
    if placeholders == 1:  # the page of a notebook that carried the bundle itself
        assert html == render.notebook_to_html(nb, "测试报告", footer="页脚")
    # the policy comes first and lets the inline bundle run
    assert html.index(reproducible.CSP_META) < html.index(render.bundle_html())
    assert "'unsafe-inline'" in reproducible.CSP and "'unsafe-eval'" in reproducible.CSP


def test_placeholder_beside_a_bundle_is_dropped() -> None:
    nb = _notebook()
    nb.cells[1].outputs.append(_html_output(render.PLACEHOLDER))
    html = render.notebook_to_html(nb, "x")
    assert html.count('id="greenplan-vega-bundle"') == 1 and "data-inject" not in html


def test_export_fails_loudly_when_the_bundle_cannot_be_inserted(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> str:
        raise OSError("vega cache unreadable")

    nb = _built_notebook()
    monkeypatch.setattr(render, "bundle_html", broken)
    with pytest.raises(GreenlibError, match="could not be inserted"):
        render.notebook_to_html(nb, "x")


@pytest.mark.parametrize("page, problem", [
    # a placeholder the export does not recognise (here: not empty) is never published
    ('<script data-inject="1" id="greenplan-vega-bundle">x</script><div class="gp-chart">',
     "placeholder was left"),
    ('<div class="gp-chart" id="a"></div>', "0 vega bundles"),  # charts without a bundle
    ('<script id="greenplan-vega-bundle">a</script><script id="greenplan-vega-bundle">b'
     "</script>", "2 vega bundles"),
])
def test_inject_bundle_refuses_pages_whose_charts_would_not_draw(page: str, problem: str) -> None:
    with pytest.raises(GreenlibError, match=problem):
        render.inject_bundle(page)


def test_inject_bundle_accepts_any_attribute_order_and_pages_without_charts() -> None:
    chart = '<div class="gp-chart" id="c"></div>'
    for tag in (render.PLACEHOLDER, '<script data-inject="1" id="greenplan-vega-bundle"></script>',
                "<SCRIPT data-inject id='greenplan-vega-bundle'>\n</SCRIPT>"):
        assert render.inject_bundle(f"<p>a</p>{tag}{chart}") == (
            f"<p>a</p>{render.bundle_html()}{chart}")
        # a page that draws no chart carries no chart library (issue 19: light pages)
        assert render.inject_bundle(f"<p>a</p>{tag}<p>b</p>") == "<p>a</p><p>b</p>"
    assert render.inject_bundle("<p>no chart</p>") == "<p>no chart</p>"


def test_notebook_to_html_refuses_network_outputs() -> None:
    nb = _notebook()
    nb.cells[-1].outputs.append(_html_output('<script src="https://cdn.jsdelivr.net/x.js"></script>'))
    with pytest.raises(GreenlibError, match="network"):
        render.notebook_to_html(nb, "x")


def test_write_atomic_keeps_the_old_file_on_failure(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.html"
    render.write_atomic(target, "good")

    def broken(*_a: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        render.write_atomic(target, "half-written")
    assert target.read_text() == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_chromium_command_stays_offline(tmp_path: Path) -> None:
    if not render.chromium_path():
        pytest.skip("no Chromium (make sysdeps)")
    cmd = render.chromium_command("--dump-dom", "file:///x", profile=tmp_path)
    assert "--proxy-server=127.0.0.1:9" in cmd
    assert any(a.startswith("--host-resolver-rules=MAP * ~NOTFOUND") for a in cmd)
    assert f"--user-data-dir={tmp_path}" in cmd
