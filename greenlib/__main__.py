"""Command line: ``python -m greenlib <command>`` (see ``--help``)."""

from __future__ import annotations

import argparse
import sys

from .errors import GreenlibError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m greenlib", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("clean", help="clean any plan of this genre (.txt or .docx) into contract CSVs")
    c.add_argument("input", help="the plan: .txt (UTF-8/GBK) or .docx")
    c.add_argument("--out", required=True, help="folder for tasks.csv, targets.csv, …")

    d = sub.add_parser("data", help="clean data/raw/plan_raw.txt into build/data/ (what `make data` runs)")
    d.add_argument("--as-of", default=None, help="date for status.csv (YYYY-MM-DD)")

    r = sub.add_parser("report", help="build every params/*.yaml report (HTML, PDF) and the index")
    r.add_argument("--jobs", type=int, default=2, help="reports built in parallel")
    r.add_argument("--as-of", default=None, help="override the as-of date of every report")
    r.add_argument("--only", nargs="*", default=None, help="params file stems to build")
    r.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    r.add_argument("--no-pdf", action="store_true", help="skip the PDFs")
    r.add_argument("--no-docx", action="store_true", help="skip the Word (.docx) files")

    pb = sub.add_parser("publish", help="copy build/site/ atomically to DEST")
    pb.add_argument("dest")

    m = sub.add_parser("monitoring-template", help="write an xlsx with one row per target to fill in")
    m.add_argument("--out", default=None)

    sub.add_parser("check-monitoring", help="validate data/monitoring/ and the indicator map")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "clean":
            from .pipeline import clean_plan

            clean_plan(args.input, args.out)
        elif args.command == "data":
            from .pipeline import run_data

            run_data(as_of=args.as_of)
        elif args.command == "report":
            from .build import run_reports

            return run_reports(jobs=args.jobs, as_of=args.as_of, only=args.only,
                               force=args.force, pdf=not args.no_pdf, docx=not args.no_docx)
        elif args.command == "publish":
            from .build import publish

            publish(args.dest)
        elif args.command == "monitoring-template":
            from .monitoring import write_template

            write_template(out=args.out)
        elif args.command == "check-monitoring":
            from .monitoring import check

            check()
    except GreenlibError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
