"""``make report``: build every report of a plan's params/, then the plan's index and the
site-wide index of every plan.

One params file is one report::

    notebook: sector            # notebooks/sector.ipynb
    title: 工业领域分析报告       # name on the index page
    parameters: {sector: industry, title: …}   # injected by papermill

For each report: papermill runs the notebook on the plan's data folder into
``build/<plan-id>/notebooks/<name>.ipynb`` (kept, also when it fails, for debugging),
nbconvert turns it into ``build/<plan-id>/site/<name>.html`` and headless Chromium prints
that HTML into ``build/<plan-id>/pdf/<name>.pdf`` (copied to ``site/pdf/`` so the site is
self-contained); :mod:`greenlib.report.docx` writes the same notebook as ``site/docx/<name>.docx``.
New files are first written to a staging folder and only moved into place
when all succeeded, so a failed build never replaces a good report.

Incremental: a report's inputs (its notebook, params file, the content of the plan's data
folder, and greenlib's code and templates) are hashed; when the hash equals the one stamped
in ``build/<plan-id>/.cache/reports/<name>.json`` after its last successful build, the report
is skipped. The report stage reads nothing but the data folder: it never rates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
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

from .. import config, contract, guards
from ..errors import GreenlibError
from ..plan import BuildPaths
from .atomic import write_json
from .stamps import SITE_MARKER, UNIT_DIR, read_stamp  # noqa: F401 (names of this module)
from .stamps import stamp_path as _stamp_path

# the digest of the data folder and the version readers see (kept importable from here)
from .version import READ_FILES, VOLATILE_KEYS, data_fingerprint, data_version  # noqa: F401

#: Seconds papermill lets one cell run before failing the report.
CELL_TIMEOUT = 600
#: The notebook of the assessment, whose 下一步工作建议 come from the analysts' file.
ASSESSMENT = "assessment"
#: Report parameters the build itself injects (a params file may not set them).
INJECTED = ("data_dir",)


@dataclass
class Paths:
    """Where one plan's build reads and writes."""

    params: Path
    data: Path
    root: Path
    notebooks: Path = field(default_factory=lambda: config.NOTEBOOKS)
    #: where the pages go (default ``root/site``); a dated as-of snapshot publishes its pages
    #: inside the plan's site as ``site/<date>/``, so the index lists it and publish carries it
    site_dir: Path | None = None

    @classmethod
    def for_plan(cls, plan: Any, as_of: str | None = None) -> Paths:
        bp = plan.build(as_of)
        current = plan.build()
        site_dir = None if bp.root == current.root else current.site / bp.root.name
        return cls(params=plan.params, data=bp.data, root=bp.root, site_dir=site_dir)

    @property
    def _layout(self) -> BuildPaths:
        return BuildPaths(self.root)

    @property
    def site(self) -> Path:
        return self.site_dir or self._layout.site

    @property
    def pdf(self) -> Path:
        return self._layout.pdf

    @property
    def executed(self) -> Path:
        return self._layout.executed

    @property
    def cache(self) -> Path:
        return self._layout.cache

    @property
    def chart_cache(self) -> Path:
        """Chart PNGs of the Word files, by spec (:func:`docx_charts.chart_png`)."""
        return self.cache / "charts"

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
    for_each: str | None = None
    #: the params file a generated report comes from (``for_each``), else None
    group: str | None = None


