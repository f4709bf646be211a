"""The data version printed on every report page: a digest of everything the reports read.

It is taken over every contract file of ``build/<plan-id>/data/`` — the clean stage's tables
(plan text, corrections, sector map, recommendations), the monitor stage's ratings, task
status, returns and counts — so it moves whenever any input moves: the plan, a correction,
a monitoring figure or a department's return. What changes on every run without the data
changing (time stamps, the absolute folders the inputs were read from) is left out, so the
same inputs give the same version on any machine.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .. import contract

#: Keys of quality.json / monitor.json (at any depth) left out of the digest: the time of the
#: run and absolute paths of the machine that ran it.
VOLATILE_KEYS = ("generated_at", "path", "folder")
#: The data files a report reads (plan.xlsx and quality.md are not read).
READ_FILES = (*contract.CLEAN_FILES, *contract.MONITOR_FILES)
#: Characters of the digest shown to readers.
SHOWN = 12


def _without_volatile(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _without_volatile(v) for k, v in obj.items() if k not in VOLATILE_KEYS}
    if isinstance(obj, list):
        return [_without_volatile(v) for v in obj]
    return obj


def data_fingerprint(data_dir: Path) -> str:
    """Content hash of what the reports read from a data folder (volatile keys left out)."""
    h = hashlib.sha256()
    for name in READ_FILES:
        p = Path(data_dir) / name
        h.update(name.encode() + b"\0")
        if not p.exists():
            continue
        data = p.read_bytes()
        if name.endswith(".json"):
            try:
                data = json.dumps(_without_volatile(json.loads(data)), sort_keys=True,
                                  ensure_ascii=False).encode()
            except ValueError:
                pass
        h.update(data + b"\0")
    return h.hexdigest()


def data_version(data_dir: Path) -> str:
    """The data version shown in reports, on the index pages and in the build record."""
    return data_fingerprint(data_dir)[:SHOWN]
