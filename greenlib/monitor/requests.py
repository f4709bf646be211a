"""Requests out: one progress workbook per responsible unit (``make requests``).

Each unit gets ``build/<plan-id>/requests/<unit>.xlsx`` listing exactly what the plan makes it
answer for: every task it leads or co-leads (sheet 重点任务) and every target whose task it
leads, or, for a target that belongs to no task, whose indicator owner it is (sheet 量化目标,
owners in the plan's ``reference/indicator_owners.csv``). Given columns are grey and locked,
fill-in columns yellow and unlocked (sheet protection without a password); a hidden sheet
``_meta`` names the plan and the unit, so a returned workbook is recognised even when renamed.
Reads only the clean stage's tables (tasks, task_units, units, targets) and the owners file;
:mod:`greenlib.monitor.returns` reads the workbooks back. Column layout: :data:`TASK_COLUMNS`,
:data:`TARGET_COLUMNS` (one place for both modules).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .. import contract, labels, office
from ..errors import InputError, ValidationError
from . import books
from .books import GREY, YELLOW
from .doubt_mark import request_text
from .indicator_map import read_targets

TASK_SHEET = "重点任务"
TARGET_SHEET = "量化目标"
HELP_SHEET = "说明"
META_SHEET = "_meta"
#: Written in the hidden meta sheet: a returned workbook is one of ours.
META_KIND = "greenplan-progress-request"
#: Blank rows at the end of 量化目标 for further years of a target (目标编号 filled in by hand).
EXTRA_TARGET_ROWS = 12


@dataclass(frozen=True)
class Col:
    """A workbook column: contract-ish key, Chinese header, width, given (locked) or fill-in."""

    key: str
    header: str
    width: float
    fill_in: bool = False
    #: a fill-in column a returned book may lack (added in a later version of the books)
    optional: bool = False


TASK_COLUMNS: tuple[Col, ...] = (
    Col("task_id", "任务编号", 9), Col("text", "任务内容", 58), Col("role", "角色", 7),
    Col("lead_unit", "牵头单位", 16), Col("years", "目标年份", 10),
    Col("status", "进展状态", 11, True), Col("progress", "进展说明", 42, True),
    Col("evidence", "佐证材料", 30, True), Col("report_date", "填报日期", 12, True),
    Col("last_light", "上期信号灯及原因", 30),
    Col("measures", "整改措施", 30, True, True),
    Col("measures_owner", "责任人", 10, True, True),
    Col("measures_due", "整改时限", 12, True, True),
)
#: Fill-in columns of 重点任务 open only on a red item's row (督办).
RED_ONLY = ("measures", "measures_owner", "measures_due")
TARGET_COLUMNS: tuple[Col, ...] = (
    Col("target_id", "目标编号", 9), Col("indicator", "指标", 30), Col("value", "目标值", 9),
    Col("unit", "单位", 9), Col("comparator", "比较方式", 9), Col("year", "目标年份", 9),
    Col("obs_year", "年份", 8, True), Col("obs_value", "数值", 11, True),
    Col("source", "来源", 28, True), Col("note", "备注", 26, True),
    Col("report_date", "填报日期", 12, True),
)

#: indicator_owners.csv columns (``note`` and ``reviewed_by`` required: an analyst's call).
OWNER_COLUMNS = ("indicator", "owner_unit", "note", "reviewed_by")


# --------------------------------------------------------------------------- who answers for what


def read_owners(path: Path | None, targets: pd.DataFrame, units: set[str]) -> dict[str, str]:
    """``reference/indicator_owners.csv`` → {indicator: owner unit}; every problem at once."""
    if path is None or not Path(path).exists():
        return {}
    text = Path(path).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    label = f"{Path(path).parent.name}/{Path(path).name}"
    header = next(csv.reader(io.StringIO(text)), [])
    missing = [c for c in OWNER_COLUMNS if c not in header]
    if missing:
        raise ValidationError([f"{label}: 缺少列 {', '.join(missing)}"], what="indicator owners")
    known = set(targets["indicator"])
    out: dict[str, str] = {}
    problems: list[str] = []
    for n, r in enumerate(rows, start=2):
        ind, unit = (r.get("indicator") or "").strip(), (r.get("owner_unit") or "").strip()
        if ind not in known:
            problems.append(f"{label}, 第 {n} 行, indicator: {ind!r} 不是本规划的目标指标")
        if unit not in units:
            problems.append(f"{label}, 第 {n} 行, owner_unit: {unit!r} 不在责任单位表（units.csv）中")
        if not (r.get("reviewed_by") or "").strip():
            problems.append(f"{label}, 第 {n} 行, reviewed_by: 为空（须注明由谁认定）")
        if ind in out and out[ind] != unit:
            problems.append(f"{label}, 第 {n} 行: 指标 {ind!r} 已指定给 {out[ind]}")
        out.setdefault(ind, unit)
    if problems:
        raise ValidationError(problems, what="indicator owners")
    return out


def task_ids_of(value: Any) -> list[int]:
    """A targets.csv ``task_ids`` cell (``"56;57"``) as task numbers, in order."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return []
    return [int(x) for x in re.split(r"[;,，；\s]+", str(value)) if x.strip().isdigit()]