def notebook_parameters(nb: Path) -> dict[str, Any]:
    """The parameters a notebook declares (its cell tagged ``parameters``), name → default
    (as source text), read with :mod:`ast` as papermill would inject them."""
    import ast

    doc = json.loads(nb.read_text(encoding="utf-8"))
    cells = [c for c in doc.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise GreenlibError(f"{nb}: 没有标记为 parameters 的单元格")
    src = cells[0]["source"]
    tree = ast.parse("".join(src) if isinstance(src, list) else src)
    out: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    out[t.id] = ast.unparse(node.value)
    return out


def load_reports(paths: Paths) -> tuple[list[Report], dict[str, str]]:
    """Read and check every params/*.yaml of a plan.

    Returns the good reports and, per bad file, one message naming the file and the key; a
    bad file does not stop the others. Names must be unique (``x.yaml`` and ``x.yml`` clash).
    """
    files = sorted([*paths.params.glob("*.yaml"), *paths.params.glob("*.yml")])
    if not files:
        raise GreenlibError(f"{paths.params}/: 没有报告定义（*.yaml）")
    reports: list[Report] = []
    problems: dict[str, str] = {}
    declared: dict[Path, dict[str, Any]] = {}
    stems: dict[str, Path] = {}
    for f in files:
        if f.stem in stems:
            problems[f.stem] = (f"{f}: 报告名 {f.stem!r} 与 {stems[f.stem].name} 重复"
                                "（两个文件会写同一个 HTML），请改名或删除其一")
            continue
        stems[f.stem] = f
        try:
            reports += _expand(_load_report(f, paths, declared), paths)
        except GreenlibError as e:
            problems[f.stem] = str(e)
    reports = [r for r in reports if r.name not in problems]
    return reports, problems


def _load_report(f: Path, paths: Paths, declared: dict[Path, dict[str, Any]]) -> Report:
    doc = guards.read_yaml(f) or {}  # aliases bounded: an alias bomb is refused in one line
    if not isinstance(doc, dict):
        raise GreenlibError(f"{f}: 应为含 notebook、title、parameters 的映射")
    unknown = set(doc) - {"notebook", "title", "parameters", "for_each"}
    if unknown:
        raise GreenlibError(f"{f}: 未知的键 {sorted(unknown)}；可用：notebook, title, parameters, "
                            "for_each")
    if doc.get("for_each") not in (None, "unit"):
        raise GreenlibError(f"{f}: for_each 只能是 unit（每个责任单位一份报告），实为 {doc['for_each']!r}")
    nb_name = str(doc.get("notebook") or "")
    if not nb_name:
        raise GreenlibError(f"{f}: 缺少字段 notebook（如 notebook: sector）")
    nb = paths.notebooks / (nb_name if nb_name.endswith(".ipynb") else nb_name + ".ipynb")
    if not nb.exists():
        known = ", ".join(p.stem for p in sorted(paths.notebooks.glob("*.ipynb")))
        raise GreenlibError(f"{f}: 字段 notebook：{nb.name} 不存在（可用：{known}）")
    params = doc.get("parameters") or {}
    if not isinstance(params, dict):
        raise GreenlibError(f"{f}: 字段 parameters 应为映射（键: 值）")
    if nb not in declared:
        declared[nb] = notebook_parameters(nb)
    allowed = declared[nb]
    for key, value in params.items():
        if key in INJECTED:
            raise GreenlibError(f"{f}: parameters.{key} 由构建程序自动设置，请删除")
        if key not in allowed:
            raise GreenlibError(f"{f}: parameters.{key} 不是 {nb.name} 的参数"
                                f"（可用：{', '.join(k for k in allowed if k not in INJECTED)}）")
        default = allowed[key]
        if default not in (None, "None") and value is not None:
            kind = type(_literal(default))
            if kind in (int, float) and not isinstance(value, int | float):
                raise GreenlibError(f"{f}: parameters.{key} 应为数字，实为 {value!r}")
            if kind is str and not isinstance(value, str):
                raise GreenlibError(f"{f}: parameters.{key} 应为文字，实为 {value!r}")
    title = str(doc.get("title") or params.get("title") or f.stem)
    if doc.get("for_each") and doc["for_each"] not in allowed:
        raise GreenlibError(f"{f}: for_each: {doc['for_each']} 需要 {nb.name} 有参数 {doc['for_each']}")
    return Report(f.stem, f, nb, title, dict(params), for_each=doc.get("for_each"))



def _expand(report: Report, paths: Paths) -> list[Report]:
    """A ``for_each: unit`` report becomes one report per responsible unit of the data
    (``units/<unit>.html``); any other report stays as it is."""
    if report.for_each != "unit":
        return [report]
    import csv

    units_csv = paths.data / contract.UNITS
    if not units_csv.exists():
        return []
    with open(units_csv, encoding="utf-8", newline="") as f:
        units = [r["unit"] for r in csv.DictReader(f)]
    status = paths.data / contract.STATUS
    if status.exists():
        with open(status, encoding="utf-8", newline="") as f:
            owners = {r.get("owner_unit") or "" for r in csv.DictReader(f)}
        units += sorted(u for u in owners if u and u not in units)
    out = []
    for u in units:
        if not u.strip():
            continue
        out.append(Report(f"{UNIT_DIR}/{unit_file_stem(u)}", report.params_file, report.notebook,
                          f"{u}任务落实情况", {**report.parameters, "unit": u}, group=report.name))
    return out


def unit_file_stem(unit: str) -> str:
    """A department's page name: its name, with a slash or a leading dot (which would make
    another folder or a hidden file) in their full-width forms — never skipped (issue 21)."""
    stem = unit.replace("/", "／").replace("\\", "＼").replace("\0", "")
    return "．" + stem[1:] if stem.startswith(".") else stem


def _literal(text: Any) -> Any:
    import ast

    try:
        return ast.literal_eval(str(text))
    except (ValueError, SyntaxError):
        return text


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


def shared_inputs_hash(paths: Paths) -> str:
    """Hash of what every report of a plan depends on besides its notebook and params."""
    pkg = Path(__file__).resolve().parent.parent
    return hashlib.sha256("\0".join([
        data_fingerprint(paths.data),
        tree_hash(pkg, suffixes=(".py", ".j2", ".css", ".json", ".csv")),
    ]).encode()).hexdigest()


def report_key(report: Report, shared: str, pdf: bool, docx: bool = True) -> str:
    """The stamp key: changes whenever anything the report is made from changes."""
    h = hashlib.sha256()
    for part in (shared, report.notebook.read_bytes(), report.params_file.read_bytes(),
                 "pdf" if pdf else "nopdf", "docx" if docx else "nodocx"):
        h.update(part if isinstance(part, bytes) else part.encode())
        h.update(b"\0")
    return h.hexdigest()






def is_current(paths: Paths, report: Report, key: str, pdf: bool, docx: bool = True) -> bool:
    """True when the last successful build used exactly these inputs and its outputs exist."""
    st = read_stamp(paths, report.name)
    if not st or not st.get("ok") or st.get("key") != key:
        return False
    if not (paths.site / f"{report.name}.html").exists():
        return False
    if docx and not (paths.site / "docx" / f"{report.name}.docx").exists():
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
    docx_bytes: int = 0
    #: seconds per phase: execute (papermill), html (nbconvert), docx, pdf (Chromium)
    phases: dict[str, float] = field(default_factory=dict)


def _summary_of(nb: Any) -> dict[str, Any]:
    from .scope import SUMMARY_MIME

    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data") or {}
            if SUMMARY_MIME in data:
                value = data[SUMMARY_MIME]
                return json.loads(value) if isinstance(value, str) else dict(value)
    return {}


def _footer(report: Report, version: str, built: str) -> str:
    # readers see no file names; the executed notebook and the stamp record which made it
    return f"生成时间：{built}｜数据版本：{version}"


def build_report(report: Report, paths: Paths, pdf: bool, docx: bool = True) -> Result:
    """Execute, export and print one report (runs inside a worker process).

    The kernel's and papermill's log goes to ``notebooks/<name>.log``, so the console keeps
    one line per report.
    """
    from . import kernels, pdf_printer, render, reproducible
    from .execute import run_notebook

    t0 = time.perf_counter()
    log_path = paths.executed / f"{report.name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    executed = paths.executed / f"{report.name}.ipynb"
    _print(f"  ▶ {report.name}: started")
    log = open(log_path, "w", encoding="utf-8")  # closed in finally; its fd replaces stderr
    saved = os.dup(2)
    sys.stderr.flush()
    os.dup2(log.fileno(), 2)
    try:
        params = dict(report.parameters)
        params["data_dir"] = str(paths.data.resolve())
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
        reproducible.fix_cell_ids(nb)
        as_of = reproducible.as_of_of(paths.data)
        summary = _summary_of(nb)
        built = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
        footer = _footer(report, data_version(paths.data), built)
        # a notebook may name its page itself (the assessment: 中期 or 终期 by the as-of date)
        title = str(summary.get("title") or report.title)
        page = render.notebook_to_html(nb, title, footer)
        phases["html"] = time.perf_counter() - t
        stem = Path(report.name).name
        staging = paths.staging / f"{stem}-{uuid.uuid4().hex[:8]}"
        staging.mkdir(parents=True, exist_ok=True)
        try:
            tmp_html = staging / f"{stem}.html"
            tmp_html.write_text(page, encoding="utf-8")
            tmp_docx = staging / f"{stem}.docx"
            docx_bytes = 0
            if docx:
                from . import docx as dx

                t = time.perf_counter()
                dx.notebook_to_docx(nb, tmp_docx, title, footer,
                                    chart_cache=paths.chart_cache)
                docx_bytes = reproducible.fix_office_file(tmp_docx, as_of).stat().st_size
                phases["docx"] = time.perf_counter() - t
            pdf_bytes = 0
            if pdf:
                t = time.perf_counter()
                tmp_pdf = pdf_printer.print_pdf(tmp_html, staging / f"{stem}.pdf")
                tmp_pdf.write_bytes(reproducible.fix_pdf(tmp_pdf.read_bytes(), as_of))
                phases["pdf"] = time.perf_counter() - t
                pdf_bytes = tmp_pdf.stat().st_size
                for dest in (paths.pdf / f"{report.name}.pdf",
                             paths.site / "pdf" / f"{report.name}.pdf"):
                    render.write_atomic(dest, tmp_pdf.read_bytes())
            if docx:
                render.write_atomic(paths.site / "docx" / f"{report.name}.docx",
                                    tmp_docx.read_bytes())
            render.write_atomic(paths.site / f"{report.name}.html", page)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return Result(report.name, True, time.perf_counter() - t0, summary=summary,
                      html_bytes=len(page.encode()), pdf_bytes=pdf_bytes, phases=phases,
                      docx_bytes=docx_bytes)
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
    text = f"{ename}: {evalue}" if ename else f"{type(e).__name__}: {e}"
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    one = " / ".join(lines)
    return one if len(one) <= 300 else one[:297] + "…"


def _worker(report: Report, paths: Paths, pdf: bool, docx: bool = True) -> Result:
    return build_report(report, paths, pdf, docx)


def _print(msg: str) -> None:
    """One progress line, written in one piece (workers and the main process share stdout)."""
    sys.stdout.write(msg + "\n")
    sys.stdout.flush()


# --------------------------------------------------------------------------- run


def run_reports(paths: Paths, jobs: int = 2, only: list[str] | None = None,
                force: bool = False, pdf: bool = True, docx: bool = True) -> int:
    """Build one plan's reports (all, or the names in ``only``); 0 if all succeeded."""
    from . import search, site

    t_start = time.perf_counter()
    if jobs < 1:
        raise GreenlibError("--jobs 至少为 1")
    if not (paths.data / contract.TASKS).exists() or not (paths.data / contract.STATUS).exists():
        raise GreenlibError(f"{paths.data}: 数据尚未生成，请先运行 make data")
    remove_partial_files(paths)
    reports, bad = load_reports(paths)
    names = {r.name for r in reports} | set(bad)
    if only:
        unknown = [n for n in only if n not in names]
        if unknown:
            raise GreenlibError(f"没有这些报告：{unknown}；{paths.params} 中有：{sorted(names)}")
        selected = [r for r in reports if r.name in set(only)]
        bad = {k: v for k, v in bad.items() if k in set(only)}
    else:
        selected = reports
    failed: dict[str, str] = {}
    if any(r.notebook.stem == ASSESSMENT for r in selected) and not (
            paths.data / contract.RECOMMENDATIONS).exists():
        _print(f"  · {ASSESSMENT}: 规划文件夹中没有 recommendations.md（分析人员撰写的下一步工作建议），"
               "评估报告略去“下一步工作建议”一节")
    for name, msg in bad.items():
        failed[name] = msg
        _print(f"  ✘ {name}: 报告定义有误：{msg}")
    shared = shared_inputs_hash(paths)
    keys = {r.name: report_key(r, shared, pdf, docx) for r in selected}
    todo = [r for r in selected if force or not is_current(paths, r, keys[r.name], pdf, docx)]
    for r in selected:
        if r not in todo:
            _print(f"  = {r.name}: up to date")
    results: list[Result] = []
    if todo and pdf:
        from .render import chromium_path

        if not chromium_path():
            raise GreenlibError("生成 PDF 需要 Chromium：请运行 make sysdeps，"
                                "或不生成 PDF（make report NO_PDF=1）")
    if todo:
        n = min(jobs, len(todo))
        _print(f"building {len(todo)} of {len(selected)} report(s), {n} at a time")
        ctx = multiprocessing.get_context("spawn")
        from .kernels import init_worker

        with ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=init_worker,
                                 initargs=(ctx.Value("i", len(todo)),)) as pool:
            futures = {pool.submit(_worker, r, paths, pdf, docx): r for r in todo}
            for fut in as_completed(futures):
                r = futures[fut]
                try:
                    res = fut.result()
                except Exception as e:  # the worker process itself died
                    res = Result(r.name, False, 0.0, error=_one_line(e))
                results.append(res)
                _record(paths, r, res, keys[r.name], pdf, failed)
    # reports that failed in an earlier run and were not rebuilt still count as failed
    for r in reports:
        st = read_stamp(paths, r.name)
        if r.name not in failed and st is not None and not st.get("ok"):
            failed[r.name] = st.get("error", "failed earlier")
    if docx and todo:
        from .docx_charts import prune_chart_cache

        prune_chart_cache(paths.chart_cache)
    _write_workbook(paths)
    _write_open_data(paths)
    site.write_plan_index(paths, reports, failed, pdf, rebuilt=bool(todo), full=not only)
    meta = site.plan_meta(paths.data)
    search.write_plan_index(paths, reports, meta.get("short_title") or paths.root.name)
    write_json(paths.cache / "last_build.json", {
        "failed": failed, "reports": [r.name for r in reports],
        "data_version": data_version(paths.data), "pdf": pdf,
        "finished_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "results": [asdict(r) for r in results],
    })
    took = time.perf_counter() - t_start
    if failed:
        _print(f"report build FAILED for: {', '.join(sorted(failed))} "
               f"(executed notebooks and logs in {paths.executed}/) — {took:.1f} s")
        return 1
    _print(f"reports ready in {paths.site}/: {len(todo)} of {len(selected)} rebuilt, "
           f"{len(selected) - len(todo)} unchanged ({took:.1f} s)")
    return 0


