"""Observations: figures read from a plan's monitoring/ folder, validated and tied to targets.

Everything is validated before any notebook runs; every problem names the file, the row as
the user sees it in a spreadsheet (header = row 1) and the field, and all problems are
collected before :class:`~greenlib.errors.ValidationError` is raised.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from .. import numbers
from ..errors import InputError, ValidationError
from .indicator_map import (
    _clean_targets,
    _is_relative,
    _map_and_problems,
    _suggest,
    load_indicator_map,
    map_rows,
    read_targets,
)
from .readers import (
    Sheet,
    _columns_of,
    _filled,
    _keep_text,
    _monitoring_files,
    _parse_bool,
    _parse_year,
    _read_any,
    _text,
    _where,
    partial_year_from_text,
)

YEAR_MIN = 2000


def year_max() -> int:
    """The latest plausible year of a figure: this year."""
    return date.today().year


#: Observation columns: name -> accepted headers (the first Chinese one is the template's).
OBS_COLUMNS: dict[str, tuple[str, ...]] = {
    "indicator": ("indicator", "指标", "观测指标", "指标名称"),
    "geo": ("geo", "地区", "区域"),
    "year": ("year", "年份", "年度"),
    "value": ("value", "数值", "观测值"),
    "unit": ("unit", "单位"),
    "source_title": ("source_title", "来源标题", "资料来源", "来源"),
    "source_url": ("source_url", "来源网址", "来源地址", "网址"),
    "quote": ("quote", "原文摘录", "原文"),
    "note": ("note", "备注"),
    "partial_year": ("partial_year", "非全年", "部分年度"),
}
REQUIRED_OBS = ("geo", "year", "value", "unit", "source_title")

#: Target information columns of the template: read back only to know the row's target.
TEMPLATE_INFO: dict[str, str] = {
    "target_id": "目标编号",
    "target_indicator": "规划指标",
    "target_value": "目标值",
    "target_unit": "目标单位",
    "comparator": "比较方式",
    "target_year": "目标年份",
    "sector": "领域",
    "target_quote": "规划原文",
}
_TEMPLATE_FILL = ("indicator", "geo", "year", "value", "unit", "source_title", "source_url",
                  "quote", "note", "partial_year")

OBS_OUT_COLUMNS = ["indicator", "geo", "year", "value", "unit", "source_title", "source_url",
                   "quote", "note", "partial_year", "file", "row"]

# ---------------------------------------------------------------------------------------
# Observations
# ---------------------------------------------------------------------------------------


@dataclass
class _Known:
    """What an observation's indicator and unit are checked against."""

    by_map: dict[str, dict[str, Any]]
    #: target indicator text -> accepted units (None: any unit, relative change target)
    target_units: dict[str, set[str] | None]
    have_targets: bool
    #: geos a figure may name (the plan's own first); empty: any geo is accepted
    geos: tuple[str, ...] = ()
    #: indicator -> plausible range replacing its unit's (reference/plausibility_overrides.csv)
    plausible: dict[str, numbers.Bound] = field(default_factory=dict)
    overrides_file: str = "reference/plausibility_overrides.csv"

    @classmethod
    def build(cls, map_rows: list[dict[str, Any]], targets: pd.DataFrame | None,
              geos: tuple[str, ...] = (), overrides: Path | None = None) -> _Known:
        units: dict[str, set[str] | None] = {}
        if targets is not None:
            for _, t in targets.iterrows():
                name = t["indicator"]
                if _is_relative(t["comparator"], t["unit"]):
                    units[name] = None
                    continue
                accepted = units.setdefault(name, set())
                if accepted is not None:
                    accepted.add(t["unit"])
        by_map: dict[str, dict[str, Any]] = {}
        for r in map_rows:
            by_map.setdefault(r["observed_indicator"], r)
        plausible: dict[str, numbers.Bound] = {}
        if overrides is not None and overrides.exists():
            try:
                plausible = numbers.load_overrides(overrides)
            except ValueError as e:
                raise InputError(str(e)) from None
        return cls(by_map, units, targets is not None, tuple(geos), plausible,
                   str(overrides) if overrides else cls.overrides_file)