def target_owners(targets: pd.DataFrame, tasks: pd.DataFrame,
                  owners: dict[str, str]) -> pd.DataFrame:
    """Per target: ``owner_unit`` (lead of its first task, else the indicator owner), how it
    was decided (``owner_basis``) and every unit that reports it (``reporters``: the leads of
    all its tasks, or the owner)."""
    lead = {int(t): u for t, u in zip(tasks["task_id"], tasks["lead_unit"], strict=True)
            if isinstance(u, str) and u}
    rows = []
    for _, t in targets.iterrows():
        ids = task_ids_of(t.get("task_ids"))
        leads = list(dict.fromkeys(lead[i] for i in ids if i in lead))
        if leads:
            first = next(i for i in ids if i in lead)
            owner, basis, reporters = leads[0], f"任务{first}牵头单位", leads
        elif t["indicator"] in owners:
            owner = owners[t["indicator"]]
            basis, reporters = "指标责任单位（reference/indicator_owners.csv）", [owner]
        else:
            owner, basis, reporters = "", "未指定", []
        rows.append({"target_id": t["target_id"], "owner_unit": owner, "owner_basis": basis,
                     "reporters": reporters})
    return pd.DataFrame(rows, columns=["target_id", "owner_unit", "owner_basis", "reporters"])


@dataclass
class Inputs:
    """The clean stage's tables a request (and a return) is checked against."""

    tasks: pd.DataFrame
    task_units: pd.DataFrame
    units: pd.DataFrame
    targets: pd.DataFrame
    owners: pd.DataFrame

    @property
    def unit_names(self) -> list[str]:
        return list(self.units["unit"])

    @property
    def collectives(self) -> set[str]:
        """Units that name many bodies at once (全区各级各部门): no book, no rank."""
        kinds = self.units["kind"] if "kind" in self.units else [None] * len(self.units)
        return {u for u, k in zip(self.units["unit"], kinds, strict=True)
                if contract.is_collective(u, k)}

    def tasks_of(self, unit: str) -> pd.DataFrame:
        """Tasks where ``unit`` is listed (lead or co), with its role, in task order."""
        tu = self.task_units[self.task_units["unit"] == unit][["task_id", "role"]]
        tu = tu.drop_duplicates("task_id")
        return self.tasks.merge(tu, on="task_id").sort_values("task_id", kind="stable")

    def targets_of(self, unit: str) -> pd.DataFrame:
        """Targets ``unit`` reports: it leads one of their tasks, or owns the indicator."""
        mine = {r.target_id for r in self.owners.itertuples() if unit in r.reporters}
        return self.targets[self.targets["target_id"].isin(mine)]


