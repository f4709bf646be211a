"""Returned workbooks as offices really send them (issue 21): a zip bomb, an encrypted file,
a name that is not UTF-8 or holds ``..\\``, a formula with no saved result, a file name and a
说明 sheet naming different departments. One bad file never stops the merge of the others,
and nothing is skipped or credited silently. All files are synthetic, made at test time."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import bounded, district_requests, run_with
from tests.test_returns import AS_OF, returns_of
from tools.make_synthetic_returns import fill


@pytest.fixture(scope="module")
def requests_made(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return district_requests(built_data, tmp_path_factory.mktemp("requests"), AS_OF)


@pytest.fixture
def progress(tmp_path: Path) -> Path:
    d = tmp_path / "progress"
    d.mkdir()
    return d


def zip_bomb(path: Path, size: int = 300 * 1024 * 1024) -> Path:
    """A file posing as .xlsx: a few hundred KB that unpack to ``size`` bytes of zeros."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            chunk = b"\0" * (4 << 20)
            for _ in range(size // len(chunk)):
                f.write(chunk)
    return path


def encrypted_xlsx(path: Path) -> Path:
    """What Excel writes for a workbook with an opening password: an OLE compound file
    holding EncryptionInfo and EncryptedPackage streams (the directory names as UTF-16)."""
    header = bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504
    names = b"".join(n.encode("utf-16-le").ljust(64, b"\0") + b"\0" * 64
                     for n in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    path.write_bytes(header + names + os.urandom(4096))
    return path





def test_zip_bomb_return_is_refused_alone_fast_and_small(requests_made, built_data, tmp_path,
                                                           progress) -> None:
    zip_bomb(progress / "区林业局_bomb_synthetic.xlsx")
    fill(requests_made / "区交通局.xlsx", progress / "区交通局_synthetic.xlsx",
         tasks={36: {"status": "推进中", "report_date": "2026-10-08"}})
    data = bounded(lambda: run_with(built_data, tmp_path, progress))
    ret = returns_of(data).set_index("file")
    assert "疑似压缩炸弹" in ret.loc["区林业局_bomb_synthetic.xlsx", "message"]
    assert ret.loc["区交通局_synthetic.xlsx", "accepted"]  # the other return is merged


def test_encrypted_return_says_how_to_save_it(built_data, tmp_path, progress) -> None:
    encrypted_xlsx(progress / "区林业局_encrypted_synthetic.xlsx")
    ret = returns_of(run_with(built_data, tmp_path, progress))
    (msg,) = ret["message"]
    assert "设置了打开密码（已加密）" in msg and "用密码进行加密" in msg and "清空密码" in msg


def test_non_utf8_names_and_dotdot_names_are_read_and_named(requests_made, built_data, tmp_path,
                                                           progress) -> None:
    # as a Windows zip unpacks: GBK bytes; one with a unit name, one (测.xlsx) without
    gbk_unit = os.fsdecode("区林业局".encode("gbk") + b"_synthetic.xlsx")
    fill(requests_made / "区林业局.xlsx", progress / gbk_unit,
         tasks={11: {"status": "推进中", "report_date": "2026-10-08"}}, drop_meta=True)
    odd = os.fsdecode(b"\xb2\xe2_synthetic.xlsx")
    fill(requests_made / "区交通局.xlsx", progress / odd,
         tasks={36: {"status": "推进中", "report_date": "2026-10-08"}})
    fill(requests_made / "区经济信息委.xlsx", progress / "..\\区经济信息委_synthetic.xlsx",
         tasks={1: {"status": "推进中", "report_date": "2026-10-08"}})
    data = run_with(built_data, tmp_path, progress)
    ret = returns_of(data)
    by_file = {f: g for f, g in ret.groupby("file")}
    # the GBK name is read as such and tells the unit; the message shows both readings
    forest = by_file["区林业局_synthetic.xlsx"]
    assert forest["accepted"].all() and set(forest["unit"]) == {"区林业局"}
    assert "文件名不是 UTF-8 编码" in forest["message"].iloc[0]
    assert "\ufffd" in forest["message"].iloc[0]
    assert by_file["测_synthetic.xlsx"]["accepted"].all()  # unit from _meta
    # "..\\" is a name like any other: read (and its unit told by _meta), never skipped
    dotdot = by_file["..\\区经济信息委_synthetic.xlsx"]
    assert dotdot["accepted"].all() and set(dotdot["task_id"]) == {1}


def test_formula_without_saved_value_is_named_not_empty(requests_made, built_data, tmp_path,
                                                         progress) -> None:
    fill(requests_made / "区林业局.xlsx", progress / "区林业局_formula_synthetic.xlsx",
         tasks={11: {"status": "推进中", "report_date": '=TEXT(TODAY(),"yyyy-mm-dd")'}})
    ret = returns_of(run_with(built_data, tmp_path, progress))
    row = ret[ret["task_id"] == 11].iloc[0]
    assert not row["accepted"]
    assert "公式没有保存计算结果，请在 Excel 中打开并保存后再报送" in row["message"]
    assert row["message"].startswith("重点任务!")  # the cell, as Excel names it


def test_file_name_and_help_sheet_disagreeing_is_an_error_naming_both(
        requests_made, built_data, tmp_path, progress) -> None:
    # the 区交通局 workbook (its 说明 names 区交通局) saved under 区林业局's name, _meta gone
    fill(requests_made / "区交通局.xlsx", progress / "区林业局_synthetic.xlsx",
         tasks={36: {"status": "已完成", "report_date": "2026-10-08", "evidence": "合成"}},
         drop_meta=True)
    ret = returns_of(run_with(built_data, tmp_path, progress))
    assert not ret["accepted"].any()
    msg = ret["message"].iloc[0]
    assert "区林业局" in msg and "区交通局" in msg and "无法确定由哪个单位填报" in msg
    assert pd.isna(ret["unit"]).all()  # credited to neither
