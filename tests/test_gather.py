"""Gathering a shard into the build folder writes only what changed and removes what is gone."""

from __future__ import annotations

import os
from pathlib import Path

from greenlib.report.gather import gather_plan


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_gather_copies_changed_files_only_and_removes_stale(tmp_path: Path) -> None:
    shard, dest = tmp_path / "shard", tmp_path / "dest"
    for rel, text in {"site/index.html": "首页", "site/units/甲.html": "甲", "data/tasks.csv": "a,b\n",
                      ".cache/reports/overview.json": "{}"}.items():
        (shard / rel).parent.mkdir(parents=True, exist_ok=True)
        (shard / rel).write_text(text, encoding="utf-8")
    first = gather_plan(shard, dest)
    assert first == {"written": 4, "unchanged": 0, "removed": 0}
    assert _tree(dest) == _tree(shard)

    # an unchanged file is not rewritten (its inode and time stay), a changed one is
    kept = dest / "data" / "tasks.csv"
    before = os.stat(kept)
    (shard / "site" / "index.html").write_text("首页（新）", encoding="utf-8")
    (shard / "site" / "units" / "甲.html").unlink()
    (shard / "site" / "units").rmdir()
    second = gather_plan(shard, dest)
    assert second == {"written": 1, "unchanged": 2, "removed": 1}
    assert os.stat(kept).st_ino == before.st_ino and os.stat(kept).st_mtime_ns == before.st_mtime_ns
    assert _tree(dest) == _tree(shard)
    assert not (dest / "site" / "units").exists()  # the emptied folder went too
    # nothing else in the plan's folder is touched (requests/, dated snapshots)
    (dest / "requests").mkdir()
    (dest / "requests" / "甲.xlsx").write_bytes(b"x")
    gather_plan(shard, dest)
    assert (dest / "requests" / "甲.xlsx").exists()
