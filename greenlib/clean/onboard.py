"""Onboard a plan: ``python -m greenlib new-plan TEXT --id ID`` creates ``plans/<ID>/``.

From one text (.txt or .docx, 繁体 or 简体) it writes what a plan folder needs for
``make report PLAN=<ID>`` to build: plan.yaml filled from the text (:mod:`.profile`; guessed
values marked ``# 待确认`` and listed), the text verbatim in ``raw/`` with its sha256 in
``raw/README.md``, a units registry from the annex (the names the neutral cleaning resolved:
generic names at the plan's tier, kept as written otherwise), a proposed sector map
(``greenlib/defaults/sectors.csv`` keywords over target indicators and annex section titles)
and params for the overview, the assessment and every sector with targets. Nothing is
overwritten: an existing folder or an id that is not ``[a-z0-9-]`` is refused in one line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from .. import config, contract
from ..errors import InputError
from . import profile
from .ingest import normalize, read_plan

ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
SECTOR_DEFAULTS = Path(__file__).resolve().parent.parent / "defaults" / "sectors.csv"
#: the mark on every guessed plan.yaml value (analysts search for it)
TO_CONFIRM = "待确认"
#: plan.yaml keys whose empty value is a value (a plan without a 文号)
EMPTY_OK = frozenset({"document_number"})


def sector_keywords() -> list[tuple[str, str, list[str]]]:
    """(slug, Chinese name, keywords) in file order (first match wins)."""
    df = pd.read_csv(SECTOR_DEFAULTS, dtype=str, keep_default_na=False)
    return [(r["sector"], r["sector_name"], [k for k in r["keywords"].split("|") if k])
            for _, r in df.iterrows()]


def sector_of(text: str, table: list[tuple[str, str, list[str]]]) -> tuple[str, str] | None:
    """(slug, keyword) of the first sector with a keyword in ``text``."""
    for slug, _, kws in table:
        for k in kws:
            if k in text:
                return slug, k
    return None


def _yaml_value(v: Any) -> str:
    if v is None or v == "":
        return '""'
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_yaml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_yaml_value(x)}" for k, x in v.items()) + "}"
    s = str(v).replace('"', '\\"')
    return f'"{s}"'


def plan_yaml(plan_id: str, fields: dict[str, profile.Field], raw_name: str, annex: bool,
              source: str) -> tuple[str, list[str]]:
    """plan.yaml's text (guessed values marked ``# 待确认``) and the list of fields to confirm."""
    lines = [f"# Made by `python -m greenlib new-plan` from {source}.",
             f"# Values marked {TO_CONFIRM} were guessed from the text: check each against the",
             "# document, correct it, then delete the mark. Keys left out take greenlib's defaults.",
             f"id: {plan_id}"]
    confirm: list[str] = []
    for key, f in fields.items():
        if key == "named_periods" and not f.value:
            continue
        mark = f"  # {TO_CONFIRM}：{f.how}" if f.guessed else f"  # {f.how}"
        if f.value in (None, "", []) and key not in EMPTY_OK:
            # nothing read: the key stays out (plan.yaml's schema refuses an empty value), as
            # a commented line the analyst fills in
            lines.append(f"# {key}:{mark}")
        else:
            lines.append(f"{key}: {_yaml_value(f.value)}{mark}")
        if f.guessed:
            confirm.append(key)
    lines += ["context_geos: []", f"raw: raw/{raw_name}",
              f"annex: {'true' if annex else 'false'}   # the text has an annex table of numbered tasks"]
    return "\n".join(lines) + "\n", confirm


def raw_readme(raw_name: str, title: str, source: Path, sha: str, size: int) -> str:
    return (
        "# raw — the plan exactly as obtained (read-only)\n\n"
        "| file | what | source | sha256 |\n|---|---|---|---|\n"
        f"| `{raw_name}` | {title}: copied verbatim by `python -m greenlib new-plan` "
        f"({size:,} bytes) | `{source.name}` | `{sha}` |\n\n"
        "Never edit this file; what the code cannot settle goes into "
        "`../reference/corrections.yaml` or the review book (`../reference/targets_review.xlsx`).\n")


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def _params(notebook: str, title: str, parameters: dict[str, str], comment: str) -> str:
    body = "".join(f"  {k}: {v}\n" for k, v in parameters.items())
    return f"# {comment}\nnotebook: {notebook}\ntitle: {title}\nparameters:\n{body}"


