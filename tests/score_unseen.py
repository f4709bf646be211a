"""Score the target extractor on a folder of held-out plans with hand-typed expected targets.

A folder holds ``<name>.txt`` (a real plan excerpt) and ``<name>.targets.csv`` with columns
``indicator,value,unit,comparator,year`` and optionally ``value_high,note``
(tests/fixtures/unseen2/README.md describes the conventions).

Each text goes through ``greenlib.clean.pipeline.clean_document(read_plan(p), plan=None)``
(neutral reference data); every extracted target (any source) is compared with the expected rows.

Matching (one expected row ↔ at most one extracted row):
  same unit (both through ``to_simplified``; t ≡ 吨 as in 亿t标准煤), value within 1e-9, ``value_high`` too when the
  expected row has one and the output has that column, equal years when both have one, and
  ``fuzz.partial_ratio`` of the indicators (case-folded: gdp ≡ GDP) ≥ 60.

Measures, per file and overall:
  recall            expected rows matched / expected rows
  recall_comparator expected rows matched by a row with the same comparator / expected rows
  precision         extracted rows that match some expected row / extracted rows (a second
                    extraction of the same target, e.g. a target the text states twice, counts
                    as correct here)
  precision_1to1    extracted rows used by the one-to-one matching / extracted rows
  magnitude errors  extracted rows that match an expected row on indicator and year but whose
                    amount (value × unit prefix 万/亿/…) differs by a factor 10^k, k ≠ 0
A text greenlib refuses (``GreenlibError``) counts all its targets as missed.

    python tests/score_unseen.py tests/fixtures/unseen2 [--json out.json] [--misses]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz

from greenlib import contract
from greenlib.clean.ingest import read_plan, to_simplified
from greenlib.clean.pipeline import clean_document
from greenlib.errors import GreenlibError

INDICATOR_CUTOFF = 60
ALLOWED_COMPARATORS = {">=", "<=", "=", ">", "<", "increase_by", "reduce_by"}
EXPECTED_COLUMNS = ["indicator", "value", "unit", "comparator", "year", "value_high", "note"]
# unit prefixes, longest first, so that 万亿元 is read as 1e12 × 元
_PREFIXES = [("万亿", 1e12), ("亿", 1e8), ("万", 1e4), ("千", 1e3), ("百", 1e2)]


@dataclass
class FileScore:
    name: str
    expected: int
    extracted: int = 0
    matched: int = 0
    matched_comparator: int = 0
    extracted_correct: int = 0
    status: str = "ok"  # ok | refused | error
    message: str = ""
    magnitude_errors: list[dict] = field(default_factory=list)
    misses: list[dict] = field(default_factory=list)
    wrong_comparator: list[dict] = field(default_factory=list)
    false_positives: list[dict] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        return self.matched / self.expected if self.expected else None

    @property
    def recall_comparator(self) -> float | None:
        return self.matched_comparator / self.expected if self.expected else None

    @property
    def precision(self) -> float | None:
        return self.extracted_correct / self.extracted if self.extracted else None

    @property
    def precision_1to1(self) -> float | None:
        return self.matched / self.extracted if self.extracted else None

    def as_dict(self) -> dict:
        d = asdict(self)
        d.update(recall=self.recall, recall_comparator=self.recall_comparator,
                 precision=self.precision, precision_1to1=self.precision_1to1)
        return d


def _num(x) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _year(x) -> int | None:
    v = _num(x)
    return int(v) if v is not None else None


def _unit(x) -> str:
    """The unit compared: simplified script, and 吨 for its symbol t (亿t标准煤 ≡ 亿吨标准煤)."""
    v = "" if x is None or (isinstance(x, float) and math.isnan(x)) else str(x)
    return re.sub(r"(?<=[万亿])t|t(?=标准煤)", "吨", to_simplified(v).strip())


def _split_unit(unit: str) -> tuple[float, str]:
    for p, f in _PREFIXES:
        if unit.startswith(p) and len(unit) > len(p):
            return f, unit[len(p):]
    return 1.0, unit


def read_expected(path: Path) -> pd.DataFrame:
    """Expected rows with every column of EXPECTED_COLUMNS (value_high/note may be missing in old sets)."""
    df = pd.read_csv(path, dtype={"unit": str, "comparator": str, "note": str},
                     keep_default_na=False, na_values={"value": [""], "year": [""], "value_high": [""]})
    for c in EXPECTED_COLUMNS:
        if c not in df.columns:
            df[c] = float("nan") if c == "value_high" else ""
    return df[EXPECTED_COLUMNS]


def _indicator_score(a: str, b: str) -> float:
    """Similarity of two indicators in simplified script, case-folded (单位gdp能耗 ≡ 单位GDP能耗)."""
    return fuzz.partial_ratio(to_simplified(str(a)).casefold(), to_simplified(str(b)).casefold())


def _same_year(a, b) -> bool:
    ya, yb = _year(a), _year(b)
    return ya is None or yb is None or ya == yb


def _key_match(w: pd.Series, g: pd.Series, has_high: bool) -> bool:
    if _unit(w["unit"]) != _unit(g["unit"]):
        return False
    wv, gv = _num(w["value"]), _num(g["value"])
    if wv is None or gv is None or abs(wv - gv) > 1e-9:
        return False
    wh = _num(w.get("value_high"))
    if wh is not None and has_high:
        gh = _num(g.get("value_high"))
        if gh is None or abs(wh - gh) > 1e-9:
            return False
    if not _same_year(w["year"], g["year"]):
        return False
    return _indicator_score(w["indicator"], g["indicator"]) >= INDICATOR_CUTOFF


def _magnitude_error(w: pd.Series, g: pd.Series) -> int | None:
    """k when g's amount is 10^k × w's amount (k ≠ 0) with the same base unit, else None."""
    if not _same_year(w["year"], g["year"]):
        return None
    if _indicator_score(w["indicator"], g["indicator"]) < INDICATOR_CUTOFF:
        return None
    fw, bw = _split_unit(_unit(w["unit"]))
    fg, bg = _split_unit(_unit(g["unit"]))
    wv, gv = _num(w["value"]), _num(g["value"])
    if bw != bg or not wv or not gv:
        return None
    r = math.log10(abs(gv * fg) / abs(wv * fw))
    k = round(r)
    return k if k != 0 and abs(r - k) < 1e-6 else None


def _row(r: pd.Series) -> dict:
    keys = ["indicator", "value", "unit", "comparator", "year", "value_high", "source", "quote",
            "confidence", "rule"]
    out = {}
    for k in keys:
        if k in r.index:
            v = r[k]
            out[k] = None if isinstance(v, float) and math.isnan(v) else (
                v.item() if hasattr(v, "item") else v)
    return out


def score_tables(name: str, want: pd.DataFrame, got: pd.DataFrame) -> FileScore:
    """Compare expected rows with the extracted targets table of one text."""
    s = FileScore(name=name, expected=len(want), extracted=len(got))
    has_high = "value_high" in got.columns
    used: set[int] = set()
    correct: set[int] = set()
    for _, w in want.iterrows():
        cands = [j for j, g in got.iterrows() if _key_match(w, g, has_high)]
        correct.update(cands)
        free = [j for j in cands if j not in used]
        if not free:
            # closest extracted row by indicator and year, to help classify the miss
            near = None
            best = 0.0
            for _, g in got.iterrows():
                sc = _indicator_score(w["indicator"], g["indicator"])
                if sc > best and _same_year(w["year"], g["year"]):
                    best, near = sc, g
            s.misses.append({"expected": _row(w), "note": w["note"],
                             "nearest": _row(near) if near is not None and best >= INDICATOR_CUTOFF
                             else None})
            continue
        same_cmp = [j for j in free if got.loc[j, "comparator"] == w["comparator"]]
        pick = (same_cmp or sorted(free, key=lambda j: -_indicator_score(
            w["indicator"], got.loc[j, "indicator"])))[0]
        used.add(pick)
        s.matched += 1
        if got.loc[pick, "comparator"] == w["comparator"]:
            s.matched_comparator += 1
        else:
            s.wrong_comparator.append({"expected": _row(w), "got": _row(got.loc[pick])})
    s.extracted_correct = len(correct)
    for j, g in got.iterrows():
        if j in correct:
            continue
        s.false_positives.append(_row(g))
        for _, w in want.iterrows():
            k = _magnitude_error(w, g)
            if k is not None:
                s.magnitude_errors.append({"expected": _row(w), "got": _row(g), "factor_pow10": k})
                break
    return s


def score_file(txt: Path) -> FileScore:
    """Clean one text with greenlib and score its targets against ``<name>.targets.csv``."""
    name = txt.name[: -len(".txt")]
    want = read_expected(txt.with_name(name + ".targets.csv"))
    try:
        res = clean_document(read_plan(txt), plan=None)
    except GreenlibError as e:
        s = FileScore(name=name, expected=len(want), status="refused", message=str(e))
        s.misses = [{"expected": _row(w), "note": w["note"], "nearest": None} for _, w in want.iterrows()]
        return s
    except Exception as e:  # a crash must not hide the other files' scores
        s = FileScore(name=name, expected=len(want), status="error", message=f"{type(e).__name__}: {e}")
        s.misses = [{"expected": _row(w), "note": w["note"], "nearest": None} for _, w in want.iterrows()]
        return s
    got = res.tables[contract.TARGETS].reset_index(drop=True)
    return score_tables(name, want, got)


def _total(files: list[FileScore]) -> dict:
    tot = FileScore(name="ALL", expected=sum(f.expected for f in files))
    for f in files:
        tot.extracted += f.extracted
        tot.matched += f.matched
        tot.matched_comparator += f.matched_comparator
        tot.extracted_correct += f.extracted_correct
    return {**{k: v for k, v in tot.as_dict().items()
               if k not in ("magnitude_errors", "misses", "wrong_comparator",
                            "false_positives", "status", "message", "name")},
            "texts": len(files),
            "magnitude_errors": sum(len(f.magnitude_errors) for f in files),
            "refused": [f.name for f in files if f.status != "ok"]}


def _script(txt: Path) -> str:
    """'traditional' when more than 2% of the text's Han characters change under to_simplified."""
    text = txt.read_text(encoding="utf-8", errors="replace")
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    changed = sum(a != b for a, b in zip(text, to_simplified(text), strict=False) if "\u4e00" <= a <= "\u9fff")
    return "traditional" if han and changed / len(han) > 0.02 else "simplified"


