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

from . import config, contract, guards
from .errors import InputError

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")

#: plan.yaml keys (anything else is a typo and refused, naming the key).
KEYS = frozenset({"id", "title", "short_title", "document_number", "issuer", "date",
                  *config.DEFAULTS})
#: Keys every plan.yaml must have.
REQUIRED = ("title",)
#: The levels a plan may be issued at.
LEVELS = ("区县", "市", "省", "国家")
#: Years a plan may name.
YEARS = (1949, 2100)


def _is_year(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and YEARS[0] <= v <= YEARS[1]


def _check_year(v: Any) -> str | None:
    return None if _is_year(v) else f"应为 {YEARS[0]}–{YEARS[1]} 之间的年份（整数）"


def _check_text(v: Any) -> str | None:
    return None if isinstance(v, str) and v.strip() else "应为非空文字"


def _check_optional_text(v: Any) -> str | None:
    return None if v is None or isinstance(v, str) else "应为文字（或不写）"


def _check_period(v: Any) -> str | None:
    if v is None:
        return None
    if not isinstance(v, list) or len(v) != 2 or not all(_is_year(y) for y in v):
        return f"应写成 [起始年, 结束年]（如 [2022, 2025]），实为 {v!r}"
    if v[0] > v[1]:
        return f"起始年 {v[0]} 晚于结束年 {v[1]}，应写成 [{v[1]}, {v[0]}]"
    return None


def _check_geos(v: Any) -> str | None:
    ok = isinstance(v, list) and all(isinstance(g, str) and g.strip() for g in v)
    return None if ok else f"应为地区全称的列表（如 [全国]），实为 {v!r}"


def _check_named_periods(v: Any) -> str | None:
    ok = isinstance(v, dict) and all(isinstance(k, str) and _is_year(y) for k, y in v.items())
    return None if ok else f"应为“名称: 年份”的映射（如 十四五: 2025），实为 {v!r}"


def _check_level(v: Any) -> str | None:
    return None if v in LEVELS else f"应为 {'、'.join(LEVELS)} 之一，实为 {v!r}"


def _check_int(lo: int, hi: int) -> Any:
    def check(v: Any) -> str | None:
        ok = isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi
        return None if ok else f"应为 {lo}–{hi} 之间的整数，实为 {v!r}"
    return check


def _check_bool(v: Any) -> str | None:
    return None if v is None or isinstance(v, bool) else f"应为 true 或 false，实为 {v!r}"


def _check_date(v: Any) -> str | None:
    if v is None or isinstance(v, dt.date):
        return None
    try:
        dt.date.fromisoformat(str(v).strip())
    except ValueError:
        return f"不是有效日期，请写成 YYYY-MM-DD（如 2025-12-31），实为 {v!r}"
    return None


def _check_raw(v: Any) -> str | None:
    if not isinstance(v, str) or not v.strip():
        return "应为规划文件夹内的相对路径（如 raw/plan_raw.txt）"
    parts = Path(v).parts
    if Path(v).is_absolute() or ".." in parts:
        return f"应为规划文件夹内的相对路径，不能是 {v!r}"
    return None


#: plan.yaml's schema: key → check (None: the value is good; else what is wrong).
SCHEMA: dict[str, Any] = {
    "id": _check_text, "title": _check_text, "short_title": _check_text,
    "document_number": _check_optional_text, "issuer": _check_optional_text,
    "date": _check_date, "level": _check_level, "scope_name": _check_text,
    "geo": _check_optional_text, "context_geos": _check_geos, "period": _check_period,
    "base_year": _check_year, "named_periods": _check_named_periods,
    "vision_year": lambda v: None if v is None else _check_year(v), "as_of": _check_date,
    "parent": _check_optional_text, "raw": _check_raw, "annex": _check_bool,
    "max_parts": _check_int(1, 50), "reporting_cycle_days": _check_int(1, 3660),
    "accept_incomplete": _check_optional_text,
}


def check_settings(doc: dict[str, Any], path: Path, pid: str) -> None:
    """plan.yaml against :data:`SCHEMA` (before any stage runs): unknown keys, missing
    required ones, wrong types and ranges, an unknown parent plan; one Chinese line each."""
    unknown = sorted(set(doc) - KEYS, key=str)
    if unknown:
        raise InputError(f"{path}: 未知的键 {', '.join(map(str, unknown))}；"
                         f"可用的键：{', '.join(sorted(KEYS))}")
    missing = [k for k in REQUIRED if doc.get(k) in (None, "")]
    if missing:
        raise InputError(f"{path}: 缺少必填的键 {', '.join(missing)}")
    for key, value in doc.items():
        if value is None and key not in REQUIRED:
            continue  # left empty: the library default
        why = SCHEMA[key](value)
        if why:
            raise InputError(f"{path}: 字段 {key} {why}")
    period, base = doc.get("period"), doc.get("base_year")
    if period and _is_year(base) and base > period[1]:
        raise InputError(f"{path}: 字段 base_year {base} 晚于规划期末 {period[1]}")
    parent = doc.get("parent")
    if parent:
        if parent == pid:
            raise InputError(f"{path}: 字段 parent 指向本规划自己（{pid}）")
        if not _ID_RE.match(str(parent)) or not (config.PLANS / str(parent) / "plan.yaml").exists():
            known = ", ".join(i for i in plan_ids() if i != pid) or "（无）"
            raise InputError(f"{path}: 字段 parent：找不到上级规划 {parent!r}（plans/ 下现有：{known}）；"
                             "请改正 parent，或不写 parent")


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
    def review_book(self) -> Path:
        """The analyst's filled review book (decisions on doubtful targets and task texts)."""
        return self.reference / contract.TARGETS_REVIEW

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
            "compiler": self.get("compiler") or self.settings.get("issuer") or "",
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
    check_settings(doc, path, pid)
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
