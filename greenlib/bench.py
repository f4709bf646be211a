"""``make bench``: time and peak memory of cleaning the plan and of one report build.

Each step runs in a fresh Python process, so the numbers include start-up and imports as a
user sees them; the peak resident memory is that process's (with its waited-for children:
the Jupyter kernel, Chromium), read from ``wait4``. Prints a table; no pass/fail.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import config

CLEAN = """
import json, sys, time
t = time.perf_counter()
from greenlib.pipeline import clean_plan, clean_document
from greenlib.ingest import read_plan
t_import = time.perf_counter() - t
t = time.perf_counter()
clean_plan({raw!r}, {out!r}, quiet=True)
work = time.perf_counter() - t
# the cleaning itself (parse, units, targets, corrections; no validation or file writing),
# warm: what "after start-up" means
t = time.perf_counter()
for _ in range(5):
    clean_document(read_plan({raw!r}))
print(json.dumps({{"import": t_import, "work": work, "clean": (time.perf_counter() - t) / 5}}))
"""

REPORT = """
import json, time
from pathlib import Path
t = time.perf_counter()
from greenlib import build
t_import = time.perf_counter() - t
paths = build.Paths(data=Path({data!r}), site=Path({tmp!r}) / "site", pdf=Path({tmp!r}) / "pdf",
                    executed=Path({tmp!r}) / "nb", cache=Path({tmp!r}) / "cache")
report = next(r for r in build.load_reports() if r.name == {name!r})
res = build.build_report(report, paths, None, {pdf!r}, {data!r})
if not res.ok:
    raise SystemExit("report failed: " + res.error)
print(json.dumps({{"import": t_import, "work": res.seconds, **res.phases,
                  "html_mb": res.html_bytes / 1e6, "pdf_mb": res.pdf_bytes / 1e6}}))
"""


def _run(code: str) -> tuple[float, float, dict]:
    """Run ``code`` in a fresh interpreter: (wall seconds, peak RSS MB, its JSON output)."""
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    out = proc.stdout.read().decode() if proc.stdout else ""
    err = proc.stderr.read().decode() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"bench step failed:\n{err[-3000:]}")
    last = [ln for ln in out.splitlines() if ln.startswith("{")][-1]
    return wall, usage.ru_maxrss / 1024, json.loads(last)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m greenlib.bench", description=__doc__)
    ap.add_argument("--report", default="industry", help="params file stem to build")
    ap.add_argument("--repeat", type=int, default=1, help="runs per step (best is shown)")
    ap.add_argument("--no-pdf", action="store_true")
    args = ap.parse_args(argv)

    rows: list[tuple[str, float, float, str]] = []
    with tempfile.TemporaryDirectory(prefix="greenplan-bench-") as tmp:
        data = Path(tmp) / "data"
        try:
            import greenlib.pipeline  # noqa: F401
        except ImportError:
            print("greenlib.pipeline is not importable: cleaning not measured")
            data = config.BUILD_DATA
        else:
            best = min((_run(CLEAN.format(raw=str(config.RAW_PLAN), out=str(data)))
                        for _ in range(args.repeat)), key=lambda r: r[0])
            rows.append(("clean_plan(data/raw/plan_raw.txt)", best[0], best[1],
                         f"import {best[2]['import']:.2f} s, clean+validate+write {best[2]['work']:.2f} s"
                         f" (of which cleaning {best[2]['clean']:.3f} s warm)"))
        runs = [_run(REPORT.format(data=str(data), tmp=str(Path(tmp) / f"report{i}"),
                                   name=args.report, pdf=not args.no_pdf))
                for i in range(args.repeat)]
        wall, rss, info = min(runs, key=lambda r: r[0])
        detail = (f"execute {info.get('execute', 0):.1f} s, HTML {info.get('html', 0):.1f} s"
                  + (f", PDF {info.get('pdf', 0):.1f} s" if "pdf" in info else "")
                  + f"; {info['html_mb']:.2f} MB HTML"
                  + (f", {info['pdf_mb']:.2f} MB PDF" if info.get("pdf_mb") else ""))
        rows.append((f"one report ({args.report})", wall, rss, detail))

    w = max(len(r[0]) for r in rows)
    print(f"{'step':<{w}}  {'wall s':>7}  {'peak MB':>8}  details")
    for name, wall, rss, detail in rows:
        print(f"{name:<{w}}  {wall:7.2f}  {rss:8.0f}  {detail}")
    print(f"(best of {args.repeat}; Python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
