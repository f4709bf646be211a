"""``make bench``: how far the report build is from its floor and from a naive CLI chain.

Three things are timed, each in a fresh Python process, cold (empty output and cache
folders in a temporary directory), ``--repeat`` times, medians reported:

* **build** — every report of the plan's ``params/`` through :func:`greenlib.report.build.run_reports`
  (execute → HTML → PDF, ``--jobs`` in parallel), as ``make report`` runs it;
* **floor** — the very same path with *empty* notebooks: one notebook with only a
  parameters cell, one params file per real report. What is left is the fixed cost of
  the machinery (Python, kernel, papermill, nbconvert, Chromium), not of the reports;
* **naive** — the obvious chain, one report after another: ``papermill`` CLI,
  ``jupyter nbconvert --to html``, ``chromium --headless --print-to-pdf``.

Prints a table of the whole (wall and CPU seconds of every process involved: CPU time
stays steady when other work shares the machine, wall time does not) and of each stage
(execute, HTML, PDF: sums over the reports of the per-report seconds) with the ratios
``build / floor`` and ``build / naive``, and writes ``build/bench/bench.json`` and
``build/bench/bench.md``. ``--clean`` adds the cleaning of the plan (``make data``'s work) in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from . import config
from . import plan as plan_mod

STAGES = ("execute", "html", "docx", "pdf")

CLEAN = """
import json, time
t = time.perf_counter()
from greenlib import plan as plan_mod
from greenlib.clean.pipeline import clean_plan
t_import = time.perf_counter() - t
t = time.perf_counter()
clean_plan({raw!r}, {out!r}, quiet=True, plan=plan_mod.load({plan!r}))
print(json.dumps({{"import": t_import, "work": time.perf_counter() - t}}))
"""

#: One cold ``run_reports`` in a fresh process (what ``make report`` does after ``make data``).
BUILD = """
import json, time
from pathlib import Path
from greenlib.report import build
tmp = Path({tmp!r})
paths = build.Paths(params=Path({params!r}), notebooks=Path({notebooks!r}), data=Path({data!r}),
                    root=tmp)
