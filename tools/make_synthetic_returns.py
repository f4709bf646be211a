"""SYNTHETIC department returns for tests and demos — never real data.

Fills request workbooks (``make requests``, the latest round's books) by openpyxl as a
department would, so the returns flow can be tested end to end. Every file written has
``合成_synthetic`` in its name and every text cell says 合成测试数据. Never put the output
into a plan's real ``progress/`` folder (the command refuses); tests copy ``plans/`` to a
temporary folder first.

    .venv/bin/python tools/make_synthetic_returns.py --plan qianjiang-2022-24 --units 5 \\
        --out /tmp/synthetic-progress

:func:`fill` is the building block the tests use: it writes any raw value (also invalid
ones) into a copy of a request workbook.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

MARK = "合成测试数据"
#: Fill-in columns of the two sheets, by header (greenlib.monitor.requests).
TASK_HEADERS = {"status": "进展状态", "progress": "进展说明", "evidence": "佐证材料",
                "report_date": "填报日期", "task_id": "任务编号"}
TARGET_HEADERS = {"target_id": "目标编号", "unit": "单位", "year": "年份", "value": "数值",
                  "source": "来源", "note": "备注", "report_date": "填报日期"}


def _cols(ws: Any) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[1] if c.value}


def _task_row(ws: Any, task_id: int) -> int:
    """The row of ``task_id`` in 重点任务; a new row at the end if the unit does not carry it."""
    col = _cols(ws)[TASK_HEADERS["task_id"]]
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=col).value == task_id:
            return r
    r = ws.max_row + 1
    ws.cell(row=r, column=col, value=task_id)
    return r


def _target_row(ws: Any, target_id: str) -> int:
    """The first row of ``target_id`` whose 年份/数值 are empty, else the first blank row."""
    cols = _cols(ws)
    tid, year, value = (cols[TARGET_HEADERS[k]] for k in ("target_id", "year", "value"))
    for r in range(2, ws.max_row + 1):
        if (ws.cell(row=r, column=tid).value == target_id
                and ws.cell(row=r, column=year).value is None
                and ws.cell(row=r, column=value).value is None):
            return r
    for r in range(2, ws.max_row + 2):
        if ws.cell(row=r, column=tid).value in (None, ""):
            ws.cell(row=r, column=tid, value=target_id)
            return r
    raise AssertionError("unreachable")


def fill(request: Path, out: Path, tasks: dict[int, dict[str, Any]] | None = None,
         targets: list[dict[str, Any]] | None = None, *, drop_meta: bool = False,
         meta: dict[str, str] | None = None) -> Path:
    """Copy ``request`` to ``out`` (its name must contain 'synthetic') with cells filled.

    ``tasks``: task id → {status, progress, evidence, report_date} (raw values, written as
    given; progress defaults to a 合成测试数据 line). ``targets``: dicts with target_id and any
    of year, value, unit, source, note, report_date. ``drop_meta`` removes the hidden _meta
    sheet; ``meta`` overwrites its values (e.g. another plan_id).
    """
    from openpyxl import load_workbook

    if "synthetic" not in Path(out).name:
        raise ValueError(f"{out}: a synthetic return's file name must contain 'synthetic'")
    wb = load_workbook(request)
    ws = wb["重点任务"]
    cols = _cols(ws)
    for tid, cells in (tasks or {}).items():
        r = _task_row(ws, int(tid))
        values = {"progress": f"{MARK}：任务{tid}的进展说明（非真实填报）", **cells}
        for k, v in values.items():
            ws.cell(row=r, column=cols[TASK_HEADERS[k]], value=v)
    wt = wb["量化目标"]
    tcols = _cols(wt)
    for cells in targets or []:
        r = _target_row(wt, cells["target_id"])
        values = {"source": f"{MARK}（非真实统计）", **cells}
        for k, v in values.items():
            if k != "target_id":
                wt.cell(row=r, column=tcols[TARGET_HEADERS[k]], value=v)
    if drop_meta and "_meta" in wb.sheetnames:
        del wb["_meta"]
    if meta:
        m = wb["_meta"]
        for row in m.iter_rows(max_col=2):
            if row[0].value in meta:
                row[1].value = meta[row[0].value]
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return Path(out)


def demo(requests: Path, out: Path, n_units: int, as_of: dt.date) -> list[Path]:
    """Fill the first ``n_units`` workbooks (by name): every task with a cycling status, each
    target's first row with its target value (a synthetic figure)."""
    from openpyxl import load_workbook

    words = ["推进中", "已完成", "滞后", "未启动"]
    written = []
    for k, req in enumerate(sorted(requests.glob("*.xlsx"))[:n_units]):
        wb = load_workbook(req, read_only=True)
        ids = [r[0] for r in wb["重点任务"].iter_rows(min_row=2, values_only=True) if r[0]]
        tids = [(r[0], r[2], r[5]) for r in wb["量化目标"].iter_rows(min_row=2, values_only=True)
                if r[0]]
        wb.close()
        date = as_of - dt.timedelta(days=30 + k)
        tasks = {}
        for i, t in enumerate(ids):
            w = words[(i + k) % len(words)]
            tasks[int(t)] = {"status": w, "report_date": date,
                             "evidence": f"{MARK}：佐证文件（非真实）" if w == "已完成" else None}
        targets = [{"target_id": t, "year": min(int(y or as_of.year - 1), as_of.year - 1),
                    "value": float(str(v).split("~")[-1]), "report_date": date}
                   for t, v, y in tids]
        written.append(fill(req, out / f"{req.stem}_合成_synthetic.xlsx", tasks, targets))
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plan", default=None)
    ap.add_argument("--units", type=int, default=5)
    ap.add_argument("--out", required=True, help="a folder outside plans/*/progress/")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from greenlib import config
    from greenlib import plan as plan_mod

    p = plan_mod.load(args.plan)
    out = Path(args.out).resolve()
    if out.is_relative_to(config.PLANS.resolve()):
        print(f"refused: {out} is inside plans/; synthetic returns never go into a real plan "
              "folder (copy plans/ to a temporary folder first)", file=sys.stderr)
        return 2
    books = p.build().requests
    if books.exists() and not any(books.glob("*.xlsx")):   # one sub-folder per round
        rounds = sorted(d for d in books.iterdir() if d.is_dir() and any(d.glob("*.xlsx")))
        books = rounds[-1] if rounds else books
    if not books.exists() or not any(books.glob("*.xlsx")):
        print("run `make requests` first", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    for f in demo(books, out, args.units, dt.date.fromisoformat(p.as_of)):
        print(f"wrote {f} ({MARK})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
