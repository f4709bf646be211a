"""``python -m greenlib new-plan``: a real text outside every other fixture becomes a plan folder
whose reports build (tests/fixtures/onboard/README.md says where the text comes from)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from greenlib import config
from greenlib.clean import profile

ONBOARD = Path(__file__).parent / "fixtures" / "onboard"
TEXT = ONBOARD / "county_economy_actions_2019.txt"


def _run(args: list[str], plans: Path, build: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, GREENPLAN_PLANS=str(plans), GREENPLAN_BUILD=str(build),
               GREENPLAN_LOCK_TIMEOUT="0", PYTHONPATH=str(config.ROOT))
    return subprocess.run([sys.executable, "-m", "greenlib", *args], env=env, text=True,
                          capture_output=True, cwd=config.ROOT, timeout=900)


@pytest.fixture
def plans_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of plans/ and a build folder for greenlib run as a subprocess (the command line
    as an office runs it); in-process tests use conftest's ``sandbox``."""
    plans = tmp_path / "plans"
    shutil.copytree(config.PLANS, plans, ignore=shutil.ignore_patterns("progress"))
    return plans, tmp_path / "build"


def test_new_plan_builds_its_reports(plans_copy: tuple[Path, Path]) -> None:
    plans, build = plans_copy
    r = _run(["new-plan", str(TEXT), "--id", "city-2019-actions"], plans, build)
    assert r.returncode == 0, r.stderr
    folder = plans / "city-2019-actions"
    doc = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    # read from the text: the title line and its issuer; guessed: the level, scope, period …
    assert doc["title"] == "关于组织开展促进县域经济发展八大行动的通知"
    assert doc["issuer"] == "湘潭市人民政府办公室"
    assert doc["level"] == "市" and doc["scope_name"] == "全市" and doc["geo"] == "湘潭市"
    assert doc["period"][1] == 2020 and doc["annex"] is False
    # the cited plan's 文号 (根据《…》（潭政办发〔2019〕9号）) is not this notice's
    assert doc["document_number"] == ""
    marked = {c["field"] for c in profile.to_confirm(folder / "plan.yaml")}
    assert {"level", "scope_name", "period", "base_year", "document_number", "as_of"} <= marked
    assert "title" not in marked and "issuer" not in marked
    # the raw text verbatim, its checksum in raw/README.md
    raw = folder / "raw" / "plan_raw.txt"
    assert raw.read_bytes() == TEXT.read_bytes()
    assert hashlib.sha256(raw.read_bytes()).hexdigest() in (folder / "raw" / "README.md").read_text(
        encoding="utf-8")
    # a sector report for every sector with targets, the overview and the assessment
    params = {p.stem for p in (folder / "params").glob("*.yaml")}
    assert {"overview", "assessment", "energy", "economy"} <= params
    sectors = pd.read_csv(folder / "reference" / "sectors.csv", dtype=str, keep_default_na=False)
    assert set(sectors["sector"]) == params - {"overview", "assessment"}

    # a second run refuses in one line, and so does a bad id
    again = _run(["new-plan", str(TEXT), "--id", "city-2019-actions"], plans, build)
    assert again.returncode == 1 and again.stderr.count("\n") == 1 and "已存在" in again.stderr
    bad = _run(["new-plan", str(TEXT), "--id", "City_2019"], plans, build)
    assert bad.returncode == 1 and "无效" in bad.stderr

    r = _run(["report", "--plan", "city-2019-actions", "--no-pdf", "--no-docx",
              "--only", "overview", "economy", "assessment"], plans, build)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    out = build / "city-2019-actions"
    targets = pd.read_csv(out / "data" / "targets.csv")
    assert len(targets) >= 6
    assert set(targets["sector"]) >= {"energy", "economy"}
    overview = (out / "site" / "overview.html").read_text(encoding="utf-8")
    for ind in ("非石化能源占一次能源消费比重", "农村通村道路硬化率", "县域全社会固定资产投资"):
        assert ind in overview
    assert "县域生产总值" in (out / "site" / "economy.html").read_text(encoding="utf-8")
    # quality.md opens with what to confirm
    quality = (out / "data" / "quality.md").read_text(encoding="utf-8")
    head = quality.split("## 自动清洗规则")[0]
    assert "待确认" in head and "level" in head and "targets_review.xlsx" in head


def test_new_plan_with_an_annex_gets_units_and_a_sector_map(sandbox: tuple[Path, Path]) -> None:
    """A plan with a task annex (the district's own text, onboarded as if new): a units registry
    of generic names at the plan's tier, every annex section mapped to a sector, and data that
    build."""
    from greenlib.__main__ import main

    plans, build = sandbox
    src = plans / "qianjiang-2022-24" / "raw" / "plan_raw.txt"
    assert main(["new-plan", str(src), "--id", "annex-copy"]) == 0
    folder = plans / "annex-copy"
    units = pd.read_csv(folder / "reference" / "units.csv", dtype=str, keep_default_na=False)
    assert {"区发展改革委", "区生态环境局", "区财政局"} <= set(units["unit"])
    sectors = pd.read_csv(folder / "reference" / "sectors.csv", dtype=str, keep_default_na=False)
    by = dict(zip(sectors["section"], sectors["sector"], strict=True))
    assert {str(i) for i in range(1, 24)} <= set(by)
    # the proposal agrees with the analysts' own map of this plan on most sections
    own = pd.read_csv(plans / "qianjiang-2022-24" / "reference" / "sectors.csv", dtype=str)
    agree = sum(by[s] == t for s, t in zip(own["section"], own["sector"], strict=True))
    assert agree >= 20, agree
    params = {p.stem for p in (folder / "params").glob("*.yaml")}
    assert {"overview", "assessment", "units", "energy", "industry", "agriculture"} <= params
    doc = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    assert doc["title"] == "关于进一步加快建立健全绿色低碳循环经济体系的实施方案"
    assert doc["annex"] is True and doc["scope_name"] == "全区"
    assert main(["data", "--plan", "annex-copy"]) == 0
    tasks = pd.read_csv(build / "annex-copy" / "data" / "tasks.csv")
    assert len(tasks) == 97 and (tasks["sector"] != "overall").mean() > 0.9


def test_new_plan_reads_a_traditional_docx(tmp_path: Path) -> None:
    """繁体 in a .docx: the profile is read from the simplified text; the .docx is kept as is."""
    import docx
    import opencc

    from greenlib.clean.onboard import new_plan

    trad = opencc.OpenCC("s2t").convert(TEXT.read_text(encoding="utf-8"))
    assert "辦公室" in trad
    d = docx.Document()
    for line in trad.splitlines():
        d.add_paragraph(line)
    src = tmp_path / "notice.docx"
    d.save(src)
    plans = tmp_path / "plans"
    plans.mkdir()
    folder = new_plan(src, "trad-docx", plans_dir=plans, today="2026-01-01", log=lambda *_: None)
    doc = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    assert doc["issuer"] == "湘潭市人民政府办公室" and doc["level"] == "市"
    assert doc["raw"] == "raw/plan_raw.docx" and doc["as_of"] == "2026-01-01"
    assert (folder / "raw" / "plan_raw.docx").read_bytes() == src.read_bytes()
    assert {"overview", "energy", "economy"} <= {p.stem for p in (folder / "params").glob("*.yaml")}