def refresh_index(paths: Paths, pdf: bool = True) -> None:
    """Rewrite a plan's index (e.g. after a dated snapshot was added inside its site)."""
    from . import site

    if not (paths.site / "index.html").exists():
        return
    reports, bad = load_reports(paths)
    failed = {r.name: (read_stamp(paths, r.name) or {}).get("error", "")
              for r in reports if not (read_stamp(paths, r.name) or {}).get("ok", True)}
    site.write_plan_index(paths, reports, failed | bad, pdf, rebuilt=False, full=False)


def remove_partial_files(paths: Paths) -> list[Path]:
    """Temporary files a killed build left in the site/pdf folders (``.<name>.*.tmp`` of
    write_atomic, staging folders): removed so they are never published."""
    gone: list[Path] = []
    for folder in (paths.site, paths.pdf):
        if folder.exists():
            for f in folder.rglob(".*.tmp"):
                f.unlink(missing_ok=True)
                gone.append(f)
    shutil.rmtree(paths.staging, ignore_errors=True)
    return gone


def _write_open_data(paths: Paths) -> None:
    """site/data/ (the CSVs, datapackage.json and their zip), rewritten when the data changed."""
    from .opendata import DATA_DIR, write_open_data, zip_name

    key = hashlib.sha256((data_fingerprint(paths.data) + tree_hash(paths.data, suffixes=(".csv",))
                          ).encode()).hexdigest()
    stamp = paths.cache / "opendata.json"
    try:
        old = json.loads(stamp.read_text(encoding="utf-8")).get("key")
    except (OSError, ValueError):
        old = None
    name = paths.root.name if paths.site_dir is None else paths.site_dir.parent.parent.name
    if old != key or not (paths.site / DATA_DIR / zip_name(name)).exists():
        write_open_data(paths.data, paths.site, name)
        write_json(stamp, {"key": key})


