"""Hostile text in a plan's files never runs and is always shown literally (issue 21).

A copy of the district plan gets the strings of ``tests/bad_inputs/hostile_text.yaml`` in a
department's name and full name (reference/units.csv) and in a monitoring file's source
title, quote and address. The plan is cleaned, rated and built (the department's page with
its Word file, the overview, the plan's and the build's index pages, plan.xlsx); each page is
loaded in headless Chromium and its DOM dumped after the scripts ran. No payload may have
run (no on* attribute, no injected element, no changed title, no javascript: link), the
texts must be shown as written, and the charts must still draw under the page's CSP.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from greenlib import config
from greenlib import plan as plan_mod
from greenlib.report import render
from tests.helpers import need

pytestmark = pytest.mark.e2e

HOSTILE = yaml.safe_load((Path(__file__).parent / "bad_inputs" / "hostile_text.yaml")
                         .read_text(encoding="utf-8"))
UNIT = "区发展改革委"
BAD_UNIT = UNIT + HOSTILE["unit_suffix"]
DISTRICT_ID = "qianjiang-2022-24"


def _rewrite_csv(path: Path, change: dict[str, str]) -> None:
    """Every cell equal to a key of ``change`` becomes its value (CSV-quoted as needed)."""
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows = [[change.get(c, c) for c in row] for row in rows]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def hostile_plans(tmp: Path) -> Path:
    """A copy of plans/ whose district plan carries the hostile texts."""
    plans = tmp / "plans"
    shutil.copytree(config.PLANS, plans, ignore=shutil.ignore_patterns("progress"))
    ref = plans / DISTRICT_ID / "reference"
    units = ref / "units.csv"
    rows = list(csv.DictReader(units.open(encoding="utf-8", newline="")))
    for r in rows:
        if r["unit"] == UNIT:  # the old name stays an alias, so the plan's text still matches
            r["unit"], r["full_name"] = BAD_UNIT, HOSTILE["full_name"]
            r["aliases"] = "|".join(a for a in [UNIT, r["aliases"]] if a)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    units.write_text(buf.getvalue(), encoding="utf-8")
    for f in ref.glob("*.csv"):
        if f.name != "units.csv":
            _rewrite_csv(f, {UNIT: BAD_UNIT})
    mon = plans / DISTRICT_ID / "monitoring" / "observed_stats.csv"
    obs = list(csv.DictReader(mon.open(encoding="utf-8", newline="")))
    obs[0] |= {"source_title": HOSTILE["source_title"], "quote": HOSTILE["quote"],
               "source_url": HOSTILE["source_url"]}
    obs[1] |= {"source_title": HOSTILE["source_title_2"], "quote": HOSTILE["quote_2"]}
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(obs[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(obs)
    mon.write_text(buf.getvalue(), encoding="utf-8")
    return plans


#: A task the department leads (its return carries the hostile progress text).
TASK = 4


def add_hostile_return(p: plan_mod.Plan, tmp: Path) -> None:
    """The department's return, its 进展说明 and 佐证材料 hostile, merged by the monitor stage."""
    from greenlib.monitor import requests as rq
    from greenlib.monitor import run as monitor
    from tools.make_synthetic_returns import fill

    inputs = rq.load_inputs(p.build().data, p.indicator_owners)
    rq.write_requests(inputs, tmp / "requests", plan_id=p.id, plan_title=p.title,
                      period=(2022, 2025), as_of=p.as_of, base_year=2020, cycle_days=183,
                      log=lambda *_: None)
    p.progress.mkdir(exist_ok=True)
    fill(tmp / "requests" / f"{rq.safe_file_name(BAD_UNIT)}.xlsx", p.progress / "hostile_synthetic.xlsx",
         tasks={TASK: {"status": "推进中", "report_date": "2026-10-08",
                       "progress": HOSTILE["progress"], "evidence": HOSTILE["evidence"]}})
    monitor.run(p, p.build().data, log=lambda *_: None)


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The hostile plan cleaned, rated and built; yields the build folder."""
    need(render.chromium_path(), "Chromium")
    from greenlib.clean import pipeline
    from greenlib.monitor import run as monitor
    from greenlib.report import build, site

    tmp = tmp_path_factory.mktemp("hostile")
    mp = pytest.MonkeyPatch()
    plans = hostile_plans(tmp)
    mp.setattr(config, "PLANS", plans)
    mp.setattr(config, "PLANS_INDEX", plans / "plans.yaml")
    mp.setattr(config, "BUILD", tmp / "build")
    try:
        for pid in ("chongqing-2021-31", DISTRICT_ID):
            p = plan_mod.load(pid)
            pipeline.run(p, p.build().data, log=lambda *_: None)
            monitor.run(p, p.build().data, log=lambda *_: None)
        add_hostile_return(plan_mod.load(DISTRICT_ID), tmp)
        paths = build.Paths.for_plan(plan_mod.load(DISTRICT_ID))
        assert build.run_reports(paths, jobs=1, only=[f"units/{BAD_UNIT}"], pdf=False,
                                 docx=True) == 0
        assert build.run_reports(paths, jobs=1, only=["overview"], pdf=False, docx=False) == 0
        site.write_site_index(config.BUILD)
        yield config.BUILD
    finally:
        mp.undo()


class _Dom(HTMLParser):
    """Elements, attributes, the title and the visible text of a dumped DOM."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.title = ""
        self.text: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            while self._in and self._in.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "title":
            self.title += data
        elif not self._in or self._in[-1] not in ("script", "style"):
            self.text.append(data)


