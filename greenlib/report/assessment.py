"""The 评估报告 a leader can sign: cover, 一、总体评价, 二、主要成效, 三、存在问题,
四、下一步工作建议 (only from the analysts' file), then the 附表 (:mod:`.assessment_tables`).

Every count comes from the monitor stage's ``summary.csv`` (:func:`count`); the lists are
the rows of ``status.csv`` / ``task_status.csv`` the counts were made from. Nothing here
rates or counts again, and nothing a leader reads names a file, a code or a command.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pandas as pd

from .. import labels
from ..errors import InputError
from .fmt import fmt_value, fmt_year, missing, source_text, target_text
from .scope import Scope, status_frame
from .tasktext import marked_texts

#: Marking on the cover (the report circulates inside the administration).
MARKING = "内部资料"


# --------------------------------------------------------------------------- counts


def counts(s: Scope) -> dict[tuple[str, str], int]:
    """The monitor stage's counts, ``(measure, key) → n``."""
    df = s.t.summary
    if df is None:
        raise InputError(f"{s.t.data_dir}: 缺少统计汇总表，请先重新生成数据（make data）")
    return {(str(m), str(k)): int(n) for m, k, n in zip(df["measure"], df["key"], df["n"],
                                                         strict=True)}


def count(s: Scope, measure: str, key: str) -> int:
    return counts(s).get((measure, key), 0)


def keys(s: Scope, measure: str) -> list[str]:
    """The keys of a measure in the table's order (labels' order, then codes new to labels)."""
    df = s.t.summary
    return [] if df is None else [str(k) for k in df.loc[df["measure"] == measure, "key"]]


def _label(measure: str, key: str) -> str:
    table = {"target_conclusion": labels.CONCLUSION, "target_status": labels.STATUS,
             "task_status": labels.TASK_STATUS, "task_light": labels.LIGHT,
             "target_light": labels.LIGHT, "alignment": labels.ALIGNMENT}.get(measure, {})
    return table.get(key, key)


def _list(s: Scope, measure: str, skip: tuple[str, ...] = ()) -> str:
    parts = [f"{_label(measure, k)} {count(s, measure, k)} 项" for k in keys(s, measure)
             if k not in skip]
    return "、".join(parts)


# --------------------------------------------------------------------------- title and cover


