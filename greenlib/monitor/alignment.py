"""Vertical alignment (上下衔接): each target of a plan beside its parent plan's target on the
same indicator — is the lower level's commitment stricter, equal, looser, or missing?

Pairs come from data, so an analyst can review them: first the plan's
``reference/alignment.csv`` (columns indicator, parent_indicator, comparable, note,
reviewed_by; an empty parent_indicator says the parent has no such target; comparable 否
marks a related indicator measured differently), then identical indicator wording.
Nothing is matched fuzzily.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from .. import contract, guards
from ..errors import InputError

#: Words of indicators where less is better (a lower target value is the stricter one).
LOWER_IS_BETTER = ("能耗", "排放", "浓度", "强度", "用水量", "耗", "污染", "下降", "降低")

_KEY_DROP = re.compile(r"[\s（）()“”\"'、，,。:：]")


def _key(text: str) -> str:
    return _KEY_DROP.sub("", unicodedata.normalize("NFKC", str(text)))


def read_pairs(path: Path | None) -> dict[str, str | None]:
    """indicator → parent indicator (None: reviewed, the parent has none) from alignment.csv.

    A pair marked ``comparable: 否`` maps to ``"!" + parent indicator`` (shown, never compared)."""
    if path is None or not path.exists():
        return {}
    df = guards.read_plan_csv(Path(path), dtype=str, keep_default_na=False)
    need = {"indicator", "parent_indicator", "reviewed_by"}
    missing = need - set(df.columns)
    if missing:
        raise InputError(f"{path}: 缺少列 {', '.join(sorted(missing))}（需要 indicator, "
                         "parent_indicator, note, reviewed_by）")
    out: dict[str, str | None] = {}
    for i, r in df.iterrows():
        if not r["indicator"].strip():
            raise InputError(f"{path}: 第 {int(i) + 2} 行，字段 indicator：为空")
        if not r["reviewed_by"].strip():
            raise InputError(f"{path}: 第 {int(i) + 2} 行，字段 reviewed_by：对照须经人复核并署名")
        parent = r["parent_indicator"].strip() or None
        if parent and r.get("comparable", "").strip() in ("否", "no", "false", "0"):
            parent = "!" + parent
        out[r["indicator"].strip()] = parent
    return out


def _direction(indicator: str, comparators: set[str]) -> int:
    """+1 when a higher value is the stricter commitment, -1 when a lower one is."""
    if comparators & {"<=", "<"}:
        return -1
    if comparators & {"increase_by", "reduce_by"}:
        return 1  # a larger change in the stated direction is stricter
    return -1 if any(w in indicator for w in LOWER_IS_BETTER) else 1


def compare(own: pd.Series, parent: pd.Series | None) -> str:
    """stricter / equal / looser / missing / not_comparable."""
    if parent is None:
        return "missing"
    kind = {"increase_by", "reduce_by"}
    if own["unit"] != parent["unit"] or ((own["comparator"] in kind) != (parent["comparator"] in kind)):
        return "not_comparable"
    if own["comparator"] in kind and own["comparator"] != parent["comparator"]:
        return "not_comparable"
    a, b = float(own["value"]), float(parent["value"])
    if abs(a - b) < 1e-9:
        return "equal"
    d = _direction(str(own["indicator"]), {own["comparator"], parent["comparator"]})
    return "stricter" if (a - b) * d > 0 else "looser"


COLUMNS = contract.REQUIRED_COLUMNS[contract.ALIGNMENT]


def align(targets: pd.DataFrame, parent_targets: pd.DataFrame, parent_id: str,
          pairs: dict[str, str | None]) -> pd.DataFrame:
    """One row per target of the plan, with the parent's target on the same indicator."""
    by_text: dict[str, list[pd.Series]] = {}
    by_key: dict[str, list[pd.Series]] = {}
    for _, p in parent_targets.iterrows():
        by_text.setdefault(str(p["indicator"]), []).append(p)
        by_key.setdefault(_key(p["indicator"]), []).append(p)
    rows = []
    for _, t in targets.iterrows():
        ind = str(t["indicator"])
        cands: list[pd.Series] = []
        how = ""
        blocked = False
        if ind in pairs:
            wanted = pairs[ind]
            if wanted is not None:
                blocked = wanted.startswith("!")
                cands = by_text.get(wanted.lstrip("!"), [])
                how = ("对照表：口径不同" if blocked else "对照表") if cands else \
                    "对照表（上级规划中未找到该指标）"
            else:
                how = "对照表：上级无此指标"
        elif _key(ind) in by_key:
            cands, how = by_key[_key(ind)], "指标名称相同"
        # the parent's target for the same year if it has one, else its latest
        same_year = [c for c in cands if pd.notna(c["year"]) and pd.notna(t["year"])
                     and int(c["year"]) == int(t["year"])]
        p = (same_year or sorted(cands, key=lambda c: -1 if pd.isna(c["year"]) else int(c["year"]))
             [-1:] or [None])[0]
        rows.append({
            "target_id": t["target_id"], "indicator": ind, "value": t["value"], "unit": t["unit"],
            "comparator": t["comparator"], "year": t["year"], "parent_plan": parent_id,
            "parent_target_id": None if p is None else p["target_id"],
            "parent_indicator": None if p is None else p["indicator"],
            "parent_value": None if p is None else p["value"],
            "parent_unit": None if p is None else p["unit"],
            "parent_comparator": None if p is None else p["comparator"],
            "parent_year": None if p is None else p["year"],
            "alignment": "not_comparable" if blocked and p is not None else compare(t, p),
            "match": how or "未匹配",
        })
    df = pd.DataFrame(rows, columns=COLUMNS)
    for c in ("year", "parent_year"):
        df[c] = pd.array(pd.to_numeric(df[c], errors="coerce"), dtype="Int64")
    return df
