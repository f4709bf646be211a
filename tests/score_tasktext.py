"""Score the annex task texts of a build against the hand reading (issue 9).

``tests/fixtures/annex_text_truth.csv`` holds the 97 task texts as they should read, typed
by hand. The score is the mean over tasks of ``rapidfuzz.fuzz.ratio`` (0–1 here), with
full-width and half-width punctuation mapped to one form first, so that ``，`` and ``,`` do
not count as a difference.

Printable on its own::

    python tests/score_tasktext.py build/qianjiang-2022-24/data [--worst 15] [--column text_ocr]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz

FIX = Path(__file__).parent / "fixtures"
TRUTH = FIX / "annex_text_truth.csv"

# full-width → half-width for punctuation (the letters and digits are mapped too, harmlessly)
_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_WIDTH |= {"\u3000": " ", "“": '"', "”": '"', "‘": "'", "’": "'", "。": ".", "、": ","}


def fold(text: str) -> str:
    """``text`` with every punctuation mark in one width."""
    return "".join(_WIDTH.get(c, c) for c in str(text))


def similarity(got: str, want: str) -> float:
    return fuzz.ratio(fold(got), fold(want)) / 100.0


def per_task(data_dir: str | Path, column: str = "text") -> pd.DataFrame:
    """One row per task of the hand reading: ``task_id, want, got, score``."""
    truth = pd.read_csv(TRUTH, keep_default_na=False)
    tasks = pd.read_csv(Path(data_dir) / "tasks.csv", keep_default_na=False)
    got = dict(zip(tasks["task_id"].astype(int), tasks[column].astype(str), strict=True))
    rows = []
    for r in truth.itertuples():
        g = got.get(int(r.task_id), "")
        rows.append({"task_id": int(r.task_id), "want": r.text, "got": g,
                     "score": similarity(g, r.text)})
    return pd.DataFrame(rows)


def score(data_dir: str | Path, column: str = "text") -> float:
    """Mean similarity (0–1) of the build's task texts to the hand reading."""
    return float(per_task(data_dir, column)["score"].mean())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir")
    ap.add_argument("--column", default="text")
    ap.add_argument("--worst", type=int, default=10)
    a = ap.parse_args(argv)
    df = per_task(a.data_dir, a.column)
    print(f"mean similarity ({a.column}): {df['score'].mean():.4f} over {len(df)} tasks; "
          f"exact {int((df['score'] == 1).sum())}")
    for r in df.sort_values("score").head(a.worst).itertuples():
        print(f"  {r.task_id:3d} {r.score:.3f}\n      got:  {r.got}\n      want: {r.want}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
