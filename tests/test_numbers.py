"""Numbers as offices type them: what is accepted, what is refused, what is implausible."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenlib.errors import ValidationError
from greenlib.monitor import observations
from greenlib.numbers import Bound, load_overrides, parse_number, plausibility, unit_rules
from tests.district_monitoring import MAP, PLAN

AMBIGUOUS = "逗号位置不符合千位分隔，无法判断是小数还是千位"

# (cell, unit, value, warning fragment or None, error fragment or None)
CASES: list[tuple[object, str, float | None, str | None, str | None]] = [
    # cells that already are numbers
    (355, "天", 355.0, None, None),
    (97.3, "%", 97.3, None, None),
    (0, "个", 0.0, None, None),
    (True, "", None, None, "不是数字"),
    (False, "个", None, None, "不是数字"),
    (float("inf"), "", None, None, "不是有限的数字"),
    # empty: no value, no error (the caller decides whether the field is required)
    (None, "", None, None, None),
    (float("nan"), "", None, None, None),
    ("", "", None, None, None),
    ("   ", "", None, None, None),
    # plain text numbers, whitespace, signs
    ("355", "天", 355.0, None, None),
    (" 97.3 ", "%", 97.3, None, None),
    ("+3", "", 3.0, None, None),
    ("-3", "天", -3.0, None, None),
    ("0.5", "", 0.5, None, None),
    # 全角 digits and punctuation
    ("１２３．５", "", 123.5, None, None),
    ("１２，３４５", "个", 12345.0, None, None),
    ("９５％", "%", 95.0, None, None),
    ("－３", "", -3.0, None, None),
    ("\u3000８８\u3000", "", 88.0, None, None),
    # thousands separators: only valid groups
    ("1,234.5", "", 1234.5, None, None),
    ("12,345", "", 12345.0, None, None),
    ("1,234,567", "", 1234567.0, None, None),
    ("35,5", "%", None, None, f"{AMBIGUOUS}：'35,5'"),
    ("97,5", "%", None, None, f"{AMBIGUOUS}：'97,5'"),
    ("1,23", "", None, None, f"{AMBIGUOUS}：'1,23'"),
    ("1,2345", "", None, None, f"{AMBIGUOUS}：'1,2345'"),
    ("1,234,5", "", None, None, AMBIGUOUS),
    ("1.234,5", "", None, None, AMBIGUOUS),
    ("３５，５", "%", None, None, AMBIGUOUS),
    ("1 234", "", None, None, "数字中间有空格"),
    # percent signs: only with the unit %
    ("95%", "%", 95.0, None, None),
    ("95 %", "％", 95.0, None, None),
    ("95%", "个", None, None, "带百分号，但单位是“个”"),
    ("95%", "", None, None, "带百分号"),
    # approximate words: accepted with a warning
    ("约95", "%", 95.0, "约95：按95计，属约数", None),
    ("近350", "天", 350.0, "按350计，属约数", None),
    ("超100", "个", 100.0, "按100计，属约数", None),
    ("逾 1,200", "个", 1200.0, "按1200计，属约数", None),
    ("95左右", "%", 95.0, "95左右：按95计，属约数", None),
    ("90%以上", "%", 90.0, "按90计，属约数", None),
    ("1.2E+09", "元", 1.2e9, "科学计数法", None),
    # magnitude words: refused, with the number to write instead
    ("1.2万", "个", None, None, "单位为“个”时应填 12000"),
    ("6.7万", "万个", None, None, "单位为“万个”时应填 6.7"),
    ("3亿", "元", None, None, "数量级“亿”"),
    # formulas, placeholders and text
    ("=A1*2", "", None, None, "公式没有保存的计算结果"),
    ("—", "", None, None, "不是数字"),
    ("-", "", None, None, "不是数字"),
    ("/", "", None, None, "不是数字"),
    ("无", "", None, None, "不是数字"),
    ("355天", "天", None, None, "不是数字：'355天'（只填数字，单位写在单位列）"),
    ("三百五十", "天", None, None, "不是数字"),
    ("1.2.3", "", None, None, "不是数字"),
    ("+", "", None, None, "不是数字"),
]


@pytest.mark.parametrize(("cell", "unit", "value", "warning", "error"), CASES,
                         ids=[f"{c!r}|{u}" for c, u, *_ in CASES])
def test_parse_number(cell: object, unit: str, value: float | None, warning: str | None,
                      error: str | None) -> None:
    p = parse_number(cell, unit)
    assert p.value == value
    if warning is None:
        assert p.warning is None
    else:
        assert p.warning is not None and warning in p.warning
    if error is None:
        assert p.error is None and p.ok
    else:
        assert p.error is not None and error in p.error and not p.ok


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False))
def test_thousands_formatted_numbers_read_back(x: float) -> None:
    p = parse_number(format(x, ",.2f"))
    assert p.error is None and p.warning is None
    assert p.value == round(x, 2)


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_plain_repr_reads_back_exactly(x: float) -> None:
    # repr may be in exponent form (1e-05): then a warning, never a different value
    assert parse_number(repr(x)).value == x


# --- plausibility -------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "unit", "fragment"), [
    (150, "%", "应在 0 到 100 之间"),
    (-0.1, "%", "应在 0 到 100 之间"),
    (-3, "天", "应在 0 到 366 之间"),
    (400, "天", "应在 0 到 366 之间"),
    (367, "天", "一年最多 366 天"),
    (12.5, "个", "应为整数"),
    (-1, "家", "应不小于 0"),
    (-2272.1, "万吨", "应不小于 0"),
    (-5, "亿元", "应不小于 0"),
    (1001, "‰", "应在 0 到 1000 之间"),
])
def test_implausible_values_are_named(value: float, unit: str, fragment: str) -> None:
    msg = plausibility(value, unit)
    assert msg is not None and fragment in msg and unit in msg


@pytest.mark.parametrize(("value", "unit"), [
    (100, "%"), (0, "%"), (97.3, "％"), (366, "天"), (355, "天"), (0, "个"), (6318, "座"),
    (5.01, "万个"), (2462.75, "万吨"), (29, "微克/立方米"),
    (-7, "比值"),  # a unit without a rule is not checked
])
def test_plausible_values_pass(value: float, unit: str) -> None:
    assert plausibility(value, unit) is None


def test_indicator_override_widens_and_narrows_the_unit_rule() -> None:
    over = {"规上工业增加值增长率": Bound(min=-100, max=math.inf),
            "森林覆盖率": Bound(max=80, note="山区森林覆盖率不超过 80%")}
    assert plausibility(-5, "%", "规上工业增加值增长率", over) is None
    assert plausibility(250, "%", "规上工业增加值增长率", over) is None
    assert "应不小于 -100" in plausibility(-150, "%", "规上工业增加值增长率", over)
    # empty min keeps the unit's 0; the override's max replaces 100
    assert "山区森林覆盖率不超过 80%" in plausibility(85, "%", "森林覆盖率", over)
    assert "应在 0 到 80 之间" in plausibility(-1, "%", "森林覆盖率", over)
    # other indicators keep the unit's rule
    assert plausibility(-5, "%", "森林覆盖率以外的指标", over) is not None


def test_overrides_file(tmp_path: Path) -> None:
    f = tmp_path / "over.csv"
    f.write_text("indicator,min,max,note\n规上工业增加值增长率,-100,inf,增长率可为负\n森林蓄积量,,,\n",
                 encoding="utf-8")
    over = load_overrides(f)
    assert over["规上工业增加值增长率"] == Bound(-100, math.inf, False, "增长率可为负")
    assert over["森林蓄积量"] == Bound(None, None, False, "")
    assert load_overrides(tmp_path / "missing.csv") == {}
    f.write_text("indicator,min,max\n增长率,负一百,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"over\.csv, row 2, min: '负一百' 不是数字"):
        load_overrides(f)


def test_shipped_rules_cover_the_units_the_issue_names() -> None:
    rules = unit_rules()
    assert (rules["%"].min, rules["%"].max) == (0, 100)
    assert rules["天"].max == 366
    for u in ("个", "家", "处", "座", "项", "条"):
        assert rules[u].min == 0 and rules[u].integer, u
    for u in ("万吨", "亿元"):
        assert rules[u].min == 0 and rules[u].max is None, u


def test_project_overrides_file_reads() -> None:
    # the reference file monitoring uses must stay readable
    assert isinstance(load_overrides(PLAN.plausibility_overrides), dict)


# --- through the monitoring reader ----------------------------------------------------------

FIX = Path(__file__).parent / "fixtures" / "monitoring"
HEADER_ZH = ["指标", "地区", "年份", "数值", "单位", "来源标题", "来源网址", "原文摘录"]
SRC = ["synthetic test row, not a real figure", "http://example.org/synthetic", "synthetic"]


@pytest.fixture
def targets() -> pd.DataFrame:
    return pd.read_csv(FIX / "targets.csv", dtype={"target_id": "string", "task_ids": "string"})


def _csv(path: Path, rows: list[list[object]]) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER_ZH)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _problems(path: Path, targets: pd.DataFrame) -> list[str]:
    with pytest.raises(ValidationError) as e:
        observations.load_observations(path, targets=targets, indicator_map=MAP,
                                       geos=PLAN.known_geos, overrides=PLAN.plausibility_overrides)
    return e.value.problems


def test_comma_decimal_in_a_monitoring_csv_names_file_row_and_column(tmp_path: Path,
                                                                    targets: pd.DataFrame) -> None:
    f = _csv(tmp_path / "synthetic_comma_decimal.csv", [
        ["城区空气质量优良天数", "重庆市黔江区", 2023, "355", "天", *SRC],
        ["畜禽粪污综合利用率", "重庆市黔江区", 2023, "35,5", "%", *SRC],
    ])
    # header = row 1, so the second data row is row 3 in Excel/WPS
    assert _problems(f, targets) == [f"{f}, row 3, 数值: {AMBIGUOUS}：'35,5'"]


@pytest.mark.parametrize(("indicator", "value", "unit", "fragment"), [
    ("畜禽粪污综合利用率", 150, "%", "150 %，应在 0 到 100 之间"),
    ("城区空气质量优良天数", -3, "天", "-3 天，应在 0 到 366 之间"),
    ("城区空气质量优良天数", "400", "天", "400 天，应在 0 到 366 之间"),
])
def test_implausible_monitoring_values_are_errors(tmp_path: Path, targets: pd.DataFrame,
                                                 indicator: str, value: object, unit: str,
                                                 fragment: str) -> None:
    f = _csv(tmp_path / "synthetic_implausible.csv",
             [[indicator, "重庆市黔江区", 2023, value, unit, *SRC]])
    (msg,) = _problems(f, targets)
    assert msg.startswith(f"{f}, row 2, 数值: 数值不合常理：") and fragment in msg
    assert "plausibility_overrides.csv" in msg


def test_indicator_override_lets_a_real_exception_through(tmp_path: Path, targets: pd.DataFrame,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    over = tmp_path / "plausibility_overrides.csv"
    over.write_text("indicator,min,max,note\n畜禽粪污综合利用率,,120,synthetic\n", encoding="utf-8")
    f = _csv(tmp_path / "synthetic_override.csv",
             [["畜禽粪污综合利用率", "重庆市黔江区", 2023, 110, "%", *SRC]])
    obs = observations.load_observations(f, targets=targets, indicator_map=MAP, overrides=over)
    assert obs["value"].tolist() == [110.0]


def test_approximate_monitoring_value_is_kept_with_a_note(tmp_path: Path,
                                                         targets: pd.DataFrame) -> None:
    f = _csv(tmp_path / "synthetic_approx.csv",
             [["城区空气质量优良天数", "重庆市黔江区", 2023, "约350", "天", *SRC]])
    obs = observations.load_observations(f, targets=targets, indicator_map=MAP)
    assert obs["value"].tolist() == [350.0]
    assert f"{f}, row 2, 数值: 约350：按350计，属约数" in obs.attrs["notes"]
