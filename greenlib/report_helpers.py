"""Small functions the report notebooks call, so the notebooks stay thin.

A notebook loads a :class:`Scope` (the whole plan, or one sector) with :func:`scope`,
then asks this module for ready-to-show tables (Chinese headers, sorted) and for the
tidy frames the chart builders in :mod:`greenlib.charts` expect.

Progress ratings are the monitoring helper's (``greenlib.status.build_status``); this
module only calls it with the report's as-of date and falls back, with a visible note,
when that module is not there yet.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import pandas as pd

from . import charts, config, tables
from .errors import GreenlibError, InputError

#: MIME type of the machine-readable headline the build reads back for the index page.
SUMMARY_MIME = "application/vnd.greenplan.summary+json"

#: Names used when data/reference/sectors.csv is missing or lacks a sector.
FALLBACK_SECTOR_NAMES: dict[str, str] = {
    "industry": "工业",
    "agriculture": "农业",
    "services": "服务业",
    "environmental_industry": "环保产业",
    "parks": "产业园区",
    "supply_chain": "绿色供应链",
    "logistics": "物流",
    "recycling": "再生资源",
    "trade": "贸易",
    "consumption": "消费",
    "lifestyle": "生活方式",
    "energy": "能源",
    "urban": "城乡建设",
    "transport": "交通",
    "environment": "生态环境",
    "innovation": "科技创新",
    "finance": "绿色金融",
    "governance": "法规政策",
    "plan": "全区",
}

COMPARATOR_LABELS: dict[str, str] = {
    ">=": "不低于",
    "<=": "不高于",
    "=": "达到",
    ">": "高于",
    "<": "低于",
    "increase_by": "增加",
    "reduce_by": "减少",
}

_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 23 → 二十三 (the plan numbers parts and sections this way, 1–99)."""
    n = int(n)
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


