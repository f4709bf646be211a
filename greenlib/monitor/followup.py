"""The follow-up cycle's tables: every department's standing (``unit_status.csv``) and the
status of every task and target in every round (``task_history.csv``,
``target_history.csv``).

The ranking rule lives in ONE place, :data:`RANK_RULE`: only departments that reported on
at least one task they lead are ranked (1 = most behind); equal keys share a rank (never
broken by name); a department that reported nothing has no rank and is listed as 未报送 with
what it owes. Collectives (``contract.is_collective``) are not departments: no row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .. import contract, labels
from .requests import Inputs


@dataclass(frozen=True)
class RankKey:
    """One key of the ranking, larger = more behind, with its Chinese wording."""

    code: str
    text: str
    value: Callable[[dict[str, Any]], float]


#: The ranking of departments, key by key (the first that differs decides).
RANK_RULE: tuple[RankKey, ...] = (
    RankKey("red", "红灯任务多者更落后", lambda r: r["red"]),
    RankKey("off_track_share", "红灯、黄灯和未填报（灰灯）任务占牵头任务的比例高者更落后",
            lambda r: (r["red"] + r["yellow"] + r["grey"]) / r["lead_tasks"]
            if r["lead_tasks"] else 0.0),
)
RANK_RULE_TEXT = (
    "只对已报送牵头任务进展（本轮或此前各轮有有效填报）的单位排名（第 1 名最落后）：先比"
    + "，再比".join(k.text for k in RANK_RULE)
    + "；各项都相同的并列同一名次。未报送的单位不排名，列为“未报送”。")

#: Order of lights from worst to best for the movement between rounds (grey is not compared).
LIGHT_RANK = {"red": 0, "yellow": 1, "blue": 2, "green": 3}

UNIT_STATUS_EXTRA = ["kind", "co_tasks", "targets", "submission", "files", "late_rows",
                     "movement", "improved", "worsened", "owes"]


def movement(before: Any, after: Any) -> str:
    """improved / same / worse between two lights ('' when either is grey or missing)."""
    a, b = LIGHT_RANK.get(str(before)), LIGHT_RANK.get(str(after))
    if a is None or b is None:
        return ""
    return "improved" if b > a else "worse" if b < a else "same"


def _rank(rows: list[dict[str, Any]]) -> None:
    ranked = [r for r in rows if r["lead_tasks"] and r["reported_tasks"]]
    keys = {id(r): tuple(k.value(r) for k in RANK_RULE) for r in ranked}
    ordered = sorted(ranked, key=lambda r: keys[id(r)], reverse=True)
    for r in rows:
        r["rank"] = None
    for i, r in enumerate(ordered):
        same = i and keys[id(ordered[i - 1])] == keys[id(r)]
        r["rank"] = ordered[i - 1]["rank"] if same else i + 1
        share = RANK_RULE[1].value(r)
        r["rank_basis"] = f"红灯 {r['red']} 项；红灯、黄灯和未填报任务占牵头任务 {share:.0%}"
    for r in rows:
        if r["rank"] is None:
            r["rank_basis"] = (
                "无牵头任务，不参与排名" if not r["lead_tasks"] else
                f"已报送，但 {r['lead_tasks']} 项牵头任务均无有效填报，不参与排名"
                if r["submission"] != "missing" else
                f"未报送：{r['lead_tasks']} 项牵头任务均无有效填报，不参与排名")


def unit_status(inputs: Inputs, ts: pd.DataFrame, rows: pd.DataFrame,
                current_round: str | None, previous: pd.DataFrame | None) -> pd.DataFrame:
    """One row per department (not collectives) that carries a task or a target.

    ``ts``: task_status; ``rows``: returns.csv; ``current_round``: the label of the round
    whose submissions and refusals are counted; ``previous``: the previous round's task
    lights (task_id, light) for the movement, or None."""
    collective = inputs.collectives
    kinds = (dict(zip(inputs.units["unit"], inputs.units["kind"], strict=True))
             if "kind" in inputs.units else {})
    tu = inputs.task_units
    co_n = tu[tu["role"] == "co"].drop_duplicates(["task_id", "unit"])["unit"].value_counts()
    targets_n: dict[str, int] = {}
    for reps in inputs.owners["reporters"]:
        for u in reps:
            targets_n[u] = targets_n.get(u, 0) + 1
    carriers = set(tu["unit"])
    led_by = dict(tuple(ts.groupby("lead_unit", sort=False)))
    ok = rows[rows["accepted"].astype(bool) & rows["current"].astype(bool)
              & (rows["role"] == "co")] if len(rows) else rows
    co_done_n = ok.groupby("unit")["task_id"].nunique().to_dict() if len(ok) else {}
    label = rows["round"].fillna("").where(rows["round"].fillna("") != "",
                                           rows["round_as_of"].fillna("")) if len(rows) else rows
    this = rows[label == current_round] if len(rows) and current_round else rows.iloc[0:0]
    sent = dict(tuple(this.groupby("unit", sort=False))) if len(this) else {}
    before = (dict(zip(previous["task_id"].astype(int), previous["light"], strict=True))
              if previous is not None else {})
    out = []
    for u in inputs.unit_names:
        if u in collective or not (u in carriers or targets_n.get(u)):
            continue
        led = led_by.get(u, ts.iloc[0:0])
        st = led["status"].value_counts()
        li = led["light"].value_counts()
        mine = sent.get(u, this.iloc[0:0])
        accepted = mine["accepted"].astype(bool)
        co_done = int(co_done_n.get(u, 0))
        n_lead, reported = len(led), int((led["status"] != "no_report").sum())
        moves = [movement(before.get(int(t)), light) for t, light in
                 zip(led["task_id"], led["light"], strict=True)] if before else []
        up, down = moves.count("improved"), moves.count("worse")
        r: dict[str, Any] = {
            "unit": u, "lead_tasks": n_lead, "reported_tasks": reported,
            "report_rate": round(reported / n_lead, 4) if n_lead else None,
            "done": int(st.get("completed", 0)),
            "ongoing": int(st.get("in_progress", 0) + st.get("standing", 0)),
            "behind": int(st.get("delayed", 0)), "not_started": int(st.get("not_started", 0)),
            "refused_rows": int((~accepted).sum()),
            **{c: int(li.get(c, 0)) for c in ("red", "yellow", "blue", "green", "grey")},
            "kind": kinds.get(u) or "", "co_tasks": int(co_n.get(u, 0)),
            "targets": targets_n.get(u, 0),
            "submission": ("missing" if mine.empty else
                           "late" if mine["late"].astype(str).eq("True").any() else "on_time"),
            "files": int(mine["file"].nunique()),
            "late_rows": int(mine["late"].astype(str).eq("True").sum()),
            "movement": ("" if not before or not (up or down or "same" in moves) else
                         "improved" if up > down else "worse" if down > up else "same"),
            "improved": up, "worsened": down,
            "owes": owes_text(n_lead - reported, int(li.get("red", 0)),
                              int((~accepted).sum()), targets_n.get(u, 0),
                              int(co_n.get(u, 0)) - int(co_done)),
        }
        out.append(r)
    _rank(out)
    cols = [*contract.REQUIRED_COLUMNS[contract.UNIT_STATUS], *UNIT_STATUS_EXTRA]
    df = pd.DataFrame(out, columns=cols)
    df["rank"] = df["rank"].astype("Int64")
    return df


def owes_text(unreported: int, red: int, refused: int, targets: int, co_open: int = 0) -> str:
    """What a department owes next round, in Chinese."""
    parts = []
    if unreported:
        parts.append(f"报送 {unreported} 项牵头任务的进展")
    if co_open > 0:
        parts.append(f"报送 {co_open} 项配合任务的配合情况")
    if refused:
        parts.append(f"改正并重报被退回的 {refused} 行")
    if red:
        parts.append(f"对 {red} 项红灯任务填写整改措施、责任人和整改时限")
    if targets:
        parts.append(f"报送 {targets} 项量化目标的最新数据")
    return "；".join(parts) or "按期更新进展"


def history_row(ts: pd.DataFrame, label: str, prev: dict[int, str] | None) -> pd.DataFrame:
    """task_history rows of one round from that round's task_status."""
    df = pd.DataFrame({
        "task_id": ts["task_id"].astype(int), "round": label, "as_of": ts["as_of"],
        "status": ts["status"], "light": ts["light"], "reported_by": ts["reported_by"],
        "light_code": ts["light_code"],
    })
    df["movement"] = [movement(prev.get(t), li) if prev else ""
                      for t, li in zip(df["task_id"], df["light"], strict=True)]
    return df


def movement_counts(history: pd.DataFrame, key: str = "task_id") -> dict[str, dict[str, int]]:
    """Per round label: how many items 改善 / 持平 / 恶化 since the round before."""
    out: dict[str, dict[str, int]] = {}
    for label, g in history.groupby("round", sort=False):
        c = g["movement"].value_counts()
        out[str(label)] = {k: int(c.get(k, 0)) for k in labels.MOVEMENT}
    return out


def round_as_of(value: Any) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10])
