"""Follow-up views: task progress from department returns, lights, who owes what, the
end-of-period assessment and the leader summary.

Everything here reads the monitor stage's files (task_status.csv, status.csv with
``light``/``owner_unit``, returns.csv) through :class:`~greenlib.report.tables.Tables`; the
rules that set a status or a light live in the monitor stage and reach readers as the
``rule``/``light_rule`` columns and ``monitor.json``'s texts.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import labels
from .fmt import fmt_value, fmt_year, missing, split_list, target_text, year_passed
from .scope import Scope, status_frame
from .show import md_text

#: National mid-term reviews sort targets into these groups; how a rating maps onto them.
ASSESSMENT_GROUPS: dict[str, str] = {
    "ahead": "提前实现",
    "as_expected": "基本符合预期",
    "behind": "滞后",
    "unmet": "未实现",
    "unknown": "无法评估（数据不足）",
}
ASSESSMENT_RULES: list[tuple[str, str]] = [
    ("ahead", "已实现，且目标年份尚未到（提前实现）"),
    ("as_expected", "已实现（目标年份已到或已过），或目标年份未到且按期推进"),
    ("behind", "目标年份未到，按目前速度到期达不到（进度滞后）"),
    ("unmet", "目标年份已过，最新全年数据仍未达到（逾期未实现）"),
    ("unknown", "没有可用于评级的全年数据"),
]


def assessment_group(status: str, year: Any, as_of: str) -> str:
    """Map an Open SDG rating onto the groups of a national mid-term/final review."""
    if status == "achieved":
        return "as_expected" if missing(year) or year_passed(int(float(year)) - 1, as_of) else "ahead"
    if status == "on_track":
        return "as_expected"
    if status == "off_track":
        return "behind"
    if status == "overdue":
        return "unmet"
    return "unknown"


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
        "期限": df["years"].map(lambda v: "、".join(split_list(v)) or "—"),
        "进展状态": df["status"].map(lambda c: labels.TASK_STATUS.get(str(c), str(c))),
        "信号灯": df["light"].map(_light_word),
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
                         "说明": _short(r["text"])})
        elif r.get("stale") is True or str(r.get("stale")) == "True":
            rows.append({"事项": f"任务 {tid}", "欠缺": "进展报送已过期，需更新",
                         "说明": f"上次填报 {str(r.get('report_date'))[:10]}"})
        if r["light"] == "red":
            rows.append({"事项": f"任务 {tid}", "欠缺": "逾期未完成或自报滞后",
                         "说明": str(r.get("rule") or "")})
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
    """Per responsible unit: its led tasks by status and light, its targets by rating,
    sorted with the units most behind first (red lights, then overdue targets, then the
    share delivered)."""
    tasks = _task_status_frame(s)
    tg = status_frame(s)
    owner = (s.status.set_index("target_id")["owner_unit"].to_dict()
             if "owner_unit" in s.status.columns else {})
    tg = tg.assign(owner_unit=tg["target_id"].map(owner))
    units = sorted(set(tasks["lead_unit"].dropna()) | {u for u in owner.values() if not missing(u)})
    rows = []
    for u in units:
        led = tasks[tasks["lead_unit"] == u]
        mine = tg[tg["owner_unit"] == u]
        n = len(led)
        done = int((led["status"] == "completed").sum())
        row: dict[str, Any] = {"单位": u, "牵头任务": n}
        for k in ("completed", "in_progress", "delayed", "not_started", "no_report"):
            row[labels.TASK_STATUS[k]] = int((led["status"] == k).sum())
        row["红灯"] = int((led["light"] == "red").sum())
        row["黄灯"] = int((led["light"] == "yellow").sum())
        row["完成率"] = f"{done / n:.0%}" if n else "—"
        row["负责目标"] = len(mine)
        row["目标已实现"] = int((mine["status"] == "achieved").sum())
        row["目标逾期未实现"] = int((mine["status"] == "overdue").sum())
        row["_done"] = done / n if n else 1.0
        rows.append(row)
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    df = df.sort_values(["红灯", "目标逾期未实现", "_done", "单位"],
                        ascending=[False, False, True, True], kind="stable")
    df.insert(0, "排名", range(1, len(df) + 1))
    return df.drop(columns="_done").reset_index(drop=True)


def unit_rank(s: Scope, unit: str) -> str:
    card = unit_scorecard(s)
    if card.empty or unit not in set(card["单位"]):
        return "—"
    r = card[card["单位"] == unit].iloc[0]
    return (f"在 {len(card)} 个责任单位中排第 {int(r['排名'])} 位"
            "（按红灯数、逾期目标数、任务完成率排序，靠前者更落后）")


# --------------------------------------------------------------------------- assessment


def target_groups(s: Scope) -> pd.DataFrame:
    """Targets per assessment group (提前实现 / 基本符合预期 / 滞后 / 未实现 / 无法评估)."""
    df = status_frame(s)
    groups = [assessment_group(st, y, s.as_of) for st, y in zip(df["status"], df["year"],
                                                                   strict=True)]
    counts = pd.Series(groups, dtype="object").value_counts()
    return pd.DataFrame({"类别": [ASSESSMENT_GROUPS[k] for k in ASSESSMENT_GROUPS],
                         "目标数": [int(counts.get(k, 0)) for k in ASSESSMENT_GROUPS]})


def task_counts(s: Scope) -> pd.DataFrame:
    df = _task_status_frame(s)
    counts = df["status"].value_counts()
    return pd.DataFrame({"进展状态": [labels.TASK_STATUS[k] for k in labels.TASK_STATUS],
                         "任务数": [int(counts.get(k, 0)) for k in labels.TASK_STATUS]})


def leader_summary(s: Scope) -> dict[str, Any]:
    """The one-page summary: delivered / not delivered / unknown, the units most behind,
    the data still missing and from whom."""
    tg = status_frame(s)
    tasks = _task_status_frame(s)
    card = unit_scorecard(s)
    behind = card[(card["红灯"] > 0) | (card["目标逾期未实现"] > 0)].head(5) if not card.empty else card
    no_data = tg[tg["status"] == "no_data"]
    owner = (s.status.set_index("target_id")["owner_unit"].to_dict()
             if "owner_unit" in s.status.columns else {})
    owed: dict[str, int] = {}
    for tid in no_data["target_id"]:
        u = owner.get(tid)
        owed[str(u) if not missing(u) else "（未指定责任单位）"] = owed.get(
            str(u) if not missing(u) else "（未指定责任单位）", 0) + 1
    no_report = tasks[tasks["status"] == "no_report"]
    return {
        "targets": {"delivered": int((tg["status"] == "achieved").sum()),
                    "not_delivered": int(tg["status"].isin(["overdue", "off_track"]).sum()),
                    "on_track": int((tg["status"] == "on_track").sum()),
                    "unknown": int((tg["status"] == "no_data").sum()), "total": len(tg)},
        "tasks": {"delivered": int((tasks["status"] == "completed").sum()),
                  "not_delivered": int(tasks["status"].isin(["delayed", "not_started"]).sum()
                                       + ((tasks["status"] == "in_progress")
                                          & (tasks["light"] == "red")).sum()),
                  "in_progress": int(((tasks["status"] == "in_progress")
                                      & (tasks["light"] != "red")).sum()),
                  "unknown": int((tasks["status"] == "no_report").sum()), "total": len(tasks)},
        "behind": behind[["单位", "红灯", "目标逾期未实现", "完成率"]] if not behind.empty
        else pd.DataFrame(columns=["单位", "红灯", "目标逾期未实现", "完成率"]),
        "missing_figures": pd.DataFrame(sorted(owed.items(), key=lambda kv: -kv[1]),
                                        columns=["责任单位", "缺数据的目标数"]),
        "missing_returns": (no_report.groupby("lead_unit").size().sort_values(ascending=False)
                            .rename_axis("牵头单位").reset_index(name="未报送进展的任务数")),
    }


def problems(s: Scope) -> dict[str, pd.DataFrame]:
    """The lists of 存在问题, generated from the data."""
    tasks = _task_status_frame(s)
    tg = target_progress_table(s)
    overdue_targets = tg[tg["评级"].isin([labels.STATUS["overdue"], labels.STATUS["off_track"]])]
    red = tasks[tasks["light"] == "red"]
    red_tasks = pd.DataFrame({"编号": red["task_id"].astype(int),
                              "重点任务": red["text"].map(_short),
                              "牵头单位": red["lead_unit"],
                              "原因": red.get("rule", pd.Series("", index=red.index))})
    no_data = tg[tg["评级"] == labels.STATUS["no_data"]][["编号", "指标", "目标", "责任单位"]]
    stale = tasks[tasks.get("stale", pd.Series(False, index=tasks.index)).astype(str) == "True"]
    stale_df = pd.DataFrame({"编号": stale["task_id"].astype(int), "牵头单位": stale["lead_unit"],
                             "上次填报": stale["report_date"].map(lambda v: str(v)[:10])})
    refused = pd.DataFrame()
    r = s.t.returns
    if r is not None and not r.empty:
        bad = r[~r["accepted"].astype(str).isin(["True", "true", "1"])]
        refused = pd.DataFrame({"文件": bad["file"], "工作表": bad["sheet"], "行": bad["row"],
                                "单位": bad["unit"], "原因": bad["message"]})
    return {"overdue_targets": overdue_targets, "red_tasks": red_tasks, "no_data": no_data,
            "stale": stale_df, "refused": refused}


# --------------------------------------------------------------------------- texts


def summary_markdown(summary: dict[str, Any], as_of: str) -> str:
    """The leader summary's opening lines (markdown)."""
    t, k = summary["targets"], summary["tasks"]
    lines = [
        f"截至 **{as_of}**：",
        "",
        f"- **量化目标 {t['total']} 项**：已实现 {t['delivered']} 项，未实现或进度滞后 "
        f"{t['not_delivered']} 项，按期推进 {t['on_track']} 项，情况不明（缺数据）{t['unknown']} 项。",
        f"- **重点任务 {k['total']} 项**：已完成 {k['delivered']} 项，未完成（滞后、未启动或逾期）"
        f"{k['not_delivered']} 项，推进中 {k['in_progress']} 项，情况不明（未报送）{k['unknown']} 项。",
    ]
    miss = summary["missing_figures"]
    if len(miss):
        top = "、".join(f"{md_text(r['责任单位'])}（{r['缺数据的目标数']} 项）"
                       for _, r in miss.head(5).iterrows())
        lines.append(f"- **缺少数据**：{top}。")
    ret = summary["missing_returns"]
    if len(ret):
        top = "、".join(f"{md_text(r['牵头单位'])}（{r['未报送进展的任务数']} 项）"
                       for _, r in ret.head(5).iterrows())
        lines.append(f"- **尚未报送任务进展最多的牵头单位**：{top}。")
    if not k["total"]:
        lines.append("- 本规划没有附件任务清单，只评估量化目标。")
    return "\n".join(lines) + "\n"


