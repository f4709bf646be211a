"""Feedback of the follow-up cycle: what each department page and the plan index show.

Reads only the monitor stage's files (unit_status.csv, task_status.csv, task_history.csv,
returns.csv) through :class:`~greenlib.report.tables.Tables`. A department page shows its
refused rows with the reason and the cell to fix, its co-unit returns, its red/yellow/blue
items with their deadlines, what it owes next round, its reporting record across rounds and
its movement; the index lists departments by their standing, the 报送情况通报 and the
督办清单 (red items with 整改措施, 销号 when green). Pages never show file names or codes.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from .. import contract, labels
from . import fmt
from .fmt import missing
from .scope import Scope
from .tasktext import marked_texts

#: Lights a department must act on, worst first.
ALERT_LIGHTS = ("red", "yellow", "blue")


def _true(v: Any) -> bool:
    return str(v) in ("True", "true", "1")


def _s(v: Any) -> str:
    return "" if missing(v) else str(v)


def _short(text: Any, n: int = 40) -> str:
    t = _s(text)
    return t if len(t) <= n else t[:n] + "…"


def plain_message(message: Any) -> str:
    """A refusal as a department reads it: cells as “重点任务 F5 单元格”, no file names."""
    m = re.sub(r"[^\s（(、；:：]+\.xls[xm]?\s*", "", _s(message))
    return re.sub(r"(^|；|、|（)([^；:、（!]+)!([A-Z]+\d+)(: )?",
                  lambda g: f"{g.group(1)}{g.group(2)} {g.group(3)} 单元格"
                  + ("：" if g.group(4) else ""), m)


def _round_label(rows: pd.DataFrame) -> pd.Series:
    r = rows["round"].fillna("").astype(str) if "round" in rows else pd.Series("", index=rows.index)
    a = rows["round_as_of"].fillna("").astype(str) if "round_as_of" in rows else r
    return r.where(r != "", a)


def current_round(s: Scope) -> str:
    """The label of the run's current round ('' without any)."""
    r = (s.t.monitor.get("round") or {}).get("current")
    return str(r) if r else ""


def _returns(s: Scope) -> pd.DataFrame:
    r = s.t.returns
    if r is None or r.empty:
        return pd.DataFrame(columns=[*contract.REQUIRED_COLUMNS[contract.RETURNS], "round"])
    return r.assign(_round=_round_label(r))


def is_collective(s: Scope, unit: str) -> bool:
    u = s.t.units[s.t.units["unit"] == unit]
    return contract.is_collective(unit, u["kind"].iloc[0] if len(u) and "kind" in u else None)


def unit_row(s: Scope, unit: str) -> dict[str, Any] | None:
    us = s.t.unit_status
    if us is None or unit not in set(us["unit"]):
        return None
    return us[us["unit"] == unit].iloc[0].to_dict()


# --------------------------------------------------------------------------- department page


def unit_intro(s: Scope, unit: str) -> str:
    """Who the unit is, what it carries, and where it stands this round (markdown)."""
    u = s.t.units[s.t.units["unit"] == unit]
    full = u["full_name"].iloc[0] if len(u) else unit
    n_lead = int(u["n_lead"].iloc[0]) if len(u) else 0
    n_co = int(u["n_co"].iloc[0]) if len(u) else 0
    text = (f"**{full}**：在方案附件中牵头 {n_lead} 项任务、配合 {n_co} 项任务。"
            f"评估日：{s.as_of}。")
    if is_collective(s, unit):
        return text + ("\n\n“" + unit + "”是统称，不是一个单位：其任务为各单位的共同职责，"
                       "不单独发放填报表，也不参与排名。\n")
    r = unit_row(s, unit)
    if r is None:
        return text + "\n"
    rate = "—" if missing(r["report_rate"]) else f"{float(r['report_rate']):.0%}"
    sub = labels.SUBMISSION.get(_s(r.get("submission")), "")
    rnd = current_round(s)
    return (text + f"\n\n本轮（{rnd}）{sub}；牵头任务报送率 {rate}（{int(r['reported_tasks'])}/"
            f"{int(r['lead_tasks'])}）。\n")