def _parse_observations(sheet: Sheet, known: _Known
                        ) -> tuple[list[dict[str, Any]], list[str], int]:
    """Rows of one sheet -> observation dicts, problems, number of unfilled template rows."""
    problems: list[str] = []
    spec = {**OBS_COLUMNS, **{k: (v,) for k, v in TEMPLATE_INFO.items()}}
    cols = _columns_of(sheet, spec)
    name_of = {k: sheet.header[i] for k, i in cols.items()}
    if "indicator" not in cols and "target_indicator" not in cols:
        problems.append(f"{sheet.label}: missing column indicator (指标)")
    missing = [f"{c} ({OBS_COLUMNS[c][1]})" for c in REQUIRED_OBS if c not in cols]
    if missing:
        problems.append(f"{sheet.label}: missing column(s) {', '.join(missing)}; the header "
                        f"row {sheet.header_row} reads {sheet.header[:12]}")
    if problems:
        return [], problems, 0
    out: list[dict[str, Any]] = []
    unfilled = 0
    for n, cells in sheet.rows:
        get = {k: (cells[i] if i < len(cells) else None) for k, i in cols.items()}
        if not any(_filled(get.get(k)) for k in _TEMPLATE_FILL):
            unfilled += any(_filled(c) for c in cells)  # a template row nobody filled in
            continue

        def bad(f: str, msg: str, n: int = n) -> None:
            problems.append(f"{_where(sheet, n, name_of.get(f, f))}: {msg}")

        indicator = _text(get.get("indicator")) or _text(get.get("target_indicator"))
        geo = _text(get.get("geo"))
        unit = _text(get.get("unit"))
        rec: dict[str, Any] = {
            "indicator": indicator, "geo": geo, "unit": unit,
            "source_title": _keep_text(get.get("source_title")),
            "source_url": _keep_text(get.get("source_url")),
            "quote": _keep_text(get.get("quote")), "note": _keep_text(get.get("note")),
            "file": sheet.label, "row": n,
        }
        # indicator and unit
        m = known.by_map.get(indicator)
        if not indicator:
            bad("indicator", "empty")
        elif m is not None:
            if unit and unit != m["unit"]:
                bad("unit", f"{unit!r} does not match the unit {m['unit']!r} of {indicator!r} in "
                            f"the indicator map (row {m['map_row']})")
        elif indicator in known.target_units:
            accepted = known.target_units[indicator]
            if unit and accepted is not None and unit not in accepted:
                bad("unit", f"{unit!r} does not match the target's unit "
                            f"{' / '.join(sorted(accepted))!r} for {indicator!r}")
        else:
            hint = "" if known.have_targets else (" (build/data/targets.csv not found, so plan "
                                                  "targets could not be checked: run make data)")
            bad("indicator", f"unknown indicator {indicator!r}: not in the indicator map and not "
                             f"a plan target{hint}"
                             f"{_suggest(indicator, [*known.by_map, *known.target_units])}")
        if not unit:
            bad("unit", "empty")
        # geo
        if not geo:
            bad("geo", "empty" + (f" (e.g. {known.geos[0]})" if known.geos else ""))
        elif known.geos and geo not in known.geos:
            bad("geo", f"unknown geo {geo!r}; use one of {', '.join(known.geos)} "
                       "(full official names; add new ones to plan.yaml's context_geos)")
        # year
        y_raw = get.get("year")
        year = _parse_year(y_raw)
        if not _filled(y_raw):
            bad("year", "empty")
        elif year is None:
            bad("year", f"{y_raw!r} is not a year (write e.g. 2023)")
        elif not YEAR_MIN <= year <= year_max():
            bad("year", f"implausible year {year} (expected {YEAR_MIN}–{year_max()})")
        rec["year"] = year
        # value
        v_raw = get.get("value")
        parsed = numbers.parse_number(v_raw, unit)
        value = parsed.value
        implausible = None if value is None else numbers.plausibility(value, unit, indicator,
                                                                      known.plausible)
        if (not implausible and value is not None and year and numbers._norm_unit(unit) == "天"
                and indicator not in known.plausible and value > 365 + calendar.isleap(year)):
            # the figure names its year: 366 days fit only a leap year
            implausible = (f"数值不合常理：{value:g} 天，{year} 年只有 {365 + calendar.isleap(year)} 天")
        if not _filled(v_raw):
            bad("value", "empty")
        elif parsed.error:
            bad("value", parsed.error)
        elif implausible:
            bad("value", f"{implausible}；如确属实，在 {known.overrides_file} 为该指标另设范围")
        elif parsed.warning:
            sheet.notes.append(f"{_where(sheet, n, name_of.get('value', 'value'))}: {parsed.warning}")
        rec["value"] = value
        # provenance
        if not rec["source_title"]:
            bad("source_title", "empty: every figure needs its source")
        if not (rec["source_url"] or rec["quote"] or rec["note"]):
            bad("source_url", "no source address, quote or note: say where the figure is found")
        # partial year: explicit column, the map, or the indicator's wording
        p_raw = get.get("partial_year")
        explicit = _parse_bool(p_raw)
        if explicit is None:
            bad("partial_year", f"{p_raw!r} is not yes/no (是/否, true/false)")
        rec["partial_year"] = (bool(explicit) or bool(m and m["partial_year"])
                               or partial_year_from_text(indicator))
        out.append(rec)
    return out, problems, unfilled


