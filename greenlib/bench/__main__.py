"""``python -m greenlib.bench`` (``make bench``): the report bench, and with ``--scale`` the
scale bench. See :mod:`greenlib.bench.report` and :mod:`greenlib.bench.scale`."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from .. import config
from .. import plan as plan_mod
from . import scale
from .report import CLEAN, bench_params, markdown, run_build, run_naive, summarize, write_floor
from .report import __doc__ as REPORT_DOC
from .timing import last_json, machine, run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m greenlib.bench", description=REPORT_DOC,
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
        scale.run(Path(args.out), plan,
                        scale.parse_list(args.sizes, scale.SIZES),
                        scale.parse_list(args.reports, scale.REPORT_COUNTS),
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
        for f in bench_params(params_dir):
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
                wall, out, _ = run([sys.executable, "-c", CLEAN.format(
                    raw=str(plan.raw), out=str(tmp / f"clean{i}"), plan=plan.id)], cwd=config.ROOT)
                results["clean"].append({"whole": wall, **last_json(out)})
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