def unit_standing(s: Scope, unit: str) -> str:
    """The unit's rank (or why it has none) and its movement since the last round."""
    if is_collective(s, unit):
        return "统称不参与排名。"
    r = unit_row(s, unit)
    if r is None:
        return "—"
    us = s.t.unit_status
    n = int(us["rank"].notna().sum())
    if missing(r["rank"]):
        head = f"本轮不参与排名：{r['rank_basis']}。"
    else:
        head = (f"在已报送进展的 {n} 个责任单位中排第 {int(r['rank'])} 位（第 1 位最落后）；"
                f"{r['rank_basis']}。")
    rule = (s.t.monitor.get("round") or {}).get("rank_rule") or ""
    move = ""
    if _s(r.get("movement")):
        move = (f"\n\n与上一轮相比：{labels.MOVEMENT[r['movement']]}（改善 {int(r['improved'])} 项，"
                f"恶化 {int(r['worsened'])} 项）。")
    return head + move + (f"\n\n排名规则：{rule}" if rule else "") + "\n"


def _tasks(s: Scope) -> pd.DataFrame:
    """The tasks with their status; ``shown``: the text as these tables show it (shortened,
    with the 原文存疑 mark where the cleaning doubted it)."""
    tasks = s.tasks.assign(shown=marked_texts(s.tasks, shorten=_short))
    ts = s.t.task_status
    if ts is None or ts.empty:
        return tasks.assign(status="no_report", light="grey", rule="", progress="",
                            deadline_text="", report_date="")
    keep = [c for c in ts.columns if c not in tasks.columns or c == "task_id"]
    return tasks.merge(ts[keep], on="task_id", how="left")


def unit_alerts(s: Scope, unit: str) -> pd.DataFrame:
    """The unit's led tasks lit red, yellow or blue: deadline, reason and its own words."""
    df = _tasks(s)
    df = df[(df["lead_unit"] == unit) & df["light"].isin(ALERT_LIGHTS)].copy()
    df["_o"] = df["light"].map({k: i for i, k in enumerate(ALERT_LIGHTS)})
    df = df.sort_values(["_o", "task_id"], kind="stable")
    return pd.DataFrame({
        "编号": df["task_id"].astype(int), "重点任务": df["shown"],
        "信号灯": df["light"].map(labels.LIGHT), "期限": df["deadline_text"].map(_s),
        "原因": df["rule"].map(_s), "本单位进展说明": df["progress"].map(lambda v: _s(v) or "—"),
    }).reset_index(drop=True)


def unit_refused(s: Scope, unit: str) -> pd.DataFrame:
    """The unit's returns refused in the current round: where to fix and why."""
    r = _returns(s)
    if r.empty:
        return pd.DataFrame(columns=["任务/目标", "单元格", "退回原因"])
    rnd = current_round(s)
    bad = r[(r["unit"] == unit) & ~r["accepted"].map(_true)]
    if rnd:
        bad = bad[bad["_round"] == rnd]
    what = [f"任务 {int(t)}" if not missing(t) else f"目标 {g}" if not missing(g) else "整个文件"
            for t, g in zip(bad["task_id"], bad["target_id"], strict=True)]
    return pd.DataFrame({
        "任务/目标": what,
        "单元格": [_s(c).replace("!", " ").replace(";", "、") or "—" for c in bad["cells"]],
        "退回原因": bad["message"].map(plain_message),
    }).reset_index(drop=True)


def unit_co_returns(s: Scope, unit: str) -> pd.DataFrame:
    """What the unit reported on tasks it supports (配合), as the lead unit sees it."""
    r = _returns(s)
    if r.empty:
        return pd.DataFrame(columns=["编号", "重点任务", "牵头单位", "进展状态", "进展说明", "填报日期"])
    co = r[(r["unit"] == unit) & r["accepted"].map(_true) & r["current"].map(_true)
           & (r["kind"] == "task") & (r["role"] == "co")]
    tasks = s.tasks.set_index("task_id")
    return pd.DataFrame({
        "编号": co["task_id"].astype(int),
        "重点任务": [_short(tasks.loc[int(t), "text"]) if int(t) in tasks.index else "—"
                 for t in co["task_id"]],
        "牵头单位": [_s(tasks.loc[int(t), "lead_unit"]) if int(t) in tasks.index else "—"
                 for t in co["task_id"]],
        "进展状态": co["status"].map(lambda c: labels.TASK_STATUS.get(_s(c), _s(c))),
        "进展说明": co["progress"].map(lambda v: _s(v) or "—"),
        "填报日期": co["report_date"].map(_s),
    }).sort_values("编号", kind="stable").reset_index(drop=True)


