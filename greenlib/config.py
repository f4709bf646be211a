"""Where things live, and the library's defaults for any plan.

The place lives in the data (``plans/<plan-id>/plan.yaml``, read by :mod:`greenlib.plan`);
this module only holds the folder layout and the defaults a plan may override, as
open-sdg/sdg-build does with ``config.get('base_year', 2015)``. Paths can be redirected
with environment variables (used by the tests).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

ROOT = Path(os.environ.get("GREENPLAN_ROOT", Path(__file__).resolve().parent.parent))

#: One folder per plan: plan.yaml, raw/, reference/, monitoring/, params/, progress/.
PLANS = Path(os.environ.get("GREENPLAN_PLANS", ROOT / "plans"))
#: The file naming the default plan (``default: <plan-id>``).
PLANS_INDEX = PLANS / "plans.yaml"
#: Report notebooks, shared by every plan (each plan's params/ picks one per report).
NOTEBOOKS = ROOT / "notebooks"
#: Everything generated: ``build/<plan-id>/{data,site,pdf,notebooks,...}`` and ``build/index.html``.
BUILD = Path(os.environ.get("GREENPLAN_BUILD", ROOT / "build"))

#: Library defaults; a plan's plan.yaml overrides any of them.
DEFAULTS: dict[str, Any] = {
    "level": "区县",
    "scope_name": "全域",
    "geo": None,              # no geo: no figure can rate a target (all figures are context)
    "context_geos": [],
    "period": None,
    "base_year": 2020,        # the 14th five-year period is measured from 2020 figures
    # Five-year periods by their usual names → the year they end (national calendar).
    "named_periods": {"十一五": 2010, "十二五": 2015, "十三五": 2020, "十四五": 2025,
                      "十五五": 2030},
    "vision_year": None,
    "as_of": None,            # None: today
    "parent": None,
    # 编制单位 on the assessment's cover; None: the plan's issuer (the government that answers
    # for the plan's implementation)
    "compiler": None,
    "raw": "raw/plan_raw.txt",
    "annex": None,            # None: found in the text or not
    "max_parts": 10,          # annex parts (一、…十、) a plan may have
    "reporting_cycle_days": 183,  # a department's return older than this is stale
    # A plan whose annex is cut off or skips task numbers is refused unless accepted here,
    # with the reason ("only pages 1-12 were obtained"); see greenlib/clean/completeness.py.
    "accept_incomplete": None,
}


def today() -> str:
    """Today's date as ISO text (the default as-of date of a plan that names none)."""
    return dt.date.today().isoformat()