rc = build.run_reports(paths, jobs={jobs!r}, force=True, pdf={pdf!r}, docx={docx!r})
last = json.loads((paths.cache / "last_build.json").read_text(encoding="utf-8"))
print(json.dumps({{"rc": rc, "results": last["results"]}}))
"""

#: The parameters cell of the floor notebook: every parameter any params file may set.
FLOOR_PARAMETERS = ("sector", "title", "data_dir", "unit", "top_units")


def _run(cmd: list[str], rusage: bool = False, **kw: Any) -> Any:
    """Run ``cmd``: (wall seconds, stdout, CPU seconds of it and every descendant it waited
    for: kernels, Chromium). CPU seconds hardly change when other work shares the machine;
    wall seconds do. ``rusage``: also the peak resident memory in MB of the largest of those
    processes (``ru_maxrss``). Fails loudly with the end of stderr."""
    t = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, **kw)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise SystemExit(f"bench step failed: {' '.join(cmd[:3])} …\n{stderr[-3000:]}")
    if rusage:
        return wall, stdout, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
    return wall, stdout, usage.ru_utime + usage.ru_stime


def _last_json(out: str) -> dict[str, Any]:
    return json.loads([ln for ln in out.splitlines() if ln.startswith("{")][-1])


def _bench_params(params: Path) -> list[Path]:
    """The plan's reports the bench times (per-unit pages are left out: they multiply the
    count without adding a new kind of work)."""
    out = []
    for f in sorted(params.glob("*.yaml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        if not doc.get("for_each"):
            out.append(f)
    return out


def write_floor(folder: Path, params: Path) -> tuple[Path, Path]:
    """An empty parameterised notebook and one params file per real report (same names,
    same parameters) in ``folder``: (params folder, notebooks folder)."""
    import nbformat

    nbdir, pdir = folder / "notebooks", folder / "params"
    nbdir.mkdir(parents=True)
    pdir.mkdir(parents=True)
    cell = nbformat.v4.new_code_cell("\n".join(f"{p} = None" for p in FLOOR_PARAMETERS))
    cell.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(nbdir / "empty.ipynb"))
    for f in _bench_params(params):
        doc = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        doc["notebook"] = "empty"
        (pdir / f.name).write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return pdir, nbdir


def run_build(tmp: Path, params: Path, notebooks: Path, data: Path, jobs: int, pdf: bool,
              docx: bool = False) -> dict[str, float]:
    """One cold build in a fresh process: wall seconds and per-stage sums."""
    wall, out, cpu = _run([sys.executable, "-c", BUILD.format(
        tmp=str(tmp), params=str(params), notebooks=str(notebooks), data=str(data),
        jobs=jobs, pdf=pdf, docx=docx)], cwd=config.ROOT)
    info = _last_json(out)
    if info["rc"] != 0:
        raise SystemExit(f"bench build failed: {[r['error'] for r in info['results'] if not r['ok']]}")
    res = {"whole": wall, "cpu": cpu, "reports": float(len(info["results"]))}
    for stage in STAGES:
        res[stage] = sum(r["phases"].get(stage, 0.0) for r in info["results"])
    return res


def run_naive(tmp: Path, params: Path, data: Path, pdf: bool) -> dict[str, float]:
    """The naive chain, report after report: papermill CLI → nbconvert CLI → Chromium CLI."""
    from .report import render

    bindir = Path(sys.executable).parent
    res = {"whole": 0.0, "cpu": 0.0, "reports": 0.0, **dict.fromkeys(STAGES, 0.0)}  # no Word step

    def step(stage: str, cmd: list[str], **kw: Any) -> None:
        wall, _, cpu = _run(cmd, **kw)
        res[stage] += wall
        res["cpu"] += cpu

    t0 = time.perf_counter()
    for f in _bench_params(params):
        doc = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        pfile = tmp / f"{f.stem}.params.yaml"
        pfile.write_text(yaml.safe_dump({**(doc.get("parameters") or {}), "data_dir": str(data)},
                                        allow_unicode=True), encoding="utf-8")
        nb_in = config.NOTEBOOKS / f"{doc['notebook']}.ipynb"
        nb_out = tmp / f"{f.stem}.ipynb"
        step("execute", [str(bindir / "papermill"), str(nb_in), str(nb_out), "-f", str(pfile),
                         "--cwd", str(config.NOTEBOOKS), "--no-progress-bar"])
        step("html", [str(bindir / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                      str(nb_out)])
        if pdf:
            with tempfile.TemporaryDirectory(prefix="greenplan-bench-chromium-") as profile:
                # the network flags only keep the bench off the network; one process per PDF
                cmd = render.chromium_command(
                    "--virtual-time-budget=15000", "--no-pdf-header-footer",
                    f"--print-to-pdf={tmp / f'{f.stem}.pdf'}",
                    (tmp / f"{f.stem}.html").resolve().as_uri(), profile=profile)
                step("pdf", cmd, env={**os.environ, "HOME": profile})
        res["reports"] += 1
    res["whole"] = time.perf_counter() - t0
    return res


def machine() -> dict[str, Any]:
    """The facts a timing depends on."""
    from importlib.metadata import version

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    from .report import render

    chromium_version = render.chromium_version()
    pkgs = {}
    for p in ("papermill", "nbclient", "nbconvert", "ipykernel", "altair", "vl-convert-python"):
        try:
            pkgs[p] = version(p)
        except Exception:
            pkgs[p] = "?"
    return {"cpu": cpu, "cpus": os.cpu_count(), "memory": mem, "os": platform.platform(),
            "python": sys.version.split()[0], "chromium": chromium_version, "packages": pkgs}


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    """Median per key over the runs (a key some run lacks counts as 0 there)."""
    keys = dict.fromkeys(k for r in runs for k in r)
    return {k: statistics.median(r.get(k, 0.0) for r in runs) for k in keys}


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b > 0 else None


def summarize(results: dict[str, list[dict[str, float]]]) -> dict[str, Any]:
    """Medians per kind and the ratios build/floor and build/naive, whole and per stage."""
    med = {kind: _median(runs) for kind, runs in results.items() if runs}
    ratios: dict[str, dict[str, float | None]] = {}
    for other in ("floor", "naive"):
        if other in med and "build" in med:
            ratios[f"build/{other}"] = {k: _ratio(med["build"].get(k, 0.0), med[other].get(k, 0.0))
                                        for k in ("whole", "cpu", *STAGES)}
    return {"medians": med, "ratios": ratios}


def markdown(summary: dict[str, Any], facts: dict[str, Any], repeat: int, jobs: int) -> str:
    """The bench table as Markdown (build/bench/bench.md)."""
    med, ratios = summary["medians"], summary["ratios"]
    kinds = [k for k in ("build", "floor", "naive") if k in med]
    lines = [f"Medians of {repeat} cold run(s), {jobs} job(s); seconds. whole: wall time; cpu: "
             "CPU time of all processes (steadier than wall time when the machine is shared); "
             "stages: sums over the reports of each report's wall seconds.", "",
             "| | " + " | ".join(kinds) + " | build/floor | build/naive |",
             "|---|" + "---:|" * (len(kinds) + 2)]
    for key in ("whole", "cpu", *STAGES):
        row = [f"{med[k].get(key, 0.0):.2f}" for k in kinds]
        row += [str(ratios.get(f"build/{o}", {}).get(key, "—")) for o in ("floor", "naive")]
        lines.append(f"| {key} | " + " | ".join(row) + " |")
    if "clean" in med:
        lines += ["", f"Cleaning the plan (fresh process): {med['clean']['whole']:.2f} s "
                  f"(imports {med['clean']['import']:.2f} s)."]
    lines += ["", "Machine: " + ", ".join(f"{k} {v}" for k, v in facts.items() if k != "packages"),
              "Packages: " + ", ".join(f"{k} {v}" for k, v in facts["packages"].items())]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m greenlib.bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=None,
                    help="cold runs of each kind (medians shown; default 3, with --scale 1)")
    ap.add_argument("--jobs", type=int, default=2, help="reports built in parallel (build, floor)")
    ap.add_argument("--no-pdf", action="store_true")
    ap.add_argument("--no-naive", action="store_true", help="skip the naive CLI chain")
    ap.add_argument("--clean", action="store_true", help="also time the cleaning of the plan")
    ap.add_argument("--out", default=str(config.BUILD / "bench"), help="folder for bench.json/.md")
    ap.add_argument("--plan", default=None, help="plan id (default: the default plan)")
    ap.add_argument("--docx", action="store_true", help="also write the Word files (off: the "
                    "floor and the naive chain have no Word step)")
    ap.add_argument("--scale", nargs="?", const="1", default=None, metavar="only",
                    help="also time cleaning at 1×/10×/100× plan size and builds of 5/50/200 "
                    "reports (build/bench/scale.*); 'only': nothing else")
    ap.add_argument("--sizes", default=None, help="plan sizes for --scale (default 1,10,100)")
    ap.add_argument("--reports", default=None,
                    help="report counts for --scale (default 5,50,200; 0: none)")
    args = ap.parse_args(argv)
    plan = plan_mod.load(args.plan)
    if args.scale:
        from . import bench_scale

        bench_scale.run(Path(args.out), plan,
                        bench_scale.parse_list(args.sizes, bench_scale.SIZES),
                        bench_scale.parse_list(args.reports, bench_scale.REPORT_COUNTS),
                        repeat=args.repeat or 1, jobs=args.jobs,
                        pdf=not args.no_pdf)
        if args.scale == "only":
            return 0
    args.repeat = args.repeat or 3
    data = plan.build().data
    params_dir = tmp_params = plan.params
    if not (data / "tasks.csv").exists():
        raise SystemExit(f"{data} has no tasks.csv: run `make data` first")
    pdf = not args.no_pdf

    results: dict[str, list[dict[str, float]]] = {"build": [], "floor": [], "naive": []}
    with tempfile.TemporaryDirectory(prefix="greenplan-bench-") as tmp_s:
        tmp = Path(tmp_s)
        tmp_params = tmp / "params"
        tmp_params.mkdir()
        for f in _bench_params(params_dir):
            (tmp_params / f.name).write_bytes(f.read_bytes())
        fparams, fnotebooks = write_floor(tmp / "floor-src", tmp_params)
        if args.clean:
            results["clean"] = []
        for i in range(args.repeat):  # interleaved, so that a busy moment hits every kind
            results["build"].append(run_build(tmp / f"build{i}", tmp_params, config.NOTEBOOKS,
                                              data, args.jobs, pdf, args.docx))
            results["floor"].append(run_build(tmp / f"floor{i}", fparams, fnotebooks, data,
                                              args.jobs, pdf))
            if not args.no_naive:
                (tmp / f"naive{i}").mkdir()
                results["naive"].append(run_naive(tmp / f"naive{i}", tmp_params, data, pdf))
            if args.clean:
                wall, out, _ = _run([sys.executable, "-c", CLEAN.format(
                    raw=str(plan.raw), out=str(tmp / f"clean{i}"), plan=plan.id)], cwd=config.ROOT)
                results["clean"].append({"whole": wall, **_last_json(out)})
            print(f"  run {i + 1}/{args.repeat}: build {results['build'][-1]['whole']:.1f} s, "
                  f"floor {results['floor'][-1]['whole']:.1f} s"
                  + (f", naive {results['naive'][-1]['whole']:.1f} s" if results["naive"] else ""),
                  flush=True)
    results = {k: v for k, v in results.items() if v}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    # the raw runs first: minutes of measurement survive a failure below
    (out / "runs.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    summary = summarize(results)
    facts = machine()
    md = markdown(summary, facts, args.repeat, args.jobs)
    (out / "bench.json").write_text(json.dumps(
        {"repeat": args.repeat, "jobs": args.jobs, "pdf": pdf, "machine": facts, "runs": results,
         **summary}, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / "bench.md").write_text(md, encoding="utf-8")
    print(md)
    print(f"written: {out / 'bench.json'}, {out / 'bench.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