def unit_owes(s: Scope, unit: str) -> pd.DataFrame:
    """What the unit owes next round, item by item."""
    rows: list[dict[str, str]] = []
    df = _tasks(s)
    for _, t in df[df["lead_unit"] == unit].iterrows():
        tid = int(t["task_id"])
        if t["status"] == "no_report":
            rows.append({"事项": f"任务 {tid}",
                         "下一轮需报送": "报送进展状态、进展说明（已完成的附佐证材料）",
                         "说明": t["shown"]})
        elif t["light"] == "red":
            rows.append({"事项": f"任务 {tid}", "下一轮需报送": "填写整改措施、责任人、整改时限并更新进展",
                         "说明": _s(t.get("rule"))})
        elif t["light"] == "yellow":
            rows.append({"事项": f"任务 {tid}", "下一轮需报送": "更新进展（已落后于序时进度或超过填报周期）",
                         "说明": _s(t.get("rule"))})
    done_co = set(unit_co_returns(s, unit)["编号"].astype(int))
    co = s.t.task_units[(s.t.task_units["unit"] == unit) & (s.t.task_units["role"] == "co")]
    for tid in sorted(set(co["task_id"].astype(int)) - done_co):
        lead = df.loc[df["task_id"] == tid, "lead_unit"]
        rows.append({"事项": f"任务 {tid}（配合）",
                     "下一轮需报送": "报送配合工作情况（附在牵头单位的进展之后）",
                     "说明": f"牵头单位：{_s(lead.iloc[0]) if len(lead) else '—'}"})
    for _, r in unit_refused(s, unit).iterrows():
        rows.append({"事项": r["任务/目标"], "下一轮需报送": f"改正 {r['单元格']} 后重报",
                     "说明": r["退回原因"]})
    owner = s.status.get("owner_unit", pd.Series(dtype=str))
    mine = s.status[(owner == unit) & (s.status["status"] == "no_data")]
    for _, g in mine.iterrows():
        rows.append({"事项": f"目标 {g['target_id']}", "下一轮需报送": "报送最新全年数据及来源",
                     "说明": _s(g.get("indicator"))})
    return pd.DataFrame(rows, columns=["事项", "下一轮需报送", "说明"])


def unit_record(s: Scope, unit: str) -> pd.DataFrame:
    """The unit's reporting record round by round: submission, rows, refusals, lights."""
    th = s.t.task_history
    if th is None or th.empty:
        return pd.DataFrame()
    led = set(s.tasks.loc[s.tasks["lead_unit"] == unit, "task_id"].astype(int))
    r = _returns(s)
    out = []
    for label, g in th.groupby("round", sort=False):
        mine = g[g["task_id"].astype(int).isin(led)]
        sent = r[(r["unit"] == unit) & (r["_round"] == str(label))] if len(r) else r
        late = sent["late"].map(_true).any() if len(sent) and "late" in sent else False
        sub = "missing" if sent.empty else "late" if late else "on_time"
        lights = mine["light"].value_counts()
        moves = mine["movement"].fillna("").value_counts() if "movement" in mine else {}
        row = {"轮次": str(label), "报送情况": labels.SUBMISSION[sub],
               "采用行数": int(sent["accepted"].map(_true).sum()) if len(sent) else 0,
               "退回行数": int((~sent["accepted"].map(_true)).sum()) if len(sent) else 0}
        row |= {labels.LIGHT[k]: int(lights.get(k, 0)) for k in labels.LIGHT}
        row["较上轮"] = "；".join(f"{labels.MOVEMENT[k]} {int(moves.get(k, 0))}"
                               for k in labels.MOVEMENT if moves.get(k, 0)) or "—"
        out.append(row)
    return pd.DataFrame(out)