def load_inputs(data_dir: Path, owners_path: Path | None) -> Inputs:
    """Read the clean stage's tables (a clear error when ``make data`` has not run)."""
    data = Path(data_dir)
    need = [contract.TASKS, contract.TASK_UNITS, contract.UNITS, contract.TARGETS]
    missing = [n for n in need if not (data / n).exists()]
    if missing:
        raise InputError(f"{data}: 缺少 {', '.join(missing)}，请先运行 make data")
    tasks = pd.read_csv(data / contract.TASKS, dtype={"years": "string"},
                        keep_default_na=False, na_values=[""])
    task_units = pd.read_csv(data / contract.TASK_UNITS, keep_default_na=False, na_values=[""])
    units = pd.read_csv(data / contract.UNITS, keep_default_na=False, na_values=[""])
    targets = read_targets(data)
    owners = read_owners(owners_path, targets, set(units["unit"]))
    return Inputs(tasks, task_units, units, targets, target_owners(targets, tasks, owners))


# --------------------------------------------------------------------------- display helpers


def own_deadline(years: Any) -> int | None:
    """A task's deadline: the latest year its text names; None when it names none (such a
    task runs to the plan period's end for its 序时进度 but has no deadline of its own)."""
    ys = [int(y) for y in re.findall(r"\d{4}", "" if years is None or pd.isna(years) else
                                      str(years))]
    return max(ys) if ys else None


def target_value_text(t: pd.Series) -> str:
    """60 or 60~65 (a range), as the plan states it."""
    def num(x: float) -> str:
        return f"{float(x):g}"
    hi = t.get("value_high")
    if hi is not None and not pd.isna(hi):
        return f"{num(t['value'])}~{num(hi)}"
    return num(t["value"])


def safe_file_name(unit: str) -> str:
    """The unit's Chinese name as a file name (characters Windows refuses replaced)."""
    return re.sub(r'[\\/:*?"<>|]', "_", unit).strip() or "unit"


# --------------------------------------------------------------------------- workbooks


