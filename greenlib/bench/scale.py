"""``make bench SCALE=1``: how cleaning and the report build grow with the work.

Two measurements, each in fresh processes, written to ``build/bench/scale.json`` and
``build/bench/scale.md``:

* **plan size** — the SYNTHETIC plan of ``tests/synthetic_plan.py`` (the district's annex
  repeated ``k`` times, marked synthetic) cleaned at ``k`` = 1, 10, 100 in a fresh process:
  wall and CPU seconds, and peak resident memory (``ru_maxrss`` of the child, from
  ``wait4``);
* **number of reports** — ``python -m greenlib report`` on a copy of the plans folder whose
  plan has ``n`` = 5, 50, 200 params files of the light per-department notebook
  (``notebooks/unit.ipynb``, units taken in turn from the plan's units.csv), in a temporary
  ``GREENPLAN_PLANS``/``GREENPLAN_BUILD`` holding a copy of the plan's data (so the data
  stage is skipped by its stamp, as in a real rebuild): the cold build (seconds, and seconds
  per report: flat means linear growth) and then the same command again with nothing to do
  (the no-op, which should not grow with ``n``).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from .. import config
from .. import plan as plan_mod
from .timing import median

SIZES = (1, 10, 100)
REPORT_COUNTS = (5, 50, 200)

#: Cleans a synthetic plan file in a fresh process; prints the table sizes and seconds.
CLEAN = """
import json, time
t = time.perf_counter()
from greenlib.clean.pipeline import clean_plan
t_import = time.perf_counter() - t
t = time.perf_counter()
res = clean_plan({src!r}, {out!r}, quiet=True, accept_incomplete="synthetic")
print(json.dumps({{"import": t_import, "work": time.perf_counter() - t,
                   "tasks": len(res.tables["tasks.csv"]), "targets": len(res.tables["targets.csv"])}}))
"""

#: Writes the synthetic plan (kept out of the timed process so its memory is not counted).
SYNTH = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.synthetic_plan import write
print(write({k!r}, Path({folder!r})))
"""


def _run(cmd: list[str], **kw: Any) -> tuple[float, str, float, float]:
    """(wall s, stdout, CPU s, peak RSS MB) of ``cmd`` and the descendants it waited for."""
    from .timing import run as run_timed

    return run_timed(cmd, rusage=True, **kw)


def clean_at(k: int, tmp: Path) -> dict[str, float]:
    """Clean the ``k``× synthetic plan in a fresh process: seconds, CPU, peak memory, size."""
    folder = tmp / f"x{k}"
    folder.mkdir(parents=True, exist_ok=True)
    _, out, _, _ = _run([sys.executable, "-c", SYNTH.format(root=str(config.ROOT), k=k,
                                                            folder=str(folder))], cwd=config.ROOT)
    src = Path(out.strip().splitlines()[-1])
    wall, out, cpu, rss = _run([sys.executable, "-c", CLEAN.format(
        src=str(src), out=str(folder / "out"))], cwd=config.ROOT)
    info = json.loads([ln for ln in out.splitlines() if ln.startswith("{")][-1])
    size = src.stat().st_size
    shutil.rmtree(folder, ignore_errors=True)
    return {"k": float(k), "whole": wall, "cpu": cpu, "rss_mb": rss, "mb": size / 1e6, **info}


def units_of(data: Path) -> list[str]:
    """The responsible units of a plan's data folder (units.csv), usable as page names."""
    with open(data / "units.csv", encoding="utf-8", newline="") as f:
        units = [r["unit"] for r in csv.DictReader(f)]
    return [u for u in units if u and "/" not in u and not u.startswith(".")]


def write_report_set(plans: Path, plan_id: str, n: int, units: list[str]) -> list[str]:
    """Replace the copied plan's params/ by ``n`` per-department reports (``notebooks/unit``,
    the units in turn); returns the report names."""
    params = plans / plan_id / "params"
    shutil.rmtree(params, ignore_errors=True)
    params.mkdir(parents=True)
    names = []
    for i in range(n):
        unit = units[i % len(units)]
        name = f"scale-{i + 1:04d}"
        doc = {"notebook": "unit", "title": f"{unit}任务落实情况（规模测试 {i + 1}）",
               "parameters": {"unit": unit}}
        (params / f"{name}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True),
                                             encoding="utf-8")
        names.append(name)
    return names


def stage_plans(tmp: Path, plan: plan_mod.Plan) -> tuple[Path, Path]:
    """A copy of the plans folder and of the built data of ``plan`` (and of its parent) in
    ``tmp``: (plans folder, build folder). The data stamps come along, so ``greenlib report``
    skips the data stage exactly as after a ``make data`` (params/ is not part of its key)."""
    plans, build = tmp / "plans", tmp / "build"
    shutil.copytree(config.PLANS, plans)
    for pid in [plan.id, *([plan.parent] if plan.parent else [])]:
        src = config.BUILD / pid / "data"
        if src.exists():
            shutil.copytree(src, build / pid / "data")
    return plans, build


