"""Sectors: each annex section maps to one sector slug (data/reference/sectors.csv).

Targets that belong to no task (the main targets) get a sector from keywords in
their indicator (data/reference/indicator_sectors.csv), else ``overall``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import config
from .errors import InputError

FALLBACK = "overall"
NAMES_EXTRA = {"overall": "综合", "environment": "生态环境"}


@dataclass
class SectorMap:
    by_section: dict[int, str]
    names: dict[str, str]
    keywords: list[tuple[str, str]]

    @classmethod
    def load(cls, path: str | Path | None = None, keywords: str | Path | None = None) -> SectorMap:
        p = Path(path) if path else config.SECTORS_MAP
        if not p.exists():
            raise InputError(f"{p}: sector map not found")
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
        for col in ("section", "sector", "sector_name"):
            if col not in df.columns:
                raise InputError(f"{p}: missing column {col!r}")
        by_section: dict[int, str] = {}
        for i, r in df.iterrows():
            line = int(i) + 2
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
        names = {r["sector"]: r["sector_name"] for _, r in df.iterrows()} | NAMES_EXTRA
        kp = Path(keywords) if keywords else config.INDICATOR_SECTORS
        kw: list[tuple[str, str]] = []
        if kp.exists():
            kdf = pd.read_csv(kp, dtype=str, keep_default_na=False)
            kw = [(r["keyword"], r["sector"]) for _, r in kdf.iterrows() if r["keyword"]]
        return cls(by_section, names, kw)

    @property
    def slugs(self) -> set[str]:
        return set(self.by_section.values()) | set(NAMES_EXTRA) | {s for _, s in self.keywords}

    def sector_of(self, section: int, title: str = "") -> str:
        return self.by_section.get(int(section), FALLBACK)

    def sector_of_indicator(self, indicator: str) -> str:
        for kw, slug in self.keywords:
            if kw in indicator:
                return slug
        return FALLBACK

    def name_of(self, slug: str) -> str:
        return self.names.get(slug, slug)
