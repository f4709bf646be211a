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

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from .. import config
from .timing import last_json, median, run

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


def bench_params(params: Path) -> list[Path]:
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
    for f in bench_params(params):
        doc = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        doc["notebook"] = "empty"
        (pdir / f.name).write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return pdir, nbdir


def run_build(tmp: Path, params: Path, notebooks: Path, data: Path, jobs: int, pdf: bool,
              docx: bool = False) -> dict[str, float]:
    """One cold build in a fresh process: wall seconds and per-stage sums."""
    wall, out, cpu = run([sys.executable, "-c", BUILD.format(
        tmp=str(tmp), params=str(params), notebooks=str(notebooks), data=str(data),
        jobs=jobs, pdf=pdf, docx=docx)], cwd=config.ROOT)
    info = last_json(out)
    if info["rc"] != 0:
        raise SystemExit(f"bench build failed: {[r['error'] for r in info['results'] if not r['ok']]}")
    res = {"whole": wall, "cpu": cpu, "reports": float(len(info["results"]))}
    for stage in STAGES:
        res[stage] = sum(r["phases"].get(stage, 0.0) for r in info["results"])
    return res


def run_naive(tmp: Path, params: Path, data: Path, pdf: bool) -> dict[str, float]:
    """The naive chain, report after report: papermill CLI → nbconvert CLI → Chromium CLI."""
    from ..report import render

    bindir = Path(sys.executable).parent
    res = {"whole": 0.0, "cpu": 0.0, "reports": 0.0, **dict.fromkeys(STAGES, 0.0)}  # no Word step

    def step(stage: str, cmd: list[str], **kw: Any) -> None:
        wall, _, cpu = run(cmd, **kw)
        res[stage] += wall
        res["cpu"] += cpu

    t0 = time.perf_counter()
    for f in bench_params(params):
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


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b > 0 else None


def summarize(results: dict[str, list[dict[str, float]]]) -> dict[str, Any]:
    """Medians per kind and the ratios build/floor and build/naive, whole and per stage."""
    med = {kind: median(runs) for kind, runs in results.items() if runs}
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
