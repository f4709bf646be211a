"""The assessment's numbers, computed once: every target's 评估结论 (conclusion), data age,
attribute and progress, and the table of counts (``summary.csv``) every report prints.

National mid-term and final reviews of five-year plans sort targets into 提前实现 / 快于预期 /
基本符合预期 / 滞后 / 未实现 (plus 暂无数据 where no figure rates them). The mapping from the
Open SDG rating (:mod:`.rating`) is :func:`conclusion`; its thresholds live in
:mod:`.rating` (``THRESHOLDS``, ``FASTER_RATIO``). The report stage reads the counts from
``summary.csv`` and the per-target columns from ``status.csv``; it never counts again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from .. import contract, labels
from .rating import FASTER_RATIO

#: Library default: indicators that national five-year plans mark 约束性 (binding), matched
#: as substrings of a target's indicator. Anything else is left unmarked (not known).
BINDING_FILE = "defaults/binding_indicators.csv"
#: A rating resting on a figure this many years older than the as-of year is flagged.
OLD_DATA_YEARS = 2
#: Goals assigned from above (完成市上下达的…目标): a number set by the parent government.
ASSIGNED_GOAL = re.compile(r"上(?:级)?下达|下达的")


def _binding_keywords() -> list[str]:
    f = resources.files("greenlib").joinpath(BINDING_FILE)
    rows = csv.DictReader(io.StringIO(f.read_text(encoding="utf-8")))
    return [r["keyword"].strip() for r in rows if (r.get("keyword") or "").strip()]


def _passed(year: Any, as_of: str) -> bool:
    if year is None or pd.isna(year):
        return False
    return dt.date(int(year), 12, 31) < dt.date.fromisoformat(as_of)


def conclusion(status: str, year: Any, as_of: str, ratio: Any = None) -> str:
    """A target's 评估结论 code (:data:`contract.CONCLUSIONS`) from its rating.

    achieved before the end of its target year → ahead; achieved later → as_expected;
    on track with a progress ratio of at least :data:`.rating.FASTER_RATIO` → faster, else
    as_expected; off track → behind; overdue → unmet; no data → no_data.
    """
    if status == "achieved":
        return "as_expected" if _passed(year, as_of) else "ahead"
    if status == "on_track":
        fast = ratio is not None and not pd.isna(ratio) and float(ratio) >= FASTER_RATIO
        return "faster" if fast else "as_expected"
    return {"off_track": "behind", "overdue": "unmet"}.get(str(status), "no_data")


def conclusion_rules() -> dict[str, str]:
    """How each 评估结论 is reached, in words (monitor.json ``conclusion_rules``)."""
    fast = f"{FASTER_RATIO:g}"
    return {k: labels.CONCLUSION_RULE[k].format(fast=fast) for k in labels.CONCLUSION}


def progress_pct(r: pd.Series) -> float | None:
    """完成进度 (%): the share of the way from the baseline to the target level covered by
    the latest figure; None without a baseline, a latest figure or a distance to cover."""
    base, latest = r.get("baseline_value"), r.get("latest_value")
    level = r.get("target_level")
    if level is None or pd.isna(level):
        level = r.get("target_value")
    if any(v is None or pd.isna(v) for v in (base, latest, level)) or float(level) == float(base):
        return None
    return round((float(latest) - float(base)) / (float(level) - float(base)) * 100, 1)


def annotate(status: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """``status`` with ``conclusion``, ``data_age`` (years between the latest rated figure
    and the as-of year), ``old_data``, ``attribute`` (binding where known) and
    ``progress_pct`` added after its other columns."""
    out = status.copy()
    year = int(as_of[:4])
    out["conclusion"] = [conclusion(st, y, as_of, r) for st, y, r in zip(
        out["status"], out["target_year"], out.get("progress_ratio", pd.Series(index=out.index)),
        strict=True)]
    age = [None if pd.isna(y) else year - int(y) for y in out["latest_year"]]
    out["data_age"] = pd.array(age, dtype="Int64")
    out["old_data"] = [a is not None and a >= OLD_DATA_YEARS and c != "no_data"
                       for a, c in zip(age, out["conclusion"], strict=True)]
    keys = _binding_keywords()
    out["attribute"] = ["binding" if any(k in str(i) for k in keys) else ""
                        for i in out["indicator"]]
    out["progress_pct"] = [progress_pct(r) for _, r in out.iterrows()]
    return out


def assigned_goals(goals: pd.DataFrame | None) -> pd.DataFrame:
    """The main goals whose number is assigned from above (完成市上下达的…目标)."""
    if goals is None or goals.empty:
        return pd.DataFrame(columns=["goal_id", "year", "text"])
    mask = goals["text"].astype(str).str.contains(ASSIGNED_GOAL)
    return goals.loc[mask, ["goal_id", "year", "text"]].reset_index(drop=True)


#: ``reference/assigned_targets.csv``: the number assigned from above for a goal of the
#: plan (完成市上下达的…目标), one row per number, signed by whoever checked the document.
ASSIGNED_COLUMNS = ["goal_id", "indicator", "comparator", "value", "unit", "year",
                    "assigned_by", "reviewed_by"]


def read_assigned(path: Path, goals: pd.DataFrame | None) -> pd.DataFrame:
    """The assigned numbers as targets (``target_id`` = ``<goal_id>-<n>``), rated like the
    plan's own once monitoring figures for their indicator exist; empty without the file.

    A bad row is refused with file, row and field named; the other rows are kept.
    """
    from ..errors import InputError

    cols = ["target_id", "goal_id", "indicator", "value", "unit", "comparator", "year",
            "assigned_by", "sector", "source", "task_ids", "quote"]
    if not path.exists():
        return pd.DataFrame(columns=cols)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing_cols = [c for c in ASSIGNED_COLUMNS if c not in df.columns]
    if missing_cols:
        raise InputError(f"{path}: 缺少列 {'、'.join(missing_cols)}（应有 {', '.join(ASSIGNED_COLUMNS)}）")
    known = set(assigned_goals(goals)["goal_id"])
    rows, problems, seq = [], [], {}
    for i, r in enumerate(df.to_dict("records"), start=2):
        where = f"{path.name} 第 {i} 行"
        if r["goal_id"] not in known:
            problems.append(f"{where} goal_id：{r['goal_id']!r} 不是本规划由上级下达数值的主要目标"
                            f"（可用：{'、'.join(sorted(known)) or '无'}）")
            continue
        if r["comparator"] not in contract.COMPARATORS:
            problems.append(f"{where} comparator：{r['comparator']!r} 应为 {', '.join(contract.COMPARATORS)}")
            continue
        try:
            value, year = float(r["value"]), int(r["year"])
        except ValueError:
            problems.append(f"{where} value/year：{r['value']!r}/{r['year']!r} 不是数字")
            continue
        if not r["reviewed_by"].strip():
            problems.append(f"{where} reviewed_by：下达数值须经核对并签名")
            continue
        seq[r["goal_id"]] = seq.get(r["goal_id"], 0) + 1
        rows.append({"target_id": f"{r['goal_id']}-{seq[r['goal_id']]}", "goal_id": r["goal_id"],
                     "indicator": r["indicator"].strip(), "value": value, "unit": r["unit"].strip(),
                     "comparator": r["comparator"], "year": year, "assigned_by": r["assigned_by"],
                     "sector": "overall", "source": "assigned", "task_ids": "", "quote": ""})
    if problems:
        raise InputError("；".join(problems))
    return pd.DataFrame(rows, columns=cols)


def assigned_records(goals: pd.DataFrame | None, assigned: pd.DataFrame,
                     rated: pd.DataFrame) -> list[dict[str, Any]]:
    """monitor.json ``assigned_goals``: each goal assigned from above with its numbers and
    their 评估结论 (``rated``: :func:`annotate` d status rows of the assigned numbers);
    a goal without a number is pending (待补充)."""
    out = []
    by = rated.set_index("target_id") if len(rated) else None
    for g in assigned_goals(goals).to_dict("records"):
        nums = assigned[assigned["goal_id"] == g["goal_id"]]
        items = []
        for t in nums.to_dict("records"):
            r = by.loc[t["target_id"]] if by is not None and t["target_id"] in by.index else None
            items.append({**{k: t[k] for k in ("target_id", "indicator", "comparator", "value",
                                               "unit", "year", "assigned_by")},
                          "status": None if r is None else r["status"],
                          "conclusion": "no_data" if r is None else r["conclusion"],
                          "latest_value": None if r is None or pd.isna(r["latest_value"])
                          else float(r["latest_value"]),
                          "latest_year": None if r is None or pd.isna(r["latest_year"])
                          else int(r["latest_year"])})
        pending = not items or all(i["conclusion"] == "no_data" for i in items)
        out.append({**g, "numbers": items, "pending": pending})
    return out


def _rows(measure: str, codes: list[str], values: pd.Series) -> list[dict[str, Any]]:
    counts = values.astype(str).value_counts()
    seen = list(dict.fromkeys([*codes, *counts.index]))  # a new code still gets its row
    return [{"measure": measure, "key": k, "n": int(counts.get(k, 0))} for k in seen]


def summary_table(status: pd.DataFrame, task_status: pd.DataFrame | None,
                  returns: pd.DataFrame | None, assigned: list[dict[str, Any]],
                  alignment: pd.DataFrame | None) -> pd.DataFrame:
    """Every count the assessment prints, as rows ``measure, key, n`` (``summary.csv``).

    ``status`` must be :func:`annotate` d. Keys listed in :mod:`greenlib.labels` always get a
    row (0 when absent); a code found in the data but not in labels gets one too.
    """
    rows: list[dict[str, Any]] = [{"measure": "targets", "key": "total", "n": len(status)}]
    rows += _rows("target_conclusion", list(labels.CONCLUSION), status["conclusion"])
    rows += _rows("target_status", list(labels.STATUS), status["status"])
    if "light" in status.columns:
        rows += _rows("target_light", list(labels.LIGHT), status["light"])
    rows.append({"measure": "targets", "key": "old_data", "n": int(status["old_data"].sum())})
    rows.append({"measure": "targets", "key": "binding",
                 "n": int((status["attribute"] == "binding").sum())})
    ts = task_status if task_status is not None else pd.DataFrame(columns=["status", "light"])
    rows.append({"measure": "tasks", "key": "total", "n": len(ts)})
    rows += _rows("task_status", list(labels.TASK_STATUS), ts["status"])
    rows += _rows("task_light", list(labels.LIGHT), ts["light"])
    unreported = int((ts["status"].astype(str) == "no_report").sum())
    rows += [{"measure": "task_report", "key": "reported", "n": len(ts) - unreported},
             {"measure": "task_report", "key": "unreported", "n": unreported}]
    if len(ts) and "lead_unit" in ts.columns:
        lead = ts["lead_unit"].fillna("").astype(str)
        silent = lead[ts["status"].astype(str) == "no_report"]
        rows += [{"measure": "units", "key": "lead", "n": int(lead[lead != ""].nunique())},
                 {"measure": "units", "key": "reported",
                  "n": int(lead[(lead != "") & ~lead.isin(set(silent))].nunique())}]
    r = returns if returns is not None else pd.DataFrame(columns=["accepted"])
    ok = r["accepted"].astype(str).isin(["True", "true", "1"])
    rows += [{"measure": "returns", "key": "rows", "n": len(r)},
             {"measure": "returns", "key": "accepted", "n": int(ok.sum())},
             {"measure": "returns", "key": "refused", "n": int((~ok).sum())}]
    pending = sum(1 for g in assigned if g["pending"])
    rows += [{"measure": "assigned_goals", "key": "total", "n": len(assigned)},
             {"measure": "assigned_goals", "key": "pending", "n": pending},
             {"measure": "assigned_goals", "key": "rated", "n": len(assigned) - pending}]
    if alignment is not None and not alignment.empty:
        rows += _rows("alignment", list(labels.ALIGNMENT), alignment["alignment"])
        mine = dict(zip(status["target_id"].astype(str), status["conclusion"], strict=True))
        theirs = alignment.get("parent_conclusion", pd.Series("", index=alignment.index))
        both = [mine.get(str(t), "no_data") != "no_data" and str(p) not in ("", "nan", "no_data")
                for t, p in zip(alignment["target_id"], theirs.fillna(""), strict=True)]
        rows.append({"measure": "parent", "key": "both_rated", "n": int(sum(both))})
    return pd.DataFrame(rows, columns=contract.REQUIRED_COLUMNS[contract.SUMMARY])


def parent_ratings(alignment: pd.DataFrame, parent_status: Path) -> pd.DataFrame:
    """``alignment`` with the parent target's rating and conclusion (``parent_status``,
    ``parent_conclusion``) from the parent plan's ``status.csv`` when it exists."""
    out = alignment.copy()
    out["parent_status"], out["parent_conclusion"] = "", ""
    if not parent_status.exists():
        return out
    ps = pd.read_csv(parent_status, dtype={"target_id": "string"}, keep_default_na=False,
                     na_values=[""])
    if "conclusion" not in ps.columns:
        return out
    by = ps.set_index("target_id")
    pid = out["parent_target_id"].astype("string").fillna("")
    out["parent_status"] = [str(by["status"].get(p, "")) if p else "" for p in pid]
    out["parent_conclusion"] = [str(by["conclusion"].get(p, "")) if p else "" for p in pid]
    return out
