"""Department figures: the current target rows of the returns as observations, and which of
them rate a target next to the public statistics (docs/returns.md, docs/assumptions.md R3, R4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .requests import Inputs


def department_observations(ret: Any, inputs: Inputs,
                            geo: str | None) -> pd.DataFrame:
    """Current accepted figures as observations tied to their target (the LINK columns of
    :mod:`greenlib.monitor.observations`, plus ``reported_by``, ``report_date``, ``owner``).

    ``ret``: the returns read (:class:`greenlib.monitor.returns.Returns`, not imported here:
    returns are read before their figures are taken, never the other way round), or their
    current rows as a frame."""
    from .indicator_map import CHANGE_COMPARATORS
    from .observations import LINK_COLUMNS

    cur = ret if isinstance(ret, pd.DataFrame) else ret.current
    cur = cur[(cur["kind"] == "target") & cur["value"].notna()]
    owner = dict(zip(inputs.owners["target_id"], inputs.owners["owner_unit"], strict=True))
    targets = {r["target_id"]: r for _, r in inputs.targets.iterrows()}
    rows = []
    for r in cur.itertuples():
        t = targets[r.target_id]
        measure = "change" if t["comparator"] in CHANGE_COMPARATORS else "level"
        quote = "；".join(x for x in (f"来源：{r.source}" if r.source else "",
                                      f"备注：{r.note}" if r.note else "") if x)
        rows.append({
            "target_id": r.target_id, "indicator": t["indicator"],
            "target_indicator": t["indicator"], "geo": geo or "", "year": int(r.year),
            "value": float(r.value), "unit": t["unit"], "observed_value": float(r.value),
            "observed_unit": t["unit"], "measure": measure, "partial_year": False,
            "context": False,
            "source_title": f"{r.unit}填报（{r.file}，{r.report_date or '日期未知'}）",
            "source_url": "", "quote": quote, "file": f"progress/{r.file} [{r.sheet}]",
            "row": int(r.row), "reported_by": r.unit, "report_date": r.report_date,
            "owner": r.unit == owner.get(r.target_id),
        })
    cols = [*LINK_COLUMNS, "reported_by", "report_date", "owner"]
    df = pd.DataFrame(rows, columns=cols)
    df["year"] = df["year"].astype("Int64")
    return df


@dataclass
class Merged:
    """Public and department figures together."""

    rating: pd.DataFrame      # what rates the targets (build_status's ``linked``)
    shown: pd.DataFrame       # every figure for observations.csv
    conflicts: list[dict[str, Any]]
    #: (file, row) of a department figure that does not rate → (usage, why)
    not_rating: dict[tuple[str, int], tuple[str, str]]
    #: (file, row) of every department figure → the unit that reported it
    department: dict[tuple[str, int], str] = field(default_factory=dict)


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def merge_with_public(public: pd.DataFrame, dept: pd.DataFrame) -> Merged:
    """Which department figures rate a target (docs/assumptions.md R3).

    A public full-year figure of the plan's geo for the same target and year wins; the
    department's is shown beside it and, if it differs, listed as a conflict. A department
    figure of another measure than the public series (level vs cumulative change) does not
    rate. Between departments for one target and year, the owner unit's figure wins, else
    the latest report; differing values are conflicts too.
    """
    conflicts: list[dict[str, Any]] = []
    not_rating: dict[tuple[str, int], tuple[str, str]] = {}
    pub = public[~public["context"]] if len(public) else public
    pub_at = {(r["target_id"], int(r["year"])): r for r in pub.to_dict("records")
              if pd.notna(r["year"])}
    keep = []
    for (tid, year), g in dept.groupby(["target_id", "year"], sort=True):
        pv = pub_at.get((tid, int(year)))
        if pv is not None:
            for r in g.itertuples():
                differ = not _same(r.value, float(pv["value"]))
                why = (f"与公开数据不一致（公开 {pv['value']:g}，{r.reported_by}填报 {r.value:g}）"
                       if differ else "与公开数据一致") + "；同年有公开数据，评级采用公开数据"
                not_rating[(r.file, r.row)] = ("参考（同年有公开数据）", why)
                if differ:
                    conflicts.append(_conflict(r, "public", pv["value"], pv["source_title"],
                                               f"{pv['file']}, row {pv['row']}"))
            continue
        measures = {m for (t, _), x in pub_at.items() if t == tid for m in [x["measure"]]}
        if measures and measures != set(g["measure"]):
            for r in g.itertuples():
                not_rating[(r.file, r.row)] = (
                    "参考（口径不同）", f"公开数据口径为 {'/'.join(sorted(measures))}，本填报为 "
                                     f"{r.measure}（累计变化量/水平值），不混合评级")
            continue
        g = g.sort_values(["owner", "report_date", "file", "row"], kind="stable")
        win = g.iloc[-1]
        keep.append(win)
        for r in g.iloc[:-1].itertuples():
            differ = not _same(r.value, float(win["value"]))
            not_rating[(r.file, r.row)] = (
                "参考（同年另有部门填报）",
                f"同年采用{win['reported_by']}的填报（{win['value']:g}）"
                + ("，两者不一致" if differ else ""))
            if differ:
                conflicts.append(_conflict(r, "department", win["value"], win["source_title"],
                                           f"{win['file']}, row {win['row']}"))
    chosen = pd.DataFrame(keep, columns=dept.columns) if keep else dept.iloc[0:0]
    cols = list(public.columns)
    rating = pd.concat([public, chosen[cols]], ignore_index=True) if len(chosen) else public
    shown = pd.concat([public, dept[cols]], ignore_index=True) if len(dept) else public
    for df in (rating, shown):
        df["year"] = df["year"].astype("Int64")
        df["partial_year"] = df["partial_year"].astype(bool)
        df["context"] = df["context"].astype(bool)
    who = {(f, int(r)): u for f, r, u in zip(dept["file"], dept["row"], dept["reported_by"],
                                              strict=True)}
    return Merged(rating, shown, conflicts, not_rating, who)


def _conflict(r: Any, against: str, other_value: float, other_source: str,
              other_where: str) -> dict[str, Any]:
    return {"target_id": r.target_id, "indicator": r.target_indicator, "year": int(r.year),
            "unit": r.unit, "reported_by": r.reported_by, "department_value": float(r.value),
            "department_source": r.source_title, "department_where": f"{r.file}, row {r.row}",
            "against": against, "other_value": float(other_value), "other_source": other_source,
            "other_where": other_where,
            "rated_with": "public" if against == "public" else "department (owner/latest)"}


def mark_department(observations: pd.DataFrame, merged: Merged) -> pd.DataFrame:
    """observations.csv with ``source_kind`` (public / department) and ``reported_by``, and
    department figures that do not rate marked so, with the reason."""
    df = observations.copy()
    who = merged.department
    kinds, by = [], []
    for i, r in df.iterrows():
        key = (str(r["file"]), int(r["row"])) if pd.notna(r["row"]) else None
        if key in who:
            kinds.append("department")
            by.append(who[key])
            if key in merged.not_rating:
                usage, why = merged.not_rating[key]
                df.at[i, "rated"] = False
                df.at[i, "usage"] = usage
                df.at[i, "why"] = why
            elif df.at[i, "rated"]:
                df.at[i, "usage"] = "评级（部门填报）"
                df.at[i, "why"] = "部门填报的全年数据，同年无公开数据，用于评级"
        else:
            kinds.append("public")
            by.append("")
    df["source_kind"] = kinds
    df["reported_by"] = by
    return df
