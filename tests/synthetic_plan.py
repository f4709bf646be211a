"""A SYNTHETIC plan k times the district's size, for scale tests (never real data).

The district plan's text with its annex table repeated ``k`` times, the tasks of copy ``j``
renumbered ``97·j + n`` so the annex reads as one long table of ``97·k`` tasks. The first
line says it is synthetic. Run as a script to time cleaning it::

    .venv/bin/python -m tests.synthetic_plan 100
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

from greenlib import plan as plan_mod
from greenlib.clean.ingest import normalize
from greenlib.clean.parse import parse

BANNER = "【合成测试数据 synthetic：由区级方案附件重复生成，仅用于规模测试，不是真实规划】\n"


def synthetic_text(k: int, plan_id: str = "qianjiang-2022-24") -> tuple[str, int]:
    """(text, number of annex tasks) of the plan with its annex repeated ``k`` times."""
    raw = plan_mod.load(plan_id).raw.read_text(encoding="utf-8")
    norm = normalize(raw)
    parsed = parse(norm)
    n = len(parsed.tasks)
    first = parsed.tasks[0]
    start = norm.raw_span(first.start, first.start + 1)[0]
    # every task number's raw span, relative to the annex start
    nums = []
    for t in parsed.tasks:
        a, b = norm.raw_span(t.start, t.body_start)
        m = re.search(str(t.task_id), raw[a:b])
        if m:
            nums.append((a + m.start() - start, a + m.end() - start, t.task_id))
    annex = raw[start:]
    copies = [annex]
    for j in range(1, k):
        out, pos = [], 0
        for a, b, tid in nums:
            out.append(annex[pos:a])
            out.append(str(tid + n * j))
            pos = b
        out.append(annex[pos:])
        copies.append("\n" + "".join(out))
    return BANNER + raw[:start] + "".join(copies), n * k


def write(k: int, folder: Path) -> Path:
    text, _ = synthetic_text(k)
    p = folder / f"synthetic_plan_x{k}.txt"
    p.write_text(text, encoding="utf-8")
    return p


def main(argv: list[str]) -> int:
    import resource

    from greenlib.clean.pipeline import clean_plan

    k = int(argv[0]) if argv else 100
    with tempfile.TemporaryDirectory(prefix="greenplan-synthetic-") as tmp:
        p = write(k, Path(tmp))
        t = time.perf_counter()
        res = clean_plan(p, Path(tmp) / "out", quiet=True,
                         plan=plan_mod.load("qianjiang-2022-24") if "--plan" in argv else None,
                         accept_incomplete="synthetic")
        took = time.perf_counter() - t
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"synthetic x{k}: {p.stat().st_size / 1e6:.1f} MB, "
              f"{len(res.tables['tasks.csv'])} tasks, {len(res.tables['targets.csv'])} targets, "
              f"{took:.1f} s, peak {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
