"""A plan profile: ``plans/<plan-id>/`` read into one object every stage is given.

A :class:`Plan` knows the plan's settings (plan.yaml over :data:`greenlib.config.DEFAULTS`)
and where its inputs are; :class:`BuildPaths` says where its outputs go
(``build/<plan-id>/``). A stage receives a Plan (or, for the report stage, only the
build folder) and never guesses a path of its own.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import config, guards
from .errors import InputError

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")

#: plan.yaml keys (anything else is a typo and refused, naming the key).
KEYS = frozenset({"id", "title", "short_title", "document_number", "issuer", "date",
                  *config.DEFAULTS})


@dataclass(frozen=True)
class BuildPaths:
    """Outputs of one plan (``build/<plan-id>/``), or of one dated as-of snapshot of it."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def pdf(self) -> Path:
        return self.root / "pdf"

    @property
    def executed(self) -> Path:
        return self.root / "notebooks"

    @property
    def cache(self) -> Path:
        return self.root / ".cache"

    @property
    def requests(self) -> Path:
        return self.root / "requests"


@dataclass(frozen=True)
class Plan:
    """One plan's settings and input folders."""

    id: str
    folder: Path
    settings: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ settings
    def get(self, key: str) -> Any:
        if key in self.settings and self.settings[key] is not None:
            return self.settings[key]
        return config.DEFAULTS.get(key)

    @property
    def title(self) -> str:
        return str(self.settings.get("title") or self.id)

    @property
    def short_title(self) -> str:
        return str(self.settings.get("short_title") or self.title)

    @property
    def geo(self) -> str | None:
        g = self.get("geo")
        return str(g) if g else None

    @property
    def context_geos(self) -> list[str]:
        return [str(g) for g in self.get("context_geos") or []]

    @property
    def known_geos(self) -> list[str]:
        """Geos a monitoring figure may name: the plan's own, then the context ones."""
        return [g for g in [self.geo, *self.context_geos] if g]

    @property
    def base_year(self) -> int:
        return int(self.get("base_year"))

    @property
    def named_periods(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in (self.get("named_periods") or {}).items()}

    @property
    def as_of(self) -> str:
        return as_of_date(self.get("as_of"))

    @property
    def parent(self) -> str | None:
        p = self.get("parent")
        return str(p) if p else None

    # ------------------------------------------------------------------ inputs
    @property
    def raw(self) -> Path:
        return self.folder / str(self.get("raw"))

    @property
    def reference(self) -> Path:
        return self.folder / "reference"

    @property
    def units_registry(self) -> Path:
        return self.reference / "units.csv"

    @property
    def sectors_map(self) -> Path:
        return self.reference / "sectors.csv"

    @property
    def indicator_sectors(self) -> Path:
        return self.reference / "indicator_sectors.csv"

    @property
    def corrections(self) -> Path:
        return self.reference / "corrections.yaml"

    @property
    def indicator_map(self) -> Path:
        return self.reference / "indicator_map.csv"

    @property
    def alignment(self) -> Path:
        return self.reference / "alignment.csv"

    @property
    def indicator_owners(self) -> Path:
        return self.reference / "indicator_owners.csv"

    @property
    def plausibility_overrides(self) -> Path:
        return self.reference / "plausibility_overrides.csv"

    @property
    def monitoring(self) -> Path:
        return self.folder / "monitoring"

    @property
    def params(self) -> Path:
        return self.folder / "params"

    @property
    def progress(self) -> Path:
        return self.folder / "progress"

    @property
    def recommendations(self) -> Path:
        """The analysts' 下一步工作建议 for the end-of-period assessment (markdown)."""
        return self.folder / "recommendations.md"

    # ------------------------------------------------------------------ outputs
    def build(self, as_of: str | None = None) -> BuildPaths:
        """``build/<plan-id>/``; a dated as-of run that differs from the plan's own date gets
        its own snapshot folder ``build/<plan-id>/asof/<date>/`` so it never overwrites the
        current build."""
        root = config.BUILD / self.id
        if as_of and as_of_date(as_of) != self.as_of:
            root = root / "asof" / as_of_date(as_of)
        return BuildPaths(root)

    def summary(self, as_of: str | None = None) -> dict[str, Any]:
        """What the report stage may know about the plan (written as plan.json by clean)."""
        return {
            "id": self.id, "title": self.title, "short_title": self.short_title,
            "document_number": self.settings.get("document_number") or "",
            "issuer": self.settings.get("issuer") or "", "level": self.get("level"),
            "scope_name": self.get("scope_name"), "geo": self.geo,
            "context_geos": self.context_geos, "period": self.get("period"),
            "base_year": self.base_year, "named_periods": self.named_periods,
            "vision_year": self.get("vision_year"), "as_of": as_of_date(as_of or self.as_of),
            "parent": self.parent,
            "reporting_cycle_days": int(self.get("reporting_cycle_days")),
        }


