"""Held-out plans of the same genre (tests/fixtures/unseen, expected targets typed by hand).

The cleaner must find their main targets (≥ 80% over the set) with no plan-specific rules.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from rapidfuzz import fuzz

from greenlib import contract
from greenlib.clean.ingest import read_plan, to_simplified
from greenlib.clean.pipeline import clean_document

UNSEEN = Path(__file__).parent / "fixtures" / "unseen"
PLANS = sorted(UNSEEN.glob("*.txt"))


def _found(targets: pd.DataFrame, want: pd.DataFrame) -> list[bool]:
    main = targets[targets["source"] == "main_targets"]
    out = []
    for w in want.itertuples():
        ok = False
        for g in main.itertuples():
            if (g.unit == to_simplified(w.unit) and abs(g.value - w.value) < 1e-9
                    and (pd.isna(w.year) or (pd.notna(g.year) and int(g.year) == int(w.year)))
                    and fuzz.partial_ratio(g.indicator, to_simplified(w.indicator)) >= 60):
                ok = g.comparator == w.comparator
                break
        out.append(ok)
    return out


@pytest.fixture(scope="module")
def results() -> dict[str, list[bool]]:
    res = {}
    for p in PLANS:
        cleaned = clean_document(read_plan(p), use_corrections=False)
        want = pd.read_csv(p.with_suffix(".targets.csv"))
        res[p.stem] = _found(cleaned.tables[contract.TARGETS], want)
    return res


def test_there_are_held_out_plans():
    assert len(PLANS) >= 5


def test_main_targets_found_over_the_set(results):
    flat = [x for v in results.values() for x in v]
    assert sum(flat) / len(flat) >= 0.8, {k: f"{sum(v)}/{len(v)}" for k, v in results.items()}


@pytest.mark.parametrize("plan", [p.stem for p in PLANS])
def test_each_plan_yields_most_of_its_targets(results, plan):
    v = results[plan]
    assert sum(v) / len(v) >= 0.6, f"{plan}: {sum(v)}/{len(v)}"
