"""The monitor stage: targets (from the clean stage's files) + observations → ratings.

Load inputs (``build/<plan-id>/data/targets.csv``, the plan's ``monitoring/`` and indicator
map, the parent plan's ``targets.csv`` for the alignment), process (validate, tie figures
to targets, rate), save outputs (``status.csv``, ``observations.csv``, ``alignment.csv``,
``monitor.json``) into the same data folder, atomically.
"""

from __future__ import annotations

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
from . import progress as progress_mod
from . import requests as requests_mod
from . import returns as returns_mod
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
    day = plan_mod.as_of_date(as_of or plan.as_of)
    targets = read_targets(data)
    imap = plan.indicator_map if plan.indicator_map.exists() else None
    obs, _, linked = validate_all(targets, plan.monitoring, imap, plan.geo, plan.known_geos,
                                  plan.plausibility_overrides)
    dept = department_returns(plan, data, day, linked, progress)
    status = build_status(targets, day, geo=plan.geo, linked=dept.merged.rating,
                          base_year=plan.base_year)
    observations = returns_mod.mark_department(
        observations_table(dept.merged.shown, obs, status, plan.geo, day), dept.merged)
    status = progress_mod.add_target_lights(status, dept.inputs.owners)
    outputs: dict[str, pd.DataFrame] = {contract.STATUS: status,
                                        contract.OBSERVATIONS: observations,
                                        contract.TASK_STATUS: dept.task_status,
                                        contract.RETURNS: dept.returns.rows}
    parent = parent_targets(plan)
    if parent is not None:
        pid, ptargets = parent
        outputs[contract.ALIGNMENT] = align_mod.align(
            targets, ptargets, pid, align_mod.read_pairs(plan.alignment))
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
        **dept.summary(status),
    }
    _write(data, outputs, summary)
    rated = summary["counts"]["targets_rated"]
    log(f"greenlib monitor: {plan.id}: {len(obs)} 个监测值，{len(targets)} 项目标中 {rated} 项有评级"
        f"（截至 {day}）→ {data} ({time.perf_counter() - t0:.2f}s)")
    dept.log(log)
    return summary


class _Department:
    """The department returns of one run: read, merged with public figures, task status."""

    def __init__(self, inputs: requests_mod.Inputs, returns: returns_mod.Returns,
                 merged: returns_mod.Merged, task_status: pd.DataFrame, cycle: int,
                 period_end: int | None, folder: Path) -> None:
        self.inputs, self.returns, self.merged = inputs, returns, merged
        self.task_status, self.cycle, self.period_end = task_status, cycle, period_end
        self.folder = folder

    def summary(self, status: pd.DataFrame) -> dict[str, Any]:
        ts = self.task_status
        return {
            "returns": {**self.returns.summary(), "folder": str(self.folder),
                        "conflicts": self.merged.conflicts},
            "task_status": {
                "counts": ts["status"].value_counts().to_dict(),
                "lights": ts["light"].value_counts().to_dict(),
                "with_public_evidence": int((ts["public_evidence"] != "").sum()),
            },
            "target_lights": status["light"].value_counts().to_dict(),
            "targets_without_owner": status.loc[status["owner_unit"] == "", "target_id"].tolist(),
            "light_rule_text": progress_mod.light_rule_text(self.cycle, self.period_end),
        }

    def log(self, log: Any) -> None:
        r = self.returns.summary()
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
                       progress: str | Path | None = None) -> _Department:
    """Read the plan's returns (docs/returns.md), tie their figures to the public ones and
    work out every task's status and light."""
    import datetime as dt

    from .. import numbers

    owners = plan.indicator_owners if plan.indicator_owners.exists() else None
    inputs = requests_mod.load_inputs(data, owners)
    period = plan.get("period")
    period = (int(period[0]), int(period[1])) if period else None
    overrides = (numbers.load_overrides(plan.plausibility_overrides)
                 if plan.plausibility_overrides.exists() else {})
    ctx = returns_mod.Context(inputs, plan.id, dt.date.fromisoformat(day),
                              dt.date(period[0], 1, 1) if period else None, overrides)
    folder = Path(progress) if progress is not None else plan.progress
    ret = returns_mod.read_returns(folder, ctx)
    dept_obs = returns_mod.department_observations(ret, inputs, plan.geo)
    merged = returns_mod.merge_with_public(linked, dept_obs)
    accepted = ret.rows[ret.rows["accepted"].astype(bool)]
    evidence = progress_mod.read_task_evidence(
        plan.reference / "task_evidence.csv", set(inputs.tasks["task_id"].astype(int)))
    cycle = int(plan.get("reporting_cycle_days"))
    ts = progress_mod.build_task_status(inputs, ret.current, accepted, evidence, day, period,
                                        cycle)
    return _Department(inputs, ret, merged, ts, cycle, period[1] if period else None, folder)


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