def _date(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def period_end(s: Scope) -> int | None:
    period = s.plan.get("period")
    return int(period[1]) if period else None


def kind(s: Scope) -> str:
    """中期评估 until the plan period's last day, 终期评估 after it."""
    end = period_end(s)
    if end is not None and dt.date.fromisoformat(s.as_of) > dt.date(end, 12, 31):
        return "终期评估"
    return "中期评估"


def title(s: Scope) -> str:
    return f"{s.plan.get('short_title') or s.plan.get('title') or ''}{kind(s)}报告"


def compiler(s: Scope) -> str:
    return str(s.plan.get("compiler") or s.plan.get("issuer") or "")


def cover_html(s: Scope, heading: str | None = None) -> str:
    """The cover: marking, title, 编制单位, date, and the plan assessed (the contents list
    follows the last line, ``p.gp-meta``)."""
    plan = s.plan.get("title") or ""
    number = s.plan.get("document_number") or ""
    basis = f"《{plan}》" + (f"（{number}）" if number else "")
    unit = compiler(s)
    return (f'<div class="gp-cover"><p class="gp-cover-mark">{MARKING}</p>'
            f'<h1 class="gp-title">{html.escape(heading or title(s))}</h1>'
            + (f'<p class="gp-cover-unit">编制单位：{html.escape(unit)}</p>' if unit else "")
            + f'<p class="gp-cover-date">{_date(s.as_of)}</p>'
            f'<p class="gp-meta">评估对象：{html.escape(basis)}｜评估截止日期：{_date(s.as_of)}</p>'
            "</div>")


def show_cover(s: Scope, heading: str | None = None) -> None:
    """The cover, and the headline figures for the index page (read back by the build, not
    shown: the report's own counts are the 评估结论 of :func:`overall_text`)."""
    import json

    from IPython.display import HTML, display

    from .scope import SUMMARY_MIME, headline

    display(HTML(cover_html(s, heading)))
    figures = {**headline(s), "title": heading or title(s)}  # the build titles the page with it
    display({"text/html": "", SUMMARY_MIME: json.loads(json.dumps(figures))}, raw=True)


# --------------------------------------------------------------------------- 一、总体评价


def overall_text(s: Scope) -> str:
    """一、总体评价: facts and counts only, each sentence from the counts table."""
    n_t, n_k = count(s, "targets", "total"), count(s, "tasks", "total")
    as_of = _date(s.as_of)
    out = []
    if n_t:
        line = (f"截至{as_of}，方案确定的 {n_t} 项量化目标中，"
                f"{_list(s, 'target_conclusion')}。")
        binding = count(s, "targets", "binding")
        if binding:
            line += f"全部目标中约束性指标 {binding} 项。"
        old = count(s, "targets", "old_data")
        if old:
            line += f"有评估结论的目标中，{old} 项依据的数据距评估日已两年以上，结论待新数据核实。"
        out.append(line)
    else:
        out.append(f"截至{as_of}，方案没有可量化评估的目标。")
    if n_k:
        rep, unrep = count(s, "task_report", "reported"), count(s, "task_report", "unreported")
        line = f"{n_k} 项重点任务中，牵头单位报送了进展的 {rep} 项，未报送的 {unrep} 项"
        if rep:
            line += f"；按报送的进展状态：{_list(s, 'task_status', skip=('no_report',))}"
        line += f"。信号灯：{_list(s, 'task_light')}。"
        if rep == 0:
            line += "由于全部任务均未报送进展，任务的完成情况尚无法判断。"
        lead, done = count(s, "units", "lead"), count(s, "units", "reported")
        if lead:
            line += f"{lead} 个牵头单位中，{done} 个已报送全部牵头任务的进展。"
        out.append(line)
    assigned = count(s, "assigned_goals", "total")
    if assigned:
        out.append(f"方案主要目标中由上级下达数值的目标 {assigned} 项：已评估 "
                   f"{count(s, 'assigned_goals', 'rated')} 项，尚无下达数值或监测数据、列为待补充的 "
                   f"{count(s, 'assigned_goals', 'pending')} 项。")
    if s.t.alignment is not None and not s.t.alignment.empty:
        both = count(s, "parent", "both_rated")
        out.append(f"与上级规划同一指标的目标对照：{_list(s, 'alignment')}；"
                   f"本级与上级均有评估结论的 {both} 项" + ("（见下表）。" if both else "。"))
    return "\n\n".join(out) + "\n"


def conclusion_counts(s: Scope) -> pd.DataFrame:
    """Input of :func:`.assessment_charts.conclusions` (``conclusion``, ``n``)."""
    return pd.DataFrame({"conclusion": keys(s, "target_conclusion"),
                         "n": [count(s, "target_conclusion", k)
                               for k in keys(s, "target_conclusion")]})


def _rated(s: Scope) -> pd.DataFrame:
    """status_frame with the assessment columns of status.csv."""
    df = status_frame(s)
    extra = [c for c in ("conclusion", "data_age", "old_data", "attribute", "progress_pct",
                         "light", "owner_unit") if c in s.status.columns]
    return df.merge(s.status[["target_id", *extra]], on="target_id", how="left")


def latest_text(r: pd.Series) -> str:
    """The latest rated figure with its year, and a word on its age when it is old."""
    if missing(r.get("latest_value")):
        return "—"
    text = f"{fmt_value(r['latest_value'])}（{fmt_year(r.get('latest_year'))}年）"
    if str(r.get("old_data")) == "True":
        text += f"，数据距评估日已 {int(r['data_age'])} 年"
    return text


def goal_text(r: pd.Series) -> str:
    return f"{target_text(r['comparator'], r['value'], r['unit'])}（{fmt_year(r['year'])}年）"


def parent_table(s: Scope) -> pd.DataFrame:
    """This plan's targets beside the parent plan's, where both have a 评估结论."""
    a = s.t.alignment
    if a is None or a.empty or "parent_conclusion" not in a.columns:
        return pd.DataFrame()
    mine = _rated(s).set_index("target_id")["conclusion"].to_dict()
    rows = []
    for _, r in a.iterrows():
        c, p = mine.get(str(r["target_id"]), "no_data"), r.get("parent_conclusion")
        if c == "no_data" or missing(p) or str(p) in ("", "no_data"):
            continue
        rows.append({"指标": r["indicator"],
                     "本级目标": f"{target_text(r['comparator'], r['value'], r['unit'])}"
                                f"（{fmt_year(r['year'])}年）",
                     "本级评估结论": labels.CONCLUSION.get(c, c),
                     "上级目标": f"{target_text(r['parent_comparator'], r['parent_value'], r['parent_unit'])}"
                                f"（{fmt_year(r['parent_year'])}年）",
                     "上级评估结论": labels.CONCLUSION.get(str(p), str(p)),
                     "衔接情况": labels.ALIGNMENT.get(r["alignment"], r["alignment"])})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- 二、主要成效


def achieved_targets(s: Scope) -> pd.DataFrame:
    """Targets rated 提前实现 / 快于预期 / 基本符合预期, with the figure and its source."""
    df = _rated(s)
    good = df[df["conclusion"].isin(["ahead", "faster", "as_expected"])]
    return pd.DataFrame({
        "指标": good["indicator"],
        "目标": [goal_text(r) for _, r in good.iterrows()],
        "最新值": [latest_text(r) for _, r in good.iterrows()],
        "评估结论": good["conclusion"].map(lambda c: labels.CONCLUSION.get(c, c)),
        "数据来源": good["source_title"].map(source_text),
    }).reset_index(drop=True)


def delivered_tasks(s: Scope) -> pd.DataFrame:
    """Tasks reported completed, and tasks with public evidence of progress, with the
    evidence and where it was published."""
    ts = s.t.task_status
    if ts is None or ts.empty:
        return pd.DataFrame()
    text = pd.Series(marked_texts(s.tasks).to_numpy(), index=s.tasks["task_id"].astype(int))
    rows = []
    for _, r in ts.sort_values("task_id").iterrows():
        tid = int(r["task_id"])
        public = "" if missing(r.get("public_evidence")) else str(r["public_evidence"]).strip()
        if r["status"] != "completed" and not public:
            continue
        said = [str(r[c]).strip() for c in ("progress", "evidence")
                if c in r and not missing(r[c]) and str(r[c]).strip()]
        src = sources_text(r.get("public_evidence_sources"))
        rows.append({
            "编号": tid, "重点任务": _short(text.get(tid, ""), 60),
            "牵头单位": "—" if missing(r.get("lead_unit")) else r["lead_unit"],
            "进展状态": labels.TASK_STATUS.get(str(r["status"]), str(r["status"])),
            "进展与佐证": "；".join(said) or "—",
            "公开资料": public or "—",
            "资料来源": src,
        })
    return pd.DataFrame(rows)


def sources_text(v: Any) -> str:
    """Source titles as a reader names them (:func:`.fmt.source_text`)."""
    return source_text(v)


def _short(text: Any, n: int = 40) -> str:
    t = "" if missing(text) else str(text)
    return t if len(t) <= n else t[:n] + "…"


def achievements_text(s: Scope) -> str:
    good = sum(count(s, "target_conclusion", k) for k in ("ahead", "faster", "as_expected"))
    text = (f"量化目标中提前实现、快于预期或基本符合预期的 {good} 项，列于下表（最新值、评估结论"
            "及数据来源）")
    if has_tasks(s):
        text += (f"；重点任务中牵头单位报送已完成的 {count(s, 'task_status', 'completed')} 项，"
                 "以及公开资料显示取得进展的任务，列于其后")
    return text + "。\n"


def has_tasks(s: Scope) -> bool:
    """Whether the plan has an annex of tasks (a municipal opinion may have none)."""
    return count(s, "tasks", "total") > 0


def conclusion_rules(s: Scope) -> str:
    """How each 评估结论 is reached (the note under 附表1; the monitor stage's wording)."""
    rules = s.t.monitor.get("conclusion_rules") or {}
    if not rules:
        return ""
    lines = ["评估结论的归类：", ""]
    lines += [f"- **{labels.CONCLUSION.get(k, k)}**：{v}。" for k, v in rules.items()]
    lines += ["", "完成进度（%）= （最新值 − 基期值）÷（目标值 − 基期值）× 100；"
              "属性一栏只标出国家规划纲要列为约束性的指标。"]
    return "\n".join(lines) + "\n"
