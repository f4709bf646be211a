"""三、存在问题 and 四、下一步工作建议 of the assessment (:mod:`.assessment`).

The problems are the rows behind the counts of ``summary.csv``: targets 未实现 or 滞后,
red-light tasks with the lead unit's own explanation as the cause, missing figures and
returns by unit, ratings resting on old figures, goals assigned from above still without
a figure. 四 is the analysts' text only; without it the section is left out.
"""

from __future__ import annotations

import pandas as pd

from .. import labels
from .assessment import _rated, _short, count, goal_text, has_tasks, latest_text
from .fmt import fmt_value, fmt_year, missing, target_text
from .scope import Scope
from .tasktext import marked_texts


def _unit(v: object) -> str:
    return "未指定责任单位" if missing(v) or not str(v).strip() else str(v)


def unmet_targets(s: Scope) -> pd.DataFrame:
    """Targets 未实现 or 滞后, with the unit answerable and the figure."""
    df = _rated(s)
    bad = df[df["conclusion"].isin(["unmet", "behind"])]
    return pd.DataFrame({
        "指标": bad["indicator"],
        "目标": [goal_text(r) for _, r in bad.iterrows()],
        "最新值": [latest_text(r) for _, r in bad.iterrows()],
        "评估结论": bad["conclusion"].map(lambda c: labels.CONCLUSION.get(c, c)),
        "责任单位": bad.get("owner_unit", pd.Series("", index=bad.index)).map(_unit),
    }).reset_index(drop=True)


def red_tasks(s: Scope) -> pd.DataFrame:
    """Red-light tasks: why the light is red, and what the lead unit itself said."""
    ts = s.t.task_status
    if ts is None or ts.empty:
        return pd.DataFrame()
    text = pd.Series(marked_texts(s.tasks, shorten=lambda t: _short(t, 40)).to_numpy(),
                     index=s.tasks["task_id"].astype(int))
    red = ts[ts["light"].astype(str) == "red"].sort_values("task_id")
    return pd.DataFrame({
        "编号": red["task_id"].astype(int),
        "重点任务": red["task_id"].astype(int).map(lambda i: text.get(i, "")),
        "牵头单位": red["lead_unit"].map(_unit),
        "亮红灯的原因": red.get("light_rule", pd.Series("", index=red.index)).map(
            lambda v: "—" if missing(v) else str(v)),
        "牵头单位说明": red.get("progress", pd.Series("", index=red.index)).map(
            lambda v: "未说明" if missing(v) or not str(v).strip() else str(v)),
    }).reset_index(drop=True)


def missing_figures(s: Scope) -> pd.DataFrame:
    """Targets without a figure to assess them, by the unit answerable for them."""
    df = _rated(s)
    nd = df[df["conclusion"] == "no_data"]
    if nd.empty:
        return pd.DataFrame()
    nd = nd.assign(_u=nd.get("owner_unit", pd.Series("", index=nd.index)).map(_unit))
    g = nd.groupby("_u", sort=False)
    out = pd.DataFrame({"责任单位": list(g.groups),
                        "缺数据的目标数": [len(x) for _, x in g],
                        "指标": ["、".join(x["indicator"].astype(str)) for _, x in g]})
    return out.sort_values(["缺数据的目标数", "责任单位"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def missing_returns(s: Scope) -> pd.DataFrame:
    """Lead units that have not reported on their tasks, most tasks first."""
    ts = s.t.task_status
    if ts is None or ts.empty:
        return pd.DataFrame()
    silent = ts[ts["status"].astype(str) == "no_report"]
    if silent.empty:
        return pd.DataFrame()
    g = silent.groupby(silent["lead_unit"].map(_unit)).size()
    out = g.rename_axis("牵头单位").reset_index(name="未报送进展的任务数")
    return out.sort_values(["未报送进展的任务数", "牵头单位"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def old_figures(s: Scope) -> pd.DataFrame:
    """Ratings resting on a figure two or more years older than the as-of date."""
    df = _rated(s)
    old = df[df["old_data"].astype(str) == "True"] if "old_data" in df else df.iloc[0:0]
    return pd.DataFrame({
        "指标": old["indicator"],
        "评估结论": old["conclusion"].map(lambda c: labels.CONCLUSION.get(c, c)),
        "依据数据": [latest_text(r) for _, r in old.iterrows()],
    }).reset_index(drop=True)


def assigned_goals(s: Scope) -> pd.DataFrame:
    """Main goals whose number is assigned from above (monitor.json ``assigned_goals``): the
    number and its 评估结论 where the analysts supplied it and figures exist, else 待补充."""
    rows = []
    for g in s.t.monitor.get("assigned_goals") or []:
        nums = g.get("numbers") or []
        if not nums:
            rows.append({"目标表述": g["text"], "下达目标": "—", "最新值": "—",
                         "评估结论": "待补充（尚无下达数值）"})
        for n in nums:
            latest = ("—" if n.get("latest_value") is None
                      else f"{fmt_value(n['latest_value'])}（{fmt_year(n.get('latest_year'))}年）")
            concl = labels.CONCLUSION.get(str(n.get("conclusion")), "暂无数据")
            rows.append({"目标表述": g["text"],
                         "下达目标": f"{n['indicator']}："
                                    f"{target_text(n['comparator'], n['value'], n['unit'])}"
                                    f"（{fmt_year(n['year'])}年，{n.get('assigned_by') or '上级下达'}）",
                         "最新值": latest,
                         "评估结论": "待补充（尚无监测数据）" if n.get("conclusion") == "no_data"
                         else concl})
    return pd.DataFrame(rows)


def refused_by_unit(s: Scope) -> pd.DataFrame:
    """How many rows of each unit's returns were sent back (the reasons are on the
    analysts' page)."""
    r = s.t.returns
    if r is None or r.empty:
        return pd.DataFrame()
    bad = r[~r["accepted"].astype(str).isin(["True", "true", "1"])]
    if bad.empty:
        return pd.DataFrame()
    g = bad.groupby(bad["unit"].map(_unit)).size()
    return g.rename_axis("填报单位").reset_index(name="被退回的填报行数")


def problems_text(s: Scope) -> str:
    n_unmet = count(s, "target_conclusion", "unmet")
    n_behind = count(s, "target_conclusion", "behind")
    n_red = count(s, "task_light", "red")
    n_nd = count(s, "target_conclusion", "no_data")
    n_unrep = count(s, "task_report", "unreported")
    if not has_tasks(s):
        return (f"未实现的目标 {n_unmet} 项、滞后的目标 {n_behind} 项；暂无数据的目标 {n_nd} 项。"
                "逐项列出如下（规划没有附件任务清单）。\n")
    return (f"未实现的目标 {n_unmet} 项、滞后的目标 {n_behind} 项；亮红灯的重点任务 {n_red} 项；"
            f"暂无数据的目标 {n_nd} 项；未报送进展的任务 {n_unrep} 项。逐项列出如下，"
            "原因一栏为牵头单位报送的说明。\n")


def empty(s: Scope, what: str) -> str:
    """The sentence shown where a task list is empty: the plan may have no tasks at all."""
    if not has_tasks(s):
        return "规划没有附件任务清单。"
    return {"red": "没有亮红灯的重点任务。", "returns": "所有牵头单位都已报送任务进展。",
            "delivered": "尚无牵头单位报送已完成的重点任务，也未收集到公开资料佐证。"}[what]


def recommendations(s: Scope) -> str | None:
    """The analysts' 下一步工作建议, or None (the leader's copy then leaves 四 out)."""
    text = s.t.recommendations.strip()
    return text + "\n" if text else None
