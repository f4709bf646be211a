"""Plans as data: profiles, the three stages and their boundaries, the municipal plan, the
vertical alignment, and the overview notebook run for both real plans."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

import greenlib
from greenlib import config, contract
from greenlib import plan as plan_mod
from greenlib.errors import InputError
from tests.paths import DISTRICT, MUNICIPAL

PKG = Path(__file__).resolve().parent.parent / "greenlib"
STAGES = ("clean", "monitor", "report")


# --------------------------------------------------------------------------- no place in greenlib


def _place_words() -> set[str]:
    """Every plan's names, as its plan.yaml says them: title, short title, issuer, geos, id."""
    words: set[str] = set()
    for f in config.PLANS.glob("*/plan.yaml"):
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        words.add(doc["id"])
        words.add(doc["id"].split("-")[0])  # the place part of the id (qianjiang, chongqing)
        for key in ("title", "short_title", "issuer", "document_number", "geo"):
            if doc.get(key):
                words.add(str(doc[key]))
        for g in [doc.get("geo"), *(doc.get("context_geos") or [])]:
            if g and g != "全国":
                words.add(str(g))
                # the bare place name: 重庆市黔江区 → 黔江, 重庆
                words.update(re.findall(r"([\u4e00-\u9fff]{2})(?:市|区|县)", str(g)))
    # the park named in the district's unit registry
    reg = pd.read_csv(DISTRICT.units_registry, dtype=str, keep_default_na=False)
    words.update(u[:2] for u in reg["unit"] if u[0] not in "区县市全人银团")
    return {w for w in words if len(w) >= 2}


def test_no_plan_or_place_name_in_greenlib() -> None:
    words = _place_words()
    assert {"黔江", "重庆", "正阳", "qianjiang"} <= words  # the grep looks for the real names
    hits = []
    for f in PKG.rglob("*"):
        if f.is_file() and f.suffix in (".py", ".csv", ".j2", ".css", ".json", ".yaml", ".txt", ".md"):
            text = f.read_text(encoding="utf-8")
            hits += [(f.relative_to(PKG).as_posix(), w) for w in words if w in text]
    assert not hits, hits


# --------------------------------------------------------------------------- stages


