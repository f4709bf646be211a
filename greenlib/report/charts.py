"""Altair chart builders for the reports: Chinese labels, an explicit CJK font, a title
with its unit and source on every chart.

Every builder takes a small tidy DataFrame (prepared by :mod:`greenlib.report_helpers`)
and returns a finished, configured chart. The font is written into each chart's own
``config`` rather than relying on a globally enabled theme, so a chart renders the same
in a notebook, in the exported HTML and in the PDF (headless Chromium picks the first
installed family: ``make sysdeps`` installs Noto Sans CJK / WenQuanYi Micro Hei).

An empty input never raises: the builder returns a titled placeholder chart that says
"暂无数据", so a report keeps one chart per slot and the renderer checks stay simple.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from .. import labels

#: Font stack used by every chart (CJK first; Chromium resolves it through fontconfig).
FONT = "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"

#: Where the plan data come from (footer of every plan chart): set per report by
#: :func:`set_plan_source` from the plan's own title.
PLAN_SOURCE = "规划文本"
#: Footer of charts that show monitoring data.
MONITORING_SOURCE = "监测数据（各数据点来源见下表）"


def set_plan_source(source: str) -> None:
    """Name the plan in the footer of every chart of this report (called once per notebook)."""
    global PLAN_SOURCE
    PLAN_SOURCE = source

#: Report width in pixels; fits an A4 portrait page with 15 mm margins.
WIDTH = 560

STATUS_ORDER: tuple[str, ...] = labels.STATUS_ORDER
STATUS_COLORS: dict[str, str] = labels.STATUS_COLORS
STATUS_LABELS: dict[str, str] = labels.STATUS
ROLE_LABELS: dict[str, str] = labels.ROLE
ROLE_COLORS: dict[str, str] = labels.ROLE_COLORS
KIND_COLORS: dict[str, str] = {"任务": "#2b8cbe", "量化目标": "#e34a33", "定性目标": "#31a354"}


def _ticks(top: int) -> list[int]:
    """Integer legend values from 0 to ``top`` (at most about six of them)."""
    step = max(1, -(-top // 5))
    return list(range(0, top + 1, step))


def status_label(status: str) -> str:
    """Chinese label of a status code (unknown codes are shown as they are)."""
    return STATUS_LABELS.get(str(status), str(status))


def _title(title: str, unit: str, source: str | None) -> alt.Title:
    source = source or PLAN_SOURCE
    return alt.Title(
        text=title,
        subtitle=[f"单位：{unit}", f"来源：{source}"],
        anchor="start",
        subtitleColor="#555555",
        subtitleFontSize=11,
        fontSize=15,
        offset=10,
    )


def finish(chart: alt.TopLevelMixin, title: str, unit: str,
           source: str | None = None) -> alt.TopLevelMixin:
    """Give ``chart`` its title (with unit and source) and the CJK font configuration."""
    # the description is the chart's text alternative: Vega puts it in the SVG's aria-label
    described = labels.CHART_DESCRIPTION.format(title=title, unit=unit,
                                                source=source or PLAN_SOURCE)
    return (
        chart.properties(title=_title(title, unit, source), description=described)
        .configure(font=FONT, background="white", padding=10)
        .configure_axis(labelFont=FONT, titleFont=FONT, labelFontSize=11, titleFontSize=12,
                        labelLimit=260)
        .configure_legend(labelFont=FONT, titleFont=FONT, labelFontSize=11, titleFontSize=12,
                          orient="bottom", direction="horizontal", columns=5)
        .configure_header(labelFont=FONT, titleFont=FONT)
        .configure_title(font=FONT, subtitleFont=FONT)
        .configure_text(font=FONT)
        .configure_view(stroke=None)
    )


def placeholder(title: str, message: str = "暂无数据", unit: str = "—",
                source: str | None = None) -> alt.TopLevelMixin:
    """A titled chart that only says ``message`` (used when there is nothing to plot)."""
    chart = (
        alt.Chart(pd.DataFrame({"msg": [message]}))
        .mark_text(fontSize=14, color="#595959")
        .encode(text="msg:N")
        .properties(width=WIDTH, height=60)
    )
    return finish(chart, title, unit, source)


def unit_roles(counts: pd.DataFrame, title: str = "各责任单位承担任务数（牵头 / 配合）",
               top: int | None = None) -> alt.TopLevelMixin:
    """Horizontal stacked bars: tasks per unit, split by role.

    ``counts`` has columns ``unit``, ``role`` (``lead``/``co``) and ``n``. Units are sorted
    by their total, largest first; ``top`` keeps only the busiest units.
    """
    if counts.empty:
        return placeholder(title, unit="项")
    df = counts.copy()
    totals = df.groupby("unit")["n"].sum().sort_values(ascending=False, kind="stable")
    order = list(totals.index[:top] if top else totals.index)
    df = df[df["unit"].isin(order)]
    df["角色"] = df["role"].map(ROLE_LABELS)
    df["合计"] = df["unit"].map(totals)
    roles = [ROLE_LABELS[r] for r in ("lead", "co")]
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("unit:N", sort=order, title=None),
            x=alt.X("n:Q", title="任务数（项）", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("角色:N", scale=alt.Scale(domain=roles, range=list(ROLE_COLORS.values())),
                            title="角色"),
            order=alt.Order("role:N", sort="descending"),
            tooltip=[alt.Tooltip("unit:N", title="单位"), alt.Tooltip("角色:N"),
                     alt.Tooltip("n:Q", title="任务数"), alt.Tooltip("合计:Q")],
        )
        .properties(width=WIDTH - 200, height=alt.Step(20))
    )
    return finish(chart, title, "项（一项任务对每个责任单位计一次）")


def co_matrix(pairs: pd.DataFrame, order: Sequence[str],
              title: str = "共同承担任务矩阵（两单位同时负责的任务数）") -> alt.TopLevelMixin:
    """Heatmap: how many tasks each pair of units share (lead or co).

    ``pairs`` has columns ``unit_a``, ``unit_b``, ``n`` for both orders of every pair with
    ``n > 0``; ``order`` is the axis order (busiest units first).
    """
    if pairs.empty:
        return placeholder(title, "本领域没有两个以上单位共同负责的任务", unit="项")
    order = list(order)
    side = max(180, min(WIDTH - 160, 24 * len(order)))
    base = alt.Chart(pairs).encode(
        x=alt.X("unit_b:N", sort=order, title=None, axis=alt.Axis(labelAngle=-45, orient="top")),
        y=alt.Y("unit_a:N", sort=order, title=None),
    )
    top = int(pairs["n"].max())
    rect = base.mark_rect(stroke="white").encode(
        color=alt.Color("n:Q", title="共同任务数（项）",
                        scale=alt.Scale(scheme="greens", domain=[0, max(top, 2)]),
                        legend=alt.Legend(format="d", values=_ticks(max(top, 2)))),
        tooltip=[alt.Tooltip("unit_a:N", title="单位"), alt.Tooltip("unit_b:N", title="与之共同负责的单位"),
                 alt.Tooltip("n:Q", title="共同任务数")],
    )
    text = base.mark_text(fontSize=10).encode(
        text="n:Q",
        color=alt.condition(f"datum.n >= {max(top, 2) * 0.6}", alt.value("white"),
                            alt.value("#222222")),
    )
    chart = (rect + text).properties(width=side, height=side)
    return finish(chart, title, "项")


def deadline_timeline(counts: pd.DataFrame, as_of: str,
                      title: str = "时间节点：各目标年份的任务与量化目标数") -> alt.TopLevelMixin:
    """Circles on a year axis: how many tasks and targets fall due in each year.

    ``counts`` has columns ``year`` (int), ``kind`` (``任务``, ``量化目标`` or ``定性目标``)
    and ``n``.
    A dashed red rule marks the as-of date.
    """
    if counts.empty:
        return placeholder(title, "本领域任务和目标均未写明年份", unit="项")
    df = counts.copy()
    df["year"] = df["year"].astype(int)
    as_of_ts = pd.Timestamp(as_of)
    frac = as_of_ts.year + (as_of_ts.day_of_year - 1) / 365.0
    lo = min(int(df["year"].min()), as_of_ts.year) - 1
    hi = max(int(df["year"].max()), as_of_ts.year) + 1
    x = alt.X("year:Q", title="目标年份", scale=alt.Scale(domain=[lo, hi], nice=False),
              axis=alt.Axis(format="d", tickMinStep=1, values=list(range(lo, hi + 1))))
    kinds = [k for k in KIND_COLORS if k in set(df["kind"])]
    base = alt.Chart(df).encode(
        x=x,
        y=alt.Y("kind:N", title=None, sort=list(KIND_COLORS)),
    )
    dots = base.mark_circle(opacity=0.85).encode(
        size=alt.Size("n:Q", scale=alt.Scale(range=[150, 1500]), legend=None),
        color=alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=[KIND_COLORS[k] for k in kinds]),
                        legend=None),
        tooltip=[alt.Tooltip("kind:N", title="类别"), alt.Tooltip("year:Q", title="年份", format="d"),
                 alt.Tooltip("n:Q", title="数量")],
    )
    labels = base.mark_text(fontSize=12, color="white", fontWeight="bold").encode(
        text=alt.Text("n:Q", format="d"))
    rule_df = pd.DataFrame({"x": [frac], "label": [f"截至 {as_of_ts.date().isoformat()}"]})
    rule = alt.Chart(rule_df).mark_rule(color="#d73027", strokeDash=[4, 3]).encode(x="x:Q")
    rule_text = alt.Chart(rule_df).mark_text(align="left", dx=4, dy=-8, color="#d73027",
                                             fontSize=11).encode(x="x:Q", y=alt.value(0),
                                                                 text="label:N")
    chart = alt.layer(dots, labels, rule, rule_text).properties(width=WIDTH - 80,
                                                                height=alt.Step(70))
    return finish(chart, title, "项（任务按文中写明的年份计，一项任务可含多个年份）")


def status_counts(counts: pd.DataFrame, as_of: str,
                  title: str = "量化目标进展评级") -> alt.TopLevelMixin:
    """Bars: how many targets have each status (all five statuses, in a fixed order)."""
    full = pd.DataFrame({"status": list(STATUS_ORDER)})
    df = full.merge(counts, on="status", how="left").fillna({"n": 0})
    df["n"] = df["n"].astype(int)
    if int(df["n"].sum()) == 0:
        return placeholder(title, "本领域没有量化目标", unit="项")
    df["评级"] = df["status"].map(STATUS_LABELS)
    labels = [STATUS_LABELS[s] for s in STATUS_ORDER]
    base = alt.Chart(df).encode(
        x=alt.X("评级:N", sort=labels, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("n:Q", title="目标数（项）", axis=alt.Axis(format="d", tickMinStep=1)),
    )
    bars = base.mark_bar(size=48).encode(
        color=alt.Color("评级:N", scale=alt.Scale(domain=labels, range=list(STATUS_COLORS.values())),
                        legend=None),
        tooltip=[alt.Tooltip("评级:N"), alt.Tooltip("n:Q", title="目标数")],
    )
    text = base.mark_text(dy=-8, fontSize=12).encode(text="n:Q")
    chart = (bars + text).properties(width=WIDTH - 120, height=200)
    return finish(chart, f"{title}（截至 {as_of}）", "项",
                  source="量化目标来自" + PLAN_SOURCE + "；评级按监测数据计算")


def observed_vs_target(observed: pd.DataFrame, targets: pd.DataFrame,
                       title: str = "监测值与目标值对比", geo: str = "") -> alt.TopLevelMixin:
    """One small panel per target: observed values by year, and the target.

    ``observed`` has columns ``target_id``, ``year``, ``value``, ``series`` (where the figure
    is from) and ``context`` (True: shown for context only, never used to rate);
    ``targets`` has ``target_id``, ``label`` (indicator and unit), ``value``, ``year`` and
    ``level`` (False for "increase by"/"reduce by" targets, which have no level to draw).
    A level target is a dashed red line with a diamond at (target year, target value).
    """
    if observed.empty or targets.empty:
        return placeholder(title, "本领域的量化目标暂无监测数据", unit="见各分图",
                           source=MONITORING_SOURCE)
    series = sorted(set(observed["series"]), key=lambda v: ("参考" in v, v))
    palette = ["#1b5e20", "#66bb6a", "#6a51a3", "#9e9e9e", "#bdbdbd", "#8c6d31"]
    colors = alt.Scale(domain=series, range=[
        ("#9e9e9e" if "参考" in v and not (geo and v.startswith(geo)) else palette[i % len(palette)])
        for i, v in enumerate(series)])
    panels = []
    for tid, obs in observed.groupby("target_id", sort=True):
        tgt = targets[targets["target_id"] == tid]
        if tgt.empty:
            continue
        t = tgt.iloc[0]
        has_year = pd.notna(t["year"])
        years = obs["year"].astype(int).tolist() + ([int(t["year"])] if has_year else [])
        lo, hi = min(years) - 1, max(years) + 1
        x = alt.X("year:Q", title="年份", scale=alt.Scale(domain=[lo, hi], nice=False),
                  axis=alt.Axis(format="d", tickMinStep=1, values=list(range(lo, hi + 1))))
        layers: list[alt.Chart] = [
            alt.Chart(obs).mark_line(point=alt.OverlayMarkDef(size=50, filled=True)).encode(
                x=x, y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
                color=alt.Color("series:N", scale=colors, title="数据口径"),
                detail="series:N",
                tooltip=[alt.Tooltip("series:N", title="口径"),
                         alt.Tooltip("year:Q", title="年份", format="d"),
                         alt.Tooltip("value:Q", title="监测值")],
            )
        ]
        name = str(t["label"])
        if bool(t.get("level", True)) and has_year:
            tdf = pd.DataFrame({"year": [int(t["year"])], "value": [float(t["value"])],
                                "label": [f"目标 {float(t['value']):g}（{int(t['year'])}年）"]})
            layers += [
                alt.Chart(tdf).mark_rule(color="#d73027", strokeDash=[5, 3]).encode(y="value:Q"),
                alt.Chart(tdf).mark_point(shape="diamond", size=120, filled=True,
                                          color="#d73027").encode(x=x, y="value:Q"),
                alt.Chart(tdf).mark_text(align="right", dx=-8, dy=-8, color="#d73027",
                                         fontSize=11).encode(x=x, y="value:Q", text="label:N"),
            ]
        else:
            name += f"：目标为增减量 {float(t['value']):g}，不画目标线"
        panels.append(alt.layer(*layers).properties(
            title=alt.Title(name, fontSize=12), width=(WIDTH - 80) // 2, height=150))
    if not panels:
        return placeholder(title, "本领域的量化目标暂无监测数据", unit="见各分图",
                           source=MONITORING_SOURCE)
    chart = alt.concat(*panels, columns=2).resolve_scale(x="independent", y="independent")
    return finish(chart, title, "见各分图标题（与目标值同一单位）", MONITORING_SOURCE)


def tasks_by_section(counts: pd.DataFrame,
                     title: str = "各部分、各节的任务数") -> alt.TopLevelMixin:
    """Horizontal bars: tasks per section (labelled with its part), coloured by sector.

    ``counts`` has columns ``label`` (section label, in plan order), ``sector_name``, ``n``.
    """
    if counts.empty:
        return placeholder(title, unit="项")
    order = list(dict.fromkeys(counts["label"]))
    chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=order, title=None),
            x=alt.X("n:Q", title="任务数（项）", axis=alt.Axis(format="d", tickMinStep=1)),
            color=alt.Color("sector_name:N", title="领域", scale=alt.Scale(scheme="tableau20")),
            tooltip=[alt.Tooltip("label:N", title="节"), alt.Tooltip("sector_name:N", title="领域"),
                     alt.Tooltip("n:Q", title="任务数")],
        )
        .properties(width=WIDTH - 300, height=alt.Step(18))
    )
    return finish(chart, title, "项")


def heatmap(counts: pd.DataFrame, x: str, y: str, x_order: Sequence, y_order: Sequence,
            x_title: str, y_title: str, title: str, unit: str, source: str | None = None,
            scheme: str = "blues") -> alt.TopLevelMixin:
    """A count heatmap with the numbers written in the cells (``counts`` has ``x``, ``y``, ``n``)."""
    if counts.empty:
        return placeholder(title, unit=unit, source=source)
    df = counts.copy()
    df[x] = df[x].astype(str)
    x_order = [str(v) for v in x_order]
    base = alt.Chart(df).encode(
        x=alt.X(f"{x}:N", sort=x_order, title=x_title, axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y(f"{y}:N", sort=list(y_order), title=None),
    )
    top = max(int(df["n"].max()), 2)
    grid = base.mark_rect(stroke="white", color="#f4f4f4")
    rect = base.transform_filter("datum.n > 0").mark_rect(stroke="white").encode(
        color=alt.Color("n:Q", title=unit, scale=alt.Scale(scheme=scheme, domain=[0, top]),
                        legend=alt.Legend(format="d", values=_ticks(top))),
        tooltip=[alt.Tooltip(f"{y}:N", title=y_title), alt.Tooltip(f"{x}:N", title=x_title),
                 alt.Tooltip("n:Q", title="数量")],
    )
    text = base.transform_calculate(
        ink=f"datum.n == 0 ? '#b0b0b0' : datum.n >= {top * 0.6} ? 'white' : '#222222'"
    ).mark_text(fontSize=11).encode(text="n:Q", color=alt.Color("ink:N", scale=None))
    # independent colour scales: the text's literal colours must not merge with the heat scale
    chart = alt.layer(grid, rect, text).resolve_scale(color="independent").properties(
        width=min(WIDTH - 120, 70 * max(1, len(x_order))),
                                     height=alt.Step(24))
    return finish(chart, title, unit, source)


def status_matrix(counts: pd.DataFrame, sector_order: Sequence[str], as_of: str,
                  title: str = "各领域量化目标进展评级") -> alt.TopLevelMixin:
    """Sector × status grid (``counts``: ``sector_name``, ``status``, ``n``).

    Each status column has its own colour from the one status palette (``STATUS_COLORS``,
    as in every other chart), stronger with more targets; the count is written in the cell.
    """
    title = f"{title}（截至 {as_of}）"
    source = "量化目标来自" + PLAN_SOURCE + "；评级按监测数据计算"
    if counts.empty:
        return placeholder(title, unit="目标数（项）", source=source)
    df = counts.copy()
    df["评级"] = df["status"].map(status_label)
    names = [STATUS_LABELS[s] for s in STATUS_ORDER]
    top = max(int(df["n"].max()), 1)
    base = alt.Chart(df).encode(
        x=alt.X("评级:N", sort=names, title="评级", axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("sector_name:N", sort=list(sector_order), title=None),
    )
    grid = base.mark_rect(stroke="white", color="#f4f4f4")
    rect = base.transform_filter("datum.n > 0").mark_rect(stroke="white").encode(
        color=alt.Color("评级:N", scale=alt.Scale(domain=names,
                                                 range=[STATUS_COLORS[s] for s in STATUS_ORDER]),
                        legend=None),
        opacity=alt.Opacity("n:Q", scale=alt.Scale(domain=[0, top], range=[0.45, 1]), legend=None),
        tooltip=[alt.Tooltip("sector_name:N", title="领域"), alt.Tooltip("评级:N", title="评级"),
                 alt.Tooltip("n:Q", title="目标数")],
    )
    text = base.mark_text(fontSize=11).encode(
        text="n:Q",
        color=alt.condition("datum.n == 0", alt.value("#b0b0b0"), alt.value("#222222")))
    chart = alt.layer(grid, rect, text).resolve_scale(color="independent").properties(
        width=min(WIDTH - 120, 70 * len(names)), height=alt.Step(24))
    return finish(chart, title, "目标数（项）", source)


def targets_by_sector_year(counts: pd.DataFrame, sector_order: Sequence[str],
                           title: str = "各领域量化目标的目标年份分布") -> alt.TopLevelMixin:
    """Heatmap sector × target year (``counts``: ``sector_name``, ``year``, ``n``)."""
    years = sorted({int(y) for y in counts["year"]}) if not counts.empty else []
    return heatmap(counts, "year", "sector_name", years, sector_order, "目标年份", "领域",
                   title, "目标数（项）")


def alignment_chart(counts: pd.DataFrame,
                    title: str = "与上级规划目标的衔接情况") -> alt.TopLevelMixin:
    """Bars: how many of the plan's targets are stricter, equal, looser than the parent's, or
    have no counterpart (``counts``: ``alignment``, ``n``)."""
    if counts.empty:
        return placeholder(title, "本规划没有上级规划，或上级规划的数据尚未生成", unit="项")
    order = [k for k in labels.ALIGNMENT if k in set(counts["alignment"])]
    df = counts.assign(衔接=counts["alignment"].map(labels.ALIGNMENT))
    names = [labels.ALIGNMENT[k] for k in order]
    base = alt.Chart(df).encode(
        y=alt.Y("衔接:N", sort=names, title=None),
        x=alt.X("n:Q", title="目标数（项）", axis=alt.Axis(format="d", tickMinStep=1)),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("衔接:N", scale=alt.Scale(domain=names,
                                                 range=[labels.ALIGNMENT_COLORS[k] for k in order]),
                        legend=None),
        tooltip=[alt.Tooltip("衔接:N", title="衔接情况"), alt.Tooltip("n:Q", title="目标数")],
    )
    text = base.mark_text(align="left", dx=4, fontSize=12).encode(text="n:Q")
    chart = (bars + text).properties(width=WIDTH - 200, height=alt.Step(26))
    return finish(chart, title, "项")


def lights_by_round(counts: pd.DataFrame,
                    title: str = "各轮次任务信号灯") -> alt.TopLevelMixin | None:
    """Stacked bars: tasks per light in each round (``counts``: round, light, n; rounds in
    their order), coloured as the lights are everywhere (labels.LIGHT_COLORS).

    None (nothing is drawn) while no round holds a reported task — every light grey: such a
    chart would say nothing the table above does not, and a page without a chart carries no
    chart library (a department that never reported keeps a light page)."""
    from .. import labels

    if counts.empty or int(counts.loc[counts["light"] != "grey", "n"].sum()) == 0:
        return None
    df = counts.copy()
    df["信号灯"] = df["light"].map(labels.LIGHT)
    order = [labels.LIGHT[k] for k in labels.LIGHT]
    rounds = list(dict.fromkeys(df["round"]))
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("round:N", sort=rounds, title="轮次", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("n:Q", title="任务数（项）", axis=alt.Axis(format="d", tickMinStep=1)),
            color=alt.Color("信号灯:N", scale=alt.Scale(
                domain=order, range=[labels.LIGHT_COLORS[k] for k in labels.LIGHT]),
                title="信号灯"),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("round:N", title="轮次"), alt.Tooltip("信号灯:N"),
                     alt.Tooltip("n:Q", title="任务数")],
        )
        .properties(width=min(WIDTH - 120, 120 * len(rounds) + 120), height=220)
    )
    return finish(chart, title, "项", source="各单位填报；信号灯按统一规则判定")
