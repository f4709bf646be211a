"""Progress ratings: is each quantitative target achieved, on track, off track or overdue?

The method follows Open SDG (sdg-build ``sdg/ProgressMeasure.py``, "methodology 2" for
targets with a value): the observed compound annual growth rate (CAGR) since the baseline
is divided by the CAGR needed to reach the target by its year; the ratio is compared with
fixed thresholds (:data:`THRESHOLDS`, the Open SDG defaults). A target already met by the
latest full-year figure is ``achieved`` whatever the trend. Two things Open SDG does not
need are added for a plan with deadlines: ``overdue`` (the target year is over and the
latest figure does not meet it) and the partial-year rule (a 1–10月 figure is shown, never
rated). :data:`RULE_TEXT` explains all of it to readers, in Chinese.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from .. import config, contract, labels
from ..errors import ValidationError
from . import observations as obs_mod
from .indicator_map import CHANGE_COMPARATORS, _clean_targets, load_indicator_map

#: Open SDG's thresholds for the ratio observed CAGR / required CAGR (methodology 2).
#: ``high``: at or above it the target is ``on_track`` ("substantial progress"); below it
#: ``off_track``. ``med`` and ``low`` only grade ``off_track`` in ``progress_band``.
THRESHOLDS: dict[str, float] = {"high": 0.95, "med": 0.6, "low": 0.0}
#: An ``on_track`` target whose ratio is at least this is 快于预期 in the assessment's
#: 评估结论 (greenlib.monitor.summary.conclusion); it does not change the rating.
FASTER_RATIO: float = 1.2

#: The default baseline year (a plan's ``base_year`` overrides it). The baseline figure is
#: the one closest to it, preferring earlier years; it must precede the latest one.
BASELINE_YEAR: int = int(config.DEFAULTS["base_year"])

#: Open SDG substitutes this for a zero baseline (a growth rate from zero is undefined).
ZERO_BASE = 0.001

STATUS_LABELS: dict[str, str] = labels.STATUS

#: Open SDG's grades of the ratio, kept next to the status for readers who want nuance.
BAND_LABELS: dict[str, str] = labels.BAND

EXTRA_COLUMNS = ["indicator", "sector", "target_value", "unit", "comparator", "target_year",
                 "source_title", "source_url", "partial_year", "n_obs", "target_level",
                 "progress_ratio", "progress_band", "partial_latest_year",
                 "partial_latest_value", "n_context"]


def _pct(x: float) -> str:
    return f"{x * 100:g}%"


_H, _M, _L = THRESHOLDS["high"], THRESHOLDS["med"], THRESHOLDS["low"]
_S, _B = STATUS_LABELS, BAND_LABELS


def _meanings(geo: str) -> list[tuple[str, str]]:
    return [
        ("achieved", "最新全年数据已达到目标值（即使该数据年份早于目标年份）。"),
        ("on_track", f"目标年份未到；自基期以来的年均增长率不低于按期达标所需年均增长率的 "
                     f"{_pct(_H)}。"),
        ("off_track", f"目标年份未到；实际年均增长率低于所需增长率的 {_pct(_H)}（含倒退）。"),
        ("overdue", "目标年份已过，最新全年数据仍未达到目标值。"),
        ("no_data", f"没有{geo}的全年数据；或只有一个数据点、目标年份未到，无法判断趋势；"
                    "或“新增/减少”类目标缺少基期数据；或规划未写目标年份且尚未达到。"),
    ]


def rule_text(geo: str | None = None, base_year: int = BASELINE_YEAR,
              context: str = "其他地区") -> str:
    """"How to read the ratings" for the reports (Chinese markdown), built from the constants
    above so the text can never disagree with the code."""
    geo = geo or "本规划所在地区"
    lines = [
        "### 如何阅读评级",
        "",
        "每个量化目标按截至评估日已公布的监测数据评级，方法参照联合国可持续发展目标"
        "开放数据平台的进展评估方法。",
        "",
        "| 评级 | 含义 |",
        "|---|---|",
        *[f"| {_S[k]} | {text} |" for k, text in _meanings(geo)],
        "",
        "- **进度比** = 实际年均增长率 ÷ 所需年均增长率。"
        "实际年均增长率 = (最新值 ÷ 基期值)^(1/(最新年份 − 基期年份)) − 1；"
        "所需年均增长率 = (目标值 ÷ 基期值)^(1/(目标年份 − 基期年份)) − 1。"
        f"进度比 ≥ {_H:g} 为“{_S['on_track']}”；“{_S['off_track']}”再按该方法分档："
        f"{_M:g}～{_H:g} 为“{_B['moderate']}”，{_L:g}～{_M:g} 为“{_B['limited']}”，"
        f"小于 {_L:g} 为“{_B['deterioration']}”。",
        f"- **基期**：最接近 {base_year} 年（规划基期）的全年数据，优先取 {base_year} "
        f"年及以前，且须早于最新数据年份；基期值为 0 时按该方法的做法以 {ZERO_BASE:g} 代替。",
        "- **目标方向**：“以上/不低于”（≥）、“超过”（>）越高越好；“以下/不高于”（≤、<）越低越好；"
        "“达到”（=）按从基期值走向目标值的方向理解，无基期时视为越高越好。"
        "“新增 N”“减少 N”类目标以基期值加减 N 为目标值（单位为 % 时按基期值的百分比计算）；"
        "若监测数据本身就是“自基期以来累计新增/减少量”，直接与 N 比较。",
        f"- **只用{geo}的数据评级。** {context}的数据只作参考，不参与评级。",
        f"- **非全年数据（如 1-10月累计、截至5月底）只作参考**：既不据以判定“{_S['achieved']}”，"
        f"也不据以判定“{_S['overdue']}”或“{_S['off_track']}”（累计天数、累计产值等在年中必然偏低，"
        "率类指标的季节性也会使部分年度数据偏离全年值），在评级说明中列出供参考。",
        "- 年份为 Y 的全年数据自 Y+1 年 1 月 1 日起才计入；评估日之后年份的数据不计入。",
    ]
    return "\n".join(lines) + "\n"


@dataclass
class Rating:
    """One target's rating and the figures it rests on."""

    status: str
    rule: str
    baseline_year: int | None = None
    baseline_value: float | None = None
    latest_year: int | None = None
    latest_value: float | None = None
    target_level: float | None = None
    progress_ratio: float | None = None
    progress_band: str | None = None