# --------------------------------------------------------------------------- all departments


def scorecard(s: Scope) -> pd.DataFrame:
    """Every department from unit_status.csv: ranked ones by rank (1 = most behind), then
    those that did not report (no rank), in the registry's order."""
    us = s.t.unit_status
    if us is None or us.empty:
        return pd.DataFrame()
    us = us.assign(_r=us["rank"].isna()).sort_values(["_r", "rank"], kind="stable")
    return pd.DataFrame({
        "排名": us["rank"].map(lambda v: "—" if missing(v) else str(int(v))),
        "单位": us["unit"], "本轮报送": us["submission"].map(labels.SUBMISSION),
        "牵头任务": us["lead_tasks"], "已报送": us["reported_tasks"],
        "报送率": us["report_rate"].map(lambda v: "—" if missing(v) else f"{float(v):.0%}"),
        **{labels.LIGHT[k]: us[k] for k in labels.LIGHT},
        "退回行数": us["refused_rows"], "排名依据": us["rank_basis"],
    }).reset_index(drop=True)


def bulletin(s: Scope) -> tuple[str, pd.DataFrame]:
    """报送情况通报: one sentence and the departments by submission (on time, late, none)."""
    us = s.t.unit_status
    if us is None or us.empty:
        return "", pd.DataFrame()
    c = us["submission"].value_counts()
    n = len(us)
    sent = int(c.get("on_time", 0) + c.get("late", 0))
    rnd = current_round(s)
    text = (f"本轮（{rnd}）{n} 个责任单位中，按时报送 {int(c.get('on_time', 0))} 个、逾期报送 "
            f"{int(c.get('late', 0))} 个、未报送 {int(c.get('missing', 0))} 个，报送率 "
            f"{sent / n:.0%}。")
    order = {k: i for i, k in enumerate(("missing", "late", "on_time"))}
    df = us.assign(_o=us["submission"].map(order)).sort_values(["_o", "unit"], kind="stable")
    return text, pd.DataFrame({
        "单位": df["unit"], "报送情况": df["submission"].map(labels.SUBMISSION),
        "退回行数": df["refused_rows"], "尚欠": df["owes"]}).reset_index(drop=True)


def supervision(s: Scope) -> pd.DataFrame:
    """督办清单: every red task with the lead's 整改措施 / 责任人 / 整改时限 (督办中), and the
    tasks red in the round before that are green now (已销号)."""
    df = _tasks(s)
    th = s.t.task_history
    was_red: set[int] = set()
    if th is not None and not th.empty:
        rounds = list(dict.fromkeys(th["round"]))
        if len(rounds) > 1:
            prev = th[th["round"] == rounds[-2]]
            was_red = set(prev.loc[prev["light"] == "red", "task_id"].astype(int))
    red = df[df["light"] == "red"]
    closed = df[df["task_id"].astype(int).isin(was_red) & (df["light"] == "green")]
    rows = pd.concat([red.assign(_state="督办中"), closed.assign(_state="已销号")])
    return pd.DataFrame({
        "编号": rows["task_id"].astype(int), "重点任务": rows["shown"],
        "牵头单位": rows["lead_unit"].map(_s), "原因": rows["rule"].map(_s),
        "整改措施": rows.get("measures", pd.Series("", index=rows.index)).map(lambda v: _s(v) or "（未填）"),
        "责任人": rows.get("measures_owner", pd.Series("", index=rows.index)).map(lambda v: _s(v) or "—"),
        "整改时限": rows.get("measures_due", pd.Series("", index=rows.index)).map(lambda v: _s(v) or "—"),
        "状态": rows["_state"],
    }).reset_index(drop=True)


# --------------------------------------------------------------------------- plan index


def _light_cells(r: dict[str, Any]) -> str:
    parts = [f'<span style="white-space:nowrap">{fmt.light_html(k)} {int(r[k])}</span>'
             for k in labels.LIGHT if not missing(r.get(k)) and int(r[k])]
    return "　".join(parts) or "—"


