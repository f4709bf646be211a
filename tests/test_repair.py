"""Repairing annex text from the body's copy of the same sentence."""

from __future__ import annotations

from collections import Counter

from greenlib.clean.repair import position_map, repair_text
from tests.paths import RAW_PLAN

# character frequencies come from the whole plan, as in the pipeline
PLAN = RAW_PLAN.read_text(encoding="utf-8")

BODY = [
    "加快信息服务业绿色转型，做好大中型数据中心、网络机房绿色建设和改造。",
    "依托龙头企业、高校、科研机构、产业协会（联盟），支持碳捕集利用和封存、环境保护、节能减排等关键核心技术研发与应用。",
    "到2025年，全区城镇绿色建筑占新建建筑比例达到70%。",
    "加快推进石柱一天然气长输管道等项目建设，全面推进港口码头设施改造。",
]


def counts(annex: str) -> Counter:
    return Counter(PLAN)  # the annex sentence is part of the plan


def test_unique_debris_is_repaired():
    annex = "加快信息月躇业绿色转型，做好大中型数据中心。"
    r = repair_text(annex, BODY, counts(annex))
    assert r.text.startswith("加快信息服务业绿色转型")
    assert ("月躇", "服务") in r.edits


def test_ascii_debris_and_lost_character():
    annex = "到2025年，全区城镇绿色建筑占新建建筑比例达U70%。"
    r = repair_text(annex, BODY, counts(annex))
    assert "比例达到70%" in r.text


def test_the_annex_own_words_are_kept():
    # 科研院所 (annex) vs 科研机构 (body): ordinary characters, a wording choice, not OCR damage
    annex = "依托龙头企业、高校、科研院所、产业协会（联盟），支持碳捕集利用和封存、环境保护、节能减排等关键核心技术研发与应用。"
    assert "科研院所" in repair_text(annex, BODY, counts(annex)).text
    annex = "加快推进石柱一天然气长输管道等项目建设，全力推进港口码头设施改造。"
    assert "全力推进" in repair_text(annex, BODY, counts(annex)).text


def test_numbers_are_never_changed():
    annex = "到2022年，全区城镇绿色建筑占新建建筑比例达到75%。"
    assert repair_text(annex, BODY, counts(annex)).text == annex


def test_unrelated_text_is_untouched():
    annex = "推进完善长江禁捕执法配套制度。"
    r = repair_text(annex, BODY, counts(annex))
    assert r.text == annex and r.edits == []


def test_position_map_points_into_the_old_text():
    old, new = "信息月躇业绿色", "信息服务业绿色"
    pos = position_map(new, old)
    assert new[5:] == old[pos[5]:pos[7]] and pos[-1] == len(old)