def text_groups(folder: Path) -> dict[str, dict[str, str]]:
    """Each text's level and script: from ``index.csv`` (file,level,script) when the folder has one,
    else the level column of the README's file table and the script measured on the text."""
    out: dict[str, dict[str, str]] = {}
    index = folder / "index.csv"
    if index.exists():
        for r in pd.read_csv(index, dtype=str, keep_default_na=False).itertuples():
            out[r.file] = {"level": r.level, "script": r.script}
        return out
    levels: dict[str, str] = {}
    readme = folder / "README.md"
    if readme.exists():
        col = None
        for line in readme.read_text(encoding="utf-8").splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if "file" in cells and "level" in cells:
                col = cells.index("level")
                continue
            if col is not None and len(cells) > col and cells[0].startswith("`"):
                levels[cells[0].strip("`")] = cells[col]
    for txt in sorted(folder.glob("*.txt")):
        name = txt.name[: -len(".txt")]
        out[name] = {"level": levels.get(name, "?"), "script": _script(txt)}
    return out


def score_folder(folder: Path) -> dict:
    """Scores of every ``*.txt`` in ``folder``, the totals, and the totals by level and by script."""
    files = [score_file(p) for p in sorted(folder.glob("*.txt"))]
    groups = text_groups(folder)
    by: dict[str, dict[str, dict]] = {}
    for key in ("level", "script"):
        names = sorted({groups.get(f.name, {}).get(key, "?") for f in files})
        by[key] = {n: _total([f for f in files if groups.get(f.name, {}).get(key, "?") == n])
                   for n in names}
    return {
        "folder": str(folder),
        "overall": _total(files),
        "by_level": by["level"],
        "by_script": by["script"],
        "files": [f.as_dict() for f in files],
    }