def split_list(value: Any) -> list[str]:
    """Split a ``;``-joined cell (co_units, years, task_ids) into its non-empty items."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return []
    return [p.strip() for p in str(value).split(";") if p.strip()]


def fmt_value(v: Any) -> str:
    """A number as an analyst writes it: 10.0 → 10, 1.63 → 1.63, missing → —."""
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return "—"
    try:
        return f"{float(v):g}"
    except (TypeError, ValueError):
        return str(v)


def as_of_date(as_of: str | dt.date | None) -> str:
    """Validate an as-of date (default ``config.DEFAULT_AS_OF``) and return it as ISO text."""
    if as_of is None or as_of == "":
        return config.DEFAULT_AS_OF
    try:
        return pd.Timestamp(str(as_of)).date().isoformat()
    except (ValueError, TypeError) as e:
        raise GreenlibError(f"as_of={as_of!r} is not a date (use YYYY-MM-DD)") from e


def year_passed(year: Any, as_of: str) -> bool:
    """A target year has passed once its 31 December lies before the as-of date."""
    try:
        y = int(float(year))
    except (TypeError, ValueError):
        return False
    return dt.date(y, 12, 31) < dt.date.fromisoformat(as_of)


def sector_names() -> dict[str, str]:
    """Sector slug → Chinese name, from data/reference/sectors.csv where it exists."""
    names = dict(FALLBACK_SECTOR_NAMES)
    path = config.SECTORS_MAP
    if path.exists():
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        if {"sector", "sector_name"} <= set(df.columns):
            for s, n in zip(df["sector"], df["sector_name"], strict=True):
                if s and n:
                    names[s] = n
    return names


def sector_name(sector: str | None) -> str:
    """Chinese name of a sector slug (the slug itself if unknown; 全区 for the whole plan)."""
    if not sector:
        return "全区"
    return sector_names().get(sector, sector)


# --------------------------------------------------------------------------- ratings


@dataclass
class Ratings:
    """Progress ratings of the targets in scope, and where they came from."""

    status: pd.DataFrame
    origin: str  # "computed" | "status.csv" | "none"
    note: str = ""
    rule_text: str = ""
    observed: pd.DataFrame = field(default_factory=pd.DataFrame)


def _empty_status(targets: pd.DataFrame, as_of: str) -> pd.DataFrame:
    return pd.DataFrame({
        "target_id": targets["target_id"].astype(str).tolist(),
        "as_of": as_of,
        "status": "no_data",
    })


def ratings(t: tables.Tables, targets: pd.DataFrame, as_of: str) -> Ratings:
    """Rate ``targets`` as of ``as_of`` with ``greenlib.status.build_status``.

    Falls back to build/data/status.csv (rated at ``make data`` time) and then to
    "no data" when the monitoring modules are not installed, saying so in ``note``.
    """
    try:
        from . import monitoring, status
    except ImportError:
        monitoring = status = None  # type: ignore[assignment]
    observed = pd.DataFrame()
    ids = set(targets["target_id"].astype(str))
    obs = None
    # The indicator map names targets of every sector, so monitoring and rating always get
    # the whole plan's targets; the result is then cut down to this scope.
    if monitoring is not None and hasattr(monitoring, "load_observations"):
        obs = monitoring.load_observations(targets=t.targets)
        if hasattr(monitoring, "observed_for_targets"):
            observed = monitoring.observed_for_targets(t.targets, obs).copy()
            observed["target_id"] = observed["target_id"].astype(str)
            observed = observed[observed["target_id"].isin(ids)]
    if status is not None and hasattr(status, "build_status"):
        st = status.build_status(t.targets, as_of, obs).copy()
        st["target_id"] = st["target_id"].astype(str)
        st = st[st["target_id"].isin(ids)]
        return Ratings(st, "computed", rule_text=getattr(status, "RULE_TEXT", ""),
                       observed=observed)
    if t.status is not None and not t.status.empty:
        st = t.status.copy()
        st["target_id"] = st["target_id"].astype(str)
        st = st[st["target_id"].isin(ids)]
        shown = ", ".join(sorted(set(st["as_of"].astype(str)))) or "未知"
        return Ratings(st, "status.csv", observed=observed, note=(
            f"评级模块（greenlib.status）尚未安装，本报告沿用 build/data/status.csv 中的评级"
            f"（评级日期：{shown}），未按本报告的截止日期 {as_of} 重新计算。"))
    return Ratings(_empty_status(targets, as_of), "none", observed=observed, note=(
        "评级模块（greenlib.status）尚未安装，且 build/data/ 中没有 status.csv，"
        "本报告所有量化目标暂按“暂无数据”显示。"))


# --------------------------------------------------------------------------- scope


@dataclass
class Scope:
    """What one report is about: the whole plan (``sector=None``) or one sector."""

    sector: str | None
    sector_name: str
    as_of: str
    t: tables.Tables
    tasks: pd.DataFrame
    task_units: pd.DataFrame
    targets: pd.DataFrame
    ratings: Ratings

    @property
    def task_ids(self) -> set[int]:
        return set(self.tasks["task_id"].astype(int))


def scope(sector: str | None = None, as_of: str | None = None,
          data_dir: str | Path | None = None) -> Scope:
    """Load build/data (or ``data_dir``) and select one sector, or everything if ``None``."""
    as_of = as_of_date(as_of)
    t = tables.load(data_dir)
    tasks = t.tasks.sort_values("task_id", kind="stable")
    targets = t.targets.copy()
    targets["target_id"] = targets["target_id"].astype(str)
    if sector:
        known = set(t.tasks["sector"]) | set(t.targets["sector"])
        if sector not in known:
            raise InputError(
                f"sector {sector!r} has no tasks or targets in {t.data_dir}; "
                f"known sectors: {', '.join(sorted(known))}")
        tasks = tasks[tasks["sector"] == sector]
        targets = targets[targets["sector"] == sector]
    ids = set(tasks["task_id"].astype(int))
    task_units = t.task_units[t.task_units["task_id"].astype(int).isin(ids)]
    targets = targets.sort_values(["year", "target_id"], kind="stable")
    return Scope(sector, sector_name(sector), as_of, t, tasks.reset_index(drop=True),
                 task_units.reset_index(drop=True), targets.reset_index(drop=True),
                 ratings(t, targets, as_of))


# --------------------------------------------------------------------------- headline


def headline(s: Scope) -> dict[str, Any]:
    """The headline figures of a report (also written into the index page)."""
    st = s.ratings.status
    counts = st["status"].value_counts().to_dict() if not st.empty else {}
    return {
        "sector": s.sector,
        "sector_name": s.sector_name,
        "as_of": s.as_of,
        "n_tasks": len(s.tasks),
        "n_units": int(s.task_units["unit"].nunique()),
        "n_targets": len(s.targets),
        "n_passed": int(sum(year_passed(y, s.as_of) for y in s.targets["year"])),
        "status_counts": {k: int(counts.get(k, 0)) for k in charts.STATUS_ORDER},
        "rating_origin": s.ratings.origin,
    }


def headline_html(h: dict[str, Any]) -> str:
    """Four figure cards plus one line of ratings, as HTML."""
    cards = [
        ("重点任务", h["n_tasks"], "项"),
        ("责任单位", h["n_units"], "个"),
        ("量化目标", h["n_targets"], "项"),
        (f"目标年份已过（截至 {h['as_of']}）", h["n_passed"], "项"),
    ]
    items = "".join(
        f'<div class="gp-card"><div class="gp-card-n">{n}<span>{u}</span></div>'
        f'<div class="gp-card-l">{html.escape(label)}</div></div>'
        for label, n, u in cards
    )
    sc = h["status_counts"]
    line = "，".join(f"{charts.STATUS_LABELS[k]} {sc[k]} 项" for k in charts.STATUS_ORDER)
    return (f'<div class="gp-cards">{items}</div>'
            f'<p class="gp-card-note">量化目标进展评级：{html.escape(line)}。</p>')


def show_headline(s: Scope) -> dict[str, Any]:
    """Display the headline cards; the build reads the figures back from this output."""
    from IPython.display import display

    h = headline(s)
    display({"text/html": headline_html(h), SUMMARY_MIME: json.loads(json.dumps(h))}, raw=True)
    return h


def show_title(s: Scope, title: str | None, kind: str = "领域分析报告") -> None:
    """The report's title block: title, scope and as-of date, data version."""
    from IPython.display import HTML, display

    title = title or f"{s.sector_name}{kind}"
    plan = "黔江区关于进一步加快建立健全绿色低碳循环经济体系的实施方案"
    version = data_version(s.t.data_dir)
    display(HTML(
        f'<h1 class="gp-title">{html.escape(title)}</h1>'
        f'<p class="gp-meta">依据：《{plan}》｜范围：{html.escape(s.sector_name)}｜'
        f'截止日期：{s.as_of}｜数据版本：{version}</p>'))