def as_of_date(value: Any) -> str:
    """An as-of date as ISO text (today when empty); an error names the value otherwise."""
    if value is None or value == "":
        return config.today()
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError as e:
        raise InputError(f"截止日期 {value!r} 不是有效日期，请写成 YYYY-MM-DD（如 2025-12-31）") from e


def default_id() -> str:
    """The default plan: ``plans/plans.yaml``'s ``default``, else the only plan there is."""
    if config.PLANS_INDEX.exists():
        doc = guards.read_yaml(config.PLANS_INDEX) or {}
        if isinstance(doc, dict) and doc.get("default"):
            return str(doc["default"])
    ids = plan_ids()
    if len(ids) == 1:
        return ids[0]
    raise InputError(f"{config.PLANS_INDEX}: 未指定默认规划（default: <plan-id>）；"
                     f"请用 PLAN=<plan-id> 指定，可选：{', '.join(ids) or '（无）'}")


def plan_ids() -> list[str]:
    """Every plan folder (one holding a plan.yaml), sorted."""
    if not config.PLANS.exists():
        return []
    return sorted(p.parent.name for p in config.PLANS.glob("*/plan.yaml"))


def load(plan_id: str | None = None) -> Plan:
    """Read ``plans/<plan-id>/plan.yaml`` (the default plan when ``plan_id`` is None)."""
    pid = plan_id or default_id()
    if not _ID_RE.match(pid):
        raise InputError(f"规划编号 {pid!r} 无效：只能用小写字母、数字、点、横线和下划线")
    folder = config.PLANS / pid
    path = folder / "plan.yaml"
    if not path.exists():
        known = ", ".join(plan_ids()) or "（无）"
        raise InputError(f"{path}: 找不到规划 {pid!r}（plans/ 下现有：{known}）")
    doc = guards.read_yaml(path) or {}  # aliases and size bounded, errors name the file
    if not isinstance(doc, dict):
        raise InputError(f"{path}: 应为“键: 值”的映射")
    unknown = sorted(set(doc) - KEYS)
    if unknown:
        raise InputError(f"{path}: 未知的键 {', '.join(unknown)}；可用的键：{', '.join(sorted(KEYS))}")
    if doc.get("id") not in (None, pid):
        raise InputError(f"{path}: 字段 id 为 {doc.get('id')!r}，与文件夹名 {pid!r} 不一致")
    plan = Plan(pid, folder, doc)
    plan.as_of  # noqa: B018 - validates the date now, naming the file
    for key in ("base_year",):
        try:
            int(plan.get(key))
        except (TypeError, ValueError) as e:
            raise InputError(f"{path}: 字段 {key} 应为年份，实为 {plan.get(key)!r}") from e
    return plan


def neutral(name: str = "input") -> Plan:
    """A plan with no profile (``python -m greenlib clean INPUT``): library defaults only,
    no reference data of any place."""
    return Plan(name, config.PLANS / ".neutral", {})


def load_all(which: str | None) -> list[Plan]:
    """``PLAN=all`` → every plan; ``PLAN=a,b`` → those; empty → the default plan."""
    if which in (None, ""):
        return [load()]
    if which == "all":
        return [load(i) for i in plan_ids()]
    return [load(i.strip()) for i in which.split(",") if i.strip()]
