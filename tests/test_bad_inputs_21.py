"""Issue 21, round two of the bad-input corpus: formula injection, bombs, hostile file names,
half-done runs, determinism. Inputs are in tests/bad_inputs/ or made at test time (all
synthetic); each test runs the real command line in-process against a private copy of
plans/ and a temporary build folder (the ``sandbox`` of tests/test_bad_inputs.py).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from greenlib import office
from greenlib.__main__ import main
from tests.conftest import DISTRICT
from tests.helpers import bounded
from tests.test_bad_inputs import CORPUS

PLAN = DISTRICT


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err, err
    return code, out + err


# --------------------------------------------------------------------------- formula injection


def test_guard_round_trip_and_numbers_untouched() -> None:
    import pandas as pd

    texts = ["=1+1", "+1", "-2+3", "@SUM(1)", "\tx", "\rx", "'=x", "''=x", "'abc", "abc", "",
             "合成"]
    for t in texts:
        assert office.unguard_cell(office.guard_cell(t)) == t
    assert office.guard_cell("=1+1") == "'=1+1" and office.guard_cell("'=x") == "''=x"
    df = pd.DataFrame({"value": [-3.5, 2.0], "quote": ["-3.5 吨", "=A1"]})
    g = office.guard_frame(df, ("value", "quote"))
    assert g["value"].tolist() == [-3.5, 2.0]  # a negative figure stays a number
    assert g["quote"].tolist() == ["'-3.5 吨", "'=A1"]


def test_formula_text_is_text_in_csv_and_in_plan_xlsx(
        sandbox: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import load_workbook

    from greenlib.report.workbook import write_workbook

    plans, build_dir = sandbox
    shutil.copy(CORPUS / "monitoring_formula_text.csv",
                plans / PLAN / "monitoring" / "observed_stats.csv")
    code, msg = _run(["data"], capsys)
    assert code == 0, msg
    data = build_dir / PLAN / "data"
    with open(data / "observations.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_quote = {r["quote"]: r for r in rows}
    # CSV: each text cell that Excel would run is guarded with a leading quote …
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in by_quote
    assert "'-2+3 合成引文 synthetic" in by_quote
    titles = {r["source_title"] for r in rows}
    assert "'=HYPERLINK(\"http://example.invalid/合成\",\"合成来源\")" in titles
    assert "'+合成来源 synthetic" in titles
    # … and numbers stay numbers
    assert {float(r["value"]) for r in rows if r["quote"].startswith("'@")} == {355.0}
    # plan.xlsx: the same texts, as written, in string cells
    out = write_workbook(data, build_dir / "plan.xlsx")
    wb = load_workbook(out)
    found = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value[:1] in "=+-@":
                    found[c.value] = c.data_type
    assert found.get("@SUM(1+1)*cmd|' /C calc'!A0") == "s"
    assert found.get("=HYPERLINK(\"http://example.invalid/合成\",\"合成来源\")") == "s"
    assert not [v for v, t in found.items() if t == "f"], found


def test_request_workbooks_are_byte_identical_and_hold_no_formula(
        sandbox: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    import time

    from openpyxl import load_workbook

    _, build_dir = sandbox
    assert _run(["data"], capsys)[0] == 0
    assert _run(["requests"], capsys)[0] == 0
    folder = build_dir / PLAN / "requests"  # one sub-folder per round (issue 16)
    first = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*.xlsx")}
    assert len(first) > 10
    time.sleep(1.1)  # a new second: any time stamp left would differ
    assert _run(["requests"], capsys)[0] == 0
    second = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*.xlsx")}
    assert first == second
    wb = load_workbook(next(folder.rglob("*.xlsx")))
    assert all(c.data_type != "f" for ws in wb.worksheets for r in ws.iter_rows() for c in r)


# --------------------------------------------------------------------------- bombs





def test_zip_bomb_as_monitoring_xlsx_is_refused_fast(
        sandbox: tuple[Path, Path], built_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.test_returns_files import zip_bomb

    plans, build_dir = sandbox
    shutil.copytree(built_data, build_dir / PLAN / "data")
    zip_bomb(plans / PLAN / "monitoring" / "bomb_synthetic.xlsx")
    code, msg = bounded(lambda: _run(["check-monitoring"], capsys))
    assert code == 1 and "bomb_synthetic.xlsx" in msg and "疑似压缩炸弹" in msg, msg


def test_zip_bomb_as_plan_docx_is_refused_fast(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.test_returns_files import zip_bomb

    bomb = zip_bomb(tmp_path / "plan_bomb_synthetic.docx")
    code, msg = bounded(lambda: _run(["clean", str(bomb), "--out", str(tmp_path / "o")],
                                      capsys))
    assert code == 1 and "plan_bomb_synthetic.docx" in msg and "疑似压缩炸弹" in msg, msg
    assert msg.strip().startswith("错误：") and len(msg.strip().splitlines()) == 1


@pytest.mark.parametrize("where", ["plan.yaml", "params/overview.yaml",
                                   "reference/corrections.yaml"])
def test_yaml_alias_bomb_is_refused_in_one_line(
        where: str, sandbox: tuple[Path, Path], built_data: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    plans, build_dir = sandbox
    bomb = (CORPUS / "alias_bomb.yaml").read_text(encoding="utf-8")
    target = plans / PLAN / where
    if where == "plan.yaml":
        target.write_text(target.read_text(encoding="utf-8") + "\n" + bomb, encoding="utf-8")
        argv = ["data"]
    elif where.startswith("params"):  # a broken params file fails only its report
        from greenlib.report import build

        target.write_text("notebook: overview\n" + bomb, encoding="utf-8")
        paths = build.Paths(params=plans / PLAN / "params", data=built_data,
                            root=build_dir / "site-build")
        reports, problems = bounded(lambda: build.load_reports(paths))
        assert "overview" in problems and "overview" not in {r.name for r in reports}
        assert "overview.yaml" in problems["overview"] and "别名" in problems["overview"]
        return
    else:
        target.write_text("corrections: []\n" + bomb, encoding="utf-8")
        argv = ["data"]
    code, msg = bounded(lambda: _run(argv, capsys))
    assert code == 1, msg
    assert where.split("/")[-1] in msg and "别名" in msg and "超过 20 个" in msg, msg


# --------------------------------------------------------------------------- publish faults


def test_full_disk_during_publish_is_one_line_naming_the_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from greenlib.report import publish as pub
    from tests.test_safety import _fake_site, _tree

    params = tmp_path / "params"
    params.mkdir()
    (params / "alpha.yaml").write_text("notebook: tiny\ntitle: 甲\n", encoding="utf-8")
    from tests.helpers import write_tiny_notebook

    nbdir = tmp_path / "notebooks"
    write_tiny_notebook(nbdir)
    dest = tmp_path / "www" / "greenplan"
    paths = _fake_site(tmp_path / "b", params, "OLD", n_files=20)
    paths.notebooks = nbdir
    pub.publish(dest, [paths], build_root=tmp_path / "b")
    before = _tree(dest)
    real_copyfile = shutil.copyfile
    calls = {"n": 0}

    def full_disk(src, dst, *a, **k):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] > 5:  # the disk fills up part-way through the copy
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real_copyfile(src, dst, *a, **k)

    monkeypatch.setattr(shutil, "copyfile", full_disk)  # what copy2 and copytree call
    with pytest.raises(Exception) as e:
        pub.publish(dest, [paths], build_root=tmp_path / "b")
    msg = str(e.value)
    assert "磁盘空间不足" in msg and str(dest.parent) in msg and "(" not in msg.split("：")[0]
    assert "[Errno" not in msg and "('" not in msg  # not a Python tuple
    assert _tree(dest) == before  # the old site stays whole
    assert not [p for p in dest.parent.iterdir() if p.name.startswith(".greenplan.")]


def test_disk_full_errors_read_as_one_line() -> None:
    import errno

    from greenlib import safety

    copy_error = shutil.Error([("/b/site/a.html", "/www/.greenplan.tmp-1/a.html",
                                "[Errno 28] No space left on device")])
    msg = safety.os_error_message(copy_error)
    assert msg == "/www/.greenplan.tmp-1：磁盘空间不足（写入 a.html 时），请清理后重试"
    plain = OSError(errno.ENOSPC, "No space left on device", "/build/x/data/tasks.csv")
    assert safety.os_error_message(plain).startswith("/build/x/data：磁盘空间不足")


def test_stale_copies_are_removed_even_when_the_publish_is_refused(tmp_path: Path) -> None:
    from greenlib.report import build
    from greenlib.report.publish import publish

    dest = tmp_path / "www" / "greenplan"
    dest.parent.mkdir(parents=True)
    stale = dest.parent / ".greenplan.tmp-99999999-abcdef00"  # a killed publish's copy
    stale.mkdir()
    (stale / "index.html").write_text("half", encoding="utf-8")
    nothing = build.Paths(params=tmp_path / "p", data=tmp_path / "d", root=tmp_path / "r")
    with pytest.raises(Exception, match="没有可发布的报告"):
        publish(dest, [nothing], build_root=tmp_path)
    assert not stale.exists()


def test_control_characters_in_text_do_not_fail_the_workbook_or_word(
        built_data: Path, tmp_path: Path) -> None:
    import nbformat
    import pandas as pd
    from docx import Document
    from openpyxl import load_workbook

    from greenlib.report.docx import notebook_to_docx
    from greenlib.report.workbook import write_workbook

    data = tmp_path / "data"
    shutil.copytree(built_data, data)
    obs = pd.read_csv(data / "observations.csv")
    obs.loc[0, "source_title"] = "合成\x07来源\x1b"  # a control character pasted from a PDF
    obs.to_csv(data / "observations.csv", index=False)
    wb = load_workbook(write_workbook(data, tmp_path / "plan.xlsx"))
    cells = [c.value for ws in wb.worksheets for r in ws.iter_rows() for c in r]
    assert "合成\ufffd来源\ufffd" in cells
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
    nb.cells[0].outputs = [nbformat.v4.new_output(
        "display_data", data={"text/markdown": "**合成\x07来源**", "text/plain": ""})]
    out = notebook_to_docx(nb, tmp_path / "r.docx", title="合成")
    assert "合成\ufffd来源" in "\n".join(p.text for p in Document(str(out)).paragraphs)


def test_monitoring_template_is_byte_identical(
        sandbox: tuple[Path, Path], built_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import time

    _, build_dir = sandbox
    shutil.copytree(built_data, build_dir / PLAN / "data")
    out = build_dir / PLAN / "monitoring_template.xlsx"
    assert _run(["monitoring-template"], capsys)[0] == 0
    first = out.read_bytes()
    time.sleep(1.1)
    assert _run(["monitoring-template"], capsys)[0] == 0
    assert out.read_bytes() == first


def test_a_unit_name_with_a_slash_or_a_leading_dot_still_gets_its_page(
        built_data: Path, tmp_path: Path) -> None:
    import pandas as pd

    from greenlib import plan as plan_mod
    from greenlib.report import build

    data = tmp_path / "data"
    shutil.copytree(built_data, data)
    units = pd.read_csv(data / "units.csv", keep_default_na=False)
    extra = pd.DataFrame([{**units.iloc[0].to_dict(), "unit": u}
                          for u in ("合成/单位", ".合成单位")])
    pd.concat([units, extra]).to_csv(data / "units.csv", index=False)
    paths = build.Paths(params=plan_mod.load(PLAN).params, data=data, root=tmp_path / "b")
    reports, _ = build.load_reports(paths)
    by_unit = {r.parameters.get("unit"): r.name for r in reports if r.group}
    assert by_unit["合成/单位"] == "units/合成／单位"  # was skipped without a word
    assert by_unit[".合成单位"] == "units/．合成单位"