#: Keys of quality.json that change on every ``make data`` without the data changing.
VOLATILE_QUALITY_KEYS = ("generated_at",)


def data_fingerprint(data_dir: str | Path | None = None) -> str:
    """Content hash of what the reports read from the data folder: the contract files,
    quality.json without its time stamp (plan.xlsx and quality.md are not read, and
    an .xlsx carries its creation time)."""
    import hashlib

    from . import contract

    d = Path(data_dir) if data_dir else config.BUILD_DATA
    h = hashlib.sha256()
    for name in (contract.TASKS, contract.TASK_UNITS, contract.UNITS, contract.TARGETS,
                 contract.STATUS, contract.QUALITY):
        p = d / name
        h.update(name.encode() + b"\0")
        if not p.exists():
            continue
        data = p.read_bytes()
        if name == contract.QUALITY:
            try:
                q = json.loads(data)
                for k in VOLATILE_QUALITY_KEYS:
                    q.pop(k, None)
                data = json.dumps(q, sort_keys=True, ensure_ascii=False).encode()
            except ValueError:
                pass
        h.update(data + b"\0")
    return h.hexdigest()


def data_version(data_dir: str | Path | None = None) -> str:
    """The data version shown in reports and on the index: quality.json's ``data_version``
    (written by ``make data``) when there is one, else a short content hash."""
    from . import contract

    d = Path(data_dir) if data_dir else config.BUILD_DATA
    try:
        q = json.loads((d / contract.QUALITY).read_text(encoding="utf-8"))
        if isinstance(q, dict) and q.get("data_version"):
            return str(q["data_version"])
    except (OSError, ValueError):
        pass
    return data_fingerprint(d)[:12]


