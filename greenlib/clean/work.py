"""The clean stage's inputs (a plan's reference data) and the one record its steps work on."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from .. import plan as plan_mod
from . import corrections, repair, sectors
from . import targets as tg
from .ingest import Normalized, RawDoc
from .parse import ParsedPlan
from .units import Registry

__version__ = "0.2.0"


# --------------------------------------------------------------------------- inputs


@dataclass
class Inputs:
    """Everything the cleaning reads besides the text: the plan's reference data."""

    registry: Registry
    sector_map: sectors.SectorMap
    corrections: list[corrections.Correction]
    #: another government's plan: a clean unit name outside the registry is kept as written
    open_units: bool
    periods: dict[str, int]
    #: the files the checks name in their messages, and the user's acceptance of a plan
    #: known to be incomplete (None: an incomplete plan is refused)
    corrections_file: Path | None = None
    sectors_file: Path | None = None
    accept_incomplete: str | None = None
    #: the analyst's filled review book (reference/targets_review.xlsx; greenlib/clean/review.py)
    review_file: Path | None = None


def load_inputs(plan: plan_mod.Plan | None) -> Inputs:
    """The plan's registry, sector map and corrections; without a profile, neutral ones."""
    if plan is None or not plan.reference.exists():
        return Inputs(Registry.load(None), sectors.SectorMap.empty(), [], True,
                      dict(tg.DEFAULT_PERIODS) if plan is None else plan.named_periods)
    reg = Registry.load(plan.units_registry if plan.units_registry.exists() else None)
    smap = (sectors.SectorMap.load(plan.sectors_map, plan.indicator_sectors)
            if plan.sectors_map.exists() else sectors.SectorMap.empty())
    accept = plan.get("accept_incomplete")
    return Inputs(reg, smap, corrections.load(plan.corrections),
                  open_units=not plan.units_registry.exists(), periods=plan.named_periods,
                  corrections_file=plan.corrections,
                  sectors_file=plan.sectors_map if plan.sectors_map.exists() else None,
                  accept_incomplete=str(accept) if accept else None,
                  review_file=plan.review_book)


@dataclass
class CleanResult:
    tables: dict[str, pd.DataFrame]
    quality: dict[str, Any]
    plan: ParsedPlan
    doc: RawDoc
    extra: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- work record


@dataclass
class AnnexCell:
    """One annex task while it is being cleaned."""

    row: dict[str, Any]
    #: the cell's text without unit names, and the normalised offset of each of its characters
    split_text: str
    offsets: list[int]
    items: list[dict[str, Any]]


@dataclass
class Work:
    doc: RawDoc
    norm: Normalized
    plan: ParsedPlan
    inputs: Inputs
    unresolved: list[dict[str, Any]] = field(default_factory=list)
    correction_log: list[dict[str, Any]] = field(default_factory=list)
    cells: dict[int, AnnexCell] = field(default_factory=dict)
    task_units: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    goals: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    n_repairs: int = 0
    title_repairs: list[dict[str, Any]] = field(default_factory=list)
    #: the review book's decisions and problems (greenlib/clean/review.py)
    review: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.norm.text

    @cached_property
    def body(self) -> repair.Body:
        """The body's key-task texts the annex is repaired from and judged against (made once)."""
        return repair.Body.of([(bt.start, self.text[bt.start:bt.end]) for bt in self.plan.body_tasks])

    @cached_property
    def char_counts(self) -> Counter[str]:
        """Character counts of the whole plan, one object for every step (the body's character
        context is kept while this object is the same)."""
        return Counter(self.text)
