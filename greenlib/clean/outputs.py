"""Save the clean stage's outputs: the contract CSVs, plan.json and the quality report.

Files are written to a temporary folder inside ``out`` and moved into place only when all
of them were written, so a failed run never leaves a half-written data folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from .. import contract, labels


def data_version(tables: dict[str, pd.DataFrame]) -> str:
    """Short content hash of the contract tables (the data version of quality.json)."""
    h = hashlib.sha256()
    for name in sorted(tables):
        h.update(name.encode())
        h.update(tables[name].to_csv(index=False).encode("utf-8"))
    return h.hexdigest()[:12]


def checklist(q: dict[str, Any]) -> list[str]:
    """What the analyst still has to confirm, first in quality.md: the plan.yaml fields marked
    待确认 (guessed by ``new-plan``), the review book's rows and its invalid decisions."""
    rev = q.get("review") or {}
    todo = q.get("to_confirm") or []
    n_t, n_k = len(rev.get("targets") or []), len(rev.get("tasks") or [])
    problems = rev.get("problems") or []
    decisions = rev.get("decisions") or []
    if not (todo or n_t or n_k or problems or decisions):
        return []
    out = ["## 待确认清单", ""]
    for f in todo:
        out.append(f"- [ ] plan.yaml `{f['field']}`：{f['value'] or '（空）'}（待确认：{f['why']}）；"
                   "核对原文后改正并删去“待确认”标记")
    if not (n_t or n_k):
        out.append("- 核对表 `targets_review.xlsx`：本次没有需要核对的目标或任务原文")
    else:
        out.append(f"- [ ] 核对表 `targets_review.xlsx`（`make data` 生成于 build/<规划编号>/）："
                   f"量化目标 {n_t} 行（置信度低于 {rev.get('threshold')} 或年份、单位为推断），"
                   f"原文识别存疑的任务 {n_k} 项；逐行选择确认、修改或删除，填好后放入规划的 "
                   "`reference/targets_review.xlsx`，再运行 `make data`")
    for p in problems:
        out.append(f"- [ ] 核对表填写有误：{p['detail']}")
    if decisions:
        applied = sum(d["status"] == "applied" for d in decisions)
        out.append(f"- 核对表已处理 {len(decisions)} 行：已采用 {applied}，未使用 {len(decisions) - applied}"
                   "（逐行见 quality.json 的 review.decisions）")
        for d in decisions:
            if d["status"] != "applied":
                out.append(f"  - [ ] {d['sheet']} 第{d['row']}行（{d['key']}）：{d.get('detail', '')}")
    return [*out, ""]


def quality_markdown(q: dict[str, Any]) -> str:
    """quality.json as a Markdown page for analysts (Chinese)."""
    c = q["counts"]
    lines = [f"# 数据质量报告：{q.get('title', '')}", "", *checklist(q), "## 概况", "",
             f"- 输入：`{q['input']['path']}`（sha256 `{q['input']['sha256'][:16]}…`，"
             f"{q['input']['characters']} 字符，编码 {q['input']['encoding']}）",
             f"- 任务 {c['tasks']} 项，部分 {c['parts']}，章节 {c['sections']}，责任单位 {c['units']} 个，"
             f"任务—单位 {c['task_units']} 对，量化目标 {c['targets']} 项",
             f"- 人工校正：已采用 {c['corrections_applied']}，未使用 {c['corrections_unused']}；"
             f"待解决 {c['unresolved']}",
             f"- 生成时间 {q['generated_at']}，清洗结果校验码 `{q.get('data_version', '')}`"
             "（报告页脚的“数据版本”另含监测数据、部门报送等，见文末分析人员附录）", "",
             "## 自动清洗规则（次数）", ""]
    lines += [f"- {labels.NORMALISATION.get(k, k)}（{k}）：{v}" for k, v in q["normalisation"].items()]
    lines += ["", "## 单位匹配方式", ""]
    for k, v in q["unit_matching"].items():
        kind, _, ident = str(k).partition(":")
        name = labels.UNIT_MATCH.get(kind, kind) + (f" {ident}" if ident else "")
        lines.append(f"- {name}：{v}")
    lines += ["", "## 人工校正（reference/corrections.yaml）", "",
              "| 编号 | 状态 | 表 | 任务 | 字段 | 原值 | 新值 | 理由 |", "|---|---|---|---|---|---|---|---|"]
    for r in q["corrections"]:
        status = labels.CORRECTION_STATUS.get(r["status"], r["status"])
        lines.append(f"| {r['id']} | {status} | {r['table']} | {r.get('task_id') or ''} | "
                     f"{r.get('field') or ''} | {r.get('old') or ''} | {r.get('new') or ''} | "
                     f"{r['reason']} {r.get('detail') or ''} |")
    lines += ["", "## 待解决", "", "| 类型 | 任务 | 原文 | 说明 |", "|---|---|---|---|"]
    for r in q["unresolved"]:
        kind = labels.UNRESOLVED_KINDS.get(r["kind"], r["kind"])
        lines.append(f"| {kind} | {r.get('task_id') or ''} | {r.get('raw') or ''} | {r['detail']} |")
    return "\n".join(lines) + "\n"


def write_outputs(res: Any, out: str | Path, plan_summary: dict[str, Any],
                  recommendations: str | None = None) -> Path:
    """Write the clean tables, ``plan.json`` and ``quality.{json,md}`` to ``out`` (and the
    analysts' recommendations text, carried as written, so the report stage needs no plan
    folder)."""
    out = Path(out)
    tables = dict(res.tables)
    res.quality["data_version"] = data_version(tables)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=out))
    try:
        for name, df in tables.items():
            df.to_csv(tmp / name, index=False, encoding="utf-8")
        (tmp / contract.PLAN).write_text(json.dumps(plan_summary, ensure_ascii=False, indent=2,
                                                    default=str) + "\n", encoding="utf-8")
        (tmp / contract.QUALITY).write_text(json.dumps(res.quality, ensure_ascii=False, indent=2,
                                                       default=str), encoding="utf-8")
        (tmp / "quality.md").write_text(quality_markdown(res.quality), encoding="utf-8")
        if recommendations is not None:
            (tmp / contract.RECOMMENDATIONS).write_text(recommendations, encoding="utf-8")
        elif (out / contract.RECOMMENDATIONS).exists():
            (out / contract.RECOMMENDATIONS).unlink()
        for f in tmp.iterdir():
            os.replace(f, out / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out
