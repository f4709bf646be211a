"""Chart builders: every chart is titled with unit and source, uses the CJK font, compiles
and draws (vl-convert runs the same Vega as the browser), also on empty input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
import vl_convert as vlc

from greenlib.report import charts
from greenlib.report import helpers as rh


@pytest.fixture(scope="module")
def sector(built_data: Path) -> rh.Scope:
    return rh.scope("agriculture", data_dir=built_data)


@pytest.fixture(scope="module")
def plan(built_data: Path) -> rh.Scope:
    return rh.scope(None, data_dir=built_data)


def _all_charts(sector: rh.Scope, plan: rh.Scope) -> dict[str, alt.TopLevelMixin]:
    pairs, order = rh.co_pairs(sector)
    obs, labels = rh.observed_frames(plan)
    return {
        "unit_roles": charts.unit_roles(rh.unit_role_counts(sector)),
        "co_matrix": charts.co_matrix(pairs, order),
        "deadline_timeline": charts.deadline_timeline(rh.deadline_counts(sector), sector.as_of),
        "status_counts": charts.status_counts(rh.status_counts(sector), sector.as_of),
        "observed_vs_target": charts.observed_vs_target(obs, labels),
        "tasks_by_section": charts.tasks_by_section(rh.section_counts(plan)),
        "targets_by_sector_year": charts.targets_by_sector_year(rh.sector_year_counts(plan),
                                                                rh.sector_order(plan)),
        "status_matrix": charts.status_matrix(rh.sector_status_counts(plan), rh.sector_order(plan),
                                              plan.as_of),
        "busiest_units": charts.unit_roles(rh.unit_role_counts(plan), top=5),
    }


def _check(chart: alt.TopLevelMixin, name: str) -> str:
    spec = chart.to_dict()
    assert spec["config"]["font"] == charts.FONT, name
    assert "Noto Sans CJK SC" in charts.FONT and "WenQuanYi Micro Hei" in charts.FONT
    title = spec["title"]
    assert title["text"], name
    subtitle = "".join(title["subtitle"])
    assert "单位" in subtitle and "来源" in subtitle, name
    svg = vlc.vegalite_to_svg(spec)
    assert "<svg" in svg and title["text"][:4] in svg, name
    return svg


def test_every_chart_is_titled_fonted_and_draws(sector: rh.Scope, plan: rh.Scope) -> None:
    for name, chart in _all_charts(sector, plan).items():
        _check(chart, name)


def test_chinese_labels_reach_the_svg(sector: rh.Scope) -> None:
    svg = _check(charts.unit_roles(rh.unit_role_counts(sector)), "unit_roles")
    assert "区农业农村委" in svg and "牵头" in svg and "任务数（项）" in svg


def test_observed_chart_has_panels_and_context(plan: rh.Scope) -> None:
    obs, labels = rh.observed_frames(plan)
    assert not obs.empty, "the fixture's targets should link to data/monitoring/ figures"
    assert obs["context"].any()
    spec = charts.observed_vs_target(obs, labels).to_dict()
    assert len(spec["concat"]) == obs["target_id"].nunique()


@pytest.mark.parametrize("builder", [
    lambda: charts.unit_roles(pd.DataFrame(columns=["unit", "role", "n"])),
    lambda: charts.co_matrix(pd.DataFrame(columns=["unit_a", "unit_b", "n"]), []),
    lambda: charts.deadline_timeline(pd.DataFrame(columns=["kind", "year", "n"]), "2026-01-01"),
    lambda: charts.status_counts(pd.DataFrame(columns=["status", "n"]), "2026-01-01"),
    lambda: charts.observed_vs_target(pd.DataFrame(), pd.DataFrame()),
    lambda: charts.tasks_by_section(pd.DataFrame(columns=["label", "sector_name", "n"])),
    lambda: charts.targets_by_sector_year(pd.DataFrame(columns=["sector_name", "year", "n"]), []),
])
def test_empty_input_gives_a_titled_placeholder(builder: Callable[[], alt.TopLevelMixin]) -> None:
    svg = _check(builder(), "placeholder")
    assert "暂无" in svg or "没有" in svg or "未写明" in svg


def test_status_labels_are_defined_once() -> None:
    from greenlib import labels
    from greenlib.monitor import rating

    # the rating module, the charts and the tables all use the one definition in labels.py
    assert charts.STATUS_LABELS is labels.STATUS and rating.STATUS_LABELS is labels.STATUS
    assert charts.STATUS_COLORS is labels.STATUS_COLORS
    assert set(charts.STATUS_COLORS) == set(charts.STATUS_ORDER)


def test_heatmap_zero_cells_and_text_colours_compile() -> None:
    df = pd.DataFrame({"sector_name": ["工业", "工业", "农业"], "status": ["no_data", "achieved",
                                                                      "no_data"], "n": [3, 0, 7]})
    _check(charts.status_matrix(df, ["工业", "农业"], "2026-11-25"), "status_matrix")