def _write_workbook(paths: Paths) -> None:
    """plan.xlsx in the site, rewritten when the data changed."""
    key = data_fingerprint(paths.data)
    stamp = paths.cache / "workbook.json"
    out = paths.site / "plan.xlsx"
    try:
        old = json.loads(stamp.read_text(encoding="utf-8")).get("key")
    except (OSError, ValueError):
        old = None
    if old != key or not out.exists():
        from . import reproducible
        from .workbook import write_workbook

        write_workbook(paths.data, out)
        reproducible.fix_office_file(out, reproducible.as_of_of(paths.data))
        write_json(stamp, {"key": key})


def _record(paths: Paths, r: Report, res: Result, key: str, pdf: bool,
            failed: dict[str, str]) -> None:
    if res.ok:
        size = f"{res.html_bytes / 1e6:.1f} MB HTML"
        if pdf:
            size += f", {res.pdf_bytes / 1e6:.1f} MB PDF"
        if res.docx_bytes:
            size += f", {res.docx_bytes / 1e6:.1f} MB Word"
        _print(f"  ✔ {r.name}: done in {res.seconds:.1f} s ({size})")
        write_json(_stamp_path(paths, r.name), {
            "ok": True, "key": key, "summary": res.summary, "title": r.title,
            "seconds": round(res.seconds, 2), "pdf": pdf,
            "built_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        })
    else:
        failed[r.name] = res.error
        _print(f"  ✘ {r.name}: FAILED after {res.seconds:.1f} s: {res.error}")
        old = read_stamp(paths, r.name) or {}
        write_json(_stamp_path(paths, r.name), {**old, "ok": False, "key": None,
                                                 "error": res.error})
