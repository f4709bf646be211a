"""Task status and traffic lights: the lead unit's latest return, lit against the schedule.

The light rules live in ONE place, :data:`LIGHT_RULES` (checked in order, the first that
holds wins) with :data:`SCHEDULE` for the 序时进度 threshold, and :data:`TARGET_LIGHT` for
the quantitative targets' Open SDG ratings. :func:`light_rule_text` explains both in Chinese
for the reports (written into monitor.json as ``light_rule_text``), built from the same
constants so the text cannot disagree with the code.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .. import contract, labels
from ..errors import ValidationError
from .requests import Inputs, own_deadline

#: 序时进度: a task reported 未启动 after this share of its time (plan period start → end of
#: its own deadline year, else of the plan period) has elapsed is behind schedule.
SCHEDULE: dict[str, float] = {"not_started_max_elapsed": 1 / 3}


@dataclass(frozen=True)
class Facts:
    """What a task's light is decided from."""

    status: str                   # contract.TASK_STATUSES
    deadline_passed: bool         # a deadline the plan states (the task's own year) is past
    elapsed_share: float | None   # share of the task's time elapsed on the as-of date
    stale: bool                   # the lead's last return is older than the reporting cycle
    due_soon: bool = False        # a stated deadline ends within the next reporting cycle


@dataclass(frozen=True)
class LightRule:
    """One row of the rules table: ``code`` (kept in a code column, never shown to a
    reader), the light, ``when`` (Chinese, {cycle} / {share} / {end} filled in) and the test."""

    code: str
    light: str
    when: str
    holds: Callable[[Facts], bool]


#: The rules, checked in order: the first that holds gives the light. A task without a
#: year of its own has no deadline: it turns red only when its lead says 滞后.
LIGHT_RULES: tuple[LightRule, ...] = (
    LightRule("no_report", "grey", "牵头单位未填报（或其填报均被退回）",
              lambda f: f.status == "no_report"),
    LightRule("completed", "green", "牵头单位填报“已完成”并附佐证材料",
              lambda f: f.status == "completed"),
    LightRule("delayed", "red", "牵头单位自报“滞后”", lambda f: f.status == "delayed"),
    LightRule("deadline_passed", "red", "任务原文写明的期限年份已过（至该年 12 月 31 日）仍未完成；"
              "原文未写年份的任务不因规划期结束而亮红灯", lambda f: f.deadline_passed),
    LightRule("stale", "yellow", "牵头单位最近一次填报距评估日超过 {cycle} 天（填报周期），情况可能已变",
              lambda f: f.stale),
    LightRule("behind_schedule", "yellow", "填报“未启动”，而任务时间已过{share}（落后于序时进度）",
              lambda f: f.status == "not_started" and (f.elapsed_share or 0)
              > SCHEDULE["not_started_max_elapsed"]),
    LightRule("due_soon", "blue", "任务原文写明的期限在下一个填报周期（{cycle} 天）内到期，尚未完成",
              lambda f: f.due_soon),
    LightRule("on_schedule", "green", "填报“推进中”或“常态化推进”，或任务时间未过{share}时填报"
              "“未启动”（符合序时进度）", lambda f: True),
)

#: Quantitative targets keep their Open SDG rating; the light beside it.
TARGET_LIGHT: dict[str, str] = {"achieved": "green", "on_track": "green", "off_track": "yellow",
                                "overdue": "red", "no_data": "grey"}


def task_light(f: Facts) -> LightRule:
    """The first rule of :data:`LIGHT_RULES` that holds."""
    return next(r for r in LIGHT_RULES if r.holds(f))


def _share_text() -> str:
    s = SCHEDULE["not_started_max_elapsed"]
    return "三分之一" if abs(s - 1 / 3) < 1e-9 else f"{s:.0%}"