def _fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.2f}"


def format_table(report: dict) -> str:
    lines = [f"{'file':38} {'exp':>4} {'got':>4} {'hit':>4} {'recall':>6} {'r_cmp':>6} "
             f"{'prec':>6} {'p1to1':>6} {'mag':>4}  status"]
    rows = report["files"] + [dict(report["overall"], name="ALL", status="",
                                   magnitude_errors=[None] * report["overall"]["magnitude_errors"])]
    for f in rows:
        lines.append(f"{f['name'][:38]:38} {f['expected']:4d} {f['extracted']:4d} {f['matched']:4d} "
                     f"{_fmt(f['recall']):>6} {_fmt(f['recall_comparator']):>6} {_fmt(f['precision']):>6} "
                     f"{_fmt(f['precision_1to1']):>6} {len(f['magnitude_errors']):4d}  {f.get('status', '')}")
    return "\n".join(lines)


def format_groups(report: dict) -> str:
    """The totals by level and by script, one line each."""
    lines = [f"{'group':24} {'texts':>5} {'exp':>4} {'got':>4} {'hit':>4} {'recall':>6} {'r_cmp':>6} "
             f"{'prec':>6} {'mag':>4}  refused"]
    for key in ("by_level", "by_script"):
        for name, g in report.get(key, {}).items():
            lines.append(f"{key[3:] + ':' + name:24} {g['texts']:5d} {g['expected']:4d} {g['extracted']:4d} "
                         f"{g['matched']:4d} {_fmt(g['recall']):>6} {_fmt(g['recall_comparator']):>6} "
                         f"{_fmt(g['precision']):>6} {g['magnitude_errors']:4d}  {len(g['refused'])}")
    return "\n".join(lines)


