"""Sectors: each annex section maps to one sector slug (the plan's reference/sectors.csv).

Targets that belong to no task (the main targets) get a sector from keywords in
their indicator (the plan's reference/indicator_sectors.csv), else ``overall``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import guards, labels
from ..errors import InputError

FALLBACK = "overall"
NAMES_EXTRA = labels.SECTOR_EXTRA


@dataclass
class SectorMap:
    by_section: dict[int, str]
    names: dict[str, str]
    keywords: list[tuple[str, str]]
    #: the clean title of each section as an analyst typed it (the scrape's may be garbled)
    titles: dict[int, str]

    @classmethod
    def empty(cls) -> SectorMap:
        """No sector map (a plan without a profile): every task and target is ``overall``."""
        return cls({}, dict(NAMES_EXTRA), [], {})

    @classmethod
    def load(cls, path: str | Path | None = None, keywords: str | Path | None = None) -> SectorMap:
        if path is None:
            return cls.empty()
        p = Path(path)
        if not p.exists():
            raise InputError(f"{p}: 找不到领域对照表（sectors.csv）")
        df = guards.read_plan_csv(p, dtype=str, keep_default_na=False)
        for col in ("section", "sector", "sector_name"):
            if col not in df.columns:
                raise InputError(f"{p}: missing column {col!r}")
        by_section: dict[int, str] = {}
        for i, r in df.iterrows():
            line = int(i) + 2
            if not r["section"].strip():
                continue  # a sector named without an annex section (targets only)
            if not r["section"].strip().isdigit():
                raise InputError(f"{p}: row {line}: field 'section' must be a section number, "
                                 f"got {r['section']!r}")
            sec = int(r["section"])
            if sec in by_section:
                raise InputError(f"{p}: row {line}: field 'section': section {sec} mapped twice")
            slug = r["sector"].strip()
            if not slug or not slug.replace("_", "").isalnum() or not slug.isascii():
                raise InputError(f"{p}: row {line}: field 'sector': {slug!r} is not a slug")
            by_section[sec] = slug
        titles = ({int(r["section"]): r["section_title"].strip() for _, r in df.iterrows()
                   if r["section_title"].strip()} if "section_title" in df.columns else {})
        names = NAMES_EXTRA | {r["sector"]: r["sector_name"] for _, r in df.iterrows()}
        kw: list[tuple[str, str]] = []
        kp = Path(keywords) if keywords else None
        if kp is not None and kp.exists():
            kdf = guards.read_plan_csv(kp, dtype=str, keep_default_na=False)
            kw = [(r["keyword"], r["sector"]) for _, r in kdf.iterrows() if r["keyword"]]
        return cls(by_section, names, kw, titles)

    @property
    def slugs(self) -> set[str]:
        return (set(self.by_section.values()) | set(self.names) | set(NAMES_EXTRA)
                | {s for _, s in self.keywords})

    def sector_of(self, section: int, title: str = "") -> str:
        return self.by_section.get(int(section), FALLBACK)

    def sector_of_indicator(self, indicator: str) -> str:
        for kw, slug in self.keywords:
            if kw in indicator:
                return slug
        return FALLBACK

    def name_of(self, slug: str) -> str:
        return self.names.get(slug, slug)

    def table(self, used: list[str]) -> pd.DataFrame:
        """The sectors of a plan for the contract (``sectors.csv``): slug, Chinese name, the
        order to show them in (first annex section first; extra sectors last) and the
        section numbers each covers."""
        order: list[str] = []
        for sec in sorted(self.by_section):
            if self.by_section[sec] not in order:
                order.append(self.by_section[sec])
        order += sorted(set(used) - set(order))
        rows = [{"sector": s, "sector_name": self.name_of(s), "order": i + 1,
                 "sections": ";".join(str(k) for k in sorted(self.by_section)
                                      if self.by_section[k] == s)}
                for i, s in enumerate(order)]
        return pd.DataFrame(rows, columns=["sector", "sector_name", "order", "sections"])
