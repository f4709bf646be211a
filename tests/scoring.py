"""Score build/data against the hand-checked fixtures (tests/fixtures/*_truth.csv).

Used by the tests and printable on its own: ``python tests/scoring.py build/data``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz

FIX = Path(__file__).parent / "fixtures"


def score_tasks(data_dir: Path) -> dict[str, float]:
    truth = pd.read_csv(FIX / "annex_truth.csv", dtype={"units": str}, keep_default_na=False)
    tasks = pd.read_csv(data_dir / "tasks.csv")
    tu = pd.read_csv(data_dir / "task_units.csv")
    got = {tid: list(g.sort_values("position")["unit"]) for tid, g in tu.groupby("task_id")}
    tp = fp = fn = exact = lead_ok = structure_ok = 0
    for _, r in truth.iterrows():
        tid = int(r["task_id"])
        want = [u for u in r["units"].split(";") if u]
        have = got.get(tid, [])
        tp += len(set(want) & set(have))
        fp += len(set(have) - set(want))
        fn += len(set(want) - set(have))
        exact += set(want) == set(have)
        lead_ok += (want[:1] == have[:1])
        row = tasks[tasks["task_id"] == tid]
        structure_ok += bool(len(row)) and int(row["part"].iloc[0]) == int(r["part"]) and int(
            row["section"].iloc[0]) == int(r["section"])
    p = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    return {"tasks": len(tasks), "structure_ok": structure_ok, "pairs_f1": 2 * p * rc / (p + rc),
            "exact_sets": exact, "lead_ok": lead_ok}


def _target_key_match(t: pd.Series, g: pd.Series) -> bool:
    if t["unit"] != g["unit"] or abs(float(t["value"]) - float(g["value"])) > 1e-9:
        return False
    ty, gy = str(t["year"]).split(".")[0], str(g["year"]).split(".")[0]
    if ty not in ("", "nan", "<NA>") and gy not in ("", "nan", "<NA>") and ty != gy:
        return False
    return fuzz.partial_ratio(str(t["indicator"]), str(g["indicator"])) >= 60


def score_targets(data_dir: Path) -> dict[str, float]:
    truth = pd.read_csv(FIX / "targets_truth.csv", keep_default_na=False)
    got = pd.read_csv(data_dir / "targets.csv", keep_default_na=False)
    matched_truth = set()
    matched_got = set()
    for i, t in truth.iterrows():
        for j, g in got.iterrows():
            if j not in matched_got and _target_key_match(t, g):
                matched_truth.add(i)
                matched_got.add(j)
                break
    return {"recall": len(matched_truth) / len(truth), "precision": len(matched_got) / max(len(got), 1),
            "missed": [truth.loc[i, "quote"] for i in truth.index if i not in matched_truth],
            "extra": [got.loc[j, "quote"] for j in got.index if j not in matched_got]}


if __name__ == "__main__":
    d = Path(sys.argv[1] if len(sys.argv) > 1 else "build/data")
    print(score_tasks(d))
    print(score_targets(d))
