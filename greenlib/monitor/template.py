"""The monitoring template: an xlsx with one row per target, ready to fill in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .. import labels, office
from .indicator_map import _clean_targets, read_targets
from .observations import _TEMPLATE_FILL, OBS_COLUMNS, TEMPLATE_INFO, YEAR_MIN, year_max
from .readers import _display

TEMPLATE_SHEET = "填报"


def write_template(out: str | Path, targets: pd.DataFrame | str | Path, geo: str | None = None,
                   geos: list[str] | tuple[str, ...] = ()) -> Path:
    """Write an .xlsx with one row per target, the fill-in columns empty.

    The analyst fills 地区, 年份, 数值, 单位 and the source; 指标 may stay empty to report the
    plan indicator itself, or name an observed indicator from the indicator map. The filled
    workbook goes into ``the plan's monitoring/ folder`` as it is.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    t = _clean_targets(targets) if isinstance(targets, pd.DataFrame) else read_targets(targets)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)

    wb = Workbook()
    ws = wb.active
    ws.title = TEMPLATE_SHEET
    info = list(TEMPLATE_INFO)
    fill = list(_TEMPLATE_FILL)
    header = [TEMPLATE_INFO[c] for c in info] + [OBS_COLUMNS[c][1] for c in fill]
    ws.append(header)
    grey = PatternFill("solid", fgColor="E7E6E6")
    yellow = PatternFill("solid", fgColor="FFF2CC")
    for i, cell in enumerate(ws[1]):
        cell.font = Font(bold=True)
        cell.fill = grey if i < len(info) else yellow
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    src = {"target_id": "target_id", "target_indicator": "indicator", "target_value": "value",
           "target_unit": "unit", "comparator": "comparator", "target_year": "year",
           "sector": "sector", "target_quote": "quote"}
    order = t.sort_values(["year", "target_id"], kind="stable", na_position="last")
    for _, r in order.iterrows():
        vals: list[Any] = []
        for c in info:
            v = r.get(src[c], "")
            missing = v is None or (not isinstance(v, str) and pd.isna(v))
            if not missing and c == "target_year":
                v = int(v)
            elif not missing and c == "comparator":
                v = f"{labels.COMPARATOR.get(v, v)} ({v})"
            vals.append(None if missing else v)
        ws.append(vals + [None] * len(fill))
    for row in ws.iter_rows(min_row=2, max_col=len(info)):
        for cell in row:
            cell.fill = grey
    last = max(ws.max_row, 2) + 200  # room for more figures per target
    col = {c: len(info) + k + 1 for k, c in enumerate(fill)}
    letter = {c: ws.cell(row=1, column=i).column_letter for c, i in col.items()}
    dvs = []
    if geos:
        geo_dv = DataValidation(type="list", formula1='"' + ",".join(geos) + '"', allow_blank=True)
        geo_dv.add(f"{letter['geo']}2:{letter['geo']}{last}")
        dvs.append(geo_dv)
    part_dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    part_dv.add(f"{letter['partial_year']}2:{letter['partial_year']}{last}")
    year_dv = DataValidation(type="whole", operator="between", formula1=str(YEAR_MIN),
                             formula2=str(year_max()), allow_blank=True)
    year_dv.add(f"{letter['year']}2:{letter['year']}{last}")
    for dv in (*dvs, part_dv, year_dv):
        ws.add_data_validation(dv)
    widths = {"target_id": 9, "target_indicator": 28, "target_value": 8, "target_unit": 8,
              "comparator": 10, "target_year": 9, "sector": 11, "target_quote": 40,
              "indicator": 28, "geo": 14, "year": 8, "value": 10, "unit": 8, "source_title": 36,
              "source_url": 36, "quote": 40, "note": 20, "partial_year": 8}
    for i, c in enumerate(info + fill, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = widths[c]
    ws.freeze_panes = ws.cell(row=2, column=3)

    notes = wb.create_sheet("说明")
    for line in template_help(geo, geos):
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    office.text_cells(wb)  # a target's text is never a live formula
    wb.save(path)
    if not isinstance(targets, pd.DataFrame):  # same data, same bytes: dated by its as-of date
        import json

        folder = Path(targets) if Path(targets).is_dir() else Path(targets).parent
        meta = folder / "plan.json"
        as_of = json.loads(meta.read_text(encoding="utf-8")).get("as_of") if meta.exists() else None
        office.fix_office_file(path, as_of)
    print(f"wrote {_display(path)} ({len(order)} targets)")
    return path


def template_help(geo: str | None, geos: list[str] | tuple[str, ...]) -> list[str]:
    """The template's 说明 sheet, naming the plan's own geo."""
    others = "、".join(g for g in geos if g != geo) or "其他地区"
    return [
        "监测数据填报说明",
        "灰色列为规划目标信息（勿改）；黄色列由填报人填写。一行一个观测值；"
        "同一目标有多年数据时复制该行。",
        "指标：留空即表示填报的就是规划指标本身；若统计口径名称不同，"
        "填写规划 reference/indicator_map.csv 中的观测指标名称。",
        f"地区：必须填写全称（{'、'.join(geos) or '如实填写'}）。"
        f"只有{geo or '本规划所在地区'}的数据用于评级；"
        f"{others}的数据仅作参考。",
        "年份：数据所属年份（四位数字）。数值：只填数字，单位填在“单位”列，"
        "必须与目标单位一致（如 %、天、万千瓦）。",
        "非全年：1-10月累计、截至5月底等非全年数据填“是”（指标名称中含“1-10月”“截至X月”等字样时"
        "自动识别）。非全年数据只作参考，不据以判定“已实现”或“逾期未实现”。",
        "来源标题必填；来源网址、原文摘录或备注至少填写一项，便于核对。",
        "填好后将本文件放入规划的 monitoring/ 文件夹，运行 make check-monitoring 检查，"
        "再运行 make data。",
    ]