def _merge_duplicates(obs: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str],
                                                           list[str]]:
    """Exact duplicates are merged (and reported); conflicting ones are errors."""
    kept: list[dict[str, Any]] = []
    first: dict[tuple[str, str, int], dict[str, Any]] = {}
    notes: list[str] = []
    problems: list[str] = []
    for r in obs:
        key = (r["indicator"], r["geo"], r["year"])
        if r["year"] is None or r["value"] is None:
            kept.append(r)
            continue
        f = first.get(key)
        if f is None:
            first[key] = r
            kept.append(r)
        elif math.isclose(f["value"], r["value"], rel_tol=1e-9) and f["unit"] == r["unit"]:
            notes.append(f"{r['file']}, row {r['row']}: same figure as {f['file']}, row "
                         f"{f['row']} ({r['indicator']}, {r['geo']}, {r['year']}: "
                         f"{r['value']:g} {r['unit']}); merged, the first is kept")
        else:
            problems.append(f"{r['file']}, row {r['row']}, value: duplicate of {f['file']}, row "
                            f"{f['row']} ({r['indicator']}, {r['geo']}, {r['year']}) with a "
                            f"different value: {r['value']:g} {r['unit']} vs "
                            f"{f['value']:g} {f['unit']}")
    return kept, notes, problems


def _observations_and_problems(path: str | Path | None, targets: pd.DataFrame | None,
                               map_rows: list[dict[str, Any]], geos: tuple[str, ...] = (),
                               overrides: Path | None = None
                               ) -> tuple[pd.DataFrame, list[str], list[str]]:
    if path is None or not Path(path).exists():
        files, problems = [], []
    else:
        files, problems = _monitoring_files(Path(path))
    known = _Known.build(map_rows, targets, geos, overrides)
    recognise = {h for aliases in OBS_COLUMNS.values() for h in aliases} | set(
        TEMPLATE_INFO.values())
    obs: list[dict[str, Any]] = []
    notes: list[str] = []
    for f in files:
        try:
            sheets = _read_any(f, recognise)
        except InputError as e:
            problems.append(str(e))
            continue
        for sheet in sheets:
            rows, probs, unfilled = _parse_observations(sheet, known)
            notes += sheet.notes  # after parsing: approximate figures add notes
            obs += rows
            problems += probs
            if unfilled:
                notes.append(f"{sheet.label}: {unfilled} template row(s) not filled in")
    obs, merged, dup_problems = _merge_duplicates(obs)
    df = pd.DataFrame(obs, columns=OBS_OUT_COLUMNS)
    df["year"] = df["year"].astype("Int64")
    df["value"] = df["value"].astype(float)
    df["row"] = df["row"].astype(int)
    df["partial_year"] = df["partial_year"].astype(bool)
    return df, problems + dup_problems, notes + merged