# --------------------------------------------------------------------------- tables


def table_html(df: pd.DataFrame) -> str:
    """A table without index; short columns do not wrap, numbers align right."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    classes = []
    for c in df.columns:
        col = df[c]
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            classes.append("gp-num")
        else:
            longest = col.astype(str).str.len().max()
            classes.append("gp-nw" if longest <= 10 else "gp-long" if longest > 20 else "gp-mid")
    rows = []
    for rec in df.itertuples(index=False):
        cells = []
        for v, cls in zip(rec, classes, strict=True):
            text = "—" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
            attr = f' class="{cls}"' if cls else ""
            cells.append(f"<td{attr}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="gp-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def show_table(df: pd.DataFrame, empty: str = "（无）") -> None:
    """Display a table (see :func:`table_html`), or the ``empty`` sentence."""
    from IPython.display import HTML, display

    if df.empty:
        display(HTML(f'<p class="gp-empty">{html.escape(empty)}</p>'))
        return
    display(HTML(table_html(df)))


def show_note(text: str, kind: str = "note") -> None:
    """A boxed note (``kind``: note or warn)."""
    from IPython.display import HTML, display

    if text:
        display(HTML(f'<div class="gp-{kind}">{html.escape(text)}</div>'))


def task_table(s: Scope, with_section: bool = False) -> pd.DataFrame:
    """The task list: id, task, lead unit, co-units, target years (sorted by id)."""
    df = s.tasks
    out = pd.DataFrame({
        "编号": df["task_id"].astype(int),
        "重点任务": df["text"],
        "牵头单位": df["lead_unit"],
        "配合单位": df["co_units"].map(lambda v: "、".join(split_list(v)) or "—")
        if "co_units" in df else "—",
        "目标年份": df["years"].map(lambda v: "、".join(split_list(v)) or "—"),
    })
    if with_section:
        out.insert(1, "节", [f"（{chinese_number(n)}）{t}" for n, t in
                             zip(df["section"], df["section_title"], strict=True)])
    return out.sort_values("编号", kind="stable").reset_index(drop=True)


def unit_role_counts(s: Scope) -> pd.DataFrame:
    """Tasks per (unit, role): the input of :func:`greenlib.charts.unit_roles`."""
    tu = s.task_units.drop_duplicates(["task_id", "unit"])
    return tu.groupby(["unit", "role"], as_index=False).size().rename(columns={"size": "n"})


def unit_table(s: Scope, top: int | None = None) -> pd.DataFrame:
    """Units with their lead / co task counts in this scope, busiest first."""
    c = unit_role_counts(s).pivot_table(index="unit", columns="role", values="n", fill_value=0)
    c = c.reindex(columns=["lead", "co"], fill_value=0).astype(int)
    c["total"] = c["lead"] + c["co"]
    c = c.reset_index().sort_values(["total", "lead", "unit"], ascending=[False, False, True],
                                    kind="stable")
    full = dict(zip(s.t.units["unit"], s.t.units["full_name"], strict=False))
    out = pd.DataFrame({
        "单位": c["unit"],
        "全称": c["unit"].map(lambda u: full.get(u) or "—"),
        "牵头任务数": c["lead"],
        "配合任务数": c["co"],
        "合计": c["total"],
    }).reset_index(drop=True)
    return out.head(top) if top else out


def co_pairs(s: Scope) -> tuple[pd.DataFrame, list[str]]:
    """Unit pairs that share tasks (both orders) and the axis order, busiest unit first."""
    tu = s.task_units.drop_duplicates(["task_id", "unit"])
    rows: list[tuple[str, str]] = []
    for _, g in tu.groupby("task_id"):
        units = sorted(set(g["unit"]))
        for a, b in combinations(units, 2):
            rows += [(a, b), (b, a)]
    if not rows:
        return pd.DataFrame(columns=["unit_a", "unit_b", "n"]), []
    pairs = pd.DataFrame(rows, columns=["unit_a", "unit_b"]).value_counts().reset_index(name="n")
    involved = set(pairs["unit_a"])
    order = [u for u in unit_table(s)["单位"] if u in involved]
    return pairs, order


def goals_table(s: Scope) -> pd.DataFrame:
    """The main targets' qualitative goals by year (overview)."""
    g = s.t.goals
    if g.empty:
        return pd.DataFrame()
    out = pd.DataFrame({"目标年份": g["year"].map(lambda v: "—" if pd.isna(v) else str(int(v))),
                        "目标表述": g["text"]})
    return out.reset_index(drop=True)


