"""Completeness checks with teeth: nothing of the plan is lost while the output looks finished.

Run by the clean stage after the annex is read (:func:`check`), each check either stops the
build with a message naming the file and what to do (:class:`~greenlib.errors.InputError`),
or — for a plan that is incomplete — refuses unless the plan accepts it explicitly
(``accept_incomplete: "<reason>"`` in plan.yaml, or ``--accept-incomplete`` on the command
line), in which case the gaps are recorded as warnings in quality.json.

* every annex section is mapped in the plan's ``reference/sectors.csv`` (when the plan has
  one): an unmapped section would silently fall into ``overall``;
* the annex task numbers run 1…N without a gap, and the annex has as many sections (parts)
  as the body announces key tasks (systems): a plan cut off mid-annex is incomplete;
* a correction naming a task that is not in the plan is an error (file, line, id);
* the raw plan's sha256 equals the one recorded in ``raw/README.md``: a replaced or
  truncated raw file is reported (accept a deliberate change by writing the new checksum
  into the README).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from .parse import ParsedPlan, cn_numeral

_SHA_RE = re.compile(r"\b[0-9a-f]{64}\b")


# --------------------------------------------------------------------------- sectors


def unmapped_sections(plan: ParsedPlan, by_section: dict[int, str]) -> list[tuple[int, str]]:
    """Annex sections (number, title) that have tasks but no row in the sector map."""
    titles = {h.number: h.title for h in plan.sections}
    with_tasks = sorted({t.section for t in plan.tasks})
    return [(s, titles.get(s, "")) for s in with_tasks if s not in by_section]


def check_sectors(plan: ParsedPlan, by_section: dict[int, str], sectors_file: Path | None) -> None:
    """Stop when the plan has a sector map and an annex section is missing from it."""
    if sectors_file is None or not plan.tasks:
        return
    missing = unmapped_sections(plan, by_section)
    if missing:
        shown = "、".join(f"（{cn_numeral(n)}）{t}" if t else f"（{cn_numeral(n)}）"
                         for n, t in missing[:10])
        more = f" 等 {len(missing)} 个" if len(missing) > 10 else ""
        raise InputError(
            f"{sectors_file}: 附件章节 {shown}{more} 没有对应的领域（sector），其任务会被归入“总体”"
            f"而从领域报告中消失；请在该文件中为这些章节各加一行（section,section_title,sector,sector_name）")


# --------------------------------------------------------------------------- annex


def annex_gaps(plan: ParsedPlan) -> list[str]:
    """What is missing from the annex, in Chinese (empty: the annex looks whole)."""
    if not plan.annex:
        return []
    gaps: list[str] = []
    ids = sorted(t.task_id for t in plan.tasks)
    if not ids:
        gaps.append("附件有任务表表头，但没有读到任何编号的任务")
        return gaps
    missing = sorted(set(range(1, ids[-1] + 1)) - set(ids))
    if missing:
        shown = "、".join(str(i) for i in missing[:20]) + ("…" if len(missing) > 20 else "")
        gaps.append(f"附件任务编号不连续：缺第 {shown} 项（共读到 {len(ids)} 项，最大编号 {ids[-1]}）")
    n_body = len(plan.body_tasks)
    n_sections = max((t.section for t in plan.tasks), default=0)
    if n_body and n_sections < n_body:
        absent = [bt for bt in plan.body_tasks if bt.number > n_sections]
        names = "、".join(f"{bt.number}.{bt.title}" if bt.title else str(bt.number)
                         for bt in absent[:8]) + ("…" if len(absent) > 8 else "")
        gaps.append(f"正文列出 {n_body} 项重点任务，附件只覆盖到第 {n_sections} 节"
                    f"（最后一项任务为第 {ids[-1]} 项）；缺：{names}")
    systems = max((bt.system or 0 for bt in plan.body_tasks), default=0)
    n_parts = max((t.part for t in plan.tasks), default=0)
    if systems and n_parts and n_parts < systems:
        gaps.append(f"正文分 {systems} 个体系，附件只有 {n_parts} 个部分")
    return gaps


def check_annex(plan: ParsedPlan, source: Path, accept: str | None,
                warnings: list[dict[str, Any]]) -> None:
    """Refuse an incomplete annex unless ``accept`` (the reason it is accepted) is given."""
    gaps = annex_gaps(plan)
    if not gaps:
        return
    if accept:
        for g in gaps:
            warnings.append({"kind": "incomplete_accepted", "detail": f"{g}（已接受：{accept}）"})
        return
    raise InputError(
        f"{source}: 规划不完整：{'；'.join(gaps)}。请核对原文是否被截断；如确认只有这些内容，"
        f"在 plan.yaml 中写 accept_incomplete: \"理由\"（或命令行 --accept-incomplete \"理由\"）")


# --------------------------------------------------------------------------- corrections


def check_corrections(corrections: list[Any], task_ids: set[int], path: Path | None,
                      accepted_incomplete: bool = False) -> None:
    """A correction naming a task that does not exist targets nothing: an error, not a count.

    In a plan accepted as incomplete, a correction for a task after the last one read is for
    the part that is missing: it stays "unused" (listed in quality.md), not an error."""
    where = str(path) if path else "corrections.yaml"
    last = max(task_ids, default=0)
    for c in corrections:
        tid = c.spec.get("task_id")
        if accepted_incomplete and isinstance(tid, int) and tid > last:
            continue
        if c.table in ("task_units", "tasks") and tid not in task_ids:
            line = f":{c.line}" if getattr(c, "line", 0) else ""
            raise InputError(f"{where}{line}: 校正 {c.id} 指向第 {tid} 项任务，但规划中没有这一项"
                             f"（共 {len(task_ids)} 项）；请改正 task_id 或删除该校正")


def check_target_corrections(log: list[dict[str, Any]], corrections: list[Any],
                             targets: list[dict[str, Any]], path: Path | None,
                             accepted_incomplete: bool = False) -> None:
    """A target correction that was not applied must be stale, not wrong.

    Stale (kept as "unused", listed in quality.md): its ``match`` finds no target but a
    target already has the values it would ``set`` — the extraction now gets it right.
    Wrong (an error naming the correction): ``match`` finds several targets, or none and
    no target carries the corrected values — it targets nothing that exists.
    (Likewise a unit correction whose spelling no longer occurs in an existing task stays
    "unused"; one naming a task that does not exist is an error, see
    :func:`check_corrections`.) In a plan accepted as incomplete nothing is checked here:
    the target may be in the missing part.
    """
    if accepted_incomplete:
        return  # the target may be in the part of the plan that is missing: stays "unused"
    where = str(path) if path else "corrections.yaml"
    by_id = {c.id: c for c in corrections}
    for r in log:
        if r.get("table") != "targets" or r.get("status") != "unused":
            continue
        spec = by_id[r["id"]].spec if r["id"] in by_id else {}
        match, new = spec.get("match") or {}, spec.get("set") or {}
        hits = [t for t in targets if all(str(t.get(k)) == str(v) for k, v in match.items())]
        done = bool(new) and any(all(str(t.get(k)) == str(v) for k, v in new.items())
                                 for t in targets)
        if hits or not done:
            raise InputError(f"{where}: 校正 {r['id']} 没有对应到唯一的量化目标：{r.get('detail', '')}；"
                             "请改正 match 条件或删除该校正")


# --------------------------------------------------------------------------- raw checksum


def recorded_sha256(raw: Path) -> tuple[Path, str | None]:
    """The sha256 of ``raw`` as recorded in ``raw/README.md`` (the line naming the file)."""
    readme = raw.parent / "README.md"
    if not readme.is_file():
        return readme, None
    for line in readme.read_text(encoding="utf-8", errors="replace").splitlines():
        if f"`{raw.name}`" in line or f"{raw.name} " in line:
            m = _SHA_RE.search(line)
            if m:
                return readme, m.group(0)
    return readme, None


def check_checksum(raw: Path, sha256: str | None, warnings: list[dict[str, Any]]) -> None:
    """Stop when the raw plan differs from the checksum its README records (``sha256``
    None: computed from the file, before anything else reads it)."""
    if sha256 is None:
        if not raw.is_file():
            return  # read_plan says what is wrong with it
        h = hashlib.sha256()
        with open(raw, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        sha256 = h.hexdigest()
    readme, want = recorded_sha256(raw)
    if want is None:
        if readme.is_file():
            warnings.append({"kind": "raw_checksum_missing",
                             "detail": f"{readme} 没有记录 {raw.name} 的 sha256，无法核对原文是否被改动"})
        return
    if sha256 != want:
        raise InputError(
            f"{raw}: 原文已被改动或截断：sha256 为 {sha256}，与 {readme} 记录的 {want} 不一致。"
            f"请恢复原文；如确属有意更换，把新的 sha256 写入 {readme.name}")
