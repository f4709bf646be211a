"""Load the contract tables of ``build/data/`` for notebooks and reports."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import config, contract
from .errors import InputError


@dataclass
class Tables:
    """The cleaned plan, as written by ``make data``."""

    tasks: pd.DataFrame
    task_units: pd.DataFrame
    units: pd.DataFrame
    targets: pd.DataFrame
    status: pd.DataFrame | None
    quality: dict = field(default_factory=dict)
    data_dir: Path = config.BUILD_DATA
    #: qualitative goals of the main targets (extra file goals.csv; empty if absent)
    goals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["goal_id", "year", "text"]))


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise InputError(f"{path} is missing: run `make data` first")
    return pd.read_csv(path, dtype={"years": "string", "task_ids": "string"}, keep_default_na=False,
                       na_values=[""])


def load(data_dir: str | Path | None = None) -> Tables:
    """Read every contract file of ``data_dir`` (default ``build/data/``)."""
    d = Path(data_dir) if data_dir else config.BUILD_DATA
    status_path = d / contract.STATUS
    quality_path = d / contract.QUALITY
    return Tables(
        tasks=_read(d / contract.TASKS),
        task_units=_read(d / contract.TASK_UNITS),
        units=_read(d / contract.UNITS),
        targets=_read(d / contract.TARGETS),
        status=_read(status_path) if status_path.exists() else None,
        quality=json.loads(quality_path.read_text(encoding="utf-8")) if quality_path.exists() else {},
        data_dir=d,
        goals=_read(d / "goals.csv") if (d / "goals.csv").exists()
        else pd.DataFrame(columns=["goal_id", "year", "text"]),
    )
