"""Analysts' corrections (plans/<plan-id>/reference/corrections.yaml), applied after automatic cleaning.

A correction settles what the code cannot (a unit cell cut off by the scrape, a
garbled indicator). Each entry names the table, what it matches and what it sets,
and why; every entry is reported as ``applied`` or ``unused`` in the quality report,
so a correction that no longer matches anything (because the parser got better or
the raw text changed) is seen, not silently kept.

Forms (see the file itself for examples)::

    - id: unit-79                      # unique, used in the quality report
      table: task_units
      task_id: 79
      raw: 区所局                       # the spelling in the plan …
      unit: 区科技局                    # … is this canonical unit
      reason: …
    - id: unit-6
      table: task_units
      task_id: 6
      add: 区生态环境局                 # a unit the scrape lost (appended, or at `position`)
    - id: target-67
      table: targets
      match: {indicator: 城市污水姐厂…}   # every key must equal the target's field
      set: {indicator: 城市污水处理厂污泥无害化处理率}
    - id: task-2-text
      table: tasks
      task_id: 2
      set: {text: …}                    # a whole field (prefer replace for text)
    - id: task-28-jieneng
      table: tasks
      task_id: 28
      replace: {from: 节麻保, to: 节能环保}  # a phrase of the task text, after OCR repair

A text correction changes the annex text before targets are read from it, so a target
correction's ``match`` written against the garbled text is matched again through the
task's text edits (repairs and phrase replaces): it is reported ``applied`` with a note,
never silently ``unused``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import guards
from ..errors import InputError

TABLES = ("task_units", "targets", "tasks")


@dataclass
class Correction:
    id: str
    table: str
    spec: dict[str, Any]
    reason: str
    line: int


def load(path: str | Path | None = None) -> list[Correction]:
    """Read and check a plan's corrections file (no file = no corrections)."""
    if path is None:
        return []
    p = Path(path)
    if not p.exists():
        return []
    doc = guards.read_yaml(p) or {}  # aliases bounded: an alias bomb is refused in one line
    items = doc.get("corrections", []) if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise InputError(f"{p}: expected a top-level 'corrections:' list")
    # line numbers for messages
    lines = p.read_text(encoding="utf-8").splitlines()
    id_lines = {ln.split("id:", 1)[1].strip().strip("'\""): i + 1
                for i, ln in enumerate(lines) if ln.strip().startswith("- id:")}
    out: list[Correction] = []
    seen: set[str] = set()
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise InputError(f"{p}: correction #{n}: expected a mapping")
        cid = str(item.get("id") or "")
        line = id_lines.get(cid, 0)
        where = f"{p}:{line}" if line else f"{p}: correction #{n}"
        if not cid:
            raise InputError(f"{where}: field 'id' is missing")
        if cid in seen:
            raise InputError(f"{where}: field 'id': duplicate id {cid!r}")
        seen.add(cid)
        table = item.get("table")
        if table not in TABLES:
            raise InputError(f"{where} ({cid}): field 'table' must be one of {TABLES}, got {table!r}")
        if not item.get("reason"):
            raise InputError(f"{where} ({cid}): field 'reason' is missing: say why")
        if table in ("task_units", "tasks") and not isinstance(item.get("task_id"), int):
            raise InputError(f"{where} ({cid}): field 'task_id' must be an integer")
        if table == "task_units" and not (("raw" in item and ("unit" in item or item.get("drop")))
                                          or "add" in item):
            raise InputError(f"{where} ({cid}): task_units needs 'raw' + 'unit' (or 'drop: true'), "
                             "or 'add'")
        if table == "targets" and not ("add" in item or ("match" in item and
                                                         ("set" in item or item.get("drop")))):
            raise InputError(f"{where} ({cid}): targets needs 'match' + 'set' (or 'drop: true'), "
                             "or 'add'")
        if table == "tasks":
            rep = item.get("replace")
            if rep is not None and not (isinstance(rep, dict) and rep.get("from")
                                        and isinstance(rep.get("to"), str)):
                raise InputError(f"{where} ({cid}): field 'replace' needs 'from' and 'to' "
                                 "(the phrase as the text reads, and as it should read)")
            if rep is None and not isinstance(item.get("set"), dict):
                raise InputError(f"{where} ({cid}): tasks needs 'set' or 'replace'")
        out.append(Correction(cid, table, item, str(item["reason"]), line))
    return out


def report(c: Correction, status: str, **kw: Any) -> dict[str, Any]:
    return {"id": c.id, "status": status, "table": c.table, "task_id": c.spec.get("task_id"),
            "field": kw.get("field"), "old": kw.get("old"), "new": kw.get("new"),
            "reason": c.reason, "detail": kw.get("detail", "")}


