"""The monitor stage: targets (from the clean stage's files) + observations → ratings.

Load inputs (``build/<plan-id>/data/targets.csv``, the plan's ``monitoring/`` and indicator
map, the parent plan's ``targets.csv`` for the alignment), process (validate, tie figures
to targets, rate), save outputs (``status.csv``, ``observations.csv``, ``alignment.csv``,
``monitor.json``) into the same data folder, atomically.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from .. import contract, labels, office
from .. import plan as plan_mod
from ..errors import InputError
from . import alignment as align_mod
from . import figures
from . import progress as progress_mod
from . import requests as requests_mod
from . import returns as returns_mod
from . import rounds as rounds_mod
from . import summary as summary_mod
from .followup import RANK_RULE_TEXT, history_row, movement, movement_counts, unit_status
from .indicator_map import read_targets
from .observations import validate_all
from .rating import build_status, rule_text


def observations_table(linked: pd.DataFrame, obs: pd.DataFrame, status: pd.DataFrame,
                       geo: str | None, as_of: str) -> pd.DataFrame:
    """Every observation with the target it measures, whether it rated it, and why not."""
    year_limit = int(as_of[:4])
    rows: list[dict[str, Any]] = []
    for r in linked.itertuples(index=False):
        target_geo = geo or ""
        if r.partial_year:
            rated, usage = False, "partial_year"
        elif r.geo != target_geo:
            rated, usage = False, "context_geo"
        elif r.year is not pd.NA and int(r.year) >= year_limit:
            rated, usage = False, "later_year"
        else:
            rated, usage = True, "rated"
        why = {
            "rated": "全年数据，用于评级",
            "partial_year": "非全年数据：只作参考，不用于评级",
            "context_geo": f"{r.geo}的数据：只作参考（只用{geo or '本规划所在地区'}的数据评级）",
            "later_year": f"{r.year}年数据在评估日（{as_of}）所在年份及以后，不计入",
        }[usage]
        rows.append({**r._asdict(), "rated": rated, "usage": labels.USAGE[usage], "why": why})
    tied = {(o.file, o.row) for o in linked.itertuples()}
    for o in obs.itertuples(index=False):
        if (o.file, o.row) in tied:
            continue
        rows.append({"target_id": None, "indicator": o.indicator, "target_indicator": None,
                     "geo": o.geo, "year": o.year, "value": o.value, "unit": o.unit,
                     "observed_value": o.value, "observed_unit": o.unit, "measure": None,
                     "partial_year": o.partial_year, "context": True, "rated": False,
                     "usage": "参考（无对应目标）", "why": "规划中没有与该指标对应的量化目标",
                     "source_title": o.source_title, "source_url": o.source_url,
                     "quote": o.quote, "file": o.file, "row": o.row})
    cols = [*contract.REQUIRED_COLUMNS[contract.OBSERVATIONS], "context", "note"]
    df = pd.DataFrame(rows)
    for c in cols:
        if c not in df.columns:
            df[c] = None
    df = df[cols]
    df["year"] = pd.array(pd.to_numeric(df["year"], errors="coerce"), dtype="Int64")
    df["row"] = pd.array(pd.to_numeric(df["row"], errors="coerce"), dtype="Int64")
    df["_t"] = df["target_id"].isna()
    df = df.sort_values(["_t", "target_id", "rated", "geo", "year", "indicator"],
                        ascending=[True, True, False, True, True, True], kind="stable")
    return df.drop(columns="_t").reset_index(drop=True)


def parent_targets(plan: plan_mod.Plan) -> tuple[str, pd.DataFrame] | None:
    """The parent plan's targets.csv (its clean stage's output), if the plan has a parent."""
    if not plan.parent:
        return None
    parent = plan_mod.load(plan.parent)
    path = parent.build().data / contract.TARGETS
    if not path.exists():
        raise InputError(f"{path}: 上级规划 {parent.id} 的数据尚未生成；"
                         f"请先运行 make data PLAN={parent.id}（PLAN=all 会按顺序生成）")
    return parent.id, read_targets(path)


def run(plan: plan_mod.Plan, data_dir: str | Path, as_of: str | None = None,
        log: Any = print, progress: str | Path | None = None) -> dict[str, Any]:
    """``make data`` (monitor stage): write the ratings beside the clean tables.

    ``progress``: the folder of department returns (default: the plan's ``progress/``).
    """
    t0 = time.perf_counter()
    data = Path(data_dir)
    folder = Path(progress) if progress is not None else plan.progress
    day = plan_mod.as_of_date(as_of or plan.as_of)
    if as_of is None:  # the latest round's date is its as-of (a dated snapshot keeps its own)
        latest = rounds_mod.latest_round(folder)
        if latest is not None and latest.isoformat() > day:
            day = latest.isoformat()
    targets = read_targets(data)
    goals_path = data / contract.GOALS
    goals = pd.read_csv(goals_path, dtype=str) if goals_path.exists() else None
    # numbers assigned from above for the plan's headline goals: rated like its own targets
    assigned = summary_mod.read_assigned(plan.reference / "assigned_targets.csv", goals)
    rated_targets = pd.concat([targets, assigned[[c for c in assigned.columns
                                                  if c in targets.columns]]],
                              ignore_index=True) if len(assigned) else targets
    imap = plan.indicator_map if plan.indicator_map.exists() else None
    obs, _, linked = validate_all(rated_targets, plan.monitoring, imap, plan.geo,
                                  plan.known_geos, plan.plausibility_overrides)
    dept = department_returns(plan, data, day, linked, folder)
    status = build_status(rated_targets, day, geo=plan.geo, linked=dept.merged.rating,
                          base_year=plan.base_year)
    is_assigned = status["target_id"].isin(set(assigned["target_id"]))
    assigned_status = summary_mod.annotate(status[is_assigned], day)
    status = status[~is_assigned].reset_index(drop=True)
    observations = figures.mark_department(
        observations_table(dept.merged.shown, obs, status, plan.geo, day), dept.merged)
    status = progress_mod.add_target_lights(status, dept.inputs.owners)
    status = summary_mod.annotate(status, day)
    outputs: dict[str, pd.DataFrame] = {contract.STATUS: status,
                                        contract.OBSERVATIONS: observations,
                                        contract.TASK_STATUS: dept.task_status,
                                        contract.RETURNS: dept.returns.rows,
                                        contract.UNIT_STATUS: dept.unit_status,
                                        contract.TASK_HISTORY: dept.task_history,
                                        contract.TARGET_HISTORY: dept.target_history(
                                            plan, targets, linked)}
    parent = parent_targets(plan)
    if parent is not None:
        pid, ptargets = parent
        outputs[contract.ALIGNMENT] = summary_mod.parent_ratings(
            align_mod.align(targets, ptargets, pid, align_mod.read_pairs(plan.alignment)),
            plan_mod.load(pid).build(as_of).data / contract.STATUS)
    assigned_goals = summary_mod.assigned_records(goals, assigned, assigned_status)
    outputs[contract.SUMMARY] = summary_mod.summary_table(
        status, dept.task_status, dept.returns.rows, assigned_goals,
        outputs.get(contract.ALIGNMENT))
    context = "、".join(plan.context_geos) or "其他地区"
    summary = {
        "as_of": day, "geo": plan.geo, "context_geos": plan.context_geos,
        "base_year": plan.base_year, "rule_text": rule_text(plan.geo, plan.base_year, context),
        "counts": {
            "observations": len(obs), "tied_to_targets": int(observations["target_id"].notna().sum()),
            "rating": int(observations["rated"].sum()),
            "targets_rated": int((status["status"] != "no_data").sum()),
            "status": status["status"].value_counts().to_dict(),
        },
        "notes": list(obs.attrs.get("notes", [])),
        "parent": parent[0] if parent else None,
        # goals with a number assigned from above (完成市上下达的…目标): listed as 待补充
        "assigned_goals": assigned_goals,
        "conclusion_rules": summary_mod.conclusion_rules(),
        **dept.summary(status),
    }
    _write(data, outputs, summary)
    rated = summary["counts"]["targets_rated"]
    log(f"greenlib monitor: {plan.id}: {len(obs)} 个监测值，{len(targets)} 项目标中 {rated} 项有评级"
        f"（截至 {day}）→ {data} ({time.perf_counter() - t0:.2f}s)")
    dept.log(log)
    return summary


class _Department:
    """The department returns of one run: read, merged with public figures, task status,
    round by round (task_history), and every department's standing (unit_status)."""

    def __init__(self, inputs: requests_mod.Inputs, returns: returns_mod.Returns,
                 merged: figures.Merged, task_status: pd.DataFrame, cycle: int,
                 period: tuple[int, int] | None, folder: Path, evidence: pd.DataFrame,
                 day: str) -> None:
        self.inputs, self.returns, self.merged = inputs, returns, merged
        self.task_status, self.cycle = task_status, cycle
        self.period, self.period_end = period, period[1] if period else None
        self.folder, self.evidence, self.day = folder, evidence, day
        self.rounds = rounds_mod.rounds_of_run(returns.rows, dt.date.fromisoformat(day))
        self.task_history = self._task_history()
        labels_ = list(dict.fromkeys(self.task_history["round"]))
        prev = None
        if len(labels_) > 1:
            prev = self.task_history[self.task_history["round"] == labels_[-2]]
        self.current_round = labels_[-1] if labels_ else None
        self.task_status["round"] = self.current_round or ""
        self.unit_status = unit_status(inputs, task_status, returns.rows, self.current_round, prev)

    def _current_at(self, upto: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
        rows = rounds_mod.mark_current(self.returns.rows, upto)
        ok = rows[rows["accepted"].astype(bool)]
        ok = ok[ok["round_as_of"].astype(str) <= upto.isoformat()]
        return ok[ok["current"].astype(bool)], ok

    def _task_history(self) -> pd.DataFrame:
        out, prev = [], None
        for rnd in self.rounds:
            cur, hist = self._current_at(rnd.as_of)
            ts = progress_mod.build_task_status(self.inputs, cur, hist, self.evidence,
                                                rnd.as_of.isoformat(), self.period, self.cycle,
                                                rnd.label)
            h = history_row(ts, rnd.label, prev)
            prev = dict(zip(h["task_id"], h["light"], strict=True))
            out.append(h)
        cols = [*contract.REQUIRED_COLUMNS[contract.TASK_HISTORY], "light_code", "movement"]
        return pd.concat(out, ignore_index=True)[cols] if out else pd.DataFrame(columns=cols)

    def target_history(self, plan: plan_mod.Plan, targets: pd.DataFrame,
                       linked: pd.DataFrame) -> pd.DataFrame:
        """Every target's rating and light in every round (public figures as published,
        department figures as they stood on the round's date)."""
        out, prev = [], None
        for rnd in self.rounds:
            cur, _ = self._current_at(rnd.as_of)
            dept = figures.department_observations(cur, self.inputs, plan.geo)
            merged = figures.merge_with_public(linked, dept)
            st = build_status(targets, rnd.as_of.isoformat(), geo=plan.geo,
                              linked=merged.rating, base_year=plan.base_year)
            light = st["status"].map(progress_mod.TARGET_LIGHT).fillna("grey")
            who = dept.groupby("target_id")["reported_by"].agg(
                lambda s: ";".join(sorted(set(s)))).to_dict() if len(dept) else {}
            h = pd.DataFrame({"target_id": st["target_id"], "round": rnd.label,
                              "as_of": rnd.as_of.isoformat(), "status": st["status"],
                              "light": light, "reported_by": [who.get(t, "") for t in st["target_id"]]})
            h["movement"] = [movement(prev.get(t), li) if prev else ""
                             for t, li in zip(h["target_id"], h["light"], strict=True)]
            prev = dict(zip(h["target_id"], h["light"], strict=True))
            out.append(h)
        cols = [*contract.REQUIRED_COLUMNS[contract.TARGET_HISTORY], "movement"]
        return pd.concat(out, ignore_index=True)[cols] if out else pd.DataFrame(columns=cols)

    def summary(self, status: pd.DataFrame) -> dict[str, Any]:
        ts, us = self.task_status, self.unit_status
        ret = self.returns.summary()
        this = [f for f in ret["files"] if (f.get("round") or self.day) == self.current_round]
        return {
            "returns": {**ret, "folder": str(self.folder), "conflicts": self.merged.conflicts},
            "task_status": {
                "counts": ts["status"].value_counts().to_dict(),
                "lights": ts["light"].value_counts().to_dict(),
                "with_public_evidence": int((ts["public_evidence"] != "").sum()),
                "shared_duties": ts.loc[ts["shared_duty"].astype(bool), "task_id"].tolist(),
            },
            "round": {
                "current": self.current_round, "as_of": self.day,
                "rounds": [r.label for r in self.rounds],
                "files": len(this),
                "refused_rows": int(sum(f.get("refused") or 0 for f in this)),
                "units_reported": int((us["submission"] != "missing").sum()),
                "units": len(us),
                "movement": movement_counts(self.task_history),
                "rank_rule": RANK_RULE_TEXT,
            },
            "target_lights": status["light"].value_counts().to_dict(),
            "targets_without_owner": status.loc[status["owner_unit"] == "", "target_id"].tolist(),
            "light_rule_text": progress_mod.light_rule_text(self.cycle, self.period_end),
        }

    def log(self, log: Any) -> None:
        r = self.returns.summary()
        for b in r["bad_rounds"]:
            log(f"  退回：{b['message']}（{len(b['files'])} 个文件）")
        for x in r["later_rounds"]:
            log(f"  轮次 {x['round']} 晚于评估日 {self.day}，本次不计入（{len(x['files'])} 个文件）")
        us = self.unit_status
        missing = us.loc[us["submission"] == "missing", "unit"].tolist()
        if r["files"]:
            log(f"greenlib monitor: 本轮（{self.current_round}）{len(us) - len(missing)}/{len(us)} "
                f"个责任单位已报送" + (f"；未报送：{'、'.join(missing[:10])}" if missing else "")
                + (f" 等 {len(missing)} 个" if len(missing) > 10 else ""))
        if not r["rows"] and not r["files"]:
            return
        log(f"greenlib monitor: 部门填报 {len(r['files'])} 个文件，{r['rows']} 行：采用 "
            f"{r['accepted']}（当前有效 {r['current']}，历史 {r['history']}），退回 {r['refused']}；"
            f"与公开数据不一致 {len(self.merged.conflicts)} 处（见 returns.csv、monitor.json）")
        for x in r["refused_rows"][:20]:
            log(f"  退回：{x['file']}：{x['message']}")
        if len(r["refused_rows"]) > 20:
            log(f"  … 另有 {len(r['refused_rows']) - 20} 行被退回，见 returns.csv")


def department_returns(plan: plan_mod.Plan, data: Path, day: str, linked: pd.DataFrame,
                       folder: Path) -> _Department:
    """Read the plan's returns (docs/returns.md), tie their figures to the public ones and
    work out every task's status and light."""
    from .. import numbers

    owners = plan.indicator_owners if plan.indicator_owners.exists() else None
    inputs = requests_mod.load_inputs(data, owners)
    period = plan.get("period")
    period = (int(period[0]), int(period[1])) if period else None
    overrides = (numbers.load_overrides(plan.plausibility_overrides)
                 if plan.plausibility_overrides.exists() else {})
    ctx = returns_mod.Context(inputs, plan.id, dt.date.fromisoformat(day),
                              dt.date(period[0], 1, 1) if period else None, overrides)
    ret = returns_mod.read_returns(folder, ctx)
    dept_obs = figures.department_observations(ret, inputs, plan.geo)
    merged = figures.merge_with_public(linked, dept_obs)
    accepted = ret.rows[ret.rows["accepted"].astype(bool)]
    evidence = progress_mod.read_task_evidence(
        plan.reference / "task_evidence.csv", set(inputs.tasks["task_id"].astype(int)))
    cycle = int(plan.get("reporting_cycle_days"))
    ts = progress_mod.build_task_status(inputs, ret.current, accepted, evidence, day, period,
                                        cycle)
    return _Department(inputs, ret, merged, ts, cycle, period, folder, evidence, day)


def _write(data: Path, tables: dict[str, pd.DataFrame], summary: dict[str, Any]) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-monitor-", dir=data))
    try:
        for name, df in tables.items():
            # users' text never becomes a live formula when an analyst opens the CSV in Excel
            guarded = office.guard_frame(df, contract.FORMULA_GUARDED.get(name, ()))
            guarded.to_csv(tmp / name, index=False, encoding="utf-8")
        (tmp / contract.MONITOR_QUALITY).write_text(
            json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
        for f in tmp.iterdir():
            os.replace(f, data / f.name)
        if contract.ALIGNMENT not in tables and (data / contract.ALIGNMENT).exists():
            (data / contract.ALIGNMENT).unlink()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