def _loaded(page: Path) -> _Dom:
    dom = _Dom()
    dom.feed(render.dump_dom(page, budget_ms=5000))
    return dom


def _assert_nothing_ran(dom: _Dom, page: str) -> None:
    handlers = [a for a in dom.attrs if a[1].lower().startswith("on")]
    assert not handlers, f"{page}: event handlers reached the page: {handlers[:3]}"
    assert "PWNED" not in dom.title.replace(BAD_UNIT, ""), f"{page}: a script set the title"
    assert not [a for a in dom.attrs if a[1] == "data-pwned"], f"{page}: a script ran"
    assert "iframe" not in dom.tags and not [a for a in dom.attrs if a[:2] == ("img", "src")
                                              and a[2] == "x"], f"{page}: injected element"
    js = [a for a in dom.attrs if a[1] in ("href", "src") and "javascript:" in a[2].lower()]
    assert not js, f"{page}: a javascript: link: {js}"


def test_department_page_shows_its_hostile_name_as_text(hostile_build: Path) -> None:
    site = hostile_build / DISTRICT_ID / "site"
    dom = _loaded(site / "units" / f"{BAD_UNIT}.html")
    _assert_nothing_ran(dom, "department page")
    text = "".join(dom.text)
    assert BAD_UNIT in text  # in the title and the tables, as written
    assert HOSTILE["full_name"] in text  # in the introduction (a markdown output)
    assert HOSTILE["progress"] in text and HOSTILE["evidence"] in text  # from its return
    assert "details" not in dom.tags
    assert dom.title == f"{BAD_UNIT}任务落实情况"


def test_overview_shows_hostile_sources_as_text_and_still_draws_its_charts(
        hostile_build: Path) -> None:
    dom = _loaded(hostile_build / DISTRICT_ID / "site" / "overview.html")
    _assert_nothing_ran(dom, "overview")
    text = "".join(dom.text)
    assert HOSTILE["source_title"] in text  # the source of a rated figure, in 监测数据
    # the vega charts still render as SVG under the CSP (no inline handlers allowed)
    assert dom.tags.count("svg") >= 3


def test_index_pages_show_the_hostile_name_as_text(hostile_build: Path) -> None:
    dom = _loaded(hostile_build / DISTRICT_ID / "site" / "index.html")
    _assert_nothing_ran(dom, "plan index")
    assert BAD_UNIT in "".join(dom.text)
    link = [a[2] for a in dom.attrs if a[1] == "href" and a[2].startswith("units/")]
    assert link and all("<" not in h and '"' not in h for h in link)
    _assert_nothing_ran(_loaded(hostile_build / "index.html"), "build index")


def test_word_file_holds_the_hostile_texts_literally(hostile_build: Path) -> None:
    from docx import Document

    doc = Document(str(hostile_build / DISTRICT_ID / "site" / "docx" / "units" /
                       f"{BAD_UNIT}.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    text += "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert HOSTILE["full_name"] in text
    assert BAD_UNIT in text


def test_return_text_is_guarded_in_task_status_csv(hostile_build: Path) -> None:
    with open(hostile_build / DISTRICT_ID / "data" / "task_status.csv", encoding="utf-8",
              newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["task_id"] == str(TASK))
    assert row["evidence"] == "'" + HOSTILE["evidence"]  # never a live formula in Excel
    assert row["progress"] == HOSTILE["progress"]


def test_plan_workbook_holds_the_hostile_texts_as_text(hostile_build: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(hostile_build / DISTRICT_ID / "site" / "plan.xlsx")
    cells = {c.value: c.data_type for ws in wb.worksheets for r in ws.iter_rows() for c in r
             if isinstance(c.value, str)}
    for key in ("quote", "quote_2", "source_title", "full_name"):
        assert cells.get(HOSTILE[key]) == "s", key  # as written, never a formula
    assert cells.get(BAD_UNIT) == "s"