def _num(x: float) -> str:
    """A figure as a reader writes it: 355, 57.24, 1.05e+04 for odd cases."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "NA"
    return f"{x:.6g}" if abs(x) < 1e6 else f"{x:.4g}"


def _as_date(as_of: str | date | datetime | None) -> date:
    if as_of is None:
        as_of = config.today()
    if isinstance(as_of, datetime):
        return as_of.date()
    if isinstance(as_of, date):
        return as_of
    return date.fromisoformat(str(as_of)[:10])


def _met(value: float, level: float, comparator: str) -> bool:
    tol = 1e-9 * max(1.0, abs(level))
    if comparator == ">=":
        return value >= level - tol
    if comparator == ">":
        return value > level + tol
    if comparator == "<=":
        return value <= level + tol
    if comparator == "<":
        return value < level - tol
    raise ValueError(comparator)


def _band(ratio: float) -> str:
    if ratio >= THRESHOLDS["high"]:
        return "substantial"
    if ratio >= THRESHOLDS["med"]:
        return "moderate"
    if ratio >= THRESHOLDS["low"]:
        return "limited"
    return "deterioration"


def _cagr(v1: float, v0: float, t1: int, t0: int) -> float:
    """Compound annual growth rate from (t0, v0) to (t1, v1), as in Open SDG."""
    return (v1 / v0) ** (1 / (t1 - t0)) - 1


def _pick_baseline(years: list[int], latest_year: int, base_year: int = BASELINE_YEAR) -> int | None:
    earlier = [y for y in years if y < latest_year]
    if not earlier:
        return None
    before = [y for y in earlier if y <= base_year]
    return max(before) if before else min(earlier)


def rated_value(target: pd.Series) -> float:
    """The figure a target is rated against: for a range (value … value_high) the stricter
    end, i.e. the low end of a ceiling (<=, <) and the high end otherwise (a level to reach,
    a reduction or an increase of 60%~65% is met only at 65%)."""
    hi = target.get("value_high") if hasattr(target, "get") else None
    if hi is None or pd.isna(hi) or target["comparator"] in ("<=", "<"):
        return float(target["value"])
    return float(hi)


def rate_series(comparator: str, target_value: float, target_year: int | None,
                series: list[tuple[int, float]], as_of: str | date | None = None, *,
                unit: str = "", measure: str = "level",
                base_year: int = BASELINE_YEAR) -> Rating:
    """Rate one target from its full-year series of (year, value) for the target's geo.

    ``series`` must already exclude partial-year and other-geo figures and figures not yet
    available on ``as_of``; one value per year. A target without a year (the plan states
    none) can be ``achieved`` but never ``overdue``, and has no required growth rate, so
    otherwise it is ``no_data``. See :data:`RULE_TEXT` for the rules.
    """
    day = _as_date(as_of)
    u = f" {unit}" if unit else ""
    pts = sorted(series)
    if not pts:
        return Rating("no_data", "no full-year figure → no_data")
    ly, lv = pts[-1]
    by = _pick_baseline([y for y, _ in pts], ly, base_year)
    bv = dict(pts)[by] if by is not None else None
    r = Rating("no_data", "", by, bv, ly, lv)
    deadline_passed = target_year is not None and day > date(int(target_year), 12, 31)

    # Effective comparison: a level and a direction.
    how = ""
    if comparator in (">=", ">", "<=", "<"):
        level, cmp = target_value, comparator
    elif comparator == "=":
        level = target_value
        cmp = "<=" if bv is not None and bv > target_value else ">="
        how = " ('=' read as reach)"
    elif comparator in CHANGE_COMPARATORS:
        up = comparator == "increase_by"
        if measure == "change":
            level, cmp = target_value, ">="
            how = f" (cumulative {'increase' if up else 'reduction'})"
        elif bv is None:
            r.rule = (f"{comparator} {_num(target_value)}{u} needs a baseline; only "
                      f"{_num(lv)} ({ly}) → no_data")
            return r
        else:
            if unit == "%":
                level = bv * (1 + target_value / 100) if up else bv * (1 - target_value / 100)
                how = (f" (baseline {_num(bv)} ({by}) {'+' if up else '−'}"
                       f"{_num(target_value)}%)")
            else:
                level = bv + target_value if up else bv - target_value
                how = f" (baseline {_num(bv)} ({by}) {'+' if up else '−'} {_num(target_value)})"
            cmp = ">=" if up else "<="
            u = "" if unit == "%" else u  # relative targets: levels keep the observed unit
    else:
        raise ValueError(f"unknown comparator {comparator!r}")
    r.target_level = level
    lvl = f"{_num(level)}{how}"

    if _met(lv, level, cmp):
        r.status = "achieved"
        r.rule = f"latest {_num(lv)}{u} ({ly}) {cmp} {lvl} → achieved"
        return r
    neg = {">=": "<", ">": "<=", "<=": ">", "<": ">="}[cmp]
    if deadline_passed:
        stale = f", no {target_year} figure" if ly < int(target_year) else ""
        r.status = "overdue"
        r.rule = (f"latest {_num(lv)}{u} ({ly}) {neg} {lvl}, target year {target_year} passed"
                  f"{stale} → overdue")
        return r
    if target_year is None:
        r.rule = (f"latest {_num(lv)}{u} ({ly}) {neg} {lvl}; the plan gives no target year, so "
                  "no required rate → no_data")
        return r
    if by is None:
        r.rule = (f"one full-year figure {_num(lv)}{u} ({ly}) {neg} {lvl}; no trend without a "
                  "baseline → no_data")
        return r
    if int(target_year) <= by:
        r.rule = f"baseline {by} not before target year {target_year} → no_data"
        return r
    assert bv is not None
    base = ZERO_BASE if bv == 0 else bv
    zero = f" (baseline 0 → {ZERO_BASE:g})" if bv == 0 else ""
    if base < 0 or lv < 0 or level < 0:
        r.rule = "negative values: growth rates undefined → no_data"
        return r
    direction = 1 if cmp in (">=", ">") else -1
    observed = _cagr(lv, base, ly, by)
    required = _cagr(level if level != 0 else ZERO_BASE, base, int(target_year), by)
    if required == 0:
        r.status = "off_track"
        r.progress_band = "deterioration"
        r.rule = (f"baseline {_num(bv)} ({by}) was at {lvl}, latest {_num(lv)}{u} ({ly}) "
                  f"{neg} it → off_track")
        return r
    ratio = direction * observed / abs(required)
    r.progress_ratio = ratio
    r.progress_band = _band(ratio)
    on = ratio >= THRESHOLDS["high"]
    r.status = "on_track" if on else "off_track"
    r.rule = (f"CAGR {by}–{ly} {observed:+.2%}{zero} vs {required:+.2%} needed for {cmp} {lvl} "
              f"by {target_year}: ratio {ratio:.2f} {'>=' if on else '<'} "
              f"{THRESHOLDS['high']:g} → {r.status}")
    return r


def _check_targets(t: pd.DataFrame) -> None:
    problems = []
    for _, row in t.iterrows():
        if row["comparator"] not in contract.COMPARATORS:
            problems.append(f"targets.csv, target {row['target_id']}, comparator: "
                            f"{row['comparator']!r} is not one of "
                            f"{', '.join(contract.COMPARATORS)}")
        if pd.isna(row["value"]):
            problems.append(f"targets.csv, target {row['target_id']}, value: not a number")
    if problems:
        raise ValidationError(problems, what="targets (for status)")


def build_status(targets: pd.DataFrame, as_of: str | date | None = None,
                 observations: pd.DataFrame | None = None, geo: str | None = None,
                 *, indicator_map: pd.DataFrame | None = None,
                 linked: pd.DataFrame | None = None,
                 base_year: int = BASELINE_YEAR) -> pd.DataFrame:
    """One row per target: the contract's status columns, then explanatory extras.

    ``linked`` are the observations tied to targets (:func:`observations.validate_all`);
    else they are tied here from ``observations`` and ``indicator_map`` (no map: figures
    name the target indicator itself). ``geo`` is the geography of the targets (a ``geo``
    column in ``targets`` overrides it per target); without one no figure rates a target.
    Only full-year figures of that geo published for years before ``as_of``'s year rate.
    """
    day = _as_date(as_of)
    t = _clean_targets(targets)
    _check_targets(t)
    if linked is None:
        obs = observations if observations is not None else obs_mod.load_observations(None)
        imap = indicator_map if indicator_map is not None else load_indicator_map(t, None)
        linked = obs_mod.observed_for_targets(t, obs, indicator_map=imap, geo=geo)
    by_target = dict(tuple(linked.groupby("target_id", sort=False)))

    rows = []
    for _, tr in t.iterrows():
        tgeo = tr["geo"] if "geo" in t.columns and isinstance(tr.get("geo"), str) and tr["geo"] \
            else (geo or "")
        obs = by_target.get(tr["target_id"], linked.iloc[0:0])
        here = obs[obs["geo"] == tgeo]
        full = here[~here["partial_year"]]
        usable = full[full["year"] < day.year]
        later = len(full) - len(usable)
        part = here[here["partial_year"] & (here["year"] <= day.year)]
        n_context = int((obs["geo"] != tgeo).sum())
        measure = usable["measure"].iloc[0] if len(usable) else "level"
        unit = usable["unit"].iloc[0] if len(usable) else tr["unit"]
        target_year = None if pd.isna(tr["year"]) else int(tr["year"])
        rating = rate_series(tr["comparator"], rated_value(tr), target_year,
                             [(int(y), float(v)) for y, v in zip(usable["year"], usable["value"],
                                                                 strict=True)],
                             day, unit=unit, measure=measure, base_year=base_year)
        notes = []
        if not len(usable):
            rating.rule = (f"no full-year {tgeo} figure"
                           + (f" ({n_context} other-geo figure(s): context only)"
                              if n_context else "") + " → no_data")
        newest_part = part.sort_values("year").iloc[-1] if len(part) else None
        shows_partial = newest_part is not None and (
            rating.latest_year is None or newest_part["year"] > rating.latest_year)
        if shows_partial:
            notes.append(f"{newest_part['year']} partial-year {_num(newest_part['value'])} "
                         f"{newest_part['unit']} not rated")
        if later:
            notes.append(f"{later} figure(s) for {day.year} or later not counted")
        if notes:
            rating.rule += "; " + "; ".join(notes)
        src = usable.sort_values("year").iloc[-1] if len(usable) else newest_part
        rows.append({
            "target_id": tr["target_id"], "as_of": day.isoformat(), "geo": tgeo,
            "baseline_year": rating.baseline_year, "baseline_value": rating.baseline_value,
            "latest_year": rating.latest_year, "latest_value": rating.latest_value,
            "status": rating.status, "rule": rating.rule,
            "indicator": tr["indicator"], "sector": tr.get("sector", ""),
            "target_value": float(tr["value"]), "unit": tr["unit"],
            "comparator": tr["comparator"], "target_year": target_year,
            "source_title": src["source_title"] if src is not None else "",
            "source_url": src["source_url"] if src is not None else "",
            "partial_year": bool(shows_partial), "n_obs": len(usable),
            "target_level": rating.target_level, "progress_ratio": rating.progress_ratio,
            "progress_band": rating.progress_band,
            "partial_latest_year": newest_part["year"] if newest_part is not None else None,
            "partial_latest_value": newest_part["value"] if newest_part is not None else None,
            "n_context": n_context,
        })
    cols = contract.REQUIRED_COLUMNS[contract.STATUS] + EXTRA_COLUMNS
    df = pd.DataFrame(rows, columns=cols)
    for c in ("baseline_year", "latest_year", "partial_latest_year", "target_year"):
        df[c] = df[c].astype("Int64")
    for c in ("baseline_value", "latest_value", "target_level", "progress_ratio",
              "partial_latest_value"):
        df[c] = df[c].astype(float)
    return df