def round_update(s: Scope) -> str:
    """“本轮（2026-10-31）收到 3 份填报，退回 9 行。” ('' without a round)."""
    rnd = s.t.monitor.get("round") or {}
    if not rnd.get("current"):
        return ""
    return (f"本轮（{rnd['current']}）收到 {int(rnd.get('files') or 0)} 份填报，退回 "
            f"{int(rnd.get('refused_rows') or 0)} 行；{int(rnd.get('units_reported') or 0)}/"
            f"{int(rnd.get('units') or 0)} 个责任单位已报送。" + movement_text(s))


def index_sections(s: Scope, unit_links: dict[str, str]) -> str:
    """The plan index's follow-up sections (HTML): departments by standing with their lights
    and whether they reported, the 报送情况通报 and the 督办清单. ``unit_links``: unit → the
    HTML of its page links."""
    import html

    from .show import table_html

    us = s.t.unit_status
    if us is None or us.empty:  # a plan without an annex names no department
        return ""
    esc = html.escape
    rows = []
    us = us.assign(_r=us["rank"].isna()).sort_values(["_r", "rank"], kind="stable")
    for r in us.to_dict("records"):
        rank = "—" if missing(r["rank"]) else str(int(r["rank"]))
        rows.append(
            f"<tr><td><b>{esc(r['unit'])}</b></td>"
            f"<td class=\"nw\">{esc(labels.SUBMISSION.get(_s(r['submission']), ''))}</td>"
            f"<td class=\"n\">{esc(rank)}</td><td>{_light_cells(r)}</td>"
            f"<td>{esc(_s(r['owes']))}</td>"
            f"<td class=\"nw\">{unit_links.get(r['unit'], '—')}</td></tr>")
    for u, links in unit_links.items():
        if u not in set(us["unit"]):
            rows.append(f"<tr><td><b>{esc(u)}</b></td><td>统称（共同职责）</td><td>—</td><td>—</td>"
                        f"<td>—</td><td class=\"nw\">{links}</td></tr>")
    units = ("<h2>各责任单位任务落实情况</h2><p>按排名列出（第 1 名最落后，只对已报送进展的单位排名），"
             "其后为未报送的单位。</p><table><thead><tr><th>责任单位</th><th>本轮报送</th>"
             "<th>排名</th><th>牵头任务信号灯</th><th>下一轮需报送</th><th>查看</th></tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>")
    text, table = bulletin(s)
    late_or_missing = table[table["报送情况"] != labels.SUBMISSION["on_time"]]
    notice = ("<h2>报送情况通报</h2>" + f"<p>{esc(text)}</p>"
              + (table_html(late_or_missing) if len(late_or_missing) else ""))
    sup = supervision(s)
    board = ("<h2>督办清单</h2><p>亮红灯的任务列入督办，由牵头单位填写整改措施、责任人和整改时限；"
             "转为绿灯后销号。</p>"
             + (table_html(sup) if len(sup) else "<p>本轮没有红灯任务。</p>"))
    return units + notice + board


def lights_by_round(s: Scope, unit: str | None = None) -> pd.DataFrame:
    """(round, light, n) of the tasks ``unit`` leads (all tasks when None), round by round."""
    th = s.t.task_history
    if th is None or th.empty:
        return pd.DataFrame(columns=["round", "light", "n", "order"])
    if unit is not None:
        led = set(s.tasks.loc[s.tasks["lead_unit"] == unit, "task_id"].astype(int))
        th = th[th["task_id"].astype(int).isin(led)]
    order = {k: i for i, k in enumerate(labels.LIGHT)}
    rows = [{"round": str(r), "light": k, "n": int((g["light"] == k).sum()), "order": order[k]}
            for r, g in th.groupby("round", sort=False) for k in labels.LIGHT]
    return pd.DataFrame(rows)


def movement_text(s: Scope) -> str:
    """“与上一轮相比：改善 N 项、持平 M 项、恶化 K 项。” for the current round ('' if first)."""
    moves = ((s.t.monitor.get("round") or {}).get("movement") or {})
    cur = moves.get(current_round(s)) or {}
    if len(moves) < 2 or not any(cur.values()):
        return ""
    return "与上一轮相比：" + "、".join(f"{labels.MOVEMENT[k]} {int(cur.get(k, 0))} 项"
                                   for k in labels.MOVEMENT) + "。"
