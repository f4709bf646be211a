"""The assessment's 附表 (at the end of the report, as offices attach them):
附表1 主要指标完成情况表 (the standard columns of a national mid-term review), 附表2 重点任务
完成情况表, 附表3 报送情况; and the chart input of tasks by status per sector."""

from __future__ import annotations

import pandas as pd

from .. import labels
from .assessment import _rated, latest_text, sources_text
from .fmt import fmt_value, fmt_year, missing, split_list, target_text
from .scope import Scope
from .tasktext import marked_texts

#: 附表1's columns, in the order of a national mid-term review's indicator table.
INDICATOR_COLUMNS = ["序号", "指标", "单位", "属性", "基期值（年份）", "目标值（年份）", "历年实际值",
                     "最新值", "完成进度（%）", "评估结论", "责任单位", "数据来源"]


def _history(s: Scope) -> dict[str, str]:
    """Per target, its rated full-year figures by year: 2021年 54.5；2022年 55 …"""
    obs = s.observations
    if obs is None or obs.empty:
        return {}
    rated = obs[obs["rated"].astype(str) == "True"].dropna(subset=["year", "value"])
    out: dict[str, str] = {}
    for tid, g in rated.groupby(rated["target_id"].astype(str)):
        g = g.sort_values("year").drop_duplicates("year", keep="last")
        out[tid] = "；".join(f"{int(y)}年 {fmt_value(v)}" for y, v in zip(g["year"], g["value"],
                                                                           strict=True))
    return out


def indicator_table(s: Scope) -> pd.DataFrame:
    """附表1 主要指标完成情况表."""
    df = _rated(s)
    history = _history(s)
    rows = []
    for i, (_, r) in enumerate(df.iterrows(), start=1):
        base = ("—" if missing(r.get("baseline_value"))
                else f"{fmt_value(r['baseline_value'])}（{fmt_year(r.get('baseline_year'))}年）")
        pct = r.get("progress_pct")
        rows.append({
            "序号": i,
            "指标": r["indicator"],
            "单位": "—" if missing(r["unit"]) else r["unit"],
            "属性": labels.ATTRIBUTE.get("" if missing(r.get("attribute")) else str(r["attribute"]),
                                       "—"),
            "基期值（年份）": base,
            "目标值（年份）": (f"{target_text(r['comparator'], r['value'], r['unit'])}"
                          f"（{fmt_year(r['year'])}年）"),
            "历年实际值": history.get(str(r["target_id"]), "—"),
            "最新值": latest_text(r),
            "完成进度（%）": "—" if missing(pct) else fmt_value(pct),
            "评估结论": labels.CONCLUSION.get(str(r.get("conclusion")), "暂无数据"),
            "责任单位": "—" if missing(r.get("owner_unit")) or not str(r.get("owner_unit")).strip()
            else r["owner_unit"],
            "数据来源": sources_text(r.get("source_title")),
        })
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)


def task_table(s: Scope) -> pd.DataFrame:
    """附表2 重点任务完成情况表: lead unit, deadline, reported status, light, what was said."""
    ts = s.t.task_status
    df = s.tasks if ts is None else s.tasks.merge(
        ts[[c for c in ts.columns if c not in s.tasks.columns or c == "task_id"]],
        on="task_id", how="left")
    said = []
    for _, r in df.iterrows():
        parts = [str(r[c]).strip() for c in ("progress", "evidence")
                 if c in r and not missing(r[c]) and str(r[c]).strip()]
        said.append("；".join(parts) or "—")
    return pd.DataFrame({
        "编号": df["task_id"].astype(int),
        "重点任务": marked_texts(df),
        "牵头单位": df["lead_unit"].map(lambda v: "—" if missing(v) else v),
        "期限": df["years"].map(lambda v: "、".join(split_list(v)) or "—"),
        "进展状态": df.get("status", pd.Series("no_report", index=df.index)).map(
            lambda c: labels.TASK_STATUS.get(str(c), str(c)) if not missing(c) else "未填报"),
        "信号灯": df.get("light", pd.Series("grey", index=df.index)).map(
            lambda c: labels.LIGHT.get(str(c), "—")),
        "进展说明与佐证": said,
    }).sort_values("编号", kind="stable").reset_index(drop=True)


def reporting_table(s: Scope) -> pd.DataFrame:
    """附表3 报送情况: per lead unit, tasks led, reported, not reported, share, red lights.

    Read from the follow-up cycle's unit table (unit_status.csv) where the monitor stage
    writes it; else from task_status.csv, one row per lead unit."""
    us = s.t.unit_status
    if us is not None and not us.empty:
        out = pd.DataFrame({
            "牵头单位": us["unit"],
            "牵头任务数": us["lead_tasks"].astype(int),
            "已报送": us["reported_tasks"].astype(int),
            "未报送": (us["lead_tasks"] - us["reported_tasks"]).astype(int),
            "报送率": us["report_rate"].map(_rate),
            "红灯": us["red"].astype(int) if "red" in us else 0,
            "被退回的填报行": us["refused_rows"].astype(int) if "refused_rows" in us else 0,
        })
        return out.reset_index(drop=True)
    ts = s.t.task_status
    if ts is None or ts.empty:
        return pd.DataFrame()
    lead = ts["lead_unit"].fillna("未指定责任单位")
    rows = []
    for u, g in ts.groupby(lead, sort=True):
        rep = int((g["status"].astype(str) != "no_report").sum())
        rows.append({"牵头单位": u, "牵头任务数": len(g), "已报送": rep, "未报送": len(g) - rep,
                     "报送率": f"{rep / len(g):.0%}", "红灯": int((g["light"] == "red").sum())})
    out = pd.DataFrame(rows)
    return out.sort_values(["未报送", "牵头单位"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def _rate(v: object) -> str:
    if missing(v):
        return "—"
    x = float(v)  # type: ignore[arg-type]
    return f"{x:.0%}" if x <= 1 else f"{x:g}%"


def task_status_by_sector(s: Scope) -> pd.DataFrame:
    """Input of :func:`.assessment_charts.tasks_by_sector` (``sector_name``, ``status``, ``n``)."""
    ts = s.t.task_status
    if ts is None or ts.empty or s.tasks.empty:
        return pd.DataFrame(columns=["sector_name", "status", "n"])
    df = s.tasks[["task_id", "sector"]].merge(ts[["task_id", "status"]], on="task_id", how="left")
    df["status"] = df["status"].fillna("no_report")
    names = s.t.sector_names
    df["sector_name"] = df["sector"].map(lambda x: names.get(x, labels.SECTOR_EXTRA.get(x, x)))
    return df.groupby(["sector_name", "status"], as_index=False).size().rename(
        columns={"size": "n"})


def light_note(s: Scope) -> str:
    """What each light means (the note under 附表2), from labels: a new light shows up too."""
    if s.tasks.empty:
        return ""
    return "信号灯：" + "；".join(f"{labels.LIGHT[k]}——{labels.LIGHT_MEANING.get(k, '')}"
                              for k in labels.LIGHT) + "。\n"