def deadline_counts(s: Scope) -> pd.DataFrame:
    """How many tasks and targets name each year (for the deadline timeline)."""
    rows = [("任务", int(y)) for v in s.tasks["years"] for y in split_list(v) if y.isdigit()]
    rows += [("量化目标", int(y)) for y in s.targets["year"].dropna()]
    if s.sector is None:  # the plan's qualitative goals (the 2035 vision) belong to no sector
        rows += [("定性目标", int(y)) for y in s.t.goals["year"].dropna()]
    if not rows:
        return pd.DataFrame(columns=["kind", "year", "n"])
    return (pd.DataFrame(rows, columns=["kind", "year"]).value_counts()
            .reset_index(name="n").sort_values(["kind", "year"]))


def _status_frame(s: Scope) -> pd.DataFrame:
    st = s.ratings.status
    keep = [c for c in ("target_id", "status", "latest_year", "latest_value", "baseline_year",
                        "baseline_value", "partial_latest_year", "partial_latest_value",
                        "progress_band", "geo") if c in st.columns]
    return s.targets.merge(st[keep], on="target_id", how="left").fillna({"status": "no_data"})


def status_counts(s: Scope) -> pd.DataFrame:
    """Targets per status: the input of :func:`greenlib.charts.status_counts`."""
    df = _status_frame(s)
    return df["status"].value_counts().rename_axis("status").reset_index(name="n")


def target_table(s: Scope) -> pd.DataFrame:
    """Targets with value, unit, comparator, year, rating, latest figure, quote, task ids."""
    df = _status_frame(s)

    def figure(r: pd.Series, value: str, year: str) -> str | None:
        if value not in r or pd.isna(r.get(value)):
            return None
        y = r.get(year)
        return f"{fmt_value(r[value])}（{int(y)}年）" if pd.notna(y) else fmt_value(r[value])

    def latest(r: pd.Series) -> str:
        text = figure(r, "latest_value", "latest_year") or "—"
        part = figure(r, "partial_latest_value", "partial_latest_year")
        if part:
            text += f"（参考：{part[:-2]}部分月份）" if part.endswith("年）") else f"（参考：{part}）"
        return text

    out = pd.DataFrame({
        "编号": df["target_id"],
        "指标": df["indicator"],
        "目标": [target_text(c, v, u) for c, v, u in
               zip(df["comparator"], df["value"], df["unit"], strict=True)],
        "目标年份": df["year"].map(lambda y: "—" if pd.isna(y) else str(int(y))),
        "评级": df["status"].map(charts.status_label),
        "基期值": df.apply(lambda r: figure(r, "baseline_value", "baseline_year") or "—", axis=1)
        if not df.empty else [],
        "最新监测值": df.apply(latest, axis=1) if not df.empty else [],
        "关联任务": df["task_ids"].map(lambda v: "、".join(split_list(v)) or "—"),
        "原文": df["quote"],
    })
    if (out["基期值"] == "—").all():
        out = out.drop(columns="基期值")
    if not s.sector:  # the overview: one more column, the quote is in the sector reports
        names = sector_names()
        out.insert(1, "领域", df["sector"].map(lambda x: names.get(x, x)))
        out = out.drop(columns="原文")
    return out


def target_text(comparator: str, value: Any, unit: str) -> str:
    """A target as a reader says it: 不低于 90%, 增加 100 个, 达到 4.5 亿元."""
    unit = "" if unit is None or (isinstance(unit, float) and pd.isna(unit)) else str(unit)
    if unit == "比值":  # 农产品加工业产值与农业总产值之比达到2:1
        return f"{COMPARATOR_LABELS.get(comparator, comparator)} {fmt_value(value)}:1"
    sep = "" if unit in ("%", "‰") else " "
    return f"{COMPARATOR_LABELS.get(comparator, comparator)} {fmt_value(value)}{sep}{unit}".strip()


