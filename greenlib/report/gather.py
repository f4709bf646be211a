"""Gathering a plan's shard into the build folder, for the workflow engine.

On a workflow engine (``workflow/Snakefile``) every plan is built in its own build folder, a
*shard* (``GREENPLAN_BUILD=<shards>/<plan>``), so plans run in parallel, on one machine or on
a cluster's nodes, without waiting on one build lock. :func:`gather_plan` then brings the
plan's folders into the ordinary build folder (``build/<plan-id>/``), where ``make publish``
and the plain ``make report`` find them: the same layout, the same files.

Only files whose bytes changed are written (each through a temporary sibling and a rename),
and files the shard no longer has are removed, so a gather after a one-report rebuild touches
that report's files, and a reader never sees half a file. The content-hash stamps in
``.cache/`` come along: a later plain build on the gathered folder redoes nothing that the
engine already built.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

from .atomic import write_atomic

#: The parts of a plan's build folder that are gathered (``requests/`` and ``asof/``
#: snapshots are made by their own commands, not by the engine).
PARTS: tuple[str, ...] = ("data", "site", "pdf", "notebooks", ".cache")


def _files(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def gather_plan(shard_plan: Path, dest_plan: Path, parts: tuple[str, ...] = PARTS) -> dict[str, int]:
    """Make ``dest_plan/<part>`` equal to ``shard_plan/<part>`` for every part: counts of the
    files ``written``, ``unchanged`` and ``removed``."""
    counts = {"written": 0, "unchanged": 0, "removed": 0}
    for part in parts:
        src, dst = shard_plan / part, dest_plan / part
        have, want = _files(dst), _files(src)
        for rel in sorted(want):
            s, d = src / rel, dst / rel
            if d.exists() and filecmp.cmp(s, d, shallow=False):
                counts["unchanged"] += 1
                continue
            write_atomic(d, s.read_bytes())
            shutil.copystat(s, d)
            counts["written"] += 1
        for rel in sorted(have - want):
            (dst / rel).unlink()
            counts["removed"] += 1
        # folders left empty by removed files
        for folder in sorted((p for p in dst.rglob("*") if p.is_dir()), reverse=True) if dst.exists() else []:
            if not any(folder.iterdir()):
                folder.rmdir()
    return counts