def new_plan(text_path: str | Path, plan_id: str, plans_dir: Path | None = None,
             today: str | None = None, log: Any = print) -> Path:
    """Create ``plans/<plan_id>/`` from the text (see the module docstring); returns it."""
    from .pipeline import clean_document

    plans = Path(plans_dir) if plans_dir else config.PLANS
    if not ID_RE.match(plan_id or ""):
        raise InputError(f"规划编号 {plan_id!r} 无效：只能用小写字母、数字和横线（如 county-2022-24）")
    folder = plans / plan_id
    if folder.exists():
        raise InputError(f"{folder}: 已存在，不会覆盖；请换一个编号，或先移走该文件夹")
    src = Path(text_path)
    doc = read_plan(src)
    norm = normalize(doc.text)
    periods = dict(config.DEFAULTS["named_periods"])
    fields = profile.read_profile(norm.text, periods, today)
    res = clean_document(doc)  # neutral reference data: generic names, no corrections
    tables = res.tables
    tasks, targets, units = tables[contract.TASKS], tables[contract.TARGETS], tables[contract.UNITS]
    annex = len(tasks) > 0

    table = sector_keywords()
    names = {s: n for s, n, _ in table}
    sec_rows: list[dict[str, Any]] = []
    title_col = "section_name" if "section_name" in tasks.columns else "section_title"
    for (sec, title), _ in tasks.groupby(["section", title_col], sort=True):
        hit = sector_of(str(title), table)
        slug = hit[0] if hit else "overall"
        sec_rows.append({"section": int(sec), "section_title": title, "sector": slug,
                         "sector_name": names.get(slug, "综合")})
    kw_rows: list[dict[str, Any]] = []
    target_sectors: list[str] = []
    for ind in targets["indicator"]:
        hit = sector_of(str(ind), table)
        if hit is None:
            continue
        target_sectors.append(hit[0])
        if hit[1] not in {r["keyword"] for r in kw_rows}:
            kw_rows.append({"keyword": hit[1], "sector": hit[0], "note": f"如：{ind}"})
    for r in sec_rows:  # sectors of annex tasks' targets
        ids = {str(t) for t in tasks.loc[tasks["section"] == r["section"], "task_id"]}
        if any(set(str(x).split(";")) & ids for x in targets["task_ids"].fillna("")):
            target_sectors.append(r["sector"])
    mapped = {r["sector"] for r in sec_rows}
    for slug in dict.fromkeys(target_sectors):
        if slug not in mapped:
            sec_rows.append({"section": "", "section_title": "", "sector": slug,
                             "sector_name": names.get(slug, slug)})
            mapped.add(slug)

    tmp = plans / f".{plan_id}.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    try:
        for sub in ("raw", "reference", "params", "monitoring"):
            (tmp / sub).mkdir(parents=True)
        raw_name = "plan_raw" + (".docx" if src.suffix.lower() == ".docx" else ".txt")
        shutil.copyfile(src, tmp / "raw" / raw_name)
        data = (tmp / "raw" / raw_name).read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        text, confirm = plan_yaml(plan_id, fields, raw_name, annex, src.name)
        (tmp / "plan.yaml").write_text(text, encoding="utf-8")
        (tmp / "raw" / "README.md").write_text(
            raw_readme(raw_name, fields["title"].value, src, sha, len(data)), encoding="utf-8")
        if len(units):
            rows = [{"unit": u, "full_name": f, "kind": k, "aliases": ""}
                    for u, f, k in zip(units["unit"], units["full_name"], units["kind"], strict=True)]
            (tmp / "reference" / "units.csv").write_text(
                _csv(rows, ["unit", "full_name", "kind", "aliases"]), encoding="utf-8")
        if sec_rows:
            (tmp / "reference" / "sectors.csv").write_text(
                _csv(sec_rows, ["section", "section_title", "sector", "sector_name"]), encoding="utf-8")
            (tmp / "reference" / "indicator_sectors.csv").write_text(
                _csv(kw_rows, ["keyword", "sector", "note"]), encoding="utf-8")
        (tmp / "monitoring" / "README.md").write_text(
            "# monitoring — observed figures with their sources\n\n"
            "Put filled `make monitoring-template` workbooks (or CSVs: indicator, geo, year, value, "
            "unit, source title, source address, quote) here.\n", encoding="utf-8")
        scope = fields["scope_name"].value or "全域"
        kind = next((k for k in ("实施意见", "实施方案", "行动方案", "工作方案", "方案", "意见",
                                 "规划", "计划", "通知") if k in fields["title"].value), "规划")
        (tmp / "params" / "overview.yaml").write_text(_params(
            "overview", f"{scope}{kind}总览", {"title": f"{scope}{kind}总览"},
            "The plan's overview (made by new-plan)."), encoding="utf-8")
        (tmp / "params" / "assessment.yaml").write_text(_params(
            "assessment", "终期评估报告", {"title": f"{fields['short_title'].value}终期评估报告"},
            "The end-of-period assessment (made by new-plan)."), encoding="utf-8")
        for slug in sorted(set(target_sectors) | {r["sector"] for r in sec_rows
                                                         if r["section"] != ""}):
            if slug == "overall":
                continue
            name = names.get(slug, slug)
            (tmp / "params" / f"{slug}.yaml").write_text(_params(
                "sector", f"{name}领域分析报告", {"sector": slug, "title": f"{name}领域分析报告"},
                "One params file = one report (made by new-plan)."), encoding="utf-8")
        if annex and len(units):
            (tmp / "params" / "units.yaml").write_text(
                "# One page per responsible unit (made by new-plan).\n"
                "notebook: unit\nfor_each: unit\ntitle: 各责任单位任务落实情况\n", encoding="utf-8")
        tmp.rename(folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    shown = "、".join(confirm) or "（无）"
    log(f"greenlib new-plan: {folder}: {len(targets)} 项量化目标，{len(tasks)} 项任务，"
        f"{len(units)} 个责任单位，{len(list((folder / 'params').glob('*.yaml')))} 份报告；"
        f"待确认：{shown}（见 plan.yaml 中的“{TO_CONFIRM}”）；"
        f"下一步：make report PLAN={plan_id}，再看 build/{plan_id}/data/quality.md")
    return folder