def passed_targets(s: Scope) -> pd.DataFrame:
    """Targets whose year has passed as of the report date, with their rating."""
    tbl = target_table(s)
    mask = [year_passed(y, s.as_of) for y in s.targets["year"]]
    cols = [c for c in ("编号", "领域", "指标", "目标", "目标年份", "评级", "最新监测值")
            if c in tbl.columns]
    return tbl.loc[mask, cols].reset_index(drop=True)


def observed_frames(s: Scope) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(observations, target labels) for :func:`greenlib.charts.observed_vs_target`.

    Each observation gets a ``series`` label (where the figure is from, and whether it
    covers only part of a year); ``context`` marks figures that cannot rate the target.
    """
    obs = s.ratings.observed
    if obs is None or obs.empty:
        return pd.DataFrame(), pd.DataFrame()
    obs = obs[obs["target_id"].isin(set(s.targets["target_id"]))].copy()
    obs = obs[obs["year"].notna() & obs["value"].notna()]
    if obs.empty:
        return pd.DataFrame(), pd.DataFrame()
    obs["year"] = obs["year"].astype(int)
    obs["value"] = obs["value"].astype(float)
    obs["context"] = obs["context"].astype(bool) if "context" in obs else False
    partial = (obs["partial_year"].astype("boolean").fillna(False).astype(bool)
               if "partial_year" in obs else pd.Series(False, index=obs.index))
    geo = obs["geo"].astype(str) if "geo" in obs else pd.Series("—", index=obs.index)
    obs["series"] = [f"{g}（年内部分月份）" if p else g for g, p in zip(geo, partial, strict=True)]
    obs["series"] = [f"{lab}·仅作参考" if c else lab
                     for lab, c in zip(obs["series"], obs["context"], strict=True)]
    tg = s.targets[s.targets["target_id"].isin(set(obs["target_id"]))]
    labels = pd.DataFrame({
        "target_id": tg["target_id"],
        "label": [f"{i}（{u}）" for i, u in zip(tg["indicator"], tg["unit"], strict=True)],
        "value": tg["value"],
        "year": tg["year"],
        "level": tg["comparator"].isin([">=", "<=", "=", ">", "<"]),
    })
    return obs, labels


def _partial(obs: pd.DataFrame) -> list[bool]:
    if "partial_year" not in obs:
        return [False] * len(obs)
    return obs["partial_year"].astype("boolean").fillna(False).astype(bool).tolist()


def usage(context: bool, partial: bool, geo: str) -> str:
    """Why a monitoring figure does or does not rate its target, in a few words."""
    if not context:
        return "评级"
    if partial:
        return "参考（非全年）"
    return "参考（市级）" if geo == "重庆市" else "参考（外地）"


def observation_table(s: Scope) -> pd.DataFrame:
    """The monitoring figures behind the ratings and charts, with their sources."""
    obs, _ = observed_frames(s)
    if obs.empty:
        return pd.DataFrame()
    ind = dict(zip(s.targets["target_id"], s.targets["indicator"], strict=True))
    out = pd.DataFrame({
        "目标编号": obs["target_id"],
        "目标指标": obs["target_id"].map(ind),
        "监测指标": obs.get("indicator", pd.Series("—", index=obs.index)),
        "地区": obs.get("geo", pd.Series("—", index=obs.index)),
        "年份": obs["year"].astype(int),
        "数值": obs["value"].map(fmt_value),
        "单位": obs.get("unit", pd.Series("—", index=obs.index)),
        "用途": [usage(c, p, g) for c, p, g in zip(obs["context"], _partial(obs),
                                                  obs.get("geo", pd.Series("", index=obs.index)),
                                                  strict=True)],
        "来源": obs.get("source_title", pd.Series("—", index=obs.index)),
    })
    out["年份"] = [f"{y}（部分月份）" if p else str(y)
                 for y, p in zip(out["年份"], _partial(obs), strict=True)]
    return out.sort_values(["目标编号", "年份", "地区"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- quality


def _touches(task_id: Any, ids: set[int] | None) -> bool:
    if ids is None:
        return True
    try:
        return int(task_id) in ids
    except (TypeError, ValueError):
        return False


#: Chinese names of the quality report's kinds of unresolved items.
UNRESOLVED_KINDS: dict[str, str] = {
    "unit_unresolved": "责任单位无法识别",
    "unit_repeated": "责任单位重复",
    "task_without_units": "任务缺少责任单位",
    "task_number_missing": "任务编号缺失",
    "section_number_garbled": "章节编号识别错误",
    "target_without_year": "目标未写年份",
}


def _quality_rows(s: Scope, key: str) -> pd.DataFrame:
    """Entries of quality.json's ``key`` list that touch the tasks in scope, with a task label."""
    ids = s.task_ids if s.sector else None
    rows = [r for r in s.t.quality.get(key, []) if _touches(r.get("task_id"), ids)]
    df = pd.DataFrame(rows)
    if not df.empty:
        df["_task"] = pd.to_numeric(df["task_id"], errors="coerce")
        df["_label"] = df["_task"].map(lambda v: "—" if pd.isna(v) else str(int(v)))
    return df