def reports_at(n: int, tmp: Path, plan: plan_mod.Plan, units: list[str], jobs: int,
               pdf: bool) -> dict[str, float]:
    """Cold ``greenlib report`` of ``n`` department pages, then the same with nothing to do."""
    root = tmp / f"n{n}"
    plans, build = stage_plans(root, plan)
    write_report_set(plans, plan.id, n, units)
    env = {**os.environ, "GREENPLAN_PLANS": str(plans), "GREENPLAN_BUILD": str(build)}
    cmd = [sys.executable, "-m", "greenlib", "report", "--plan", plan.id, "--jobs", str(jobs),
           "--no-docx", *([] if pdf else ["--no-pdf"])]
    wall, _, cpu, rss = _run(cmd, cwd=config.ROOT, env=env)
    last = json.loads((build / plan.id / ".cache" / "last_build.json").read_text(encoding="utf-8"))
    if last["failed"]:
        raise SystemExit(f"scale build failed: {sorted(last['failed'])[:5]}")
    phases = {f"{st}_per_report": sum(r["phases"].get(st, 0.0) for r in last["results"]) / n
              for st in ("execute", "html", "pdf")}
    site = build / plan.id / "site"
    pages = sum(1 for _ in site.glob("scale-*.html"))
    size = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
    noop, _, noop_cpu, _ = _run(cmd, cwd=config.ROOT, env=env)
    shutil.rmtree(root, ignore_errors=True)
    return {"n": float(n), "whole": wall, "cpu": cpu, "per_report": wall / n,
            "cpu_per_report": cpu / n, "rss_mb": rss, "pages": float(pages),
            "site_mb": size / 1e6, "noop": noop, "noop_cpu": noop_cpu, **phases}


def markdown(sizes: list[dict[str, float]], counts: list[dict[str, float]], repeat: int,
             jobs: int, pdf: bool) -> str:
    """The scaling tables as Markdown (build/bench/scale.md)."""
    lines = [f"Medians of {repeat} run(s), fresh processes; seconds, MB.", ""]
    if sizes:
        base = sizes[0]
        lines += ["Cleaning a SYNTHETIC plan of k× the district's annex (tests/synthetic_plan.py):",
                  "", "| k | text MB | tasks | targets | wall s | CPU s | s / k | peak RSS MB |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in sizes:
            lines.append(f"| {r['k']:.0f} | {r['mb']:.1f} | {r['tasks']:.0f} | {r['targets']:.0f} | "
                         f"{r['whole']:.2f} | {r['cpu']:.2f} | {r['whole'] / r['k']:.3f} | "
                         f"{r['rss_mb']:.0f} |")
        lines += ["", f"(imports {base['import']:.2f} s of each; work alone at the largest k: "
                  f"{sizes[-1]['work']:.2f} s)", ""]
    if counts:
        lines += [f"`greenlib report` of n department pages (notebooks/unit), {jobs} job(s), "
                  f"{'HTML + PDF' if pdf else 'HTML only'}, no Word; then the same with nothing "
                  "to do:", "",
                  "| n | cold wall s | s / report | CPU s / report | execute · HTML · PDF s / report "
                  "(in a worker) | site MB | no-op wall s | no-op CPU s |",
                  "|---:|---:|---:|---:|---|---:|---:|---:|"]
        for r in counts:
            lines.append(f"| {r['n']:.0f} | {r['whole']:.1f} | {r['per_report']:.2f} | "
                         f"{r['cpu_per_report']:.2f} | {r['execute_per_report']:.2f} · "
                         f"{r['html_per_report']:.2f} · {r['pdf_per_report']:.2f} | {r['site_mb']:.1f} | "
                         f"{r['noop']:.2f} | "
                         f"{r['noop_cpu']:.2f} |")
    return "\n".join(lines) + "\n"


def run(out: Path, plan: plan_mod.Plan, sizes: list[int], counts: list[int], repeat: int = 1,
        jobs: int = 2, pdf: bool = True) -> dict[str, Any]:
    """Run both measurements, write scale.json and scale.md into ``out``; return the figures."""
    data = plan.build().data
    if counts and not (data / "tasks.csv").exists():
        raise SystemExit(f"{data} has no tasks.csv: run `make data` first")
    size_runs: dict[int, list[dict[str, float]]] = {k: [] for k in sizes}
    count_runs: dict[int, list[dict[str, float]]] = {n: [] for n in counts}
    units = units_of(data) if counts else []
    with tempfile.TemporaryDirectory(prefix="greenplan-scale-") as tmp_s:
        tmp = Path(tmp_s)
        for i in range(repeat):
            for k in sizes:
                size_runs[k].append(clean_at(k, tmp))
                r = size_runs[k][-1]
                print(f"  clean x{k} ({i + 1}/{repeat}): {r['whole']:.2f} s, "
                      f"peak {r['rss_mb']:.0f} MB", flush=True)
            for n in counts:
                count_runs[n].append(reports_at(n, tmp, plan, units, jobs, pdf))
                r = count_runs[n][-1]
                print(f"  {n} reports ({i + 1}/{repeat}): {r['whole']:.1f} s "
                      f"({r['per_report']:.2f} s/report), no-op {r['noop']:.2f} s", flush=True)
    sizes_med = [median(size_runs[k]) for k in sizes]
    counts_med = [median(count_runs[n]) for n in counts]
    from .timing import machine

    md = markdown(sizes_med, counts_med, repeat, jobs, pdf)
    doc = {"repeat": repeat, "jobs": jobs, "pdf": pdf, "plan": plan.id, "machine": machine(),
           "clean": sizes_med, "reports": counts_med,
           "runs": {"clean": {str(k): v for k, v in size_runs.items()},
                    "reports": {str(n): v for n, v in count_runs.items()}}}
    out.mkdir(parents=True, exist_ok=True)
    (out / "scale.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / "scale.md").write_text(md, encoding="utf-8")
    print(md)
    print(f"written: {out / 'scale.json'}, {out / 'scale.md'}")
    return doc


def parse_list(text: str | None, default: tuple[int, ...]) -> list[int]:
    """``"5,50,200"`` → [5, 50, 200]; empty or None → the default; ``"0"``/``"none"`` → []."""
    if text is None or not text.strip():
        return list(default)
    if text.strip().lower() in ("0", "none", "-"):
        return []
    return [int(x) for x in text.replace(" ", "").split(",") if x]
