"""Progress ratings: every status on hand-made series, the geo and partial-year rules, real data."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from greenlib import contract
from greenlib.monitor.rating import rate_series
from tests.district_monitoring import AS_OF, monitoring, status

FIX = Path(__file__).parent / "fixtures" / "monitoring"
BEFORE = "2024-06-30"  # 2025 deadlines not yet passed
AFTER = "2026-11-25"  # 2025 deadlines passed


@pytest.fixture
def targets() -> pd.DataFrame:
    return pd.read_csv(FIX / "targets.csv", dtype={"target_id": "string", "task_ids": "string"})


# --- rate_series: every status on hand-made series ----------------------------------------


def test_achieved_from_a_single_figure_without_baseline() -> None:
    r = rate_series(">=", 350, 2025, [(2023, 355)], AFTER, unit="天")
    assert r.status == "achieved"
    assert r.rule == "latest 355 天 (2023) >= 350 → achieved"
    assert (r.baseline_year, r.latest_year, r.latest_value) == (None, 2023, 355)


def test_on_track_increasing() -> None:
    # needs (70/50)^(1/5)-1 = 6.96 %/yr, achieved (62/50)^(1/3)-1 = 7.43 %/yr -> ratio 1.07
    r = rate_series(">=", 70, 2025, [(2020, 50), (2023, 62)], BEFORE, unit="%")
    assert r.status == "on_track"
    assert r.progress_ratio == pytest.approx(1.068, abs=1e-3)
    assert (r.baseline_year, r.baseline_value) == (2020, 50)
    assert "ratio 1.07 >= 0.95 → on_track" in r.rule


def test_off_track_increasing_with_open_sdg_band() -> None:
    r = rate_series(">=", 70, 2025, [(2020, 50), (2023, 52)], BEFORE, unit="%")
    assert r.status == "off_track"
    assert r.progress_band == "limited"  # ratio 0.19: between 0 and 0.6
    assert "< 0.95 → off_track" in r.rule


def test_just_below_the_on_track_threshold_is_off_track() -> None:
    # PM2.5-like decreasing target: needs (30/40)^(1/5)-1 = -5.59 %/yr, has -5.28 %/yr
    r = rate_series("<=", 30, 2025, [(2020, 40), (2023, 34)], BEFORE)
    assert r.progress_ratio == pytest.approx(0.943, abs=1e-3)
    assert (r.status, r.progress_band) == ("off_track", "moderate")


def test_on_track_decreasing() -> None:
    r = rate_series("<=", 30, 2025, [(2020, 40), (2023, 33)], BEFORE)
    assert r.status == "on_track"
    assert r.progress_ratio == pytest.approx(1.11, abs=0.01)


def test_decreasing_target_moving_the_wrong_way_is_deterioration() -> None:
    r = rate_series("<=", 30, 2025, [(2020, 40), (2023, 42)], BEFORE)
    assert (r.status, r.progress_band) == ("off_track", "deterioration")
    assert r.progress_ratio < 0


def test_decreasing_target_achieved() -> None:
    r = rate_series("<=", 30, 2025, [(2020, 40), (2024, 29.5)], AFTER, unit="微克/立方米")
    assert r.status == "achieved"
    assert r.rule == "latest 29.5 微克/立方米 (2024) <= 30 → achieved"


def test_overdue_when_the_year_passed_and_not_met() -> None:
    r = rate_series(">=", 90, 2025, [(2020, 80), (2025, 88)], AFTER, unit="%")
    assert r.status == "overdue"
    assert r.rule == "latest 88 % (2025) < 90, target year 2025 passed → overdue"


def test_overdue_says_when_the_target_year_has_no_figure() -> None:
    r = rate_series(">=", 90, 2022, [(2021, 85)], AFTER, unit="%")
    assert r.status == "overdue"
    assert "no 2022 figure" in r.rule


def test_overdue_is_decided_by_the_day_after_the_target_year() -> None:
    assert rate_series(">=", 90, 2025, [(2024, 85)], "2025-12-31").status == "no_data"
    assert rate_series(">=", 90, 2025, [(2024, 85)], "2026-01-01").status == "overdue"


def test_no_data_without_figures() -> None:
    r = rate_series(">=", 90, 2025, [], AFTER)
    assert (r.status, r.latest_year) == ("no_data", None)


def test_single_figure_not_met_before_deadline_is_no_data_not_off_track() -> None:
    r = rate_series(">=", 90, 2025, [(2023, 80)], BEFORE, unit="%")
    assert r.status == "no_data"
    assert "no trend without a baseline" in r.rule


def test_increase_by_absolute_from_the_baseline() -> None:
    # “两品一标”新增100个: baseline 40 (2020) -> level 140
    r = rate_series("increase_by", 100, 2025, [(2020, 40), (2024, 150)], AFTER, unit="个")
    assert (r.status, r.target_level) == ("achieved", 140)
    r = rate_series("increase_by", 100, 2025, [(2020, 40), (2024, 120)], AFTER, unit="个")
    assert r.status == "overdue"
    assert "baseline 40 (2020) + 100" in r.rule


def test_increase_by_needs_a_baseline() -> None:
    r = rate_series("increase_by", 100, 2025, [(2024, 150)], AFTER, unit="个")
    assert r.status == "no_data"
    assert "needs a baseline" in r.rule


def test_increase_by_with_cumulative_change_figures() -> None:
    r = rate_series("increase_by", 100, 2025, [(2024, 120)], AFTER, unit="处", measure="change")
    assert (r.status, r.target_level) == ("achieved", 100)


def test_reduce_by_percent_is_relative_to_the_baseline() -> None:
    # 化肥农药使用量减少1%: baseline 1000 吨 -> level 990
    r = rate_series("reduce_by", 1, 2025, [(2020, 1000), (2023, 985)], AFTER, unit="%")
    assert (r.status, r.target_level) == ("achieved", 990)
    r = rate_series("reduce_by", 1, 2025, [(2020, 1000), (2023, 995)], BEFORE, unit="%")
    assert r.status == "off_track"
    assert r.progress_ratio == pytest.approx(0.83, abs=0.01)
    r = rate_series("reduce_by", 1, 2025, [(2020, 1000), (2025, 995)], AFTER, unit="%")
    assert r.status == "overdue"


def test_equals_means_reach_from_the_baseline_side() -> None:
    assert rate_series("=", 95, 2025, [(2023, 96)], AFTER).status == "achieved"
    # coming from above, "=" 30 means get down to 30
    r = rate_series("=", 30, 2025, [(2020, 40), (2023, 33)], BEFORE)
    assert r.status == "on_track" and "<= 30" in r.rule
    assert rate_series("=", 30, 2025, [(2020, 40), (2024, 29)], AFTER).status == "achieved"


def test_strict_greater_than() -> None:
    assert rate_series(">", 50, 2025, [(2024, 50)], AFTER).status == "overdue"
    assert rate_series(">", 50, 2025, [(2024, 50.1)], AFTER).status == "achieved"


def test_falling_back_below_a_met_target_is_off_track() -> None:
    r = rate_series(">=", 90, 2025, [(2020, 95), (2023, 88)], BEFORE)
    assert r.status == "off_track" and r.progress_ratio < 0
    r = rate_series(">=", 90, 2025, [(2020, 90), (2023, 88)], BEFORE)
    assert r.status == "off_track" and "was at" in r.rule


def test_zero_baseline_uses_open_sdg_substitute() -> None:
    r = rate_series(">=", 40, 2025, [(2020, 0), (2023, 30)], BEFORE, unit="万千瓦")
    assert r.status == "on_track"
    assert "baseline 0 → 0.001" in r.rule


@pytest.mark.parametrize(("years", "base"), [
    ([2018, 2019, 2021, 2023], 2019),  # closest to 2020, not after it
    ([2020, 2021, 2023], 2020),
    ([2021, 2022, 2024], 2021),  # none before 2020: the earliest
])
def test_baseline_is_the_figure_closest_to_2020(years: list[int], base: int) -> None:
    r = rate_series(">=", 100, 2025, [(y, 50 + i) for i, y in enumerate(years)], BEFORE)
    assert r.baseline_year == base


def test_thresholds_are_the_open_sdg_defaults_and_shown_in_the_rule_text() -> None:
    assert status.THRESHOLDS == {"high": 0.95, "med": 0.6, "low": 0.0}
    assert "0.95" in status.RULE_TEXT and "0.6" in status.RULE_TEXT
    assert status.RULE_TEXT.startswith("### 如何阅读评级")
    for label in status.STATUS_LABELS.values():
        assert label in status.RULE_TEXT
    assert set(status.STATUS_LABELS) == set(contract.STATUSES)


# --- build_status: geography, partial years, as-of -----------------------------------------

SRC = {"source_title": "区统计公报", "source_url": "http://example.org", "quote": "", "note": ""}


def obs(*rows: tuple[str, str, int, float, str, bool]) -> pd.DataFrame:
    df = pd.DataFrame([{"indicator": i, "geo": g, "year": y, "value": v, "unit": u,
                        "partial_year": p, **SRC, "file": "t.csv", "row": n + 2}
                       for n, (i, g, y, v, u, p) in enumerate(rows)],
                      columns=monitoring.OBS_OUT_COLUMNS)
    df["year"] = df["year"].astype("Int64")
    df["partial_year"] = df["partial_year"].astype(bool)
    return df


def one(df: pd.DataFrame, tid: str) -> pd.Series:
    return df.set_index("target_id").loc[tid]


def test_status_table_shape(targets: pd.DataFrame) -> None:
    df = status.build_status(targets, AFTER, obs(), "重庆市黔江区")
    assert list(df.columns[:9]) == contract.REQUIRED_COLUMNS[contract.STATUS]
    for extra in ("indicator", "sector", "target_value", "unit", "comparator", "target_year",
                  "source_title", "source_url", "partial_year", "n_obs"):
        assert extra in df.columns
    assert df["target_id"].tolist() == targets["target_id"].tolist()
    assert set(df["status"]) == {"no_data"}
    assert (df["as_of"] == AFTER).all() and (df["geo"] == "重庆市黔江区").all()


def test_municipal_figures_never_rate_a_district_target(targets: pd.DataFrame) -> None:
    o = obs(("空气质量优良天数", "重庆市", 2020, 360, "天", False),
            ("空气质量优良天数", "重庆市", 2023, 365, "天", False))
    row = one(status.build_status(targets, AFTER, o), "T06")
    assert row["status"] == "no_data"
    assert pd.isna(row["latest_year"]) and row["n_obs"] == 0 and row["n_context"] == 2
    assert "context only" in row["rule"]


def test_target_geo_is_configurable(targets: pd.DataFrame) -> None:
    o = obs(("空气质量优良天数", "重庆市", 2023, 325, "天", False))
    row = one(status.build_status(targets, AFTER, o, geo="重庆市"), "T06")
    assert (row["status"], row["geo"], row["latest_value"]) == ("overdue", "重庆市", 325)
    t = targets.assign(geo="重庆市")
    assert one(status.build_status(t, AFTER, o), "T06")["status"] == "overdue"


def test_partial_year_below_target_does_not_make_it_overdue(targets: pd.DataFrame) -> None:
    o = obs(("城区空气质量优良天数(1-10月累计,共监测304天)", "重庆市黔江区", 2025, 295, "天", True))
    row = one(status.build_status(targets, AFTER, o), "T06")
    assert row["status"] == "no_data"
    assert "2025 partial-year 295 天 not rated" in row["rule"]
    assert bool(row["partial_year"]) and row["partial_latest_value"] == 295


def test_partial_year_above_target_does_not_make_it_achieved(targets: pd.DataFrame) -> None:
    o = obs(("城区空气质量优良天数", "重庆市黔江区", 2025, 351, "天", True))
    assert one(status.build_status(targets, AFTER, o), "T06")["status"] == "no_data"


def test_partial_year_next_to_full_years(targets: pd.DataFrame) -> None:
    o = obs(("城区空气质量优良天数", "重庆市黔江区", 2021, 340, "天", False),
            ("城区空气质量优良天数", "重庆市黔江区", 2023, 345, "天", False),
            ("城区空气质量优良天数(1-10月累计,共监测304天)", "重庆市黔江区", 2025, 300, "天", True))
    row = one(status.build_status(targets, AFTER, o), "T06")
    assert (row["status"], row["baseline_year"], row["latest_year"]) == ("overdue", 2021, 2023)
    assert row["n_obs"] == 2 and "2025 partial-year 300 天 not rated" in row["rule"]


def test_figures_for_the_as_of_year_or_later_are_not_counted(targets: pd.DataFrame) -> None:
    o = obs(("城区空气质量优良天数", "重庆市黔江区", 2022, 340, "天", False),
            ("城区空气质量优良天数", "重庆市黔江区", 2024, 352, "天", False))
    row = one(status.build_status(targets, "2024-06-30", o), "T06")
    assert (row["status"], row["latest_year"]) == ("no_data", 2022)
    assert "1 figure(s) for 2024 or later not counted" in row["rule"]
    assert one(status.build_status(targets, "2025-01-01", o), "T06")["status"] == "achieved"


def test_one_figure_rates_two_targets_through_the_map(targets: pd.DataFrame) -> None:
    # the map ties the 2020 figure to the 2022 target (by area) and to the 2025 target
    o = obs(("城镇绿色建筑占新建建筑比重(2020年末)", "重庆市黔江区", 2020, 50, "%", False),
            ("城镇绿色建筑占新建建筑比例", "重庆市黔江区", 2023, 66, "%", False))
    df = status.build_status(targets, "2024-03-01", o)
    t22, t31 = one(df, "T22"), one(df, "T31")
    assert (t22["status"], t22["latest_year"]) == ("overdue", 2020)  # the 2022 milestone
    # 2025: (66/50)^(1/3)-1 = 9.7 %/yr against (70/50)^(1/5)-1 = 7.0 %/yr needed
    assert (t31["status"], t31["baseline_year"], t31["latest_year"]) == ("on_track", 2020, 2023)


def test_target_without_a_year(targets: pd.DataFrame) -> None:
    assert rate_series(">=", 2, None, [(2023, 3)], AFTER).status == "achieved"
    r = rate_series(">=", 2, None, [(2020, 0), (2023, 1)], AFTER)
    assert r.status == "no_data" and "no target year" in r.rule
    df = status.build_status(targets, AFTER, obs())
    assert pd.isna(one(df, "T12")["target_year"])  # 高效节水灌溉面积: the plan names no year


def test_unknown_comparator_is_a_validation_error(targets: pd.DataFrame) -> None:
    from greenlib.errors import ValidationError

    bad = targets.copy()
    bad.loc[0, "comparator"] = "about"
    with pytest.raises(ValidationError, match="target T01, comparator: 'about'"):
        status.build_status(bad, AFTER, obs())


# --- the real data ------------------------------------------------------------------------


def test_real_data_rates_air_quality_days_from_the_2023_district_figure(
        targets: pd.DataFrame) -> None:
    df = status.build_status(targets, AS_OF)
    air = one(df, "T06")
    assert air["status"] == "achieved"
    assert air["rule"].startswith("latest 355 天 (2023) >= 350 → achieved")
    assert "2025 partial-year 295 天 not rated" in air["rule"]
    assert air["source_url"] == "http://wldsb.com/wldsw_content/2024-03/28/content_10663921.htm"
    # every other target has municipal figures at most: none may be rated from them
    others = df[df["target_id"] != "T06"]
    assert set(others["status"]) == {"no_data"}
    assert others.loc[others["n_context"] > 0, "target_id"].tolist() == [
        "T04", "T05", "T08", "T10", "T11", "T22", "T29", "T31"]
    assert len(df) == len(targets) and not df["status"].isna().any()
    assert all(isinstance(r, str) and "→" in r for r in df["rule"])


def test_real_targets_of_the_cleaned_plan(built_data) -> None:
    # the plan cleaned by the pipeline (conftest), not a hand-made fixture
    t = monitoring.read_targets(built_data / contract.TARGETS)
    df = status.build_status(t, AS_OF)
    assert len(df) == len(t) and set(df["status"]) <= set(contract.STATUSES)
    air = df[df["indicator"].str.contains("空气质量优良天数")]
    assert len(air) >= 1 and (air["status"] == "achieved").all()
    rated = df[df["status"] != "no_data"]
    assert (rated["geo"] == "重庆市黔江区").all()
    assert not math.isnan(float(air["latest_value"].iloc[0]))
