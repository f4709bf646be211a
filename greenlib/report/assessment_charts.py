"""The assessment's charts (conventions of :mod:`.charts`: a title with unit and source, the
CJK font, a placeholder that says 暂无数据 rather than no chart)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import labels
from .charts import WIDTH, finish, placeholder

#: Drawn for a status code that has no colour in labels.TASK_STATUS_COLORS.
OTHER_COLOR = "#9e9e9e"


def conclusions(counts: pd.DataFrame, as_of: str,
                title: str = "量化目标评估结论") -> alt.TopLevelMixin:
    """Bars: targets per 评估结论 (``counts``: ``conclusion``, ``n``; every category shown)."""
    source = "量化目标来自规划文本；评估结论按监测数据计算"
    title = f"{title}（截至 {as_of}）"
    if counts.empty or int(counts["n"].sum()) == 0:
        return placeholder(title, "没有量化目标", unit="项", source=source)
    df = counts.assign(结论=counts["conclusion"].map(lambda c: labels.CONCLUSION.get(c, c)))
    names = list(df["结论"])
    colors = [labels.CONCLUSION_COLORS.get(c, OTHER_COLOR) for c in df["conclusion"]]
    base = alt.Chart(df).encode(
        x=alt.X("结论:N", sort=names, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("n:Q", title="目标数（项）", axis=alt.Axis(format="d", tickMinStep=1)),
    )
    bars = base.mark_bar(size=44).encode(
        color=alt.Color("结论:N", scale=alt.Scale(domain=names, range=colors), legend=None),
        tooltip=[alt.Tooltip("结论:N", title="评估结论"), alt.Tooltip("n:Q", title="目标数")],
    )
    text = base.mark_text(dy=-8, fontSize=12).encode(text="n:Q")
    return finish((bars + text).properties(width=WIDTH - 120, height=200), title, "项", source)


def tasks_by_sector(counts: pd.DataFrame, order: list[str] | None = None,
                    title: str = "各领域重点任务进展状态") -> alt.TopLevelMixin:
    """Stacked horizontal bars: tasks per sector by reported status (``counts``:
    ``sector_name``, ``status``, ``n``); statuses in labels' order, a new one in grey."""
    source = "重点任务来自规划附件；进展状态为牵头单位报送"
    if counts.empty:
        return placeholder(title, "规划没有附件任务清单", unit="项", source=source)
    codes = [k for k in labels.TASK_STATUS if k in set(counts["status"])]
    codes += sorted(set(counts["status"]) - set(codes))
    df = counts.assign(状态=counts["status"].map(lambda c: labels.TASK_STATUS.get(c, c)),
                       _o=counts["status"].map(codes.index))
    names = [labels.TASK_STATUS.get(c, c) for c in codes]
    totals = df.groupby("sector_name")["n"].sum().sort_values(ascending=False, kind="stable")
    chart = alt.Chart(df).mark_bar().encode(
        y=alt.Y("sector_name:N", sort=order or list(totals.index), title=None),
        x=alt.X("n:Q", title="任务数（项）", axis=alt.Axis(format="d", tickMinStep=1)),
        color=alt.Color("状态:N", title="进展状态", scale=alt.Scale(
            domain=names, range=[labels.TASK_STATUS_COLORS.get(c, OTHER_COLOR) for c in codes])),
        order=alt.Order("_o:Q"),
        tooltip=[alt.Tooltip("sector_name:N", title="领域"), alt.Tooltip("状态:N"),
                 alt.Tooltip("n:Q", title="任务数")],
    ).properties(width=WIDTH - 200, height=alt.Step(22))
    return finish(chart, title, "项", source)
