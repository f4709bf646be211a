"""Project paths and build-wide settings, in one place.

Every module and notebook asks this module where things live, so the layout can
change in one place. Paths can be redirected with environment variables (used by
the tests and by ``python -m greenlib clean --out``).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("GREENPLAN_ROOT", Path(__file__).resolve().parent.parent))

DATA = ROOT / "data"
RAW_DIR = DATA / "raw"
RAW_PLAN = RAW_DIR / "plan_raw.txt"
REFERENCE = DATA / "reference"
UNITS_REGISTRY = REFERENCE / "units.csv"
SECTORS_MAP = REFERENCE / "sectors.csv"
INDICATOR_SECTORS = REFERENCE / "indicator_sectors.csv"
CORRECTIONS = REFERENCE / "corrections.yaml"
INDICATOR_MAP = REFERENCE / "indicator_map.csv"
MONITORING = DATA / "monitoring"

NOTEBOOKS = ROOT / "notebooks"
PARAMS = ROOT / "params"

BUILD = ROOT / "build"
BUILD_DATA = Path(os.environ.get("GREENPLAN_BUILD_DATA", BUILD / "data"))
BUILD_NOTEBOOKS = BUILD / "notebooks"
BUILD_SITE = BUILD / "site"
BUILD_PDF = BUILD / "pdf"

#: The default "as of" date for progress ratings and "deadline passed" counts.
DEFAULT_AS_OF = "2026-11-25"