def corrections_table(s: Scope) -> pd.DataFrame:
    """Reviewed corrections (quality.json) that touch the tasks in scope."""
    df = _quality_rows(s, "corrections")
    if df.empty:
        return df
    out = pd.DataFrame({
        "编号": df.get("id"),
        "状态": df.get("status").map({"applied": "已采用", "unused": "未使用"}).fillna(df.get("status")),
        "表": df.get("table"),
        "任务": df["_label"],
        "字段": df.get("field"),
        "原文": df.get("old"),
        "修正为": df.get("new"),
        "理由": df.get("reason"),
    })
    return out.sort_values(["状态", "编号"], kind="stable").reset_index(drop=True)


def unresolved_table(s: Scope) -> pd.DataFrame:
    """Items the cleaning could not settle (quality.json) that touch the tasks in scope."""
    df = _quality_rows(s, "unresolved")
    if df.empty:
        return df
    df = df.sort_values(["_task", "kind"], kind="stable", na_position="first")
    out = pd.DataFrame({
        "类型": df["kind"].map(UNRESOLVED_KINDS).fillna(df["kind"]),
        "任务": df["_label"],
        "原始文字": df.get("raw"),
        "说明": df.get("detail"),
    })
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- ratings note

STATUS_EXPLAINED: dict[str, str] = {
    "achieved": "最新全年数据已达到目标值。",
    "on_track": "目标年份未到；按基期以来的年均增长速度，可以按期达到目标。",
    "off_track": "目标年份未到；按目前速度，到目标年份达不到目标。",
    "overdue": "目标年份已过，最新全年数据仍未达到目标值。",
    "no_data": "没有黔江区本级的全年监测数据（重庆市数据只作参考，不用于评级）。",
}


def rating_note(s: Scope) -> str:
    """Markdown: how to read the ratings (the rating module's own text when installed)."""
    if s.ratings.rule_text:
        text = s.ratings.rule_text.strip()
    else:
        lines = ["### 如何阅读评级", "", "| 评级 | 含义 |", "|---|---|"]
        lines += [f"| {charts.STATUS_LABELS[k]} | {STATUS_EXPLAINED[k]} |"
                  for k in charts.STATUS_ORDER]
        lines += ["", "评级参照 Open SDG（sdg-build ProgressMeasure）方法：比较基期以来实际的"
                  "年均增长率与按期达到目标所需的年均增长率。"]
        text = "\n".join(lines)
    return text + f"\n\n本报告的评估日（截止日期）：**{s.as_of}**。\n"


def show_markdown(text: str) -> None:
    """Display markdown text (used for notes whose content depends on the data)."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def sections_table(s: Scope) -> pd.DataFrame:
    """Tasks per part and section, with the section's sector (plan order)."""
    names = sector_names()
    g = (s.tasks.groupby(["part", "part_title", "section", "section_title", "sector"], as_index=False)
         .size().sort_values(["part", "section"]))
    return pd.DataFrame({
        "部分": [f"{chinese_number(p)}、{t}" for p, t in zip(g["part"], g["part_title"], strict=True)],
        "节": [f"（{chinese_number(n)}）{t}" for n, t in zip(g["section"], g["section_title"],
                                                           strict=True)],
        "领域": g["sector"].map(lambda x: names.get(x, x)),
        "任务数": g["size"].astype(int),
    }).reset_index(drop=True)