def rules_markdown() -> str:
    """How ratings map onto the assessment groups (markdown table)."""
    lines = ["| 类别 | 归类规则 |", "|---|---|"]
    lines += [f"| {ASSESSMENT_GROUPS[k]} | {text} |" for k, text in ASSESSMENT_RULES]
    lines += ["", "| 信号灯 | 含义 |", "|---|---|"]
    lines += [f"| {labels.LIGHT[k]} | {labels.LIGHT_MEANING[k]} |" for k in labels.LIGHT]
    return "\n".join(lines) + "\n"


PLACEHOLDER_RECOMMENDATIONS = (
    "（本节由分析人员撰写：在规划文件夹中新建 `recommendations.md`，写入下一步工作建议，"
    "重新运行 `make report` 后即显示在此处。以下为依据数据列出的提示，供撰写时参考。）"
)


def recommendations_markdown(s: Scope) -> str:
    """The analysts' text when the plan has one; else a placeholder with data-driven hints."""
    if s.t.recommendations.strip():
        return s.t.recommendations
    found = problems(s)
    hints = [PLACEHOLDER_RECOMMENDATIONS, ""]
    if len(found["overdue_targets"]):
        n = len(found["overdue_targets"])
        hints.append(f"- 逾期未实现或进度滞后的目标 {n} 项：分析原因，提出补救措施。")
    if len(found["no_data"]):
        hints.append(f"- 缺少可评级数据的目标 {len(found['no_data'])} 项：明确统计口径和报送单位。")
    if len(found["red_tasks"]):
        hints.append(f"- 红灯任务 {len(found['red_tasks'])} 项：督促牵头单位限期推进并报送。")
    return "\n".join(hints) + "\n"


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
