"""Unit registry matching and splitting task cells into text and units (real slices)."""

from __future__ import annotations

import pandas as pd
import pytest

from greenlib.clean.units import Registry, level, split_cell
from greenlib.errors import InputError


@pytest.mark.parametrize(
    ("raw", "unit", "method"),
    [
        ("区发展改革委", "区发展改革委", "alias"),
        ("区发改委", "区发展改革委", "alias"),
        ("区经济言息委", "区经济信息委", None),  # 信 → 言
        ("区生态环旗", "区生态环境局", None),  # cut and garbled end
        ("区件唐城2建委", "区住房城乡建委", "inplace"),  # three characters substituted
        ("区农业农", "区农业农村委", "prefix"),  # cut off by the page
        ("区农业榻接", "区农业农村委", None),
        ("银懒分局", "银保监分局", None),
        ("环境局", "区生态环境局", "suffix"),  # head lost
        ("区境局", "区生态环境局", None),
        ("市邮管二务局", "市邮管二分局", None),
        ("区发展委", "区发展改革委", None),
    ],
)
def test_resolve_garbled_spellings(registry, raw, unit, method):
    r = registry.resolve(raw)
    assert r.unit == unit, (raw, r)
    if method:
        assert r.method == method


@pytest.mark.parametrize("raw", ["区局", "区所局", "区政局", "区", "区标IJ局"])
def test_ambiguous_spellings_stay_unresolved(registry, raw):
    # 区政局 could be 区财政局 or 区民政局: a reviewed correction decides, not the code
    assert registry.resolve(raw).unit is None


def test_never_changes_the_level(registry):
    # 局 and 委 are different levels: 区经济信息局 must not become 区经济信息委
    assert level("区经济信息局") == "局"
    r = registry.resolve("区经济信息局")
    assert r.unit is None or r.unit.endswith("局")
    r = registry.resolve("区商务局")
    assert r.unit != "区商务委"


def _units(cell: str, reg: Registry) -> tuple[list[str | None], str]:
    split = split_cell(cell, reg)
    return [reg.resolve(i.raw).unit for i in split.items], split.text


def test_units_at_the_end(registry):
    cell = "强化产业准和落后产能退出，坚决遏制“两高项目盲目发展。区经济信息委、区发展委、区生态环境局、区应急局"
    units, text = _units(cell, registry)
    assert units == ["区经济信息委", "区发展改革委", "区生态环境局", "区应急局"]
    assert text == "强化产业准和落后产能退出，坚决遏制“两高项目盲目发展。"


def test_unit_name_cut_by_the_column_line(registry):
    # task 5: "区发展改革委、区经济信" + text "力。" + "息委"
    cell = "加快建设资源综合利用项目，提升工业固体废物综合利用能区发展改革委、区经济信力。息委"
    units, text = _units(cell, registry)
    assert units == ["区发展改革委", "区经济信息委"]
    assert text == "加快建设资源综合利用项目，提升工业固体废物综合利用能力。"


def test_units_before_the_text(registry):
    # task 40: the unit cell starts before the task text
    cell = ("区商务委、区经济信息借鉴其他行业领域互联网运营模式成功经验，探索“互联网+”委、区发展改革委、区财"
            "资源回收新模式新业态。政局、区生态环境局、区市场监管局")
    units, text = _units(cell, registry)
    assert units == ["区商务委", "区经济信息委", "区发展改革委", "区财政局", "区生态环境局", "区市场监管局"]
    assert text.startswith("借鉴其他行业领域") and text.endswith("资源回收新模式新业态。")


def test_text_starting_with_qu_is_not_a_unit(registry):
    # task 29: "开展园" | "心、区水利局、区财政局" | "区污染防治…" (园区 split across lines)
    cell = ("探索开展生态环境导向的开发模式试点。在公共机构推广合同能源管理、合同节水管理等模式，鼓励推行能源"
            "区发展改革委、区生态托管服务。培育发展节能医生、环境管家、全过程绿色咨询等环境局、区机关事务中"
            "新业态，鼓励开发区、产业园区、重点行业先行先试。开展园心、区水利局、区财政局"
            "区污染防治第三方治理示范试点，建立健全“污染者付费+第三方治理”机制。")
    units, text = _units(cell, registry)
    assert units == ["区发展改革委", "区生态环境局", "区机关事务中心", "区水利局", "区财政局"]
    assert "开展园区污染防治第三方治理示范试点" in text
    assert "鼓励开发区、产业园区、重点行业先行先试" in text


def test_list_interleaved_three_times(registry):
    # task 58
    cell = ("积极开展中心城区绿色交通出行行动，到2022年，绿色出区交通局、区发展改革行比例达到70%，绿色出行月的"
            "满意率不低T80%；积极谋划委、区住房城乡建委、区百花园至舟白轨道交通项目，公交优先道里程超过50公里。"
            "公安局")
    units, text = _units(cell, registry)
    assert units == ["区交通局", "区发展改革委", "区住房城乡建委", "区公安局"]
    assert "绿色出行比例达到70%" in text and "公安局" not in text


def test_registry_errors_name_file_row_field(tmp_path):
    p = tmp_path / "units.csv"
    pd.DataFrame({"unit": ["区财政局", ""], "full_name": ["x", "y"], "kind": ["k", "k"],
                  "aliases": ["", ""]}).to_csv(p, index=False)
    with pytest.raises(InputError, match=r"units.csv: 第 3 行：unit 为空"):
        Registry.load(p)


def test_an_alias_listed_for_two_departments_is_refused(tmp_path):
    # issue 21: it used to go to whichever department came first, without a word
    p = tmp_path / "units.csv"
    pd.DataFrame({"unit": ["区财政局", "区税务局"], "full_name": ["合成财政局", "合成税务局"],
                  "kind": ["k", "k"], "aliases": ["财政|合成局", "税务|合成局"]}).to_csv(p, index=False)
    with pytest.raises(InputError, match=r"units.csv: 第 3 行：名称“合成局”同时属于“区财政局”"
                                         r"（第 2 行）和“区税务局”"):
        Registry.load(p)
