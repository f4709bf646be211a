"""Ready-to-show tables (Chinese headers, sorted) and the tidy frames the charts take."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pandas as pd

from .. import labels
from .fmt import (
    chinese_number,
    fmt_value,
    fmt_year,
    missing,
    source_text,
    split_list,
    target_text,
    year_passed,
)
from .scope import Scope, status_frame
from .show import md_text

# --------------------------------------------------------------------------- tasks and units


def task_table(s: Scope, with_section: bool = False) -> pd.DataFrame:
    """The task list: id, task, lead unit, co-units, target years (sorted by id)."""
    df = s.tasks
    out = pd.DataFrame({
        "编号": df["task_id"].astype(int),
        "重点任务": _marked_text(df),
        "牵头单位": df["lead_unit"].map(lambda v: "—" if missing(v) else v),
        "配合单位": df["co_units"].map(lambda v: "、".join(split_list(v)) or "—"),
        "目标年份": df["years"].map(lambda v: "、".join(split_list(v)) or "—"),
    })
    if with_section:
        out.insert(1, "节", [f"（{chinese_number(n)}）{t}" for n, t in
                             zip(df["section"], section_titles(df), strict=True)])
    ts = s.t.task_status
    if ts is not None and not ts.empty:  # the lead unit's reported progress and the light
        by = ts.set_index(ts["task_id"].astype(int))
        ids = out["编号"]
        out["进展"] = ids.map(lambda i: labels.TASK_STATUS.get(str(by["status"].get(i)), "未填报"))
        out["信号灯"] = ids.map(lambda i: labels.LIGHT.get(str(by["light"].get(i)), "—"))
    return out.sort_values("编号", kind="stable").reset_index(drop=True)


def _marked_text(df: pd.DataFrame) -> pd.Series:
    """Task text, with the 原文存疑 mark and page after a text the cleaning flagged
    ``text_doubtful`` (:mod:`greenlib.report.tasktext`)."""
    from .tasktext import marked_texts

    return marked_texts(df)


def section_titles(df: pd.DataFrame) -> list[str]:
    """Clean section titles (the sector map's) where the data has them, else the scrape's."""
    if "section_name" in df.columns:
        return [n if isinstance(n, str) and n else t
                for n, t in zip(df["section_name"], df["section_title"], strict=True)]
    return list(df["section_title"])


def part_titles(df: pd.DataFrame) -> list[str]:
    """Clean part titles (the genre's fixed headings) where the data has them, else the scrape's."""
    if "part_name" in df.columns:
        return [n if isinstance(n, str) and n else t
                for n, t in zip(df["part_name"], df["part_title"], strict=True)]
    return list(df["part_title"])


def unit_role_counts(s: Scope) -> pd.DataFrame:
    """Tasks per (unit, role): the input of :func:`greenlib.report.charts.unit_roles`."""
    tu = s.task_units.drop_duplicates(["task_id", "unit"])
    return tu.groupby(["unit", "role"], as_index=False).size().rename(columns={"size": "n"})


def unit_table(s: Scope, top: int | None = None) -> pd.DataFrame:
    """Units with their lead / co task counts in this scope, busiest first."""
    counts = unit_role_counts(s)
    if counts.empty:
        return pd.DataFrame(columns=["单位", "全称", "牵头任务数", "配合任务数", "合计"])
    c = counts.pivot_table(index="unit", columns="role", values="n", fill_value=0)
    c = c.reindex(columns=["lead", "co"], fill_value=0).astype(int)
    c["total"] = c["lead"] + c["co"]
    c = c.reset_index().sort_values(["total", "lead", "unit"], ascending=[False, False, True],
                                    kind="stable")
    full = dict(zip(s.t.units["unit"], s.t.units["full_name"], strict=False))
    out = pd.DataFrame({
        "单位": c["unit"],
        "全称": c["unit"].map(lambda u: full.get(u) or "—"),
        "牵头任务数": c["lead"],
        "配合任务数": c["co"],
        "合计": c["total"],
    }).reset_index(drop=True)
    return out.head(top) if top else out


def co_pairs(s: Scope) -> tuple[pd.DataFrame, list[str]]:
    """Unit pairs that share tasks (both orders) and the axis order, busiest unit first."""
    tu = s.task_units.drop_duplicates(["task_id", "unit"])
    rows: list[tuple[str, str]] = []
    for _, g in tu.groupby("task_id"):
        units = sorted(set(g["unit"]))
        for a, b in combinations(units, 2):
            rows += [(a, b), (b, a)]
    if not rows:
        return pd.DataFrame(columns=["unit_a", "unit_b", "n"]), []
    pairs = pd.DataFrame(rows, columns=["unit_a", "unit_b"]).value_counts().reset_index(name="n")
    involved = set(pairs["unit_a"])
    order = [u for u in unit_table(s)["单位"] if u in involved]
    return pairs, order


def goals_table(s: Scope) -> pd.DataFrame:
    """The main targets' qualitative goals by year (overview)."""
    g = s.t.goals
    if g.empty:
        return pd.DataFrame()
    return pd.DataFrame({"目标年份": g["year"].map(fmt_year), "目标表述": g["text"]}).reset_index(drop=True)


def deadline_counts(s: Scope) -> pd.DataFrame:
    """How many tasks and targets name each year (for the deadline timeline)."""
    rows = [("任务", int(y)) for v in s.tasks["years"] for y in split_list(v) if y.isdigit()]
    rows += [("量化目标", int(y)) for y in s.targets["year"].dropna()]
    if s.sector is None:  # the plan's qualitative goals (the long-term vision) belong to no sector
        rows += [("定性目标", int(y)) for y in s.t.goals["year"].dropna()]
    if not rows:
        return pd.DataFrame(columns=["kind", "year", "n"])
    return (pd.DataFrame(rows, columns=["kind", "year"]).value_counts()
            .reset_index(name="n").sort_values(["kind", "year"]))


# --------------------------------------------------------------------------- targets


def status_counts(s: Scope) -> pd.DataFrame:
    """Targets per status: the input of :func:`greenlib.report.charts.status_counts`."""
    df = status_frame(s)
    return df["status"].value_counts().rename_axis("status").reset_index(name="n")


def _figure(r: pd.Series, value: str, year: str) -> str | None:
    if value not in r or missing(r.get(value)):
        return None
    y = r.get(year)
    return f"{fmt_value(r[value])}（{int(y)}年）" if not missing(y) else fmt_value(r[value])


def _latest(r: pd.Series) -> str:
    text = _figure(r, "latest_value", "latest_year") or "—"
    part = _figure(r, "partial_latest_value", "partial_latest_year")
    if part:
        text += f"（参考：{part[:-2]}部分月份）" if part.endswith("年）") else f"（参考：{part}）"
    return text


def target_table(s: Scope) -> pd.DataFrame:
    """Targets with value, unit, comparator, year, rating, latest figure, quote, task ids."""
    df = status_frame(s)
    out = pd.DataFrame({
        "编号": df["target_id"],
        "指标": df["indicator"],
        "目标": [target_text(c, v, u) for c, v, u in
               zip(df["comparator"], df["value"], df["unit"], strict=True)],
        "目标年份": df["year"].map(fmt_year),
        "评级": df["status"].map(labels.status_label),
        "基期值": [(_figure(r, "baseline_value", "baseline_year") or "—") for _, r in df.iterrows()],
        "最新监测值": [_latest(r) for _, r in df.iterrows()],
        "关联任务": df["task_ids"].map(lambda v: "、".join(split_list(v)) or "—"),
        "原文": df["quote"],
    })
    st = s.status.set_index("target_id") if "target_id" in s.status.columns else None
    if st is not None and "owner_unit" in st.columns:  # who answers for it, and its light
        out.insert(5, "责任单位", df["target_id"].map(
            lambda t: "—" if missing(st["owner_unit"].get(t)) else st["owner_unit"].get(t)))
    if st is not None and "light" in st.columns:
        out.insert(6, "信号灯", df["target_id"].map(lambda t: labels.LIGHT.get(str(st["light"].get(t)), "—")))
    if (out["基期值"] == "—").all():
        out = out.drop(columns="基期值")
    if not s.sector:  # the overview: one more column, the quote is in the sector reports
        names = s.t.sector_names
        out.insert(1, "领域", df["sector"].map(lambda x: names.get(x, x)))
        out = out.drop(columns="原文")
    return out


def passed_targets(s: Scope) -> pd.DataFrame:
    """Targets whose year has passed as of the report date, with their rating."""
    tbl = target_table(s)
    mask = [year_passed(y, s.as_of) for y in s.targets["year"]]
    cols = [c for c in ("编号", "领域", "指标", "目标", "目标年份", "评级", "最新监测值")
            if c in tbl.columns]
    return tbl.loc[mask, cols].reset_index(drop=True)


def observed_frames(s: Scope) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(observations, target labels) for :func:`greenlib.report.charts.observed_vs_target`.

    Each observation gets a ``series`` label (where the figure is from, and whether it
    covers only part of a year); ``context`` marks figures that do not rate the target.
    """
    obs = s.observations
    if obs is None or obs.empty:
        return pd.DataFrame(), pd.DataFrame()
    obs = obs[obs["year"].notna() & obs["value"].notna()].copy()
    if obs.empty:
        return pd.DataFrame(), pd.DataFrame()
    obs["year"] = obs["year"].astype(int)
    obs["value"] = obs["value"].astype(float)
    obs["context"] = ~obs["rated"].astype(bool)
    partial = obs["partial_year"].astype("boolean").fillna(False).astype(bool)
    geo = obs["geo"].astype(str)
    obs["series"] = [f"{g}（年内部分月份）" if p else g for g, p in zip(geo, partial, strict=True)]
    obs["series"] = [f"{lab}·仅作参考" if c else lab
                     for lab, c in zip(obs["series"], obs["context"], strict=True)]
    tg = s.targets[s.targets["target_id"].isin(set(obs["target_id"].astype(str)))]
    labels_df = pd.DataFrame({
        "target_id": tg["target_id"],
        "label": [f"{i}（{u}）" for i, u in zip(tg["indicator"], tg["unit"], strict=True)],
        "value": tg["value"],
        "year": tg["year"],
        "level": tg["comparator"].isin([">=", "<=", "=", ">", "<"]),
    })
    obs["target_id"] = obs["target_id"].astype(str)
    return obs, labels_df


def observation_table(s: Scope) -> pd.DataFrame:
    """The monitoring figures behind the ratings and charts, with their sources."""
    obs = s.observations
    if obs is None or obs.empty:
        return pd.DataFrame()
    ind = dict(zip(s.targets["target_id"], s.targets["indicator"], strict=True))
    partial = obs["partial_year"].astype("boolean").fillna(False).astype(bool)
    out = pd.DataFrame({
        "目标编号": obs["target_id"].astype(str),
        "目标指标": obs["target_id"].astype(str).map(ind),
        "监测指标": obs["indicator"],
        "地区": obs["geo"],
        "年份": [f"{fmt_year(y)}（部分月份）" if p else fmt_year(y)
               for y, p in zip(obs["year"], partial, strict=True)],
        "数值": obs["value"].map(fmt_value),
        "单位": obs["unit"],
        "用途": obs["usage"],
        "来源": obs["source_title"].map(source_text),
        # not shown: show_table(..., links=SOURCE_LINKS) turns 来源 into a link to it
        "来源链接": obs["source_url"] if "source_url" in obs.columns else None,
    })
    return out.sort_values(["目标编号", "年份", "地区"], kind="stable").reset_index(drop=True)


#: show_table's ``links`` for :func:`observation_table`: the source title links to its address.
SOURCE_LINKS: dict[str, str] = {"来源": "来源链接"}


def _split_rules(text: str) -> tuple[str, str]:
    """The monitor stage's rule text cut into (what each rating means, how it is computed):
    the meanings table is for every reader, the method bullets go to the appendix."""
    lines = text.splitlines()
    cut = next((i for i, ln in enumerate(lines) if ln.startswith("- ")), len(lines))
    return "\n".join(lines[:cut]).strip(), "\n".join(lines[cut:]).strip()


def rating_method(s: Scope) -> str:
    """Markdown: how the ratings are computed (progress ratio, baseline, directions) — appendix."""
    _, method = _split_rules(str(s.t.monitor.get("rule_text") or ""))
    return method or "（监测数据中没有评级方法说明。）"


def rating_note(s: Scope) -> str:
    """Markdown: how to read the ratings (the meanings; the formulas are in
    :func:`rating_method`), and the as-of date."""
    text, _ = _split_rules(str(s.t.monitor.get("rule_text") or "").strip())
    if not text:
        lines = ["### 如何阅读评级", "", "| 评级 | 含义 |", "|---|---|"]
        lines += [f"| {labels.STATUS[k]} | {labels.STATUS_EXPLAINED[k].format(geo=md_text(s.geo))} |"
                  for k in labels.STATUS_ORDER]
        text = "\n".join(lines)
    return text + f"\n\n本报告的评估日（截止日期）：**{s.as_of}**。\n"


# --------------------------------------------------------------------------- alignment


def alignment_table(s: Scope) -> pd.DataFrame:
    """Each target beside the parent plan's target on the same indicator (上下衔接)."""
    a = s.t.alignment
    if a is None or a.empty:
        return pd.DataFrame()
    a = a[a["target_id"].astype(str).isin(set(s.targets["target_id"]))]
    return pd.DataFrame({
        "编号": a["target_id"],
        "指标": a["indicator"],
        "本级目标": [f"{target_text(c, v, u)}（{fmt_year(y)}年）" for c, v, u, y in
                 zip(a["comparator"], a["value"], a["unit"], a["year"], strict=True)],
        "上级目标": ["—" if missing(v) else f"{target_text(c, v, u)}（{fmt_year(y)}年）"
                 for c, v, u, y in zip(a["parent_comparator"], a["parent_value"],
                                       a["parent_unit"], a["parent_year"], strict=True)],
        "上级指标": a["parent_indicator"].map(lambda v: "—" if missing(v) else v),
        "衔接情况": a["alignment"].map(lambda k: labels.ALIGNMENT.get(k, k)),
        "匹配方式": a["match"],
    }).reset_index(drop=True)


def alignment_counts(s: Scope) -> pd.DataFrame:
    a = s.t.alignment
    if a is None or a.empty:
        return pd.DataFrame(columns=["alignment", "n"])
    return a["alignment"].value_counts().rename_axis("alignment").reset_index(name="n")


# --------------------------------------------------------------------------- quality


def _touches(task_id: Any, ids: set[int] | None) -> bool:
    if ids is None:
        return True
    try:
        return int(task_id) in ids
    except (TypeError, ValueError):
        return False


def _quality_rows(s: Scope, key: str) -> pd.DataFrame:
    """Entries of quality.json's ``key`` list that touch the tasks in scope, with a task label."""
    ids = s.task_ids if s.sector else None
    rows = [r for r in s.t.quality.get(key, []) if _touches(r.get("task_id"), ids)]
    df = pd.DataFrame(rows)
    if not df.empty:
        df["_task"] = pd.to_numeric(df["task_id"], errors="coerce")
        df["_label"] = df["_task"].map(lambda v: "—" if pd.isna(v) else str(int(v)))
    return df


def corrections_table(s: Scope) -> pd.DataFrame:
    """Reviewed corrections (quality.json) that touch the tasks in scope."""
    df = _quality_rows(s, "corrections")
    if df.empty:
        return df
    what = [labels.CORRECTION_WHAT.get((t, f)) or labels.CORRECTION_TABLES.get(t, "数据")
            for t, f in zip(df.get("table"), df.get("field"), strict=True)]
    out = pd.DataFrame({
        "更正内容": [w if lab == "—" else f"任务 {lab} 的{w}"
                 for w, lab in zip(what, df["_label"], strict=True)],
        "状态": df.get("status").map(labels.CORRECTION_STATUS).fillna(df.get("status")),
        "原文": df.get("old"),
        "修正为": df.get("new"),
        "理由": df.get("reason"),
    })
    out["_task"] = df["_task"].to_numpy()
    return (out.sort_values(["状态", "_task"], kind="stable").drop(columns="_task")
            .reset_index(drop=True))


def unresolved_table(s: Scope) -> pd.DataFrame:
    """Items the cleaning could not settle (quality.json) that touch the tasks in scope."""
    df = _quality_rows(s, "unresolved")
    if df.empty:
        return df
    df = df.sort_values(["_task", "kind"], kind="stable", na_position="first")
    out = pd.DataFrame({
        "类型": df["kind"].map(labels.UNRESOLVED_KINDS).fillna(df["kind"]),
        "任务": df["_label"],
        "原始文字": df.get("raw"),
        "说明": df.get("detail"),
    })
    return out.reset_index(drop=True)


def quality_counts(s: Scope) -> pd.DataFrame:
    """The counts of quality.json as a two-column table (known keys in Chinese)."""
    counts = s.t.quality.get("counts", {}) or {}
    rows: list[tuple[str, Any]] = []
    for k, v in counts.items():
        label = labels.QUALITY_COUNTS.get(k, k)
        if isinstance(v, dict):
            rows += [(f"{label}：{labels.QUALITY_COUNTS.get(k2, k2)}", v2) for k2, v2 in v.items()
                     if isinstance(v2, int | float | str)]
        elif isinstance(v, int | float | str):
            rows.append((label, v))
    return pd.DataFrame(rows, columns=["项目", "数量"])


# --------------------------------------------------------------------------- sectors


def sections_table(s: Scope) -> pd.DataFrame:
    """Tasks per part and section, with the section's sector (plan order)."""
    if s.tasks.empty:
        return pd.DataFrame(columns=["部分", "节", "领域", "任务数"])
    names = s.t.sector_names
    df = s.tasks.assign(_title=section_titles(s.tasks), _part=part_titles(s.tasks))
    g = (df.groupby(["part", "_part", "section", "_title", "sector"], as_index=False)
         .size().sort_values(["part", "section"]))
    return pd.DataFrame({
        "部分": [f"{chinese_number(p)}、{t}" for p, t in zip(g["part"], g["_part"], strict=True)],
        "节": [f"（{chinese_number(n)}）{t}" for n, t in zip(g["section"], g["_title"], strict=True)],
        "领域": g["sector"].map(lambda x: names.get(x, x)),
        "任务数": g["size"].astype(int),
    }).reset_index(drop=True)


def section_counts(s: Scope) -> pd.DataFrame:
    """Input of :func:`greenlib.report.charts.tasks_by_section`."""
    t = sections_table(s)
    return pd.DataFrame({"label": t["节"], "sector_name": t["领域"], "n": t["任务数"]})


def sector_table(s: Scope) -> pd.DataFrame:
    """Per sector: tasks, units, targets and ratings (busiest sector first)."""
    names = s.t.sector_names
    st = status_frame(s)
    sectors = sorted(set(s.tasks["sector"]) | set(s.targets["sector"]))
    rows = []
    for sec in sectors:
        tk = s.tasks[s.tasks["sector"] == sec]
        tu = s.task_units[s.task_units["task_id"].isin(set(tk["task_id"]))]
        tg = st[st["sector"] == sec]
        row = {"领域": names.get(sec, sec), "任务数": len(tk),
               "责任单位数": int(tu["unit"].nunique()), "量化目标数": len(tg)}
        for k in labels.STATUS_ORDER:
            row[labels.STATUS[k]] = int((tg["status"] == k).sum())
        rows.append(row)
    cols = ["领域", "任务数", "责任单位数", "量化目标数", *[labels.STATUS[k] for k in labels.STATUS_ORDER]]
    df = pd.DataFrame(rows, columns=cols)
    return df.sort_values(["任务数", "量化目标数", "领域"], ascending=[False, False, True],
                          kind="stable").reset_index(drop=True)


def sector_order(s: Scope) -> list[str]:
    """Sector names in the order of :func:`sector_table`."""
    return list(sector_table(s)["领域"])


def sector_status_counts(s: Scope) -> pd.DataFrame:
    """Input of :func:`greenlib.report.charts.status_matrix` (every status for every sector)."""
    t = sector_table(s)
    rows = [{"sector_name": r["领域"], "status": k, "n": int(r[labels.STATUS[k]])}
            for _, r in t.iterrows() for k in labels.STATUS_ORDER if int(r["量化目标数"]) > 0]
    return pd.DataFrame(rows, columns=["sector_name", "status", "n"])


def sector_year_counts(s: Scope) -> pd.DataFrame:
    """Input of :func:`greenlib.report.charts.targets_by_sector_year`."""
    names = s.t.sector_names
    t = s.targets[s.targets["year"].notna()]
    if t.empty:
        return pd.DataFrame(columns=["sector_name", "year", "n"])
    g = t.groupby(["sector", "year"], as_index=False).size()
    return pd.DataFrame({"sector_name": g["sector"].map(lambda x: names.get(x, x)),
                         "year": g["year"].astype(int), "n": g["size"].astype(int)})
