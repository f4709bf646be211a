"""``make report`` and ``make publish``: build every params/*.yaml report, then the index.

One params file is one report::

    notebook: sector            # notebooks/sector.ipynb
    title: 工业领域分析报告       # name on the index page
    parameters: {sector: industry, title: …}   # injected by papermill

For each report: papermill runs the notebook into build/notebooks/<name>.ipynb (kept,
also when it fails, for debugging), nbconvert turns it into build/site/<name>.html and
headless Chromium prints that HTML into build/pdf/<name>.pdf (copied to build/site/pdf/
so the site is self-contained). The new HTML and PDF are first written next to the
cache and only moved into place when *both* succeeded, so a failed build never replaces
a good report.

Incremental: a report's inputs (its notebook, params file, the content of the contract
files in build/data, data/reference and data/monitoring, and greenlib's code and
templates) are hashed; when
the hash equals the one stamped in build/.cache/reports/<name>.json after its last
successful build, the report is skipped. Stamps hold content hashes, not times, because
``make data`` rewrites build/data on every run (quality.json's ``generated_at`` and
plan.xlsx change every time and are left out of the hash).

Reports build in parallel in worker processes (``--jobs``); each worker prints one line
when it starts and the main process one when it finishes, with seconds. A failed report
does not stop the others; the run then exits 1 naming it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import hashlib
import html
import json
import multiprocessing
import os
import shutil
import sys
import time
import traceback
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import config, contract
from .errors import GreenlibError

#: Name of the file that marks a folder as a published greenplan site (publish only
#: ever replaces folders carrying it).
SITE_MARKER = ".greenplan-site"
#: Seconds papermill lets one cell run before failing the report.
CELL_TIMEOUT = 600


@dataclass
class Paths:
    """Where a build reads and writes (defaults from :mod:`greenlib.config`; tests override)."""

    params: Path = field(default_factory=lambda: config.PARAMS)
    notebooks: Path = field(default_factory=lambda: config.NOTEBOOKS)
    data: Path = field(default_factory=lambda: config.BUILD_DATA)
    site: Path = field(default_factory=lambda: config.BUILD_SITE)
    pdf: Path = field(default_factory=lambda: config.BUILD_PDF)
    executed: Path = field(default_factory=lambda: config.BUILD_NOTEBOOKS)
    cache: Path = field(default_factory=lambda: config.BUILD / ".cache")

    @property
    def stamps(self) -> Path:
        return self.cache / "reports"

    @property
    def staging(self) -> Path:
        return self.cache / "staging"


@dataclass
class Report:
    """One params/*.yaml file."""

    name: str
    params_file: Path
    notebook: Path
    title: str
    parameters: dict[str, Any]


def load_reports(paths: Paths | None = None) -> list[Report]:
    """Read and check every params/*.yaml; errors name the file and the field."""
    paths = paths or Paths()
    files = sorted(paths.params.glob("*.yaml")) + sorted(paths.params.glob("*.yml"))
    if not files:
        raise GreenlibError(f"no report definitions in {paths.params}/ (*.yaml)")
    reports = []
    for f in files:
        try:
            doc = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as e:
            raise GreenlibError(f"{f}: not valid YAML: {e}") from e
        if not isinstance(doc, dict):
            raise GreenlibError(f"{f}: expected a mapping with `notebook`, `title`, `parameters`")
        unknown = set(doc) - {"notebook", "title", "parameters"}
        if unknown:
            raise GreenlibError(f"{f}: unknown key(s) {sorted(unknown)}; "
                                "allowed: notebook, title, parameters")
        nb_name = str(doc.get("notebook") or "")
        if not nb_name:
            raise GreenlibError(f"{f}: field `notebook` is missing (e.g. `notebook: sector`)")
        nb = paths.notebooks / (nb_name if nb_name.endswith(".ipynb") else nb_name + ".ipynb")
        if not nb.exists():
            known = ", ".join(p.stem for p in sorted(paths.notebooks.glob("*.ipynb")))
            raise GreenlibError(f"{f}: field `notebook`: {nb} does not exist (known: {known})")
        params = doc.get("parameters") or {}
        if not isinstance(params, dict):
            raise GreenlibError(f"{f}: field `parameters` must be a mapping")
        title = str(doc.get("title") or params.get("title") or f.stem)
        reports.append(Report(f.stem, f, nb, title, dict(params)))
    return reports


# --------------------------------------------------------------------------- hashing


def tree_hash(*roots: Path, suffixes: tuple[str, ...] | None = None) -> str:
    """Content hash of every file under ``roots`` (names and bytes; order-independent)."""
    h = hashlib.sha256()
    for root in roots:
        if not root.exists():
            h.update(f"missing:{root.name}\0".encode())
            continue
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for p in files:
            if "__pycache__" in p.parts or (suffixes and p.suffix not in suffixes):
                continue
            h.update(p.relative_to(root if root.is_dir() else root.parent).as_posix().encode())
            h.update(b"\0")
            h.update(p.read_bytes())
            h.update(b"\0")
    return h.hexdigest()


def data_version(paths: Paths | None = None) -> str:
    """Short hash of build/data (shown on the index page and in every report)."""
    from .report_helpers import data_version as dv

    return dv((paths or Paths()).data)


def shared_inputs_hash(paths: Paths) -> str:
    """Hash of what every report depends on besides its notebook and params."""
    from .report_helpers import data_fingerprint

    pkg = Path(__file__).parent
    return hashlib.sha256("\0".join([
        data_fingerprint(paths.data),
        tree_hash(config.REFERENCE, config.MONITORING),
        tree_hash(pkg, suffixes=(".py", ".j2", ".css", ".json")),
    ]).encode()).hexdigest()


def report_key(report: Report, shared: str, as_of: str | None, pdf: bool) -> str:
    """The stamp key: changes whenever anything the report is made from changes."""
    h = hashlib.sha256()
    for part in (shared, report.notebook.read_bytes(), report.params_file.read_bytes(),
                 str(as_of or ""), "pdf" if pdf else "nopdf"):
        h.update(part if isinstance(part, bytes) else part.encode())
        h.update(b"\0")
    return h.hexdigest()


def _stamp_path(paths: Paths, name: str) -> Path:
    return paths.stamps / f"{name}.json"


def read_stamp(paths: Paths, name: str) -> dict[str, Any] | None:
    p = _stamp_path(paths, name)
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def _write_json(path: Path, obj: Any) -> None:
    from .render import write_atomic

    write_atomic(path, json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def is_current(paths: Paths, report: Report, key: str, pdf: bool) -> bool:
    """True when the last successful build used exactly these inputs and its outputs exist."""
    st = read_stamp(paths, report.name)
    if not st or not st.get("ok") or st.get("key") != key:
        return False
    if not (paths.site / f"{report.name}.html").exists():
        return False
    return not pdf or (paths.pdf / f"{report.name}.pdf").exists()


# --------------------------------------------------------------------------- one report


@dataclass
class Result:
    """What a worker reports back about one report."""

    name: str
    ok: bool
    seconds: float
    error: str = ""
    summary: dict[str, Any] = field(default_factory=dict)
    html_bytes: int = 0
    pdf_bytes: int = 0
    #: seconds per phase: execute (papermill), html (nbconvert), pdf (Chromium)
    phases: dict[str, float] = field(default_factory=dict)


def _summary_of(nb: Any) -> dict[str, Any]:
    from .report_helpers import SUMMARY_MIME

    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data") or {}
            if SUMMARY_MIME in data:
                value = data[SUMMARY_MIME]
                return json.loads(value) if isinstance(value, str) else dict(value)
    return {}


def _footer(report: Report, version: str, built: str) -> str:
    return (f"生成时间：{built}｜数据版本：{version}｜由 notebooks/{report.notebook.name} 按 "
            f"params/{report.params_file.name} 生成｜greenplan")


def build_report(report: Report, paths: Paths, as_of: str | None, pdf: bool,
                 data_dir: str | None = None) -> Result:
    """Execute, export and print one report (runs inside a worker process).

    The kernel's and papermill's log goes to build/notebooks/<name>.log, so the console
    keeps one line per report.
    """
    from . import kernels, pdf_printer, render
    from .execute import run_notebook

    t0 = time.perf_counter()
    paths.executed.mkdir(parents=True, exist_ok=True)
    log_path = paths.executed / f"{report.name}.log"
    executed = paths.executed / f"{report.name}.ipynb"
    _print(f"  ▶ {report.name}: started")
    log = open(log_path, "w", encoding="utf-8")  # closed in finally; its fd replaces stderr
    saved = os.dup(2)
    sys.stderr.flush()
    os.dup2(log.fileno(), 2)
    try:
        params = dict(report.parameters)
        if as_of:
            params["as_of"] = as_of
        if data_dir:
            params["data_dir"] = str(data_dir)
        phases: dict[str, float] = {}
        if pdf:  # this process's Chromium boots while the kernel runs (closed at exit)
            pdf_printer.start()
        t = time.perf_counter()
        pool = kernels.pool()
        kernels.report_started()
        failed = True
        try:  # a warm kernel of this worker; the next one warms up while this report renders
            km = pool.acquire(report.notebook.parent)
            nb = run_notebook(report.notebook, executed, params, cwd=report.notebook.parent,
                              timeout=CELL_TIMEOUT, km=km)
            failed = False
        finally:
            pool.release(report.notebook.parent if kernels.more_to_come() else None, failed=failed)
        phases["execute"] = time.perf_counter() - t
        t = time.perf_counter()
        summary = _summary_of(nb)
        built = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
        footer = _footer(report, data_version(paths), built)
        page = render.notebook_to_html(nb, report.title, footer)
        phases["html"] = time.perf_counter() - t
        staging = paths.staging / f"{report.name}-{uuid.uuid4().hex[:8]}"
        staging.mkdir(parents=True, exist_ok=True)
        try:
            tmp_html = staging / f"{report.name}.html"
            tmp_html.write_text(page, encoding="utf-8")
            pdf_bytes = 0
            if pdf:
                t = time.perf_counter()
                tmp_pdf = pdf_printer.print_pdf(tmp_html, staging / f"{report.name}.pdf")
                phases["pdf"] = time.perf_counter() - t
                pdf_bytes = tmp_pdf.stat().st_size
                for dest in (paths.pdf / f"{report.name}.pdf",
                             paths.site / "pdf" / f"{report.name}.pdf"):
                    render.write_atomic(dest, tmp_pdf.read_bytes())
            render.write_atomic(paths.site / f"{report.name}.html", page)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return Result(report.name, True, time.perf_counter() - t0, summary=summary,
                      html_bytes=len(page.encode()), pdf_bytes=pdf_bytes, phases=phases)
    except Exception as e:  # one report's failure must not stop the others
        traceback.print_exc(file=log)
        return Result(report.name, False, time.perf_counter() - t0, error=_one_line(e))
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        log.close()


def _one_line(e: BaseException) -> str:
    """A short, single-line description of a report's failure for the console."""
    ename, evalue = getattr(e, "ename", None), getattr(e, "evalue", None)
    if ename:  # papermill: the exception raised inside the notebook
        text = f"{ename}: {evalue}"
    else:
        text = f"{type(e).__name__}: {e}"
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    one = " / ".join(lines)
    return one if len(one) <= 300 else one[:297] + "…"


def _worker(report: Report, paths: Paths, as_of: str | None, pdf: bool,
            data_dir: str | None) -> Result:
    return build_report(report, paths, as_of, pdf, data_dir)


# --------------------------------------------------------------------------- index


def _cell(v: Any) -> str:
    return html.escape("—" if v is None or v == "" else str(v))


def index_html(reports: list[Report], paths: Paths, failed: dict[str, str], version: str,
               built: str, pdf: bool) -> str:
    """The site's front page: one row per report with its headline figures and links."""
    from . import charts, render

    rows = []
    # the whole-plan reports first, then the others in file-name order
    for r in sorted(reports, key=lambda r: ("sector" in r.parameters, r.name)):
        st = read_stamp(paths, r.name) or {}
        s = st.get("summary") or {}
        sc = s.get("status_counts") or {}
        ratings = "；".join(f"{charts.STATUS_LABELS[k]} {sc[k]}" for k in charts.STATUS_ORDER
                           if sc.get(k))
        has_html = (paths.site / f"{r.name}.html").exists()
        has_pdf = (paths.site / "pdf" / f"{r.name}.pdf").exists()
        links = (f'<a href="{html.escape(r.name)}.html">网页版</a>' if has_html else "—")
        if has_pdf:
            links += f' ｜ <a href="pdf/{html.escape(r.name)}.pdf">PDF</a>'
        state = "" if st else '<span class="bad">尚未构建</span>'
        if r.name in failed:
            state = ('<span class="bad">本次构建失败'
                     + ("，链接为上次成功的版本" if has_html else "") + "</span>")
        rows.append(
            "<tr>"
            f"<td><b>{_cell(r.title)}</b>{'<br>' + state if state else ''}</td>"
            f"<td>{_cell(s.get('sector_name'))}</td><td>{_cell(s.get('as_of'))}</td>"
            f'<td class="n">{_cell(s.get("n_tasks"))}</td>'
            f'<td class="n">{_cell(s.get("n_units"))}</td>'
            f'<td class="n">{_cell(s.get("n_targets"))}</td>'
            f'<td class="n">{_cell(s.get("n_passed"))}</td>'
            f"<td>{_cell(ratings)}</td><td class=\"nw\">{links}</td>"
            "</tr>")
    font = '"Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif'
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>黔江区绿色低碳循环经济体系实施方案 · 分析报告</title>
<style>
body {{ font-family: {font}; color: #222; margin: 0; line-height: 1.6; }}
main {{ max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px; }}
h1 {{ color: #1b5e20; border-bottom: 3px solid #1b5e20; padding-bottom: 8px; font-size: 26px; }}
p.meta {{ color: #555; font-size: 14px; }}
table {{ border-collapse: collapse; width: 100%; font-size: 14px; margin-top: 12px; }}
th {{ background: #e8f3e8; text-align: left; border-bottom: 2px solid #1b5e20; padding: 6px;
      white-space: nowrap; }}
td {{ border-bottom: 1px solid #ddd; padding: 6px; vertical-align: top; }}
td.n {{ text-align: right; }} td.nw {{ white-space: nowrap; }}
a {{ color: #1b5e20; }} .bad {{ color: #c62828; font-size: 13px; }}
.note {{ background: #eef5fb; border-left: 4px solid #2b8cbe; padding: 8px 12px; font-size: 14px;
         margin-top: 20px; }}
</style>
</head>
<body><main>
<h1>黔江区绿色低碳循环经济体系实施方案 · 分析报告</h1>
<p class="meta">数据版本：{html.escape(version)}｜构建时间：{html.escape(built)}｜
共 {len(reports)} 份报告{'' if pdf else '（本次未生成 PDF）'}</p>
<table>
<thead><tr><th>报告</th><th>范围</th><th>截止日期</th><th>重点任务</th><th>责任单位</th>
<th>量化目标</th><th>目标年份已过</th><th>进展评级</th><th>查看</th></tr></thead>
<tbody>
{''.join(rows)}
</tbody>
</table>
<div class="note">各报告依据《黔江区关于进一步加快建立健全绿色低碳循环经济体系的实施方案》
及其附件“重点任务清单”整理；“目标年份已过”指目标年份的 12 月 31 日早于报告截止日期的量化目标。
进展评级的方法见各报告中“如何阅读评级”一节。本站点不依赖互联网，可在内网直接打开。</div>
</main></body>
</html>
"""
    refs = render.external_refs(page)
    if refs:
        raise GreenlibError(f"index.html would load from the network: {refs}")
    return page


# --------------------------------------------------------------------------- run


def _print(msg: str) -> None:
    """One progress line, written in one piece (workers and the main process share stdout)."""
    sys.stdout.write(msg + "\n")
    sys.stdout.flush()


def run_reports(jobs: int = 2, as_of: str | None = None, only: list[str] | None = None,
                force: bool = False, pdf: bool = True, *, paths: Paths | None = None,
                data_dir: str | Path | None = None) -> int:
    """Build the reports of params/ (all, or the names in ``only``); 0 if all succeeded.

    ``data_dir`` is passed to every notebook (default: the notebooks' own default,
    build/data); the stamp hashes ``paths.data``.
    """
    from . import render
    from .report_helpers import as_of_date

    t_start = time.perf_counter()
    paths = paths or Paths()
    if data_dir is not None:
        paths.data = Path(data_dir)
    if as_of:
        as_of = as_of_date(as_of)
    if jobs < 1:
        raise GreenlibError("--jobs must be at least 1")
    if not (paths.data / contract.TASKS).exists():
        raise GreenlibError(f"{paths.data / contract.TASKS} is missing: run `make data` first")
    if pdf and not render.chromium_path():
        raise GreenlibError("Chromium is needed for the PDFs: run `make sysdeps`, "
                            "or build without PDFs (`python -m greenlib report --no-pdf`)")
    reports = load_reports(paths)
    if only:
        names = {r.name for r in reports}
        unknown = [n for n in only if n not in names]
        if unknown:
            raise GreenlibError(f"unknown report(s) {unknown}; params/ has: {sorted(names)}")
        selected = [r for r in reports if r.name in set(only)]
    else:
        selected = reports

    shared = shared_inputs_hash(paths)
    keys = {r.name: report_key(r, shared, as_of, pdf) for r in selected}
    todo = [r for r in selected if force or not is_current(paths, r, keys[r.name], pdf)]
    for r in selected:
        if r not in todo:
            _print(f"  = {r.name}: up to date")
    failed: dict[str, str] = {}
    results: list[Result] = []
    if todo:
        n = min(jobs, len(todo))
        _print(f"building {len(todo)} of {len(selected)} report(s), {n} at a time")
        ctx = multiprocessing.get_context("spawn")
        dd = str(Path(data_dir).resolve()) if data_dir is not None else None
        from .kernels import init_worker

        with ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=init_worker,
                                 initargs=(ctx.Value("i", len(todo)),)) as pool:
            futures = {pool.submit(_worker, r, paths, as_of, pdf, dd): r for r in todo}
            for fut in as_completed(futures):
                r = futures[fut]
                try:
                    res = fut.result()
                except Exception as e:  # the worker process itself died
                    res = Result(r.name, False, 0.0, error=_one_line(e))
                results.append(res)
                if res.ok:
                    size = f"{res.html_bytes / 1e6:.1f} MB HTML"
                    if pdf:
                        size += f", {res.pdf_bytes / 1e6:.1f} MB PDF"
                    _print(f"  ✔ {r.name}: done in {res.seconds:.1f} s ({size})")
                    _write_json(_stamp_path(paths, r.name), {
                        "ok": True, "key": keys[r.name], "summary": res.summary,
                        "seconds": round(res.seconds, 2), "pdf": pdf,
                        "built_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                    })
                else:
                    failed[r.name] = res.error
                    _print(f"  ✘ {r.name}: FAILED after {res.seconds:.1f} s: {res.error}")
                    old = read_stamp(paths, r.name) or {}
                    _write_json(_stamp_path(paths, r.name), {
                        **old, "ok": False, "key": None, "error": res.error})
    # reports that failed in an earlier run and were not rebuilt still count as failed
    for r in reports:
        st = read_stamp(paths, r.name)
        if r.name not in failed and st is not None and not st.get("ok"):
            failed[r.name] = st.get("error", "failed earlier")
    index = paths.site / "index.html"
    version = data_version(paths)
    # the index changes with the list of reports, their stamps and the data version
    index_key = hashlib.sha256(json.dumps(
        [version, pdf, [(r.name, r.title, read_stamp(paths, r.name)) for r in reports]],
        sort_keys=True, default=str).encode()).hexdigest()
    last_path = paths.cache / "last_build.json"
    try:
        last_key = json.loads(last_path.read_text(encoding="utf-8")).get("index_key")
    except (OSError, ValueError):
        last_key = None
    if (todo or last_key != index_key or not index.exists()
            or not (paths.site / SITE_MARKER).exists()):
        if not only:
            _remove_stale(paths, reports)
        built = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
        render.write_atomic(index, index_html(reports, paths, failed, version, built, pdf))
        render.write_atomic(paths.site / SITE_MARKER, f"greenplan site, data {version}\n")
    _write_json(last_path, {
        "failed": failed, "reports": [r.name for r in reports], "data_version": version,
        "index_key": index_key,
        "pdf": pdf, "finished_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "results": [asdict(r) for r in results],
    })
    took = time.perf_counter() - t_start
    if failed:
        _print(f"report build FAILED for: {', '.join(sorted(failed))} "
               f"(executed notebooks and logs in {paths.executed}/) — {took:.1f} s")
        return 1
    _print(f"reports ready in {paths.site}/ ({len(selected)} report(s), {took:.1f} s)")
    return 0


def _remove_stale(paths: Paths, reports: list[Report]) -> None:
    """Drop HTML/PDF of reports whose params file is gone (full builds only)."""
    keep = {r.name for r in reports}
    for p in [*paths.site.glob("*.html"), *(paths.site / "pdf").glob("*.pdf"),
              *paths.pdf.glob("*.pdf")]:
        if p.stem not in keep and p.name != "index.html":
            p.unlink()


# --------------------------------------------------------------------------- publish


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2 RENAME_EXCHANGE); False if the
    system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0


def check_publishable(paths: Paths | None = None) -> list[Report]:
    """Refuse (GreenlibError) unless every report built successfully and the site is whole."""
    paths = paths or Paths()
    last = paths.cache / "last_build.json"
    if not last.exists() or not (paths.site / "index.html").exists():
        raise GreenlibError("no report build to publish: run `make report` first")
    reports = load_reports(paths)
    bad = []
    for r in reports:
        st = read_stamp(paths, r.name)
        if not st or not st.get("ok") or not (paths.site / f"{r.name}.html").exists():
            bad.append(r.name)
    if bad:
        raise GreenlibError(f"the last report build failed or is missing for {', '.join(bad)}; "
                            "fix it and run `make report` before publishing")
    return reports


def publish(dest: str | Path, paths: Paths | None = None) -> Path:
    """Copy build/site/ to ``dest`` atomically.

    The site is copied to a temporary sibling of ``dest`` and then swapped in with one
    atomic rename (an exchange when ``dest`` exists), so readers see the old site or the
    new one, never a mix, and a failed copy leaves ``dest`` untouched. An existing
    ``dest`` is only replaced if it is a greenplan site (it holds ``.greenplan-site``).
    """
    paths = paths or Paths()
    check_publishable(paths)
    dest = Path(dest).expanduser().absolute()
    site = paths.site.resolve()
    if dest.resolve() == site or site in dest.resolve().parents or dest.resolve() in site.parents:
        raise GreenlibError(f"DEST {dest} overlaps the build folder {site}")
    if dest.exists():
        if not dest.is_dir():
            raise GreenlibError(f"DEST {dest} exists and is not a folder")
        if any(dest.iterdir()) and not (dest / SITE_MARKER).exists():
            raise GreenlibError(f"DEST {dest} exists and is not a published greenplan site "
                                f"(no {SITE_MARKER}); refusing to replace it")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".{dest.name}.tmp-{uuid.uuid4().hex[:8]}"
    try:
        shutil.copytree(site, tmp)
        copied = sorted(p.relative_to(tmp) for p in tmp.rglob("*") if p.is_file())
        source = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
        if copied != source:
            raise GreenlibError("the copy of the site is incomplete; nothing was published")
        if dest.exists():
            if _exchange(tmp, dest):
                shutil.rmtree(tmp)  # now holds the previous site
            else:
                old = dest.parent / f".{dest.name}.old-{uuid.uuid4().hex[:8]}"
                os.rename(dest, old)
                os.rename(tmp, dest)
                shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    print(f"published {len(list(dest.glob('*.html')))} page(s) to {dest}")
    return dest