def format_misses(report: dict) -> str:
    out = []
    for f in report["files"]:
        for m in f["misses"]:
            e, n = m["expected"], m["nearest"]
            near = (f" | nearest: {n['indicator']} {n['value']} {n['unit']} {n['comparator']} {n['year']}"
                    if n else "")
            out.append(f"MISS {f['name']}: {e['indicator']} {e['value']} {e['unit']} {e['comparator']} "
                       f"{e['year']} ({m['note']}){near}")
        for m in f["wrong_comparator"]:
            out.append(f"CMP  {f['name']}: {m['expected']['indicator']} {m['expected']['value']} "
                       f"want {m['expected']['comparator']} got {m['got']['comparator']}")
        for g in f["false_positives"]:
            out.append(f"FP   {f['name']}: {g['indicator']} {g['value']} {g['unit']} {g['comparator']} "
                       f"{g['year']} «{str(g.get('quote', ''))[:60]}» [{g.get('rule', '')} "
                       f"{g.get('confidence', '')}]")
        for m in f["magnitude_errors"]:
            out.append(f"MAG  {f['name']}: want {m['expected']['value']} {m['expected']['unit']} got "
                       f"{m['got']['value']} {m['got']['unit']} (10^{m['factor_pow10']})")
        if f["status"] != "ok":
            out.append(f"REFUSED {f['name']}: {f['message']}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--json", type=Path, help="write the full report (with misses) as JSON")
    ap.add_argument("--misses", action="store_true", help="also print misses, false positives, …")
    a = ap.parse_args(argv)
    report = score_folder(a.folder)
    print(format_table(report))
    print(format_groups(report))
    if a.misses:
        print(format_misses(report))
    if a.json:
        a.json.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
