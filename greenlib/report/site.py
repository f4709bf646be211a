"""The index pages: one per plan (``build/<plan-id>/site/index.html``: its reports with their
headline figures) and one for the whole build (``build/index.html``: every plan)."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import config, contract, labels
from ..errors import GreenlibError
from . import search
from .reproducible import CSP_META

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FONT = '"Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif'
STYLE = f"""
body {{ font-family: {FONT}; color: #222; margin: 0; line-height: 1.6; }}
main {{ max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px; }}
h1 {{ color: #1b5e20; border-bottom: 3px solid #1b5e20; padding-bottom: 8px; font-size: 26px; }}
h2 {{ color: #1b5e20; font-size: 20px; margin-top: 28px; }}
p.meta {{ color: #555; font-size: 14px; }}
table {{ border-collapse: collapse; width: 100%; font-size: 14px; margin-top: 12px; }}
th {{ background: #e8f3e8; text-align: left; border-bottom: 2px solid #1b5e20; padding: 6px;
      white-space: nowrap; }}
td {{ border-bottom: 1px solid #ddd; padding: 6px; vertical-align: top; }}
td.n {{ text-align: right; }} td.nw {{ white-space: nowrap; }}
a {{ color: #1b5e20; }} .bad {{ color: #c62828; font-size: 13px; }}
.note {{ background: #eef5fb; border-left: 4px solid #2b8cbe; padding: 8px 12px; font-size: 14px;
         margin-top: 20px; }}
form.gp-search {{ margin: 12px 0; font-size: 15px; }}
form.gp-search input[type=search] {{ width: 22em; max-width: 60%; font-size: 15px; padding: 4px 6px; }}
form.gp-search button {{ font-size: 15px; padding: 4px 12px; }}
ol.gp-results {{ padding-left: 1.5em; }}
li.gp-hit {{ margin: 12px 0; }}
a.gp-hit-title {{ font-size: 16px; }}
.gp-hit-where {{ color: #555; font-size: 13px; }}
.gp-kind {{ background: #e8f3e8; border-radius: 3px; padding: 0 4px; margin-right: 4px; }}
p.gp-hit-text {{ margin: 2px 0; font-size: 14px; }}
mark {{ background: #fff176; color: #222; }}
a:focus-visible, button:focus-visible, input:focus-visible {{ outline: 3px solid #1b5e20;
  outline-offset: 2px; }}
"""
#: The pages' policy, plus scripts and form submissions from the site itself ('self'): the
#: search page runs search.js and the plans' search-index.js (files beside it, since an
#: inline handler is never used), and the index pages' search box is a plain GET form.
SITE_CSP_META = (CSP_META.replace("script-src ", "script-src 'self' ", 1)
                 .replace("form-action 'none'", "form-action 'self'"))


def _cell(v: Any) -> str:
    return html.escape("—" if v is None or v == "" else str(v))


def _page(title: str, body: str, scripts: list[str] | None = None) -> str:
    """An index-like page of the site (``scripts``: files of the site it runs, in order)."""
    from . import render

    tags = "".join(f'<script src="{html.escape(s, quote=True)}"></script>\n'
                   for s in scripts or [])
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
{SITE_CSP_META}
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(title)}</title>
<style>{STYLE}</style>
</head>
<body><main>
{body}
</main>
{tags}</body>
</html>
"""
    refs = render.external_refs(page)
    if refs:
        raise GreenlibError(f"index page would load from the network: {refs}")
    return page


def plan_meta(data_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((data_dir / contract.PLAN).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


#: The quality report in the site (quality.md of the data folder as a page).
QUALITY_PAGE = "quality.html"
#: The users' guide (docs/使用说明.md), built as a page of the site beside build/index.html.
GUIDE_SOURCE = config.ROOT / "docs" / "使用说明.md"
GUIDE_PAGE = "使用说明.html"
#: Files of the build folder itself that publish copies (beside every plan's site/).
ROOT_FILES = ("index.html", search.PAGE, search.SCRIPT, GUIDE_PAGE)
#: Pages of a plan's site that are not reports (remove_stale keeps them).
SITE_PAGES = ("index.html", QUALITY_PAGE)


#: A field printed as the clean stage records it ({'indicator': '…'}): shown as words.
_DICT = re.compile(r"\{'(\w+)': '([^']*)'\}")


def _field_word(field: str) -> str:
    """A contract column's Chinese header (indicator → 指标), from any table that has it."""
    for headers in labels.HEADERS.values():
        if field in headers:
            return headers[field]
    return field


def quality_page(data_dir: Path) -> str | None:
    """The analysts' page: the data folder's quality.md and the analysts' appendix
    (:mod:`.analyst`) as a simple offline page (None if there is no quality.md)."""
    from markdown_it import MarkdownIt

    md = data_dir / "quality.md"
    if not md.exists():
        return None
    from .analyst import notes_markdown

    text = md.read_text(encoding="utf-8").replace(str(config.ROOT) + "/", "")
    text = _DICT.sub(lambda m: f"{_field_word(m.group(1))}“{m.group(2)}”", text)
    text += "\n" + notes_markdown(data_dir)
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    return _page("数据质量报告", '<p class="meta"><a href="index.html">← 返回报告目录</a></p>\n' + body)


def guide_page(source: Path = GUIDE_SOURCE) -> str | None:
    """The users' guide as a page of the site (None when the repository has none)."""
    from markdown_it import MarkdownIt

    if not source.exists():
        return None
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(
        source.read_text(encoding="utf-8"))
    return _page(labels.GUIDE_TITLE, '<p class="meta"><a href="index.html">← 全部规划</a></p>\n'
                 + body)


def snapshot(paths: Any, reports: list[Any], version: str) -> dict[str, Any]:
    """What the index shows, to tell on the next build what changed."""
    from .stamps import read_stamp

    out: dict[str, Any] = {"data_version": version, "reports": {}}
    for r in reports:
        st = read_stamp(paths, r.name) or {}
        out["reports"][r.name] = {"title": r.title, "built_at": st.get("built_at"),
                                  "status_counts": (st.get("summary") or {}).get("status_counts")}
    return out


def changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """Sentences saying what changed between two :func:`snapshot` s (empty: first build)."""
    if not old:
        return []
    lines: list[str] = []
    if old.get("data_version") != new["data_version"]:
        lines.append(f"数据已更新（数据版本 {old.get('data_version') or '—'} → {new['data_version']}）。")
    was, now = old.get("reports") or {}, new["reports"]
    added = [now[n]["title"] for n in now if n not in was]
    if added:
        lines.append("新增报告：" + "、".join(added) + "。")
    removed = [was[n].get("title") or n for n in was if n not in now]
    if removed:
        lines.append("移除报告：" + "、".join(removed) + "。")
    rebuilt = [now[n]["title"] for n in now if n in was and now[n]["built_at"] != was[n].get("built_at")]
    if rebuilt:
        lines.append(f"重新生成 {len(rebuilt)} 份报告：" + "、".join(rebuilt) + "。")
    moved = 0
    for n in now:
        a = (was.get(n) or {}).get("status_counts") or {}
        b = now[n].get("status_counts") or {}
        if n in was and a != b:
            moved += 1
    if moved:
        lines.append(f"{moved} 份报告的进展评级有变化。")
    return lines or ["与上次构建相比没有变化。"]


def plan_index_html(paths: Any, reports: list[Any], failed: dict[str, str], version: str,
                    built: str, pdf: bool, changed: list[str] | None = None) -> str:
    """A plan's front page: one row per report with its headline figures and links."""
    from .stamps import read_stamp

    meta = plan_meta(paths.data)
    title = f"{meta.get('short_title') or meta.get('title') or paths.root.name} · 分析报告"
    rows = []
    unit_rows = []
    unit_links: dict[str, str] = {}
    # the whole-plan reports first, then the others in file-name order; department pages apart
    for r in sorted(reports, key=lambda r: ("sector" in r.parameters, r.name)):
        st = read_stamp(paths, r.name) or {}
        s = st.get("summary") or {}
        sc = s.get("status_counts") or {}
        cc = s.get("conclusion_counts") or {}
        ratings = ("；".join(f"{labels.CONCLUSION[k]} {cc[k]}" for k in labels.CONCLUSION_ORDER
                            if cc.get(k)) if cc else
                   "；".join(f"{labels.STATUS[k]} {sc[k]}" for k in labels.STATUS_ORDER if sc.get(k)))
        has_html = (paths.site / f"{r.name}.html").exists()
        has_pdf = (paths.site / "pdf" / f"{r.name}.pdf").exists()
        href = html.escape(quote(r.name), quote=True)  # a unit's name may hold # ? % " …
        links = (f'<a href="{href}.html">网页版</a>' if has_html else "—")
        if has_pdf:
            links += f' ｜ <a href="pdf/{href}.pdf">PDF</a>'
        if (paths.site / "docx" / f"{r.name}.docx").exists():
            links += f' ｜ <a href="docx/{href}.docx">Word</a>'
        state = "" if st else '<span class="bad">尚未构建</span>'
        if r.name in failed:
            state = ('<span class="bad">本次构建失败'
                     + ("，链接为上次成功的版本" if has_html else "") + "</span>")
        if r.group:
            unit_links[str(r.parameters.get("unit"))] = links + ("<br>" + state if state else "")
            unit_rows.append(f"<tr><td><b>{_cell(r.parameters.get('unit'))}</b>"
                             f"{'<br>' + state if state else ''}</td>"
                             f"<td class=\"nw\">{links}</td></tr>")
            continue
        rows.append(
            "<tr>"
            # a report that names itself (the assessment: 中期/终期 by its date) is listed so
            f"<td><b>{_cell(s.get('title') or r.title)}</b>{'<br>' + state if state else ''}</td>"
            f"<td>{_cell(s.get('sector_name'))}</td><td>{_cell(s.get('as_of'))}</td>"
            f'<td class="n">{_cell(s.get("n_tasks"))}</td>'
            f'<td class="n">{_cell(s.get("n_units"))}</td>'
            f'<td class="n">{_cell(s.get("n_targets"))}</td>'
            f'<td class="n">{_cell(s.get("n_passed"))}</td>'
            f"<td>{_cell(ratings)}</td><td class=\"nw\">{links}</td>"
            "</tr>")
    for name, msg in sorted(failed.items()):
        if name not in {r.name for r in reports} and "/" not in name:
            rows.append(f'<tr><td><b>{_cell(name)}</b><br><span class="bad">报告定义有误：'
                        f'{_cell(msg)}</span></td>' + "<td>—</td>" * 8 + "</tr>")
    number = meta.get("document_number") or ""
    plan_title = meta.get("title") or ""
    snapshots = sorted((d.name for d in paths.site.iterdir() if d.is_dir()
                        and _DATE.fullmatch(d.name) and (d / "index.html").exists()),
                       reverse=True) if paths.site.exists() else []
    dated = ""
    if snapshots:
        items = "".join(f'<li><a href="{d}/index.html">截至 {d} 的评估</a></li>' for d in snapshots)
        dated = f"<h2>按其他截止日期生成的评估（快照）</h2><ul>{items}</ul>"
    units = ""
    follow, update = _followup(paths.data, unit_links)
    if follow:
        units = follow
    elif unit_rows:
        units = ("<h2>各责任单位任务落实情况</h2><table><thead><tr><th>责任单位</th><th>查看</th>"
                 f"</tr></thead><tbody>{''.join(unit_rows)}</tbody></table>")
    if update and changed:
        changed = [update, *changed]
    up = "../index.html" if _DATE.fullmatch(paths.site.name) else "../../index.html"
    back = "本规划当前报告" if up == "../index.html" else "全部规划"
    data_links = []
    if (paths.site / "plan.xlsx").exists():
        data_links.append('<a href="plan.xlsx">全部数据表（plan.xlsx，可用 Excel 打开）</a>')
    from .opendata import DATA_DIR, PACKAGE

    zips = sorted((paths.site / DATA_DIR).glob("*-data.zip")) if paths.site.exists() else []
    if zips:
        data_links.append(f'<a href="{DATA_DIR}/{html.escape(zips[0].name)}" download>'
                          f"{labels.DOWNLOAD_ALL}</a>（CSV 表格和数据说明 "
                          f'<a href="{DATA_DIR}/{PACKAGE}">{PACKAGE}</a>）')
    if (paths.site / QUALITY_PAGE).exists():
        data_links.append(f'<a href="{QUALITY_PAGE}">数据质量报告</a>')
    about = (f"<p>本站点汇集《{html.escape(plan_title)}》{html.escape(number)}的跟踪分析报告：从方案文本"
             "整理出的重点任务、责任单位和量化目标，以及按公开监测数据对量化目标的进展评级。"
             "每份报告有网页版，并可下载 PDF（打印用）和 Word 版。</p>"
             + (f"<p>数据：{'｜'.join(data_links)}</p>" if data_links else ""))
    if update and not changed:
        about += f"<p>{html.escape(update)}</p>"
    if changed:
        about += ("<h2>本次更新</h2><ul>" + "".join(f"<li>{html.escape(c)}</li>" for c in changed)
                  + "</ul>")
    root = "../../../" if up == "../index.html" else "../../"
    body = f"""<h1>{html.escape(title)}</h1>
<p class="meta"><a href="{up}">← {back}</a>｜数据版本：{html.escape(version)}｜
构建时间：{html.escape(built)}｜共 {len(reports)} 份报告{'' if pdf else '（本次未生成 PDF）'}｜
<a href="{root}{GUIDE_PAGE}">{labels.GUIDE_TITLE}</a></p>
{search.search_form(root + search.PAGE, plan=paths.root.name)}
{about}
<h2>报告</h2>
<table>
<thead><tr><th>报告</th><th>范围</th><th>截止日期</th><th>重点任务</th><th>责任单位</th>
<th>量化目标</th><th>目标年份已过</th><th>评估结论</th><th>查看</th></tr></thead>
<tbody>
{''.join(rows)}
</tbody>
</table>
{units}
{dated}
<div class="note">各报告依据《{html.escape(plan_title)}》{html.escape(number)}整理；
“目标年份已过”指目标年份的 12 月 31 日早于报告截止日期的量化目标。
进展评级的方法见各报告中“如何阅读评级”一节。本站点不依赖互联网，可在内网直接打开。</div>"""
    return _page(title, body)


def _followup(data_dir: Path, unit_links: dict[str, str]) -> tuple[str, str]:
    """The follow-up sections of a plan's index and the 本次更新 line (empty without the
    monitor stage's unit_status.csv)."""
    if not (data_dir / contract.UNIT_STATUS).exists():
        return "", ""
    from . import followup
    from .scope import scope

    s = scope(None, data_dir=data_dir)
    return followup.index_sections(s, unit_links), followup.round_update(s)


def write_plan_index(paths: Any, reports: list[Any], failed: dict[str, str], pdf: bool,
                     rebuilt: bool, full: bool) -> None:
    """(Re)write a plan's index when the report list, a stamp or the data version changed."""
    from .atomic import write_json
    from .stamps import SITE_MARKER, read_stamp
    from .version import data_version

    index = paths.site / "index.html"
    version = data_version(paths.data)
    snapshots = sorted(d.name for d in paths.site.glob("*/index.html")) if paths.site.exists() else []
    index_key = hashlib.sha256(json.dumps(
        [version, pdf, sorted(failed.items()), snapshots,
         [(r.name, r.title, read_stamp(paths, r.name)) for r in reports]],
        sort_keys=True, default=str).encode()).hexdigest()
    key_path = paths.cache / "index.json"
    try:
        last = json.loads(key_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        last = {}
    quality = paths.site / QUALITY_PAGE
    if (rebuilt or last.get("index_key") != index_key or not index.exists()
            or not (paths.site / SITE_MARKER).exists() or not quality.exists()):
        from . import render

        if full:
            remove_stale(paths, reports)
        page = quality_page(paths.data)
        if page:
            render.write_atomic(quality, page)
        snap = snapshot(paths, reports, version)
        built = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
        render.write_atomic(index, plan_index_html(paths, reports, failed, version, built, pdf,
                                                   changes(last.get("snapshot"), snap)))
        render.write_atomic(paths.site / SITE_MARKER, f"greenplan site, data {version}\n")
        write_json(key_path, {"index_key": index_key, "snapshot": snap})


def remove_stale(paths: Any, reports: list[Any]) -> None:
    """Drop HTML/PDF/Word of reports whose params file (or unit) is gone (full builds only)."""
    from .stamps import UNIT_DIR

    keep = {r.name for r in reports}
    for base, pattern in ((paths.site, "*.html"), (paths.site / "pdf", "*.pdf"),
                          (paths.pdf, "*.pdf"), (paths.site / "docx", "*.docx")):
        for sub in ("", UNIT_DIR):
            for p in (base / sub).glob(pattern) if (base / sub).exists() else []:
                name = f"{sub}/{p.stem}" if sub else p.stem
                if name not in keep and p.name not in SITE_PAGES:
                    p.unlink()


def write_site_index(build: Path | None = None) -> Path:
    """``build/index.html``: every plan that has a built site, with a link to its index
    (rewritten only when the list of plans or their facts changed)."""
    from .atomic import write_json

    build = build or config.BUILD
    rows = []
    for site in sorted(build.glob("*/site/index.html")):
        root = site.parent.parent
        meta = plan_meta(root / "data")
        level = meta.get("level") or "—"
        parent = meta.get("parent") or "—"
        n = len([p for p in site.parent.glob("*.html") if p.name != "index.html"])
        rows.append(
            f"<tr><td><b><a href=\"{html.escape(root.name)}/site/index.html\">"
            f"{_cell(meta.get('short_title') or root.name)}</a></b><br>"
            f"<span class=\"meta\">{_cell(meta.get('title'))}</span></td>"
            f"<td class=\"nw\">{_cell(meta.get('document_number'))}</td><td>{_cell(level)}</td>"
            f"<td>{_cell(meta.get('geo'))}</td><td>{_cell(parent)}</td>"
            f"<td>{_cell(meta.get('as_of'))}</td><td class=\"n\">{n}</td></tr>")
    out = build / "index.html"
    search.write_search_page(build, _page)
    guide = guide_page()
    if guide:
        from . import render

        render.write_atomic(build / GUIDE_PAGE, guide)
    key = hashlib.sha256("".join([*rows, search.search_form(search.PAGE), GUIDE_PAGE,
                                  SITE_CSP_META]).encode()).hexdigest()
    stamp = build / ".cache" / "site_index.json"
    try:
        if out.exists() and json.loads(stamp.read_text(encoding="utf-8")).get("key") == key:
            return out
    except (OSError, ValueError):
        pass
    from . import render

    built = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    body = f"""<h1>绿色低碳循环经济体系规划 · 跟踪分析报告</h1>
<p class="meta">构建时间：{html.escape(built)}｜共 {len(rows)} 个规划｜
<a href="{GUIDE_PAGE}">{labels.GUIDE_TITLE}</a></p>
{search.search_form(search.PAGE)}
<table>
<thead><tr><th>规划</th><th>文号</th><th>层级</th><th>评级地区</th><th>上级规划</th>
<th>截止日期</th><th>报告数</th></tr></thead>
<tbody>
{''.join(rows)}
</tbody>
</table>
<div class="note">每个规划的报告列在其索引页中。本站点不依赖互联网，可在内网直接打开。</div>"""
    render.write_atomic(out, _page("绿色低碳循环经济体系规划 · 跟踪分析报告", body))
    write_json(stamp, {"key": key})
    return out
