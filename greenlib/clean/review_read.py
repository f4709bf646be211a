"""Reading the analyst's filled review book (``plans/<plan-id>/reference/targets_review.xlsx``).

:func:`read_book` returns the decisions (确认/修改/删除 with the new values or text) and every
invalid one, named by sheet and cell, so :mod:`greenlib.clean.review` applies the valid ones
and reports the rest (docs/assumptions.md V3–V5). Columns are found by their headers
(``labels.REVIEW_TARGET_HEADERS`` / ``REVIEW_TASK_HEADERS``), the same the book is written with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import labels

#: the comparators' Chinese words (the book's dropdown) → codes
_COMPARATORS = {v: k for k, v in labels.COMPARATOR.items()}
_DECISIONS = {v: k for k, v in labels.REVIEW_DECISION.items()}


@dataclass
class Decision:
    sheet: str
    row: int
    key: str
    decision: str  # confirm | correct | reject
    values: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    used: bool = False


def _cell(letter: str, row: int) -> str:
    return f"{letter}{row}"


@dataclass
class _Sheet:
    """One sheet of the book being read: its columns by key, and where problems go."""

    book: str
    name: str
    headers: dict[str, str]
    index: dict[str, int | None]
    letters: dict[str, str]
    problems: list[dict[str, Any]]

    def get(self, r: tuple, k: str) -> Any:
        i = self.index.get(k)
        v = r[i] if i is not None and i < len(r) else None
        return v.strip() if isinstance(v, str) else v

    def bad(self, k: str, n: int, key: Any, why: str) -> None:
        cell = _cell(self.letters.get(k, "?"), n)
        self.problems.append({"sheet": self.name, "cell": cell, "key": key, "detail": (
            f"{self.book}，工作表“{self.name}”，单元格 {cell}：{why}；此行未采用")})


def _target_values(sh: _Sheet, r: tuple, n: int, key: Any, d: Decision) -> bool:
    """A 修改 row's new value, unit, comparator and year into ``d``; False when one is invalid."""
    ok = True
    if (v := sh.get(r, "new_value")) not in (None, ""):
        try:
            d.values["value"] = float(str(v).replace(",", "").replace("，", ""))
        except ValueError:
            sh.bad("new_value", n, key, f"“{v}”不是数字（只填数字，单位填在“改为单位”）")
            ok = False
    if (v := sh.get(r, "new_unit")) not in (None, ""):
        d.values["unit"] = "" if str(v) in ("无", "—", "-") else str(v)
    if (v := sh.get(r, "new_comparator")) not in (None, ""):
        if str(v) in _COMPARATORS:
            d.values["comparator"] = _COMPARATORS[str(v)]
        else:
            sh.bad("new_comparator", n, key,
                   f"“{v}”不是可选的比较方式（{'、'.join(labels.COMPARATOR.values())}）")
            ok = False
    if (v := sh.get(r, "new_year")) not in (None, ""):
        try:
            y = int(float(str(v)))
            if not 1990 <= y <= 2100:
                raise ValueError
            d.values["year"] = y
        except ValueError:
            sh.bad("new_year", n, key, f"“{v}”不是 1990—2100 之间的年份")
            ok = False
    if ok and not d.values:
        sh.bad("decision", n, key, "选择了“修改”，但没有填写改为的数值、单位、比较方式或年份")
        ok = False
    return ok


def _read_sheet(sh: _Sheet, rows: list[tuple]) -> list[Decision]:
    """The decisions of one sheet's rows (a row without a decision is still to decide)."""
    target = sh.name == labels.REVIEW_TARGET_SHEET
    allowed = [labels.REVIEW_DECISION[k] for k in (("confirm", "correct", "reject") if target
                                                   else ("confirm", "correct"))]
    out = []
    for n, r in enumerate(rows, start=2):
        word, key = sh.get(r, "decision"), sh.get(r, "key")
        if word in (None, ""):
            continue
        if word not in allowed:
            sh.bad("decision", n, key, f"“{word}”不是可选的处理（{'、'.join(allowed)}）")
            continue
        if not key:
            sh.bad("key", n, key, f"有处理但“{sh.headers['key']}”为空（请勿改动灰色列）")
            continue
        d = Decision(sh.name, n, str(key), _DECISIONS[word], note=str(sh.get(r, "note") or ""))
        if d.decision == "correct" and not target:
            if not (text := sh.get(r, "new_text")):
                sh.bad("new_text", n, key, f"选择了“修改”，但“{sh.headers['new_text']}”为空")
                continue
            d.values["text"] = str(text)
        elif d.decision == "correct" and not _target_values(sh, r, n, key, d):
            continue
        out.append(d)
    return out


def read_book(path: Path | None) -> tuple[list[Decision], list[dict[str, Any]]]:
    """The decisions of a filled review book, and every invalid one (sheet, cell, why)."""
    if path is None or not Path(path).exists():
        return [], []
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    name = f"{Path(path).parent.name}/{Path(path).name}"
    try:
        wb = load_workbook(path, data_only=True, read_only=True)
    except Exception as e:  # openpyxl raises several kinds for a broken file
        return [], [{"sheet": "", "cell": "", "detail": f"{name}: 无法作为 .xlsx 读取（{e}）"}]
    out: list[Decision] = []
    problems: list[dict[str, Any]] = []
    for sheet, headers in ((labels.REVIEW_TARGET_SHEET, labels.REVIEW_TARGET_HEADERS),
                           (labels.REVIEW_TASK_SHEET, labels.REVIEW_TASK_HEADERS)):
        if sheet not in wb.sheetnames:
            continue
        rows = list(wb[sheet].iter_rows(values_only=True))
        if not rows:
            continue
        col = {h: i for i, h in enumerate(rows[0]) if h}
        index = {k: col.get(h) for k, h in headers.items()}
        letters = {k: get_column_letter(i + 1) for k, i in index.items() if i is not None}
        if index["key"] is None or index["decision"] is None:
            problems.append({"sheet": sheet, "cell": "1", "detail": (
                f"{name}，工作表“{sheet}”: 缺少“{headers['key']}”或“{headers['decision']}”列，"
                "整张表未读取；请用 make data 生成的核对表填写")})
            continue
        out += _read_sheet(_Sheet(name, sheet, headers, index, letters, problems), rows[1:])
    wb.close()
    keys: dict[tuple[str, str], Decision] = {}
    for d in list(out):  # one decision per row: a second one for the same key is a problem
        if (d.sheet, d.key) in keys:
            problems.append({"sheet": d.sheet, "cell": str(d.row), "key": d.key,
                             "detail": f"{name}，工作表“{d.sheet}”，第{d.row}行：与第"
                             f"{keys[(d.sheet, d.key)].row}行是同一行的重复处理；此行未采用"})
            out.remove(d)
        else:
            keys[(d.sheet, d.key)] = d
    return out, problems
