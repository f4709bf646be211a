"""The monitor stage's API with the district plan's settings filled in, for the tests.

The old single module ``greenlib.monitoring`` read its geo and file locations from code; now a
plan says them (plans/qianjiang-2022-24/plan.yaml). The tests that were written against the old
module keep their bodies and call these thin wrappers, which pass the plan's settings explicitly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from greenlib import plan as plan_mod
from greenlib.monitor import indicator_map as im
from greenlib.monitor import observations as ob
from greenlib.monitor import rating, readers
from greenlib.monitor import template as tp

PLAN = plan_mod.load("qianjiang-2022-24")
MAP = PLAN.indicator_map
MONITORING = PLAN.monitoring
AS_OF = PLAN.as_of


class monitoring:
    MAP_COLUMNS = im.MAP_COLUMNS
    TEMPLATE_SHEET = tp.TEMPLATE_SHEET
    OBS_OUT_COLUMNS = ob.OBS_OUT_COLUMNS
    partial_year_from_text = staticmethod(readers.partial_year_from_text)
    read_targets = staticmethod(im.read_targets)

    @staticmethod
    def load_indicator_map(targets: pd.DataFrame, path: Path | None = MAP) -> pd.DataFrame:
        return im.load_indicator_map(targets, path)

    @staticmethod
    def load_observations(path: Path | None, *, targets: pd.DataFrame | None = None,
                          indicator_map: Path | None = MAP) -> pd.DataFrame:
        return ob.load_observations(path, targets=targets, indicator_map=indicator_map,
                                    geos=PLAN.known_geos, overrides=PLAN.plausibility_overrides)

    @staticmethod
    def observed_for_targets(targets: pd.DataFrame, observations: pd.DataFrame, *,
                             indicator_map: pd.DataFrame | None = None,
                             geo: str | None = PLAN.geo) -> pd.DataFrame:
        imap = indicator_map if indicator_map is not None else im.load_indicator_map(targets, MAP)
        return ob.observed_for_targets(targets, observations, indicator_map=imap, geo=geo)

    @staticmethod
    def check(path: Path | None, *, targets: Any, indicator_map: Path | None = MAP) -> None:
        ob.check(path, targets=targets, indicator_map=indicator_map, geo=PLAN.geo,
                 geos=PLAN.known_geos, overrides=PLAN.plausibility_overrides)

    @staticmethod
    def write_template(out: Path, targets: Any = None) -> Path:
        if targets is None:
            targets = PLAN.build().data
        return tp.write_template(out, targets, PLAN.geo, PLAN.known_geos)


class status:
    THRESHOLDS = rating.THRESHOLDS
    STATUS_LABELS = rating.STATUS_LABELS
    RULE_TEXT = rating.rule_text(PLAN.geo, PLAN.base_year, "、".join(PLAN.context_geos))

    @staticmethod
    def build_status(targets: pd.DataFrame, as_of: Any = None,
                     observations: pd.DataFrame | None = None, geo: str | None = PLAN.geo
                     ) -> pd.DataFrame:
        if observations is None:
            observations = ob.load_observations(MONITORING, targets=targets, indicator_map=MAP,
                                                geos=PLAN.known_geos)
        imap = im.load_indicator_map(targets, MAP)
        return rating.build_status(targets, as_of, observations, geo, indicator_map=imap,
                                   base_year=PLAN.base_year)
