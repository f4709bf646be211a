"""What one report is about: the whole plan, or one sector, of one plan's data folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .. import labels
from ..errors import InputError
from . import tables
from .fmt import year_passed

#: MIME type of the machine-readable headline the build reads back for the index page.
SUMMARY_MIME = "application/vnd.greenplan.summary+json"


@dataclass
class Scope:
    """The rows of one report: tasks, their units, targets with their ratings, figures."""

    sector: str | None
    sector_name: str
    t: tables.Tables
    tasks: pd.DataFrame
    task_units: pd.DataFrame
    targets: pd.DataFrame
    status: pd.DataFrame
    observations: pd.DataFrame

    @property
    def as_of(self) -> str:
        return self.t.as_of

    @property
    def plan(self) -> dict[str, Any]:
        return self.t.plan

    @property
    def task_ids(self) -> set[int]:
        return set(self.tasks["task_id"].astype(int))

    @property
    def scope_name(self) -> str:
        return str(self.plan.get("scope_name") or "全域")

    @property
    def geo(self) -> str:
        return str(self.plan.get("geo") or "本规划所在地区")


def scope(sector: str | None = None, data_dir: str | Path | None = None) -> Scope:
    """Load a plan's data folder and select one sector, or everything if ``None``."""
    t = tables.load(data_dir)
    tasks = t.tasks.sort_values("task_id", kind="stable")
    targets = t.targets.copy()
    targets["target_id"] = targets["target_id"].astype(str)
    if sector:
        known = set(t.sectors["sector"]) | set(t.tasks["sector"]) | set(t.targets["sector"])
        if sector not in known:
            raise InputError(f"领域 {sector!r} 在 {t.data_dir} 中没有任务或目标；"
                             f"已有领域：{', '.join(sorted(known))}")
        tasks = tasks[tasks["sector"] == sector]
        targets = targets[targets["sector"] == sector]
    ids = set(tasks["task_id"].astype(int))
    task_units = t.task_units[t.task_units["task_id"].astype(int).isin(ids)]
    targets = targets.sort_values(["year", "target_id"], kind="stable")
    tids = set(targets["target_id"])
    status = t.status.copy()
    status["target_id"] = status["target_id"].astype(str)
    status = status[status["target_id"].isin(tids)]
    obs = t.observations.copy()
    obs = obs[obs["target_id"].astype(str).isin(tids)] if len(obs) else obs
    name = t.sector_names.get(sector, sector) if sector else str(t.plan.get("scope_name") or "全域")
    return Scope(sector, name, t, tasks.reset_index(drop=True), task_units.reset_index(drop=True),
                 targets.reset_index(drop=True), status.reset_index(drop=True),
                 obs.reset_index(drop=True))


def status_frame(s: Scope) -> pd.DataFrame:
    """Targets in scope with their rating columns (no_data where status.csv has none)."""
    st = s.status
    keep = [c for c in ("target_id", "status", "latest_year", "latest_value", "baseline_year",
                        "baseline_value", "partial_latest_year", "partial_latest_value",
                        "progress_band", "geo", "source_title", "source_url") if c in st.columns]
    return s.targets.merge(st[keep], on="target_id", how="left").fillna({"status": "no_data"})


def headline(s: Scope) -> dict[str, Any]:
    """The headline figures of a report (also written into the index page)."""
    st = status_frame(s)
    counts = st["status"].value_counts().to_dict() if not st.empty else {}
    return {
        "plan": s.plan.get("id"),
        "sector": s.sector,
        "sector_name": s.sector_name,
        "as_of": s.as_of,
        "n_tasks": len(s.tasks),
        "n_units": int(s.task_units["unit"].nunique()),
        "n_targets": len(s.targets),
        "n_passed": int(sum(year_passed(y, s.as_of) for y in s.targets["year"])),
        "status_counts": {k: int(counts.get(k, 0)) for k in labels.STATUS_ORDER},
        "conclusion_counts": conclusion_counts(s),
    }


def conclusion_counts(s: Scope) -> dict[str, int]:
    """Targets in scope per 评估结论 (status.csv ``conclusion``, the assessment's one
    vocabulary: 提前实现 … 暂无数据), so the overview, the sector reports and the index count
    in the same words as the assessment. Empty where the monitor stage wrote no conclusion."""
    if "conclusion" not in s.status.columns:
        return {}
    con = s.targets[["target_id"]].merge(s.status[["target_id", "conclusion"]], on="target_id",
                                         how="left")["conclusion"].fillna("no_data")
    counts = con.value_counts().to_dict()
    return {k: int(counts.get(k, 0)) for k in labels.CONCLUSION_ORDER}
