"""Follow-up views: task progress from department returns, lights, who owes what (the
assessment itself is :mod:`.assessment`).

Everything here reads the monitor stage's files (task_status.csv, status.csv with
``light``/``owner_unit``, returns.csv) through :class:`~greenlib.report.tables.Tables`; the
rules that set a status or a light live in the monitor stage and reach readers as the
``rule``/``light_rule`` columns and ``monitor.json``'s texts.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import labels
from .fmt import fmt_value, fmt_year, missing, split_list, target_text
from .scope import Scope, status_frame
from .show import md_text
from .tasktext import task_text


def has_progress(s: Scope) -> bool:
    """True when the data folder carries the department-returns files."""
    return s.t.task_status is not None


def _light_word(code: Any) -> str:
    return "—" if missing(code) else labels.LIGHT.get(str(code), str(code))


def _task_status_frame(s: Scope) -> pd.DataFrame:
    ts = s.t.task_status
    if ts is None or ts.empty:
        return s.tasks.assign(status="no_report", light="grey", report_date=None,
                              evidence=None, progress=None, reported_by=None)
    keep = [c for c in ts.columns if c not in s.tasks.columns or c == "task_id"]
    return s.tasks.merge(ts[keep], on="task_id", how="left").fillna(
        {"status": "no_report", "light": "grey"})


def task_progress_table(s: Scope) -> pd.DataFrame:
    """Every task with its lead unit, deadline, reported status, light and evidence."""
    df = _task_status_frame(s)
    from .views import _marked_text

    out = pd.DataFrame({
        "编号": df["task_id"].astype(int),
        "重点任务": _marked_text(df),
        "牵头单位": df["lead_unit"].map(lambda v: "—" if missing(v) else v),
        "期限": (df["deadline_text"].map(lambda v: "—" if missing(v) else str(v))
               if "deadline_text" in df else df["years"].map(lambda v: "、".join(split_list(v)) or "—")),
        "进展状态": df["status"].map(lambda c: labels.TASK_STATUS.get(str(c), str(c))),
        "信号灯": df["light"].map(_light_word),
        "信号灯依据": df["rule"].map(lambda v: "—" if missing(v) else str(v))
        if "rule" in df else "—",
        "填报日期": df["report_date"].map(lambda v: "—" if missing(v) else str(v)[:10])
        if "report_date" in df else "—",
        "进展说明与佐证": [_evidence(r) for _, r in df.iterrows()],
    })
    return out.sort_values("编号", kind="stable").reset_index(drop=True)


def _evidence(r: pd.Series) -> str:
    parts = []
    for col in ("progress", "evidence", "public_evidence"):
        v = r.get(col)
        if not missing(v) and str(v).strip():
            parts.append(("公开资料：" if col == "public_evidence" else "") + str(v).strip())
    return "；".join(parts) or "—"


def target_progress_table(s: Scope) -> pd.DataFrame:
    """Every target with its rating, light, the unit answerable for it and the latest figure."""
    df = status_frame(s)
    extra = s.status[[c for c in ("target_id", "light", "owner_unit") if c in s.status.columns]]
    if len(extra.columns) > 1:
        df = df.merge(extra, on="target_id", how="left")
    return pd.DataFrame({
        "编号": df["target_id"],
        "指标": df["indicator"],
        "目标": [f"{target_text(c, v, u)}（{fmt_year(y)}年）" for c, v, u, y in
               zip(df["comparator"], df["value"], df["unit"], df["year"], strict=True)],
        "评级": df["status"].map(labels.status_label),
        "信号灯": df["light"].map(_light_word) if "light" in df else "—",
        "责任单位": df["owner_unit"].map(lambda v: "—" if missing(v) else v)
        if "owner_unit" in df else "—",
        "最新监测值": [f"{fmt_value(v)}（{fmt_year(y)}年）" if not missing(v) else "—"
                  for v, y in zip(df.get("latest_value", pd.Series(dtype=float)),
                                  df.get("latest_year", pd.Series(dtype=float)), strict=False)]
        or ["—"] * len(df),
        # back to the plan's own words: the sentence the target was read from, and its tasks
        "方案原文": [f"{q}（任务 {'、'.join(split_list(t))}）" if split_list(t) else str(q)
                 for q, t in zip(df["quote"], df["task_ids"], strict=True)],
    }).reset_index(drop=True)


# --------------------------------------------------------------------------- units


def unit_tasks(s: Scope, unit: str) -> pd.DataFrame:
    """The tasks a unit leads or co-leads (the plan's own list), with their progress."""
    tu = s.t.task_units[s.t.task_units["unit"] == unit]
    role = dict(zip(tu["task_id"].astype(int), tu["role"], strict=True))
    df = task_progress_table(s)
    df = df[df["编号"].isin(role)].copy()
    df.insert(2, "角色", df["编号"].map(lambda i: labels.ROLE.get(role[i], role[i])))
    return df.sort_values(["角色", "编号"], key=lambda c: c.map({"牵头": 0, "配合": 1})
                          if c.name == "角色" else c, kind="stable").reset_index(drop=True)


def unit_targets(s: Scope, unit: str) -> pd.DataFrame:
    df = target_progress_table(s)
    return df[df["责任单位"] == unit].reset_index(drop=True)


def unit_owes(s: Scope, unit: str) -> pd.DataFrame:
    """What a unit still owes: missing returns, missing figures, overdue items."""
    rows: list[dict[str, str]] = []
    tasks = _task_status_frame(s)
    led = tasks[tasks["lead_unit"] == unit]
    for _, r in led.iterrows():
        tid = int(r["task_id"])
        if r["status"] == "no_report":
            rows.append({"事项": f"任务 {tid}", "欠缺": "未报送进展（牵头单位）",
                         "说明": task_text(r["text"], r.get("text_doubtful"), r.get("page"),
                                         _short)})
        elif r.get("stale") is True or str(r.get("stale")) == "True":
            rows.append({"事项": f"任务 {tid}", "欠缺": "进展报送已过期，需更新",
                         "说明": f"上次填报 {str(r.get('report_date'))[:10]}"})
        if r["light"] == "red":
            rows.append({"事项": f"任务 {tid}", "欠缺": "逾期未完成或自报滞后",
                         "说明": str(r.get("light_rule") or "")})
    tg = target_progress_table(s)
    mine = tg[tg["责任单位"] == unit]
    for _, r in mine.iterrows():
        if r["评级"] == labels.STATUS["no_data"]:
            rows.append({"事项": f"目标 {r['编号']}", "欠缺": "缺少可评级的全年数据",
                         "说明": f"{r['指标']}：{r['目标']}"})
        elif r["评级"] == labels.STATUS["overdue"]:
            rows.append({"事项": f"目标 {r['编号']}", "欠缺": "目标逾期未实现",
                         "说明": f"{r['指标']}：{r['目标']}，最新 {r['最新监测值']}"})
    return pd.DataFrame(rows, columns=["事项", "欠缺", "说明"])


def _short(text: Any, n: int = 40) -> str:
    t = "" if missing(text) else str(text)
    return t if len(t) <= n else t[:n] + "…"


def unit_scorecard(s: Scope) -> pd.DataFrame:
    """Per department (unit_status.csv, the monitor stage's one ranking): its led tasks by
    status and light, its targets by rating; ranked departments first by rank (1 = most
    behind, only those that reported), then those that did not report (排名 “—”)."""
    us = s.t.unit_status
    if us is None or us.empty:
        return pd.DataFrame()
    tg = status_frame(s)
    owner = (s.status.set_index("target_id")["owner_unit"].to_dict()
             if "owner_unit" in s.status.columns else {})
    tg = tg.assign(owner_unit=tg["target_id"].map(owner))
    us = us.assign(_r=us["rank"].isna()).sort_values(["_r", "rank"], kind="stable")
    rows = []
    for r in us.to_dict("records"):
        mine = tg[tg["owner_unit"] == r["unit"]]
        n = int(r["lead_tasks"])
        rows.append({
            "排名": "—" if missing(r["rank"]) else int(r["rank"]), "单位": r["unit"], "牵头任务": n,
            labels.TASK_STATUS["completed"]: int(r["done"]),
            labels.TASK_STATUS["in_progress"]: int(r["ongoing"]),
            labels.TASK_STATUS["delayed"]: int(r["behind"]),
            labels.TASK_STATUS["not_started"]: int(r["not_started"]),
            labels.TASK_STATUS["no_report"]: n - int(r["reported_tasks"]),
            **{labels.LIGHT[k]: int(r[k]) for k in ("red", "yellow", "blue")},
            "完成率": f"{int(r['done']) / n:.0%}" if n else "—",
            "负责目标": len(mine), "目标已实现": int((mine["status"] == "achieved").sum()),
            "目标逾期未实现": int((mine["status"] == "overdue").sum()),
        })
    return pd.DataFrame(rows)


def unit_rank(s: Scope, unit: str) -> str:
    card = unit_scorecard(s)
    if card.empty or unit not in set(card["单位"]):
        return "—"
    r = card[card["单位"] == unit].iloc[0]
    if r["排名"] == "—":
        return "本轮未报送，不参与排名"
    n = int((card["排名"] != "—").sum())
    return f"在 {n} 个已报送的责任单位中排第 {int(r['排名'])} 位（靠前者更落后）"


def check_unit(s: Scope, unit: str) -> None:
    """Refuse a unit that is not a responsible unit of the plan, naming the known ones."""
    from ..errors import InputError

    known = set(s.t.units["unit"]) | set(s.status.get("owner_unit", pd.Series(dtype=str)).dropna())
    if unit not in known:
        raise InputError(f"单位 {unit!r} 不是本规划的责任单位；可用：{'、'.join(sorted(known))}")


def unit_intro(s: Scope, unit: str) -> str:
    u = s.t.units[s.t.units["unit"] == unit]
    full = u["full_name"].iloc[0] if len(u) else unit
    n_lead = int(u["n_lead"].iloc[0]) if len(u) else 0
    n_co = int(u["n_co"].iloc[0]) if len(u) else 0
    return (f"**{md_text(full)}**：在方案附件中牵头 {n_lead} 项任务、配合 {n_co} 项任务。"
            f"评估日：{s.as_of}。\n")