def write_requests(inputs: Inputs, out_dir: Path, *, plan_id: str, plan_title: str,
                   period: tuple[int, int] | None, as_of: str, base_year: int,
                   cycle_days: int, log: Any = print, round_label: str | None = None,
                   previous: books.Previous | None = None) -> list[Path]:
    """Write one workbook per unit that carries a task or a target (never a collective
    such as 全区各级各部门); returns the paths. ``as_of`` is the round's date (its 报送截止日期);
    ``previous`` what the books carry forward (:mod:`greenlib.monitor.books`)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    prev = previous or books.Previous()
    paths = []
    for unit in inputs.unit_names:
        tasks, targets = inputs.tasks_of(unit), inputs.targets_of(unit)
        if (tasks.empty and targets.empty) or unit in inputs.collectives:
            continue
        path = out / f"{safe_file_name(unit)}.xlsx"
        write_request(path, unit, tasks, targets, plan_id=plan_id, plan_title=plan_title,
                      period=period, as_of=as_of, base_year=base_year, cycle_days=cycle_days,
                      round_label=round_label or as_of, previous=prev)
        paths.append(path)
    hint = ("" if paths else "（规划没有列明责任单位的任务，目标也没有在 reference/"
            "indicator_owners.csv 中指定责任单位）")
    log(f"greenlib requests: {plan_id}: {len(paths)} 份填报表{hint} → {out}")
    return paths


def _style_sheet(ws: Any, cols: tuple[Col, ...], n_rows: int, *, extra_rows: int = 0,
                 unlock_first_in_extra: bool = False) -> None:
    """Header, fills, locks, widths, wrapping, frozen header, A4 landscape fit to width."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    grey, yellow = PatternFill("solid", fgColor=GREY), PatternFill("solid", fgColor=YELLOW)
    thin = Side(style="thin", color="BFBFBF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    last = 1 + n_rows + extra_rows
    for j, c in enumerate(cols, start=1):
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = c.width
        head = ws.cell(row=1, column=j)
        head.font = Font(bold=True)
        head.fill = yellow if c.fill_in else grey
        head.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        head.border = border
        for i in range(2, last + 1):
            cell = ws.cell(row=i, column=j)
            extra = i > 1 + n_rows
            unlocked = c.fill_in or (extra and unlock_first_in_extra and j == 1)
            cell.fill = yellow if unlocked else grey
            cell.protection = Protection(locked=not unlocked)
            cell.alignment = wrap
            cell.border = border
            if c.key == "report_date":
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = False
    # Protection without a password: fill-in cells only; widths and heights may be changed.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False


def write_request(path: Path, unit: str, tasks: pd.DataFrame, targets: pd.DataFrame, *,
                  plan_id: str, plan_title: str, period: tuple[int, int] | None, as_of: str,
                  base_year: int, cycle_days: int, round_label: str | None = None,
                  previous: books.Previous | None = None) -> Path:
    """One unit's workbook (see the module docstring and :mod:`greenlib.monitor.books`)."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = TASK_SHEET
    ws.append([c.header for c in TASK_COLUMNS])
    end = period[1] if period else None
    prev = previous or books.Previous()
    carried: dict[int, dict[str, Any]] = {}
    red_rows: list[int] = []
    for i, (_, t) in enumerate(tasks.iterrows(), start=2):
        tid = int(t["task_id"])
        years = (str(t["years"]).replace(";", "、") if isinstance(t.get("years"), str)
                 and t["years"] else (f"未写年份（规划期至{end}年）" if end else "未写年份"))
        last = prev.carry.get((unit, tid))
        if last:
            carried[tid] = last
        light, _code, why = prev.lights.get(tid, ("", "", ""))
        if light == "red" and t["role"] == "lead":
            red_rows.append(i)
        ws.append([tid, request_text(t), labels.ROLE.get(t["role"], t["role"]),
                   t["lead_unit"] if isinstance(t["lead_unit"], str) else "", years,
                   books.status_word(last["status"]) if last else None,
                   last["progress"] or None if last else None,
                   last["evidence"] or None if last else None, None,
                   f"{labels.LIGHT[light]}：{why}" if light in labels.LIGHT and why else None,
                   None, None, None])
    _style_sheet(ws, TASK_COLUMNS, len(tasks))
    _red_only(ws, len(tasks), red_rows, prev.lights, tasks)
    letters = {c.key: ws.cell(row=1, column=j).column_letter
               for j, c in enumerate(TASK_COLUMNS, start=1)}
    words = [labels.TASK_STATUS[k] for k in labels.TASK_STATUS_REPORTABLE]
    dv = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="进展状态",
                        error="请从下拉列表中选择：" + "、".join(words),
                        showInputMessage=True, promptTitle="进展状态",
                        prompt="、".join(words) + "（已完成须填写佐证材料）")
    if len(tasks):
        dv.add(f"{letters['status']}2:{letters['status']}{len(tasks) + 1}")
    ws.add_data_validation(dv)

    wt = wb.create_sheet(TARGET_SHEET)
    wt.append([c.header for c in TARGET_COLUMNS])
    for _, t in targets.sort_values("target_id").iterrows():
        wt.append([t["target_id"], t["indicator"], target_value_text(t), t["unit"],
                   labels.COMPARATOR.get(t["comparator"], t["comparator"]),
                   None if pd.isna(t["year"]) else int(t["year"]),
                   None, None, None, None, None])
    extra = EXTRA_TARGET_ROWS if len(targets) else 0
    _style_sheet(wt, TARGET_COLUMNS, len(targets), extra_rows=extra, unlock_first_in_extra=True)

    wh = wb.create_sheet(HELP_SHEET)
    for line in request_help(unit, plan_title, period, as_of, base_year, cycle_days,
                             len(tasks), len(targets)):
        wh.append([line])
    wh.column_dimensions["A"].width = 120
    from openpyxl.styles import Alignment, Font
    for row in wh.iter_rows():
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    wh["A1"].font = Font(bold=True, size=14)
    wh.page_setup.orientation = "landscape"
    wh.page_setup.paperSize = wh.PAPERSIZE_A4

    books.add_info_sheet(wb, round_label or as_of, as_of)
    books.add_refused_sheet(wb, prev.refused.get(unit, []))
    meta = wb.create_sheet(META_SHEET)
    for k, v in (("kind", META_KIND), ("plan_id", plan_id), ("unit", unit),
                 ("generated", as_of), ("as_of", as_of), ("round", round_label or as_of),
                 ("tasks", ";".join(str(int(i)) for i in tasks["task_id"])),
                 ("targets", ";".join(targets["target_id"].astype(str))),
                 ("carried", books.carried_json(carried))):
        meta.append([k, v])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    wb.active = 0
    office.text_cells(wb)  # a task's or target's text is never a live formula
    books.save_fixed(wb, path, dt.date.fromisoformat(as_of))
    return path


def _red_only(ws: Any, n: int, red_rows: list[int], lights: dict[int, Any],
              tasks: pd.DataFrame) -> None:
    """整改措施 / 责任人 / 整改时限 open only on red rows; 上期信号灯 coloured by its light."""
    from openpyxl.styles import Font, PatternFill, Protection

    grey = PatternFill("solid", fgColor=GREY)
    keys = [c.key for c in TASK_COLUMNS]
    for i, tid in zip(range(2, n + 2), tasks["task_id"], strict=True):
        for key in RED_ONLY:
            if i not in red_rows:
                cell = ws.cell(row=i, column=keys.index(key) + 1)
                cell.fill = grey
                cell.protection = Protection(locked=True)
        light = (lights.get(int(tid)) or ("",))[0]
        if light in labels.LIGHT_COLORS:
            cell = ws.cell(row=i, column=keys.index("last_light") + 1)
            cell.font = Font(color=labels.LIGHT_COLORS[light][1:], bold=light == "red")


def request_help(unit: str, plan_title: str, period: tuple[int, int] | None, as_of: str,
                 base_year: int, cycle_days: int, n_tasks: int, n_targets: int) -> list[str]:
    """The 说明 sheet (Chinese), naming the unit and the plan."""
    words = "、".join(labels.TASK_STATUS[k] for k in labels.TASK_STATUS_REPORTABLE)
    start = f"{period[0]}年1月1日" if period else "规划印发日"
    return [
        f"{plan_title} 任务进展填报表",
        f"填报单位：{unit}",
        f"本表列出规划附件中由本单位牵头或配合的重点任务 {n_tasks} 项，以及由本单位牵头负责的"
        f"量化目标 {n_targets} 项（任务或目标有误请在“进展说明”“备注”中注明，勿改动灰色列）。",
        "一、填写方法：灰色列为规划内容（已锁定，勿改）；黄色列由本单位填写。工作表已保护，"
        "未设密码，仅为防止误改；请勿增删列、勿改表头。",
        f"二、重点任务：“进展状态”从下拉列表中选择（{words}）；牵头单位的填报决定任务状态，"
        "配合单位的填报作为说明附后。“进展说明”简述已做工作、取得成效、存在问题；"
        "选“已完成”的，须在“佐证材料”中写明文件名称、文号或网址。",
        f"三、填报日期：写成 2026-06-30 这样的日期，不得晚于评估日（{as_of}），"
        f"也不得早于规划期开始（{start}）。同一任务多次填报的，以填报日期最新的为准，"
        "早先的填报保留为历史记录。",
        f"四、量化目标：“年份”填数据所属年份，“数值”只填数字，单位以灰色“单位”列为准"
        f"（单位不同的请先换算）；请尽量同时填报基期（{base_year}年）和最新年份的数值："
        "同一目标多年数据的，在表末空行另起一行，先填“目标编号”再填年份、数值。"
        "“增加/减少”类目标请填自基期以来累计增加（减少）的量。“来源”写统计报表、台账或文件名称。",
        "五、本表数据将与公开统计数据一并用于目标评级；两者不一致时均予列出，评级以公开统计数据为准。",
        f"六、填好后原样交回（可改文件名，勿删隐藏工作表）；每 {cycle_days} 天左右更新一次，"
        "超过这一周期未更新的任务将亮黄灯。",
        "七、信号灯：自报滞后，或原文写明的期限已过仍未完成为红灯；落后于序时进度或超过填报周期"
        "未更新为黄灯；写明的期限在下一个填报周期内到期为蓝灯；已完成，或推进中、常态化推进且"
        "符合序时进度为绿灯；未填报为灰灯。原文未写年份的任务不因规划期结束而亮红灯；"
        "长期坚持、没有完成节点的工作请选“常态化推进”。",
    ]