def _imports(path: Path) -> set[str]:
    """greenlib modules a file imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = path.relative_to(PKG.parent).with_suffix("").parts[:-1]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = list(pkg[: len(pkg) - node.level + 1]) if node.level else []
            mod = ".".join([*base, *(node.module.split(".") if node.module else [])])
            out.add(mod)
            out.update(f"{mod}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m.startswith("greenlib")}


@pytest.mark.parametrize("stage", STAGES)
def test_stages_never_import_each_other(stage: str) -> None:
    others = [s for s in STAGES if s != stage]
    for f in (PKG / stage).rglob("*.py"):
        bad = {m for m in _imports(f) for o in others if m == f"greenlib.{o}"
               or m.startswith(f"greenlib.{o}.")}
        assert not bad, f"{f.relative_to(PKG)} imports {sorted(bad)}"


def test_report_stage_reads_no_plan_inputs() -> None:
    # the report stage may know where a plan's data folder is, never its reference or monitoring
    for f in (PKG / "report").rglob("*.py"):
        text = f.read_text(encoding="utf-8")
        for attr in (".reference", ".monitoring", ".indicator_map", ".units_registry",
                     ".sectors_map", ".corrections", ".raw"):
            assert f"plan{attr}" not in text and f"p{attr}" not in text, (f.name, attr)


def test_shared_modules_import_no_stage() -> None:
    for name in ("config", "plan", "labels", "contract", "errors"):
        mods = _imports(PKG / f"{name}.py")
        assert not any(m.startswith(("greenlib.clean", "greenlib.monitor", "greenlib.report"))
                       for m in mods), (name, mods)


# --------------------------------------------------------------------------- profiles


def test_both_real_plans_are_profiles() -> None:
    assert {"qianjiang-2022-24", "chongqing-2021-31"} <= set(plan_mod.plan_ids())
    assert plan_mod.default_id() == DISTRICT.id
    assert DISTRICT.parent == MUNICIPAL.id and MUNICIPAL.parent is None
    assert DISTRICT.geo == "重庆市黔江区" and MUNICIPAL.geo == "重庆市"
    assert DISTRICT.named_periods["十四五"] == 2025 and DISTRICT.base_year == 2020
    # the municipal text is the shared file, verbatim
    shared = config.ROOT.parent / "shared" / "data" / "plans" / "chongqing_yufufa_2021_31.txt"
    if shared.exists():
        assert MUNICIPAL.raw.read_bytes() == shared.read_bytes()


def test_a_plan_yaml_with_a_typo_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x-1").mkdir()
    (tmp_path / "x-1" / "plan.yaml").write_text("id: x-1\ngoe: 某地\n", encoding="utf-8")
    monkeypatch.setattr(config, "PLANS", tmp_path)
    with pytest.raises(InputError, match="未知的键 goe"):
        plan_mod.load("x-1")
    with pytest.raises(InputError, match="找不到规划"):
        plan_mod.load("nope")


def test_defaults_come_from_the_library_and_the_place_from_the_data() -> None:
    p = plan_mod.Plan("x", Path("/nowhere"), {})
    assert p.base_year == config.DEFAULTS["base_year"] and p.geo is None
    assert plan_mod.Plan("x", Path("/n"), {"base_year": 2015}).base_year == 2015


# --------------------------------------------------------------------------- municipal plan


@pytest.fixture(scope="module")
def municipal_data(built_data: Path) -> Path:
    # built_data has built the municipal plan's data (the district's parent) first
    return MUNICIPAL.build().data


def test_municipal_plan_rates_its_forest_target_from_municipal_figures(municipal_data: Path,
                                                                       built_data: Path) -> None:
    st = pd.read_csv(municipal_data / contract.STATUS)
    tg = pd.read_csv(municipal_data / contract.TARGETS)
    forest = tg[tg["indicator"] == "森林覆盖率"]["target_id"].iloc[0]
    row = st[st["target_id"] == forest].iloc[0]
    assert row["geo"] == "重庆市" and row["status"] != "no_data"
    assert (int(row["latest_year"]), row["latest_value"]) == (2023, 55.06)
    # the same municipal figures never rate a district target
    dst = pd.read_csv(built_data / contract.STATUS)
    obs = pd.read_csv(built_data / contract.OBSERVATIONS)
    assert not obs[(obs["geo"] == "重庆市") & obs["rated"]].shape[0]
    rated = dst[dst["status"] != "no_data"]
    assert (rated["geo"] == "重庆市黔江区").all()


def test_observations_say_whether_and_why(built_data: Path) -> None:
    obs = pd.read_csv(built_data / contract.OBSERVATIONS)
    assert list(obs.columns[:len(contract.REQUIRED_COLUMNS[contract.OBSERVATIONS])]) == \
        contract.REQUIRED_COLUMNS[contract.OBSERVATIONS]
    assert len(obs) >= 33  # every observation, also those of no target
    assert obs["why"].str.len().gt(0).all()
    assert obs[obs["rated"]]["geo"].eq("重庆市黔江区").all()


def test_alignment_pairs_district_and_municipal_targets(built_data: Path) -> None:
    a = pd.read_csv(built_data / contract.ALIGNMENT)
    by = a.set_index("indicator")
    assert by.loc["森林覆盖率", "alignment"] == "stricter"  # 65% vs 57%
    assert (by.loc["森林覆盖率", "parent_value"], by.loc["森林覆盖率", "value"]) == (57.0, 65.0)
    assert by.loc["非化石能源消费占一次能源比例", "alignment"] == "equal"  # 23% vs 23%
    assert by.loc["空气质量优良天数", "alignment"] == "not_comparable"  # 天 vs %
    assert set(a["alignment"]) <= set(contract.ALIGNMENTS)
    assert len(a) == len(pd.read_csv(built_data / contract.TARGETS))


def test_alignment_rules() -> None:
    from greenlib.monitor.alignment import compare

    def t(v: float, c: str = ">=", u: str = "%", ind: str = "森林覆盖率") -> pd.Series:
        return pd.Series({"value": v, "comparator": c, "unit": u, "indicator": ind})

    assert compare(t(65), t(57)) == "stricter"
    assert compare(t(50), t(57)) == "looser"
    assert compare(t(0.4, "<=", "吨", "单位GDP能耗"), t(0.5, "<=", "吨", "单位GDP能耗")) == "stricter"
    assert compare(t(15, "reduce_by"), t(13.5, "reduce_by")) == "stricter"
    assert compare(t(350, u="天"), t(88)) == "not_comparable"
    assert compare(t(1), None) == "missing"


# --------------------------------------------------------------------------- overview notebooks


@pytest.mark.e2e
@pytest.mark.parametrize("which", ["district", "municipal"])
def test_overview_notebook_runs_for_both_plans(which: str, built_data: Path, municipal_data: Path,
                                               tmp_path: Path) -> None:
    import nbformat

    from greenlib.report import build

    plan = DISTRICT if which == "district" else MUNICIPAL
    data = built_data if which == "district" else municipal_data
    paths = build.Paths(params=plan.params, data=data, root=tmp_path)
    reports, problems = build.load_reports(paths)
    assert not problems
    overview = next(r for r in reports if r.name == "overview")
    res = build.build_report(overview, paths, pdf=False)
    assert res.ok, res.error
    html = (paths.site / "overview.html").read_text(encoding="utf-8")
    for heading in ("一、概要", "四、量化目标", "五、上下衔接", "附录", "如何阅读评级"):
        assert heading in html, heading
    assert plan.title in html
    nb = nbformat.read(paths.executed / "overview.ipynb", as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    if which == "district":
        assert "严于上级" in html and "与上级一致" in html  # the alignment table
        assert res.summary["n_tasks"] == 97
    else:
        assert res.summary["n_tasks"] == 0 and res.summary["n_targets"] == 7
        assert "逾期未实现" in html  # forest cover, rated from 重庆市 figures
        assert "本规划没有上级规划" in html


def _imports_of(path: Path, module: str, modules: set[str]) -> set[str]:
    """The greenlib modules ``module`` imports anywhere in its code (functions too; not under
    ``if TYPE_CHECKING``): a circle through a function-level import is still a circle."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
            and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(max(node.level - 1, 0)):
                base = base.rsplit(".", 1)[0]
            base = (f"{base}.{node.module}" if node.module else base) if node.level else (node.module or "")
            names = [base, *(f"{base}.{a.name}" for a in node.names)]
        else:
            continue
        out |= {n for n in names if n in modules and n != module}
    return out


def test_no_import_circle_in_greenlib() -> None:
    """Data flows one way inside the stages too: no module imports, directly or through others,
    a module that imports it (function-level imports count; packages' __init__ do not)."""
    root = Path(greenlib.__file__).parent
    files = {".".join(("greenlib", *p.relative_to(root).with_suffix("").parts)).removesuffix(".__init__"): p
             for p in root.rglob("*.py")}
    modules = set(files)
    graph = {m: {d for d in _imports_of(p, m, modules) if not files[d].name == "__init__.py"}
             for m, p in files.items() if p.name != "__init__.py"}
    # Tarjan's strongly connected components
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                circles.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert circles == [], f"import circles: {circles}"


def test_the_circle_check_can_fail(tmp_path: Path) -> None:
    a = tmp_path / "a.py"
    a.write_text("def f():\n    from . import b\n", encoding="utf-8")
    assert _imports_of(a, "greenlib.x.a", {"greenlib.x.a", "greenlib.x.b"}) == {"greenlib.x.b"}
    a.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n",
                 encoding="utf-8")
    assert _imports_of(a, "greenlib.x.a", {"greenlib.x.a", "greenlib.x.b"}) == set()