def section_counts(s: Scope) -> pd.DataFrame:
    """Input of :func:`greenlib.charts.tasks_by_section`."""
    t = sections_table(s)
    return pd.DataFrame({"label": t["节"], "sector_name": t["领域"], "n": t["任务数"]})


def sector_table(s: Scope) -> pd.DataFrame:
    """Per sector: tasks, units, targets and ratings (busiest sector first)."""
    names = sector_names()
    st = _status_frame(s)
    sectors = sorted(set(s.tasks["sector"]) | set(s.targets["sector"]))
    rows = []
    for sec in sectors:
        tk = s.tasks[s.tasks["sector"] == sec]
        tu = s.task_units[s.task_units["task_id"].isin(set(tk["task_id"]))]
        tg = st[st["sector"] == sec]
        row = {"领域": names.get(sec, sec), "任务数": len(tk),
               "责任单位数": int(tu["unit"].nunique()), "量化目标数": len(tg)}
        for k in charts.STATUS_ORDER:
            row[charts.STATUS_LABELS[k]] = int((tg["status"] == k).sum())
        rows.append(row)
    df = pd.DataFrame(rows)
    return df.sort_values(["任务数", "量化目标数", "领域"], ascending=[False, False, True],
                          kind="stable").reset_index(drop=True)


def sector_order(s: Scope) -> list[str]:
    """Sector names in the order of :func:`sector_table`."""
    return list(sector_table(s)["领域"])


def sector_status_counts(s: Scope) -> pd.DataFrame:
    """Input of :func:`greenlib.charts.status_matrix` (all five statuses for every sector)."""
    t = sector_table(s)
    rows = [{"sector_name": r["领域"], "status": k, "n": int(r[charts.STATUS_LABELS[k]])}
            for _, r in t.iterrows() for k in charts.STATUS_ORDER if int(r["量化目标数"]) > 0]
    return pd.DataFrame(rows, columns=["sector_name", "status", "n"])


def sector_year_counts(s: Scope) -> pd.DataFrame:
    """Input of :func:`greenlib.charts.targets_by_sector_year`."""
    names = sector_names()
    if s.targets.empty:
        return pd.DataFrame(columns=["sector_name", "year", "n"])
    g = s.targets.groupby(["sector", "year"], as_index=False).size()
    return pd.DataFrame({"sector_name": g["sector"].map(lambda x: names.get(x, x)),
                         "year": g["year"].astype(int), "n": g["size"].astype(int)})



QUALITY_COUNT_LABELS: dict[str, str] = {
    "tasks": "重点任务",
    "task_units": "任务—单位对",
    "units": "责任单位",
    "targets": "量化目标",
    "corrections": "更正（总数）",
    "corrections_applied": "已采用的更正",
    "corrections_unused": "未使用的更正",
    "unresolved": "未解决的问题",
    "parts": "部分",
    "sections": "节",
    "body_key_tasks": "正文重点任务",
    "targets_by_source": "量化目标按出处",
    "main_targets": "主要目标段落",
    "body": "正文",
    "annex": "附件",
}


def quality_counts(s: Scope) -> pd.DataFrame:
    """The counts of quality.json as a two-column table (known keys in Chinese)."""
    counts = s.t.quality.get("counts", {}) or {}
    rows: list[tuple[str, Any]] = []
    for k, v in counts.items():
        label = QUALITY_COUNT_LABELS.get(k, k)
        if isinstance(v, dict):
            rows += [(f"{label}：{QUALITY_COUNT_LABELS.get(k2, k2)}", v2) for k2, v2 in v.items()
                     if isinstance(v2, int | float | str)]
        elif isinstance(v, int | float | str):
            rows.append((label, v))
    return pd.DataFrame(rows, columns=["项目", "数量"])