def light_rule_text(cycle_days: int, period_end: int | None) -> str:
    """"如何阅读信号灯" for the reports (Chinese markdown), from the constants above."""
    fill = {"cycle": cycle_days, "share": _share_text(), "end": period_end or "（未定）"}
    lines = [
        "### 如何阅读信号灯",
        "",
        "**重点任务**：进展状态以牵头单位最新一次有效填报为准（配合单位的填报作为说明附后）；"
        "信号灯按下表自上而下判定，第一条符合的规则决定颜色。",
        "",
        "| 顺序 | 信号灯 | 条件 |",
        "|---|---|---|",
        *[f"| {i} | {labels.LIGHT[r.light]} | {r.when.format(**fill)} |"
          for i, r in enumerate(LIGHT_RULES, start=1)],
        "",
        "“任务时间”自规划期开始（1 月 1 日）计至任务期限年份的 12 月 31 日；原文未写年份的任务"
        f"按规划期末（{fill['end']} 年）计算序时进度，但没有期限，不因规划期结束而亮红灯。"
        "时间进度 = 已过天数 ÷ 总天数。“常态化推进”指长期坚持、没有完成节点的工作。",
        "",
        "**量化目标**：保留按 Open SDG 方法得出的评级，信号灯为：" + "；".join(
            f"{labels.STATUS[k]} → {labels.LIGHT[v]}" for k, v in TARGET_LIGHT.items()) + "。"
        "部门填报的数值与公开统计数据一并评级；同一年份两者都有时以公开统计数据为准，"
        "不一致的列出备查。",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- evidence


EVIDENCE_COLUMNS = ("task_id", "note", "source_title", "source_url", "quote", "reviewed_by")


def read_task_evidence(path: Path | None, task_ids: set[int]) -> pd.DataFrame:
    """``reference/task_evidence.csv``: public evidence of a task's progress (an analyst's
    mapping, never a status). Every problem at once, naming file, row and column."""
    if path is None or not Path(path).exists():
        return pd.DataFrame(columns=list(EVIDENCE_COLUMNS))
    text = Path(path).read_text(encoding="utf-8-sig")
    label = f"{Path(path).parent.name}/{Path(path).name}"
    header = next(csv.reader(io.StringIO(text)), [])
    missing = [c for c in EVIDENCE_COLUMNS if c not in header]
    if missing:
        raise ValidationError([f"{label}: 缺少列 {', '.join(missing)}"], what="task evidence")
    rows = list(csv.DictReader(io.StringIO(text)))
    problems = []
    for n, r in enumerate(rows, start=2):
        tid = (r.get("task_id") or "").strip()
        if not tid.isdigit() or int(tid) not in task_ids:
            problems.append(f"{label}, 第 {n} 行, task_id: {tid!r} 不是本规划的任务编号")
        for c in ("note", "source_title", "reviewed_by"):
            if not (r.get(c) or "").strip():
                problems.append(f"{label}, 第 {n} 行, {c}: 为空")
        if not ((r.get("source_url") or "").strip() or (r.get("quote") or "").strip()):
            problems.append(f"{label}, 第 {n} 行, source_url: 来源网址和原文摘录至少填一项")
    if problems:
        raise ValidationError(problems, what="task evidence")
    df = pd.DataFrame(rows, columns=list(EVIDENCE_COLUMNS))
    df["task_id"] = df["task_id"].astype(int)
    return df


# --------------------------------------------------------------------------- task_status.csv

TASK_STATUS_EXTRA = ["status_label", "light_label", "light_code", "light_rule", "progress",
                     "deadline_year", "deadline_text", "elapsed_share", "days_since_report",
                     "stale", "report_file", "n_reports", "co_units", "co_reports", "co_missing",
                     "shared_duty", "round", "measures", "measures_owner", "measures_due",
                     "public_evidence", "public_evidence_sources"]


def _elapsed(start: dt.date | None, deadline: int | None, day: dt.date) -> float | None:
    if start is None or deadline is None:
        return None
    end = dt.date(int(deadline), 12, 31)
    if end <= start:
        return 1.0
    return round(min(max((day - start).days / (end - start).days, 0.0), 1.0), 4)


def task_facts(status: str, own: int | None, horizon: int | None, start: dt.date | None,
               day: dt.date, since: int | None, cycle_days: int) -> Facts:
    """The facts of one task on ``day``: ``own`` is the year the plan states for it (None:
    no deadline), ``horizon`` the year its 序时进度 runs to (its own, else the period's end)."""
    end = dt.date(int(own), 12, 31) if own is not None else None
    return Facts(status, end is not None and day > end, _elapsed(start, horizon, day),
                 since is not None and since > cycle_days,
                 end is not None and day <= end <= day + dt.timedelta(days=cycle_days))


def _reason(rule: LightRule, facts: Facts, who: str, own: int | None, since: int | None,
            cycle_days: int) -> str:
    """Why a task has its light, in Chinese (the code stays in ``light_code``)."""
    why = who
    if rule.code == "deadline_passed":
        why += f"；任务期限 {own} 年已过，仍未完成"
    elif rule.code == "stale":
        why += f"；距评估日 {since} 天，超过填报周期 {cycle_days} 天"
    elif rule.code == "behind_schedule":
        why += f"；时间进度 {facts.elapsed_share:.0%}，落后于序时进度"
    elif rule.code == "due_soon":
        why += f"；任务期限 {own} 年底在下一个填报周期内到期"
    return f"{why} → {labels.LIGHT[rule.light]}"


def deadline_text(own: int | None, period_end: int | None) -> str:
    """期限 as a reader sees it: the task's own year, else that it names none."""
    if own is not None:
        return f"{own} 年底"
    return f"原文未写年份（规划期至 {period_end} 年）" if period_end else "原文未写年份"


def build_task_status(inputs: Inputs, current: pd.DataFrame, history: pd.DataFrame,
                      evidence: pd.DataFrame, as_of: str, period: tuple[int, int] | None,
                      cycle_days: int, round_name: str = "") -> pd.DataFrame:
    """One row per task: the contract's task_status columns, then explanatory extras.

    ``current``: the accepted, current task rows of returns.csv; ``history``: all accepted
    task rows (for ``n_reports``). A task led by a collective (全区各级各部门) is a shared
    duty: nobody's return sets its status.
    """
    day = dt.date.fromisoformat(as_of)
    start = dt.date(int(period[0]), 1, 1) if period else None
    end = int(period[1]) if period else None
    collective = inputs.collectives
    tu = inputs.task_units
    co_of: dict[int, list[str]] = {}
    for t_id, unit, role in zip(tu["task_id"], tu["unit"], tu["role"], strict=True):
        if role == "co":
            co_of.setdefault(int(t_id), []).append(unit)
    cur = current[current["kind"] == "task"] if len(current) else current
    by_task: dict[int, list[Any]] = {}
    for r in cur.itertuples():
        by_task.setdefault(int(r.task_id), []).append(r)
    n_hist = (history[history["kind"] == "task"]["task_id"].astype(int).value_counts().to_dict()
              if len(history) else {})
    ev: dict[int, list[Any]] = {}
    for r in evidence.itertuples():
        ev.setdefault(int(r.task_id), []).append(r)
    fill = {"cycle": cycle_days, "share": _share_text(), "end": end or "（未定）"}
    rows = []
    for t in inputs.tasks.sort_values("task_id").to_dict("records"):
        tid = int(t["task_id"])
        lead = t["lead_unit"] if isinstance(t["lead_unit"], str) else ""
        shared = lead in collective
        co = co_of.get(tid, [])
        reps = by_task.get(tid, [])
        mine = None if shared else next((r for r in reps if r.unit == lead), None)
        status = mine.status if mine is not None else "no_report"
        own = own_deadline(t.get("years"))
        report_date = dt.date.fromisoformat(mine.report_date) if mine is not None else None
        since = (day - report_date).days if report_date else None
        facts = task_facts(status, own, own if own is not None else end, start, day, since,
                           cycle_days)
        rule = task_light(facts)
        if shared:
            who = f"{lead}共同承担的任务（统称，不单独填报，不排名）"
        elif mine is None:
            who = (f"牵头单位{lead}未填报" if lead else "规划原文缺少牵头单位，无人填报")
        else:
            who = f"牵头单位{lead}填报“{labels.TASK_STATUS[status]}”（{mine.report_date}）"
        rows.append({
            "task_id": tid, "as_of": as_of, "status": status, "light": rule.light,
            "lead_unit": lead, "reported_by": mine.unit if mine is not None else "",
            "report_date": mine.report_date if mine is not None else "",
            "evidence": mine.evidence if mine is not None else "",
            "rule": _reason(rule, facts, who, own, since, cycle_days),
            "status_label": labels.TASK_STATUS[status], "light_label": labels.LIGHT[rule.light],
            "light_code": rule.code, "light_rule": rule.when.format(**fill),
            "progress": mine.progress if mine is not None else "",
            "deadline_year": own, "deadline_text": deadline_text(own, end),
            "elapsed_share": facts.elapsed_share,
            "days_since_report": since, "stale": facts.stale,
            "report_file": (f"{mine.file} {mine.sheet}!{mine.row}" if mine is not None else ""),
            "n_reports": int(n_hist.get(tid, 0)),
            "co_units": ";".join(co),
            "co_reports": "；".join(
                f"{r.unit}（{labels.TASK_STATUS[r.status]}，{r.report_date}）：{r.progress or '（无说明）'}"
                + (f"［佐证：{r.evidence}］" if r.evidence else "")
                for r in sorted(reps, key=lambda r: r.unit) if r.unit != lead),
            "co_missing": ";".join(u for u in co if u not in {r.unit for r in reps}),
            "shared_duty": shared, "round": round_name,
            **{k: (getattr(mine, k, None) or "") if mine is not None else ""
               for k in ("measures", "measures_owner", "measures_due")},
            "public_evidence": "；".join(e.note for e in ev.get(tid, [])),
            "public_evidence_sources": "；".join(
                f"{e.source_title}（{e.source_url}）" if e.source_url else e.source_title
                for e in ev.get(tid, [])),
        })
    cols = [*contract.REQUIRED_COLUMNS[contract.TASK_STATUS], *TASK_STATUS_EXTRA]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("deadline_year", "days_since_report"):
        df[c] = df[c].astype("Int64")
    return df


def add_target_lights(status: pd.DataFrame, owners: pd.DataFrame) -> pd.DataFrame:
    """status.csv with ``light`` and ``owner_unit`` right after the contract's columns
    (and ``owner_basis`` among the extras)."""
    s = status.copy()
    own = owners.set_index("target_id")
    s["light"] = s["status"].map(TARGET_LIGHT).fillna("grey")
    s["owner_unit"] = s["target_id"].map(own["owner_unit"]).fillna("")
    s["owner_basis"] = s["target_id"].map(own["owner_basis"]).fillna("")
    n = len(contract.REQUIRED_COLUMNS[contract.STATUS])
    rest = [c for c in s.columns if c not in contract.REQUIRED_COLUMNS[contract.STATUS]
            and c not in contract.STATUS_PROGRESS_COLUMNS]
    return s[[*s.columns[:n], *contract.STATUS_PROGRESS_COLUMNS, *rest]]
