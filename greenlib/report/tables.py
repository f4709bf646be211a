"""Load one plan's data folder (``build/<plan-id>/data/``) for the reports.

The report stage reads only these files: the clean stage's tables and plan.json, and the
monitor stage's status.csv, observations.csv, alignment.csv and monitor.json. It never
reads a plan's reference data or monitoring inputs, and never rates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import config, contract, office
from .. import plan as plan_mod
from ..errors import InputError


@dataclass
class Tables:
    """Everything ``make data`` wrote for one plan."""

    data_dir: Path
    tasks: pd.DataFrame
    task_units: pd.DataFrame
    units: pd.DataFrame
    targets: pd.DataFrame
    goals: pd.DataFrame
    sectors: pd.DataFrame
    status: pd.DataFrame
    observations: pd.DataFrame
    alignment: pd.DataFrame | None
    #: department returns (monitor stage): the status of every task, and every row read
    task_status: pd.DataFrame | None = None
    returns: pd.DataFrame | None = None
    #: every count the assessment prints, computed once by the monitor stage (summary.csv)
    summary: pd.DataFrame | None = None
    #: the follow-up cycle (monitor stage): departments' standing, tasks/targets by round
    unit_status: pd.DataFrame | None = None
    task_history: pd.DataFrame | None = None
    target_history: pd.DataFrame | None = None
    #: the analysts' 下一步工作建议 (markdown copied from the plan folder by the clean stage)
    recommendations: str = ""
    plan: dict[str, Any] = field(default_factory=dict)
    quality: dict[str, Any] = field(default_factory=dict)
    monitor: dict[str, Any] = field(default_factory=dict)

    @property
    def as_of(self) -> str:
        """The date the ratings were made for (status.csv / monitor.json)."""
        return str(self.monitor.get("as_of") or self.plan.get("as_of"))

    @property
    def sector_names(self) -> dict[str, str]:
        return dict(zip(self.sectors["sector"], self.sectors["sector_name"], strict=True))



def default_data_dir() -> Path:
    """The default plan's data folder (what a notebook opened in JupyterLab reads)."""
    return config.BUILD / plan_mod.default_id() / "data"


def _read(path: Path, required: bool = True) -> pd.DataFrame | None:
    if not path.exists():
        if required:
            raise InputError(f"{path}: 文件不存在，请先运行 make data")
        return None
    df = pd.read_csv(path, dtype={"years": "string", "task_ids": "string", "target_id": "string",
                                  "parent_target_id": "string", "co_units": "string"},
                     keep_default_na=False, na_values=[""])
    # the monitor stage guards users' text against formula injection; pages show it as written
    return office.unguard_frame(df, contract.FORMULA_GUARDED.get(path.name, ()))


def _json(path: Path, required: bool = True) -> dict[str, Any]:
    if not path.exists():
        if required:
            raise InputError(f"{path}: 文件不存在，请先运行 make data")
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def load(data_dir: str | Path | None = None) -> Tables:
    """Read every contract file of ``data_dir`` (default: the default plan's)."""
    d = Path(data_dir) if data_dir else default_data_dir()
    return Tables(
        data_dir=d,
        tasks=_read(d / contract.TASKS),
        task_units=_read(d / contract.TASK_UNITS),
        units=_read(d / contract.UNITS),
        targets=_read(d / contract.TARGETS),
        goals=_read(d / contract.GOALS),
        sectors=_read(d / contract.SECTORS),
        status=_read(d / contract.STATUS),
        observations=_read(d / contract.OBSERVATIONS),
        alignment=_read(d / contract.ALIGNMENT, required=False),
        task_status=_read(d / contract.TASK_STATUS, required=False),
        returns=_read(d / contract.RETURNS, required=False),
        summary=_read(d / contract.SUMMARY, required=False),
        unit_status=_read(d / contract.UNIT_STATUS, required=False),
        task_history=_read(d / contract.TASK_HISTORY, required=False),
        target_history=_read(d / contract.TARGET_HISTORY, required=False),
        recommendations=(d / contract.RECOMMENDATIONS).read_text(encoding="utf-8")
        if (d / contract.RECOMMENDATIONS).exists() else "",
        plan=_json(d / contract.PLAN),
        quality=_json(d / contract.QUALITY),
        monitor=_json(d / contract.MONITOR_QUALITY),
    )