def apply_unit_corrections(items: dict[int, list[dict]], corrections: list[Correction],
                           known_units: set[str]) -> list[dict]:
    """Apply task_units corrections to ``items`` (task_id → list of {raw, unit, method, …})."""
    out = []
    for c in corrections:
        if c.table != "task_units":
            continue
        tid = c.spec["task_id"]
        lst = items.get(tid)
        if lst is None:
            out.append(report(c, "unused", detail=f"未找到第{tid}项任务"))
            continue
        if "add" in c.spec:
            unit = c.spec["add"]
            if unit not in known_units:
                raise InputError(f"corrections.yaml ({c.id}): field 'add': {unit!r} is not a "
                                 "canonical unit of the plan's reference/units.csv")
            if any(i["unit"] == unit for i in lst):
                out.append(report(c, "unused", field="unit", new=unit,
                                  detail="该单位已在列表中"))
                continue
            pos = c.spec.get("position")
            entry = {"raw": "", "unit": unit, "method": f"correction:{c.id}", "score": 100.0,
                     "raw_start": None, "raw_end": None}
            if isinstance(pos, int) and 1 <= pos <= len(lst) + 1:
                lst.insert(pos - 1, entry)
            else:
                lst.append(entry)
            out.append(report(c, "applied", field="unit", old=None, new=unit))
            continue
        hits = [i for i in lst if i["raw"] == c.spec["raw"]]
        if len(hits) != 1:
            out.append(report(c, "unused", field="unit",
                              detail=f"第{tid}项任务中写法“{c.spec['raw']}”出现{len(hits)}次（应为1次）"))
            continue
        hit = hits[0]
        if c.spec.get("drop"):
            lst.remove(hit)
            out.append(report(c, "applied", field="unit", old=hit["unit"] or hit["raw"], new=None))
            continue
        unit = c.spec["unit"]
        if unit not in known_units:
            raise InputError(f"corrections.yaml ({c.id}): field 'unit': {unit!r} is not a canonical "
                             "unit of the plan's reference/units.csv")
        if hit["unit"] == unit:
            out.append(report(c, "unused", field="unit", old=hit["unit"], new=unit,
                              detail="代码已能识别该写法，此校正可删除"))
            continue
        old = hit["unit"] or f"({hit['raw']})"
        hit["unit"], hit["method"], hit["score"] = unit, f"correction:{c.id}", 100.0
        out.append(report(c, "applied", field="unit", old=old, new=unit))
    return out


def _translate(value: Any, edits: list[tuple[str, str]]) -> Any:
    """``value`` with a task's text edits applied in order (to match a target read from the
    repaired or corrected text)."""
    if not isinstance(value, str):
        return value
    for old, new in edits:
        if old and old in value:
            value = value.replace(old, new)
    return value


def apply_target_corrections(targets: list[dict], corrections: list[Correction],
                             text_edits: dict[int, list[tuple[str, str]]] | None = None) -> list[dict]:
    """Apply targets corrections. ``text_edits`` (task id → the (old, new) edits made to that
    task's text: OCR repairs, then phrase replaces) let a ``match`` written against the text as
    scraped still find its target after the text was repaired or corrected."""
    out = []
    for c in corrections:
        if c.table != "targets":
            continue
        if "add" in c.spec:
            row = dict(c.spec["add"])
            row.setdefault("rule", f"correction:{c.id}")
            targets.append(row)
            out.append(report(c, "applied", field="*", new=row.get("indicator")))
            continue
        match = c.spec["match"]
        hits = [t for t in targets if all(str(t.get(k)) == str(v) for k, v in match.items())]
        via = ""
        if not hits and text_edits:
            for tid, edits in sorted(text_edits.items()):
                m2 = {k: _translate(v, edits) for k, v in match.items()}
                if m2 == match:
                    continue
                h2 = [t for t in targets if all(str(t.get(k)) == str(v) for k, v in m2.items())
                      and str(tid) in str(t.get("task_ids") or "").split(";")]
                if len(h2) == 1:
                    hits = h2
                    via = (f"原文写法{match}经第{tid}项任务文字的修复/校正后为{m2}，据此匹配"
                           "（修复已得出同样结果时，此校正可保留作核对记录）")
                    break
        if len(hits) != 1:
            out.append(report(c, "unused", detail=f"条件{match}匹配到{len(hits)}个目标（应为1个）"))
            continue
        hit = hits[0]
        if c.spec.get("drop"):
            targets.remove(hit)
            out.append(report(c, "applied", field="*", old=hit.get("indicator")))
            continue
        ids = [int(i) for i in str(hit.get("task_ids") or "").split(";") if i.strip().isdigit()]
        for k, v in c.spec["set"].items():
            old = hit.get(k)
            hit[k] = v
            # the task the target sits in, so sector reports list the correction
            out.append(report(c, "applied", field=k, old=old, new=v, detail=via)
                       | {"indicator": hit.get("indicator"), "task_id": ids[0] if ids else None})
        hit["rule"] = f"{hit.get('rule', '')};correction:{c.id}".strip(";")
    return out


def apply_task_corrections(tasks: dict[int, dict], corrections: list[Correction]) -> list[dict]:
    out = []
    for c in corrections:
        if c.table != "tasks":
            continue
        t = tasks.get(c.spec["task_id"])
        if t is None:
            out.append(report(c, "unused", detail=f"未找到第{c.spec['task_id']}项任务"))
            continue
        if "replace" in c.spec:
            a, b = str(c.spec["replace"]["from"]), str(c.spec["replace"]["to"])
            text = str(t.get("text") or "")
            n = text.count(a)
            if n == 0:
                why = ("代码的修复已得出该写法，此校正可删除" if b and b in text
                       else f"第{c.spec['task_id']}项任务文字中没有“{a}”")
                out.append(report(c, "unused", field="text", old=a, new=b, detail=why))
                continue
            t["text"] = text.replace(a, b)
            t.setdefault("text_edits", []).append((a, b))
            t["repairs"] = "；".join(x for x in (t.get("repairs") or "", f"{a}→{b or '∅'}@校正:{c.id}")
                                    if x)
            out.append(report(c, "applied", field="text", old=a, new=b,
                              detail="" if n == 1 else f"出现{n}次，均已替换"))
            continue
        for k, v in c.spec["set"].items():
            old = t.get(k)
            t[k] = v
            out.append(report(c, "applied", field=k, old=old, new=v))
    return out
