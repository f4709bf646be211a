"""The held-out sets tests/fixtures/unseen2, unseen3 and unseen4 are well formed (they score nothing: see
tests/score_unseen.py)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from tests.score_unseen import ALLOWED_COMPARATORS, EXPECTED_COLUMNS

SETS = [Path(__file__).parent / "fixtures" / name for name in ("unseen2", "unseen3", "unseen4")]
TEXTS = sorted(p for s in SETS for p in s.glob("*.txt"))


@pytest.mark.parametrize("folder", SETS, ids=[s.name for s in SETS])
def test_the_set_has_at_least_15_texts_each_with_its_csv(folder: Path):
    texts = sorted(folder.glob("*.txt"))
    assert len(texts) >= 15
    missing = [p.name for p in texts if not p.with_name(p.name[:-4] + ".targets.csv").exists()]
    assert not missing
    orphans = [p.name for p in folder.glob("*.targets.csv")
               if not p.with_name(p.name[: -len(".targets.csv")] + ".txt").exists()]
    assert not orphans


@pytest.mark.parametrize("txt", TEXTS, ids=[f"{p.parent.name}/{p.stem}" for p in TEXTS])
def test_expected_rows_are_well_formed(txt: Path):
    path = txt.with_name(txt.name[:-4] + ".targets.csv")
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == EXPECTED_COLUMNS
        rows = list(reader)
    for r in rows:
        assert None not in r and all(v is not None for v in r.values()), r  # no ragged row
        assert r["indicator"].strip(), r
        assert math.isfinite(float(r["value"])), r
        assert r["comparator"] in ALLOWED_COMPARATORS, r
        assert r["year"] == "" or 2000 <= int(r["year"]) <= 2100, r
        if r["value_high"]:
            assert float(r["value_high"]) > float(r["value"]), r


def test_texts_are_utf8_and_not_empty():
    for p in TEXTS:
        assert len(p.read_text(encoding="utf-8").strip()) > 100, p.name


def test_unseen4_index_names_every_text_with_its_level_and_script():
    folder = Path(__file__).parent / "fixtures" / "unseen4"
    with (folder / "index.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["file"] for r in rows} == {p.stem for p in folder.glob("*.txt")}
    assert {r["level"] for r in rows} <= {"county", "district", "city", "province", "national"}
    assert {r["script"] for r in rows} <= {"simplified", "traditional"}
    assert all(r["source"].startswith("http") for r in rows)
    assert sum(r["level"] in ("county", "district") for r in rows) >= 14
