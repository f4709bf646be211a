"""Every case of the bad-input corpus (tests/bad_inputs/manifest.yaml) ends in a clear
message and the right exit code, with no traceback and nothing wrong accepted.

Each case runs the command line in-process against a private copy of plans/ and a
temporary build folder, so the real plans and build/ are never touched.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from greenlib import config
from greenlib.__main__ import main
from greenlib.clean.ingest import normalize
from greenlib.clean.parse import parse
from greenlib.report import build
from tests.conftest import DISTRICT, MUNICIPAL

CORPUS = Path(__file__).parent / "bad_inputs"
CASES: list[dict[str, Any]] = yaml.safe_load((CORPUS / "manifest.yaml").read_text(
    encoding="utf-8"))["cases"]


def test_manifest_ids_are_unique_and_cases_complete() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
    for c in CASES:
        assert c.get("kind") == "params" or ("code" in c and "argv" in c), c["id"]
        assert c.get("code", 0) == 0 or c.get("expect"), f"{c['id']}: a failure needs a message"


# --------------------------------------------------------------------------- generators


def _generate(kind: str, tmp: Path, plan: Path) -> Path:
    if kind == "folder":
        (tmp / "a-folder").mkdir()
        return tmp / "a-folder"
    if kind == "file":
        p = tmp / "a-file.txt"
        p.write_text("synthetic\n", encoding="utf-8")
        return p
    if kind == "empty":
        p = tmp / "empty_synthetic.txt"
        p.write_bytes(b"")
        return p
    if kind == "binary":
        p = tmp / "binary_synthetic.txt"
        p.write_bytes(b"synthetic\x00\x01\x02" * 100)
        return p
    if kind == "big_text":  # 100 MB, sparse: made at test time, never committed
        p = tmp / "big_synthetic.txt"
        with open(p, "wb") as f:
            f.write("合成".encode())
            f.truncate(100 * 1024 * 1024)
        return p
    if kind in ("hidden_sheet", "formula_no_value"):
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = "监测"
        ws.append(["indicator", "geo", "year", "value", "unit", "source_title", "quote"])
        if kind == "formula_no_value":
            ws.append(["城区空气质量优良率", "重庆市黔江区", 2023, "=95+2.3", "%", "synthetic",
                       "synthetic"])
        else:
            ws.append(["城区空气质量优良率", "重庆市黔江区", 2023, 97.3, "%", "synthetic",
                       "synthetic"])
            hidden = wb.create_sheet("旧数据")
            hidden.append(["indicator", "geo", "year", "value", "unit", "source_title", "quote"])
            hidden.append(["城区空气质量优良天数", "重庆市黔江区", 2023, 999, "天", "synthetic",
                           "synthetic"])
            hidden.sheet_state = "hidden"
        mon = plan / "monitoring"
        for f in mon.glob("*.csv"):
            f.unlink()
        p = mon / f"{kind}_synthetic.xlsx"
        wb.save(p)  # openpyxl saves no cached value for the formula
        return p
    raise AssertionError(f"unknown generator {kind}")


def _set_checksum(plan: Path) -> None:
    raw = plan / "raw" / "plan_raw.txt"
    readme = plan / "raw" / "README.md"
    text = readme.read_text(encoding="utf-8")
    new = hashlib.sha256(raw.read_bytes()).hexdigest()
    import re

    readme.write_text(re.sub(r"`[0-9a-f]{64}`", f"`{new}`", text, count=1), encoding="utf-8")


def _setup(case: dict[str, Any], plans: Path, build_dir: Path, tmp: Path,
           built_data: Path) -> dict[str, str]:
    plan = plans / DISTRICT
    s = case.get("setup") or {}
    subst = {"tmp": str(tmp), "corpus": str(CORPUS), "plan": str(plan), "in": ""}
    for dest, src in (s.get("replace") or {}).items():
        shutil.copy(CORPUS / src, plan / dest)
    if "append_corrections" in s:
        extra = (CORPUS / s["append_corrections"]).read_text(encoding="utf-8")
        items = extra.split("corrections:", 1)[1]
        with open(plan / "reference" / "corrections.yaml", "a", encoding="utf-8") as f:
            f.write("\n" + items)
    if "drop_sector_rows" in s:
        p = plan / "reference" / "sectors.csv"
        lines = p.read_text(encoding="utf-8").splitlines()
        drop = {str(n) for n in s["drop_sector_rows"]}
        p.write_text("\n".join(ln for ln in lines if ln.split(",")[0] not in drop) + "\n",
                     encoding="utf-8")
    raw = plan / "raw" / "plan_raw.txt"
    if "raw_cut_before_task" in s:
        text = raw.read_text(encoding="utf-8")
        norm = normalize(text)
        task = next(t for t in parse(norm).tasks if t.task_id == s["raw_cut_before_task"])
        raw.write_text(text[:norm.raw_span(task.start, task.start + 1)[0]], encoding="utf-8")
    if "raw_replace_with" in s:
        shutil.copy(CORPUS / s["raw_replace_with"], raw)
    if "raw_truncate" in s:
        raw.write_bytes(raw.read_bytes()[:s["raw_truncate"]])
    if s.get("fix_checksum"):
        _set_checksum(plan)
    if "plan_yaml" in s:
        with open(plan / "plan.yaml", "a", encoding="utf-8") as f:
            f.write("\n" + yaml.safe_dump(s["plan_yaml"], allow_unicode=True))
    if "plan_yaml_text" in s:
        with open(plan / "plan.yaml", "a", encoding="utf-8") as f:
            f.write("\n" + s["plan_yaml_text"] + "\n")
    if s.get("data"):
        shutil.copytree(built_data, build_dir / DISTRICT / "data")
        parent = config.BUILD / MUNICIPAL / "data"
        if parent.exists():
            shutil.copytree(parent, build_dir / MUNICIPAL / "data")
    if "generate" in s:
        subst["in"] = str(_generate(s["generate"], tmp, plan))
    return subst


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input(case: dict[str, Any], sandbox: tuple[Path, Path], tmp_path: Path,
                   built_data: Path, capsys: pytest.CaptureFixture[str],
                   monkeypatch: pytest.MonkeyPatch) -> None:
    plans, build_dir = sandbox
    work = tmp_path / "work"
    work.mkdir()
    s = case.get("setup") or {}
    if "build_dir" in s:
        build_dir = Path(s["build_dir"])
        monkeypatch.setattr(config, "BUILD", build_dir)
    subst = _setup(case, plans, build_dir, work, built_data)

    if case.get("kind") == "params":
        paths = build.Paths(params=plans / DISTRICT / "params", data=built_data,
                            root=tmp_path / "site-build")
        reports, problems = build.load_reports(paths)
        assert set(case["bad"]) <= set(problems)
        assert set(case["good"]) <= {r.name for r in reports}
        return

    argv = [a.format(**subst) for a in case["argv"]]
    data_dir = build_dir / DISTRICT / "data"
    before = _snapshot(data_dir)
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out, err
    assert code == case["code"], f"exit {code}, stderr: {err[-2000:]}"
    if case.get("expect"):
        # the command's own errors on stderr; a report that fails is named in the build log
        assert case["expect"] in err + out, (err + out)[-2000:]
        if case["expect"] in err:
            assert err.strip().splitlines()[0].startswith("错误："), err
    if case.get("stdout"):
        assert case["stdout"] in out, out[-2000:]
    if case.get("check"):
        text = (build_dir / case["check"]["file"].format(**subst)).read_text(encoding="utf-8")
        if "contains" in case["check"]:
            assert case["check"]["contains"] in text
        if "rows" in case["check"]:
            import csv
            import io

            assert len(list(csv.DictReader(io.StringIO(text)))) == case["check"]["rows"]
    if code:
        # nothing wrong accepted: a refused clean leaves no tables behind …
        assert not (build_dir / DISTRICT / "data" / "tasks.csv").exists() or s.get("data")
        # … and a refused data run changes nothing in a data folder already built (issue 21;
        # a failed `report` may first have rebuilt the data with success)
        if argv[0] != "report":
            assert _snapshot(data_dir) == before, "a failed run changed build/<id>/data"
        assert not list(data_dir.parent.glob(".data.*")), "a staging copy was left behind"


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of ``folder``: its bytes and modification time (ns)."""
    if not folder.exists():
        return {}
    return {str(f.relative_to(folder)): (f.read_bytes(), f.stat().st_mtime_ns)
            for f in sorted(folder.rglob("*")) if f.is_file()}