def load_observations(path: str | Path | None, *, targets: pd.DataFrame | None = None,
                      indicator_map: str | Path | None = None,
                      geos: tuple[str, ...] | list[str] = (),
                      overrides: Path | None = None) -> pd.DataFrame:
    """Read and validate every .csv/.xlsx of ``path`` (a file or a plan's monitoring/ folder).

    Indicators are checked against the indicator map and the plan targets (``targets``);
    geos against ``geos`` when given. Returns one row per observation with columns indicator,
    geo, year, value, unit, source_title, source_url, quote, note, partial_year, file, row;
    ``df.attrs["notes"]`` lists what was merged or decoded.
    """
    t = _clean_targets(targets) if targets is not None else None
    rows, map_problems = map_rows(indicator_map)
    df, problems, notes = _observations_and_problems(path, t, rows, tuple(geos), overrides)
    problems = map_problems + problems
    if problems:
        raise ValidationError(problems, what="monitoring data")
    df.attrs["notes"] = notes
    return df


# ---------------------------------------------------------------------------------------
# Observations tied to targets
# ---------------------------------------------------------------------------------------

LINK_COLUMNS = ["target_id", "indicator", "target_indicator", "geo", "year", "value", "unit",
                "observed_value", "observed_unit", "measure", "partial_year", "context",
                "source_title", "source_url", "quote", "file", "row"]


def _link(targets: pd.DataFrame, observations: pd.DataFrame, imap: pd.DataFrame,
          geo: str | None) -> tuple[pd.DataFrame, list[str]]:
    t = _clean_targets(targets)
    tgeo = t["geo"] if "geo" in t.columns else pd.Series(geo, index=t.index)
    tinfo = {row["target_id"]: (row, g or geo) for (_, row), g in zip(t.iterrows(), tgeo,
                                                                       strict=True)}
    by_obs: dict[str, list[dict[str, Any]]] = {}
    for _, m in imap.iterrows():
        by_obs.setdefault(m["observed_indicator"], [])
        if pd.notna(m["target_id"]):
            by_obs[m["observed_indicator"]].append(m.to_dict())
    by_indicator: dict[str, list[str]] = {}
    for tid, (row, _) in tinfo.items():
        by_indicator.setdefault(row["indicator"], []).append(tid)

    out: list[dict[str, Any]] = []
    for _, o in observations.iterrows():
        if o["indicator"] in by_obs:
            links = [(m["target_id"], m["scale"], m["measure"]) for m in by_obs[o["indicator"]]]
        else:
            links = [(tid, 1.0, "level") for tid in by_indicator.get(o["indicator"], [])]
        for tid, scale, measure in links:
            if tid not in tinfo:
                continue
            trow, target_geo = tinfo[tid]
            relative = _is_relative(trow["comparator"], trow["unit"]) and measure == "level"
            out.append({
                "target_id": tid, "indicator": o["indicator"],
                "target_indicator": trow["indicator"], "geo": o["geo"], "year": o["year"],
                "value": o["value"] * scale,
                "unit": o["unit"] if relative else trow["unit"],
                "observed_value": o["value"], "observed_unit": o["unit"], "measure": measure,
                "partial_year": bool(o["partial_year"]),
                "context": bool(o["geo"] != target_geo or o["partial_year"]),
                "source_title": o["source_title"], "source_url": o["source_url"],
                "quote": o.get("quote", ""), "file": o["file"], "row": o["row"],
            })
    df = pd.DataFrame(out, columns=LINK_COLUMNS)
    df["year"] = df["year"].astype("Int64")
    df["partial_year"] = df["partial_year"].astype(bool)
    df["context"] = df["context"].astype(bool)
    df = df.sort_values(["target_id", "context", "geo", "year", "indicator"], kind="stable")
    return df.reset_index(drop=True), _conflicts(df)


def _conflicts(df: pd.DataFrame) -> list[str]:
    """Two figures that would rate one target for the same year must agree."""
    problems: list[str] = []
    rating = df[~df["context"]]
    for tid, g in rating.groupby("target_id", sort=True):
        if g["measure"].nunique() > 1:
            problems.append(f"target {tid}: both level and change figures would rate it ("
                            f"{', '.join(sorted(set(g['indicator'])))}); keep one kind")
        if g["unit"].nunique() > 1:
            units = ", ".join(sorted(set(g["unit"])))
            problems.append(f"target {tid}: figures in several units ({units}) would rate it; "
                            "one series must keep one unit")
        for year, gy in g.groupby("year"):
            if gy["value"].round(9).nunique() > 1:
                where = "; ".join(f"{r.file}, row {r.row}: {r.indicator} = {r.observed_value:g} "
                                  f"{r.observed_unit}" for r in gy.itertuples())
                problems.append(f"target {tid} ({gy['target_indicator'].iloc[0]}), {year}: "
                                f"different values would rate it: {where}")
    return problems


