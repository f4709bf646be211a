"""plan.xlsx for analysts: every value Chinese outside the trailing 代码 columns and the
columns that quote a source as written, the task and returns sheets, a printable 重点任务
sheet, number formats and print titles — for both plans."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from greenlib.report import workbook
from tests.paths import DISTRICT, MUNICIPAL

#: Latin words a Chinese reader meets as such (abbreviations and units), not English prose.
ALLOWED = {"GDP", "PM", "CO", "OCR", "SDG", "Open", "COD", "VOCs", "kWh", "km", "kg", "mg",
           "hm", "tce", "MW", "GW"}
#: An English word or a code: three or more letters with two lower-case ones in a row, or a
#: snake_case name (OCR debris such as "SJ", "Ee", "TIJ" is the plan's, not English).
ENGLISH = re.compile(r"[A-Za-z_]*[a-z]{2}[A-Za-z_]*|[A-Za-z]+_[A-Za-z_]+")


def english_values(path: Path) -> list[tuple[str, str, str]]:
    """(sheet, header, word) for every English word outside 代码 and verbatim columns."""
    wb = load_workbook(path, read_only=True)
    found = []
    for ws in wb.worksheets:
        rows = ws.iter_rows(values_only=True)
        head = [str(h or "") for h in next(rows, ())]
        for row in rows:
            for h, v in zip(head, row, strict=False):
                if h.endswith("代码") or h in workbook.VERBATIM or not isinstance(v, str):
                    continue
                found += [(ws.title, h, w) for w in ENGLISH.findall(v)
                          if len(w) >= 3 and w not in ALLOWED]
    return found


@pytest.fixture(scope="module")
def books(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("xlsx")
    return {p.id: workbook.write_workbook(d, out / f"{p.id}.xlsx")
            for p, d in ((DISTRICT, built_data), (MUNICIPAL, MUNICIPAL.build().data))}


@pytest.mark.parametrize("plan", [DISTRICT.id, MUNICIPAL.id])
def test_no_english_value_outside_code_columns(books: dict[str, Path], plan: str) -> None:
    assert english_values(books[plan]) == []


def test_the_check_can_fail(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["信号灯", "信号灯代码", "原文"])
    ws.append(["grey", "grey", "alias"])
    wb.save(tmp_path / "x.xlsx")
    assert english_values(tmp_path / "x.xlsx") == [("Sheet", "信号灯", "grey")]


def test_sheets_for_analysts_and_print(books: dict[str, Path]) -> None:
    wb = load_workbook(books[DISTRICT.id])
    assert {"重点任务", "任务原文（分析用）", "任务进展", "部门填报记录", "目标进展"} <= set(wb.sheetnames)
    tasks = wb["重点任务"]
    head = [c.value for c in tasks[1]]
    assert head[:7] == ["任务编号", "领域", "章节名称（校订）", "重点任务", "牵头单位", "配合单位",
                        "目标年份"]
    assert "进展状态" in head and "信号灯" in head
    assert not {"原文", "识别原文(修复前)"} & set(head)  # the raw texts are on the analysts' sheet
    assert {"原文", "识别原文(修复前)"} <= {c.value for c in wb["任务原文（分析用）"][1]}
    assert tasks.print_title_rows == "$1:$1" and tasks.page_setup.orientation == "landscape"
    status = wb["目标进展"]
    head = [c.value for c in status[1]]
    basis = head.index("评级依据") + 1
    assert status.cell(2, basis).value.endswith(("数据不足", "已实现", "按期推进", "进度滞后",
                                                 "逾期未实现"))
    assert head.index("评级依据代码") > head.index("评级依据")
    ratio = head.index("进度比") + 1
    assert all(status.cell(r, ratio).number_format == "0.00" for r in range(2, status.max_row + 1)
               if isinstance(status.cell(r, ratio).value, float))


def test_lights_are_coloured_with_their_word(books: dict[str, Path]) -> None:
    """A light reads as its word and shows its colour in Excel too (issue 16)."""
    from greenlib import labels

    wb = load_workbook(books[DISTRICT.id])
    seen = 0
    for ws in wb.worksheets:
        head = [c.value for c in ws[1]]
        if labels.WORKBOOK_LIGHT_HEADER not in head:
            continue
        col = head.index(labels.WORKBOOK_LIGHT_HEADER) + 1
        for row in range(2, ws.max_row + 1):
            cell = ws.cell(row, col)
            code = {w: k for k, w in labels.LIGHT.items()}.get(cell.value)
            if code is None:
                continue
            seen += 1
            assert cell.font.b and cell.font.color.rgb.endswith(labels.LIGHT_COLORS[code].lstrip("#").upper())
            assert cell.fill.fgColor.rgb not in (None, "00000000")
    assert seen >= 97  # every task's light on the task sheets at least
