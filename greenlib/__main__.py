"""Command line: ``python -m greenlib <command>`` (see ``--help``).

This is the one place that knows all three stages (clean → monitor → report); the stages
themselves never import each other and talk only through the files of build/<plan-id>/data/.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from . import config, safety
from . import plan as plan_mod
from .errors import GreenlibError, InputError

PLAN_HELP = "plan id under plans/ (default: plans/plans.yaml's default; 'all' = every plan)"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m greenlib", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("clean", help="clean any plan of this genre (.txt or .docx) into contract CSVs")
    c.add_argument("input", help="the plan: .txt (UTF-8/GBK) or .docx")
    c.add_argument("--out", required=True, help="folder for tasks.csv, targets.csv, …")
    c.add_argument("--plan", default=None, help="use this plan's reference data (unit registry, "
                   "sector map, corrections) — for another copy of a known plan; default: neutral")
    c.add_argument("--accept-incomplete", default=None, metavar="REASON",
                   help="clean a plan whose annex is known to be incomplete (say why)")

    d = sub.add_parser("data", help="clean and rate one plan (or all) into build/<plan-id>/data/")
    d.add_argument("--plan", default=None, help=PLAN_HELP)
    d.add_argument("--as-of", default=None, help="date of the ratings (YYYY-MM-DD); another "
                   "date than the plan's builds a dated snapshot under build/<plan-id>/asof/")

    r = sub.add_parser("report", help="build the reports of one plan (or all): HTML, PDF, index")
    r.add_argument("--plan", default=None, help=PLAN_HELP)
    r.add_argument("--as-of", default=None, help="build the dated snapshot of this date")
    r.add_argument("--jobs", type=int, default=2, help="reports built in parallel")
    r.add_argument("--only", nargs="*", default=None, help="params file stems to build")
    r.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    r.add_argument("--no-pdf", action="store_true", help="skip the PDFs")
    r.add_argument("--no-docx", action="store_true", help="skip the Word files")

    pb = sub.add_parser("publish", help="copy the built sites atomically to DEST")
    pb.add_argument("dest")
    pb.add_argument("--plan", default="all", help=PLAN_HELP + " (default here: all)")

    m = sub.add_parser("monitoring-template", help="an xlsx with one row per target to fill in")
    m.add_argument("--plan", default=None, help=PLAN_HELP)
    m.add_argument("--out", default=None)

    q = sub.add_parser("requests", help="one progress workbook per responsible unit "
                       "(build/<plan-id>/requests/<unit>.xlsx)")
    q.add_argument("--plan", default=None, help=PLAN_HELP)
    q.add_argument("--out", default=None,
                   help="folder (default: build/<plan-id>/requests/<round>/)")
    q.add_argument("--round", default=None,
                   help="the round's date, YYYY-MM-DD or YYYY-MM (default: today); its "
                        "报送截止日期 and the name of its folder under progress/")

    g = sub.add_parser("gather", help="copy a plan's shard (workflow engine) into its build "
                       "folder, changed files only")
    g.add_argument("shard", help="the shard's plan folder (<shards>/<plan>/<plan>)")
    g.add_argument("dest", help="the plan's folder in the build folder (build/<plan>)")
    g.add_argument("--stamp", default=None, help="write the counts here (JSON)")

    sub.add_parser("site-index", help="write build/index.html over the plans built there")

    n = sub.add_parser("new-plan", help="create plans/<ID>/ from a plan's text (.txt or .docx)")
    n.add_argument("text", help="the plan's text: .txt (UTF-8/GBK, 繁体 or 简体) or .docx")
    n.add_argument("--id", required=True, help="the new plan's id: lower-case letters, digits, -")

    k = sub.add_parser("check-monitoring", help="validate a plan's monitoring/ and indicator map")
    k.add_argument("--plan", default=None, help=PLAN_HELP)
    return p


def _in_order(plans: list[plan_mod.Plan]) -> list[plan_mod.Plan]:
    """Parents before the plans that implement them (a plan's alignment reads its parent)."""
    ids = {p.id for p in plans}
    done: list[plan_mod.Plan] = []

    def visit(p: plan_mod.Plan, seen: tuple[str, ...] = ()) -> None:
        if p in done:
            return
        if p.id in seen:
            raise GreenlibError(f"plans/{p.id}/plan.yaml: 上级规划形成循环：{' → '.join([*seen, p.id])}")
        if p.parent and p.parent in ids:
            visit(next(q for q in plans if q.id == p.parent), (*seen, p.id))
        done.append(p)

    for p in plans:
        visit(p)
    return done


#: What a plan's data folder is made from besides the plan folder itself.
_CODE = ("clean", "monitor", "defaults")
_SHARED = ("config.py", "plan.py", "labels.py", "contract.py", "errors.py", "numbers.py", "guards.py",
           "office.py", "safety.py")


def data_inputs_key(p: plan_mod.Plan, as_of: str | None) -> str:
    """Content hash of everything ``make data`` reads for a plan (its folder, the parent's
    targets, the clean and monitor code, the as-of date): equal keys mean nothing to redo."""
    import hashlib

    from . import contract

    h = hashlib.sha256(plan_mod.as_of_date(as_of or p.as_of).encode())
    pkg = Path(__file__).resolve().parent
    roots = [p.folder, *(pkg / d for d in _CODE), *(pkg / f for f in _SHARED)]
    if p.parent:  # the alignment reads the parent's targets and their ratings
        parent_data = plan_mod.load(p.parent).build().data
        roots += [parent_data / contract.TARGETS, parent_data / contract.STATUS]
    for root in roots:
        files = [root] if root.is_file() else sorted(f for f in root.rglob("*") if f.is_file()
                                                    and "__pycache__" not in f.parts)
        for f in files:
            if f.is_relative_to(p.folder) and f.parts[len(p.folder.parts)] == "params":
                continue  # report definitions are the report stage's input
            h.update(str(f.relative_to(root.parent)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _data_stamp(p: plan_mod.Plan, as_of: str | None) -> Path:
    return p.build(as_of).data / ".inputs"


def ensure_data(plans: list[plan_mod.Plan], as_of: str | None) -> None:
    """Run the data stages for the plans whose inputs changed since their last ``make data``
    (so a ``make report`` with nothing to do starts no cleaning and no rating)."""
    todo = [p for p in _in_order(plans) if not _data_stamp(p, as_of).exists()
            or _data_stamp(p, as_of).read_text(encoding="utf-8") != data_inputs_key(p, as_of)]
    if todo:
        cmd_data(",".join(p.id for p in todo), as_of)


def _relabel(stage: Path, out: Path) -> Callable[[object], None]:
    """A log that names the folder the data will be in, not its staged copy."""
    return lambda msg: print(str(msg).replace(str(stage), str(out)))


def cmd_data(which: str | None, as_of: str | None) -> None:
    from . import contract
    from .clean import pipeline
    from .monitor import review_book
    from .monitor import run as monitor

    plans = _in_order(plan_mod.load_all(which))  # every plan.yaml checked before any stage
    for p in plans:
        # a plan that implements another needs the parent's targets and ratings for the
        # alignment: the parent's data stages run first when their inputs changed (the same
        # result whether the parent is built in this run, earlier, or in an engine's shard)
        if p.parent and p.parent not in {q.id for q in plans}:
            ensure_data([plan_mod.load(p.parent)], None)
        out = p.build(as_of).data
        safety.check_output_dir(out)
        # both stages write into a copy swapped in at the end: a failure changes nothing
        with safety.staged_folder(out) as stage:
            pipeline.run(p, stage, as_of, log=_relabel(stage, out))
            monitor.run(p, stage, as_of, log=_relabel(stage, out))
            (stage / ".inputs").write_text(data_inputs_key(p, as_of), encoding="utf-8")
        review_book.write_review_book(p.build(as_of).root / contract.TARGETS_REVIEW, out, p.id)


def cmd_report(which: str | None, as_of: str | None, jobs: int, only: list[str] | None,
               force: bool, pdf: bool, docx: bool = True) -> int:
    from .report import build, site

    plans = plan_mod.load_all(which)
    ensure_data(plans, as_of)
    rc = 0
    for p in plans:
        print(f"== {p.id}: {p.short_title}")
        paths = build.Paths.for_plan(p, as_of)
        rc |= build.run_reports(paths, jobs=jobs, only=only, force=force, pdf=pdf, docx=docx)
        if paths.site_dir is not None:  # a dated snapshot: list it on the plan's current index
            build.refresh_index(build.Paths.for_plan(p), pdf)
    site.write_site_index()
    return rc


def cmd_requests(which: str | None, out: str | None, round_name: str | None = None) -> None:
    from .monitor import books
    from .monitor import requests as rq
    from .monitor.rounds import round_date

    label = (round_name or config.today()).strip()
    day = round_date(label)
    if day is None:
        raise InputError(f"ROUND={label} 不是日期：请写成 2026-10-31 或 2026-10（本轮的截止日期，"
                         "也是 progress/ 下本轮文件夹的名称）")

    for p in plan_mod.load_all(which):
        data = p.build().data
        if not (data / "tasks.csv").exists():
            from .clean import pipeline

            pipeline.run(p, data)
        period = p.get("period")
        inputs = rq.load_inputs(data, p.indicator_owners if p.indicator_owners.exists() else None)
        folder = (p.build().requests / label if not out else Path(out) / p.id if which == "all"
                  else Path(out))
        rq.write_requests(inputs, folder, plan_id=p.id,
                          plan_title=p.title, period=tuple(period) if period else None,
                          as_of=day.isoformat(), base_year=p.base_year,
                          cycle_days=int(p.get("reporting_cycle_days")), round_label=label,
                          previous=books.load_previous(data))


def main(argv: list[str] | None = None) -> int:
    """Run one command. Every expected failure ends in one Chinese line on stderr and exit 1;
    only a bug prints a traceback, and that goes to build/greenplan-error.log."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except GreenlibError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"错误：{safety.os_error_message(e)}", file=sys.stderr)
        return 1
    except MemoryError:
        print("错误：内存不足：输入过大或过于复杂；请确认输入文件是否选错", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断（未完成的输出不会替换已有结果）", file=sys.stderr)
        return 130
    except Exception:  # a bug: the traceback goes to a log file, the user gets its path
        log = safety.write_error_log(sys.argv if argv is None else ["greenlib", *argv])
        print(f"内部错误（程序缺陷，不是输入问题）：详细信息已写入 {log}，请把该文件发给维护人员",
              file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    """The command itself; build-folder commands hold the build lock while they run."""
    if args.command in ("data", "report", "publish", "gather", "site-index"):
        with safety.build_lock(config.BUILD, args.command):
            return _dispatch(args)
    return _dispatch(args)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "clean":
        from .clean.pipeline import clean_plan

        safety.check_output_dir(Path(args.out))
        clean_plan(args.input, args.out, plan=plan_mod.load(args.plan) if args.plan else None,
                   accept_incomplete=args.accept_incomplete)
    elif args.command == "data":
        cmd_data(args.plan, args.as_of)
    elif args.command == "report":
        return cmd_report(args.plan, args.as_of, args.jobs, args.only, args.force,
                          not args.no_pdf, not args.no_docx)
    elif args.command == "publish":
        from .report.publish import publish

        publish(args.dest, plan_mod.load_all(args.plan))
    elif args.command == "monitoring-template":
        from .monitor.template import write_template

        p = plan_mod.load(args.plan)
        out = Path(args.out) if args.out else p.build().root / "monitoring_template.xlsx"
        write_template(out, p.build().data, p.geo, p.known_geos)
    elif args.command == "requests":
        cmd_requests(args.plan, args.out, args.round)
    elif args.command == "gather":
        from .report.atomic import write_json
        from .report.gather import gather_plan

        shard = Path(args.shard)
        if not (shard / "site").is_dir():
            raise GreenlibError(f"{shard}: 不是已构建的规划分片（没有 site/ 文件夹）")
        counts = gather_plan(shard, Path(args.dest))
        print(f"{shard.name}: {counts['written']} 个文件更新，{counts['unchanged']} 个未变，"
              f"{counts['removed']} 个删除")
        if args.stamp:
            write_json(Path(args.stamp), {"plan": shard.name, **counts})
    elif args.command == "site-index":
        from .report import site

        print(site.write_site_index())
    elif args.command == "new-plan":
        from .clean.onboard import new_plan

        new_plan(args.text, args.id)
    elif args.command == "check-monitoring":
        from .monitor.observations import check

        p = plan_mod.load(args.plan)
        imap = p.indicator_map if p.indicator_map.exists() else None
        check(p.monitoring, targets=p.build().data, indicator_map=imap, geo=p.geo,
              geos=p.known_geos, overrides=p.plausibility_overrides)
    return 0


if __name__ == "__main__":
    sys.exit(main())