def observed_for_targets(targets: pd.DataFrame, observations: pd.DataFrame, *,
                         indicator_map: pd.DataFrame | None = None,
                         geo: str | None = None) -> pd.DataFrame:
    """Observations tied to the targets they speak to, one row per (target, observation).

    ``value``/``unit`` are in the target's unit (the map's ``scale`` applied). ``context`` is
    True for figures that cannot rate the target: another geo than the target's (``geo``, or a
    ``geo`` column in ``targets``) or a partial-year figure. Observations of indicators with
    no plan target are not included.
    """
    imap = indicator_map if indicator_map is not None else load_indicator_map(targets, None)
    df, problems = _link(targets, observations, imap, geo)
    if problems:
        raise ValidationError(problems, what="monitoring data")
    return df



def validate_all(targets: pd.DataFrame, path: str | Path | None = None,
                 indicator_map: str | Path | None = None, geo: str | None = None,
                 geos: tuple[str, ...] | list[str] = (), overrides: Path | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Validate the map, every monitoring file and the figures' fit to targets in one go.

    Returns (observations, resolved map, observations tied to targets); raises one
    :class:`ValidationError` listing every problem found in any of the three steps.
    """
    t = _clean_targets(targets)
    imap, problems = _map_and_problems(t, indicator_map)
    rows, _ = map_rows(indicator_map)
    obs, obs_problems, notes = _observations_and_problems(path, t, rows, tuple(geos), overrides)
    if not geo and any(": unknown geo " in p for p in obs_problems):
        # the plan names no geo of its own: the fault is in plan.yaml, not in the figures
        named = sorted({g for g in obs.get("geo", []) if isinstance(g, str) and g
                        and g not in set(geos)})
        raise InputError(f"plan.yaml: 缺少字段 geo（用来评级的地区）：监测数据中的地区 "
                         f"{'、'.join(named) or '（未知）'} 既不是 geo 也不在 context_geos 中；"
                         f"请在 plan.yaml 中写明 geo: {named[0] if named else '<地区全称>'}")
    problems += obs_problems
    linked, link_problems = _link(t, obs.dropna(subset=["year", "value"]), imap, geo)
    problems += link_problems
    if problems:
        raise ValidationError(problems, what="monitoring data")
    obs.attrs["notes"] = notes
    obs.attrs["map_rows"] = len(rows)
    return obs, imap, linked


def check(path: str | Path | None, *, targets: pd.DataFrame | str | Path,
          indicator_map: str | Path | None = None, geo: str | None = None,
          geos: tuple[str, ...] | list[str] = (), overrides: Path | None = None) -> None:
    """Validate a plan's monitoring/ folder and indicator map against its targets.csv.

    Collects every problem (map, files, conflicts) before raising; prints a one-line OK
    summary, then any notes (merged duplicates, GBK files, unfilled template rows).
    """
    t = (_clean_targets(targets) if isinstance(targets, pd.DataFrame)
         else read_targets(targets))
    obs, _, linked = validate_all(t, path, indicator_map, geo, geos, overrides)
    n_files = obs["file"].str.replace(r" \[.*\]$", "", regex=True).nunique()
    geos = ", ".join(f"{n} {g}" for g, n in obs["geo"].value_counts().items())
    rating = linked[~linked["context"]]
    print(f"OK: {len(obs)} observations in {n_files} file(s) ({geos or 'none'}; "
          f"{int(obs['partial_year'].sum())} partial-year), {obs.attrs['map_rows']} "
          f"indicator-map rows, {linked['target_id'].nunique()} of {len(t)} targets have "
          f"figures, {rating['target_id'].nunique()} with {geo or '(no geo)'} full-year figures")
    for n in obs.attrs["notes"]:
        print(f"  note: {n}")
