"""How well 原文识别存疑 (``text_doubtful``) marks the task texts that are still garbled (issue 9).

A task is *garbled* when its text, with punctuation removed, still differs from the hand reading
``tests/fixtures/annex_text_truth.csv`` (a character wrong, lost or extra), or when the hand
reading itself keeps garble it could not read (its note says UNSURE). Punctuation the hand
reading restored does not count. Every other task is *clean*.

Printable on its own::

    python tests/score_doubt.py build/qianjiang-2022-24/data
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

TRUTH = Path(__file__).parent / "fixtures" / "annex_text_truth.csv"

_NOT_TEXT = re.compile(r"[^\u3400-\u9fffA-Za-z0-9%.]")


def substance(text: str) -> str:
    """``text`` without punctuation and spaces: what a difference in substance is measured on."""
    return _NOT_TEXT.sub("", str(text))


def garbled_tasks(tasks: pd.DataFrame) -> set[int]:
    """Task ids whose text is still garbled according to the hand reading."""
    truth = pd.read_csv(TRUTH, keep_default_na=False)
    got = dict(zip(tasks["task_id"].astype(int), tasks["text"].astype(str), strict=True))
    return {int(r.task_id) for r in truth.itertuples()
            if substance(got.get(int(r.task_id), "")) != substance(r.text) or "UNSURE" in r.notes}


def confusion(tasks: pd.DataFrame) -> dict[str, list[int]]:
    """``caught`` (flagged ∩ garbled), ``missed`` (garbled, not flagged), ``false`` (flagged ∩ clean)."""
    garbled = garbled_tasks(tasks)
    flagged = {int(t) for t in tasks.loc[tasks["text_doubtful"].astype(str) == "True", "task_id"]}
    return {"caught": sorted(flagged & garbled), "missed": sorted(garbled - flagged),
            "false": sorted(flagged - garbled)}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    tasks = pd.read_csv(Path(argv[0]) / "tasks.csv", keep_default_na=False)
    c = confusion(tasks)
    n_garbled = len(c["caught"]) + len(c["missed"])
    print(f"garbled {n_garbled}, flagged∩garbled {len(c['caught'])}, "
          f"flagged∩clean {len(c['false'])} of {len(tasks) - n_garbled} clean")
    print("missed:", c["missed"])
    print("flagged clean:", c["false"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
