"""Issue 9: annex task text fit for leaders — repaired, traceable, and doubtful text flagged.

Scored against the hand reading tests/fixtures/annex_text_truth.csv (see tests/fixtures/README.md).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from greenlib import plan as plan_mod
from greenlib.clean import corrections, doubt, repair, wordcheck, wordings
from greenlib.clean.ingest import read_plan
from greenlib.clean.pipeline import clean_document
from greenlib.errors import InputError

from . import score_doubt, score_tasktext

PLAN_ID = "qianjiang-2022-24"
#: mean similarity to the hand reading reached by issue 9 (0.956 as scraped, 0.964 before)
MIN_MEAN = 0.98
#: 原文识别存疑 against the hand reading (tests/score_doubt.py): of 41 tasks still garbled, all are
#: flagged (17 before the word check, 37 before the body and wording comparisons of issue 9's
#: third pass: 力，展, 的典企业, 才是升, 行业中 …). Of 56 clean tasks, 2 are flagged (a place name
#: and a rare dish word no dictionary knows).
MAX_GARBLED_UNFLAGGED = 0
MAX_CLEAN_FLAGGED = 2


@pytest.fixture(scope="module")
def plan():
    return plan_mod.load(PLAN_ID)


@pytest.fixture(scope="module")
def cleaned(plan):
    return clean_document(read_plan(plan.raw), plan=plan)


@pytest.fixture(scope="module")
def tasks(cleaned) -> pd.DataFrame:
    return cleaned.tables["tasks.csv"]


def _clean_with(plan, tmp_path: Path, yaml_text: str):
    p = tmp_path / "corrections.yaml"
    p.write_text("version: 1\ncorrections:\n" + yaml_text, encoding="utf-8")
    return clean_document(read_plan(plan.raw), plan=plan, corrections_path=p)


def _log(res, cid: str) -> list[dict]:
    return [c for c in res.quality["corrections"] if c["id"] == cid]


# --------------------------------------------------------------------------- the whole plan


def test_task_text_reads_close_to_the_hand_reading(tasks, tmp_path):
    tasks.to_csv(tmp_path / "tasks.csv", index=False)
    assert score_tasktext.score(tmp_path) >= MIN_MEAN
    # and the repair did the work: the text as scraped scores far lower
    assert score_tasktext.score(tmp_path, "text_ocr") < 0.96


def test_no_latin_letters_or_question_marks_unless_flagged(tasks):
    # EOD is a real abbreviation; everything else Latin in a Chinese task is OCR debris
    bad = tasks[tasks["text"].str.replace("EOD", "", regex=False).str.contains(r"[A-Za-z？?]")]
    unflagged = bad[~bad["text_doubtful"].astype(bool)]
    assert unflagged.empty, unflagged[["task_id", "text"]].to_string()
    assert len(bad) > 0  # the plan still has such tasks: they are flagged, not hidden


def test_garbled_task_texts_are_flagged_and_few_clean_ones(tasks):
    c = score_doubt.confusion(tasks)
    assert len(c["missed"]) <= MAX_GARBLED_UNFLAGGED, c["missed"]
    assert len(c["false"]) <= MAX_CLEAN_FLAGGED, c["false"]
    assert len(c["caught"]) >= 37


def test_doubtful_tasks_are_listed_in_quality_in_chinese(cleaned, tasks):
    flagged = set(tasks.loc[tasks["text_doubtful"].astype(bool), "task_id"])
    listed = [u for u in cleaned.quality["unresolved"] if u["kind"] == "text_doubtful"]
    assert {u["task_id"] for u in listed} == flagged
    assert all(u["detail"].startswith("任务原文识别存疑") for u in listed)
    assert ((tasks["text_doubt"] >= 0) & (tasks["text_doubt"] <= 1)).all()


def test_new_columns_are_appended_after_the_existing_ones(tasks):
    cols = list(tasks.columns)
    # (page: the scrape's page of the task, for the 原文存疑 mark, issue 18)
    assert cols[-4:] == ["text_doubt", "text_doubtful", "part_name", "page"]
    assert cols.index("section_name") == len(cols) - 5


def test_part_and_section_titles_read_as_the_national_headings(tasks, cleaned):
    """A leader reads 加快基础设施绿色升级, not the scrape's 加快基础设孵录色升级."""
    names = dict(zip(tasks["part"], tasks["part_name"], strict=False))
    assert names[4] == "加快基础设施绿色升级" and names[6] == "完善法律法规政策体系"
    heads = {w.phrase for w in repair.load_wordings(kind="title")}
    assert set(tasks["part_name"]) <= heads
    # each change is traceable: raw heading, clean heading, the wording it came from
    rep = {(r["kind"], r["number"]): r for r in cleaned.quality["title_repairs"]}
    assert rep[("part", 4)]["raw"] == "加快基础设孵录色升级" and rep[("part", 4)]["source"] == "词表:gf4-h4"
    # the plan's own heading, further from any fixed one, is kept
    assert wordings.clean_title("建立绿色贸易结构") == ("建立绿色贸易结构", None)
    assert wordings.clean_title("提升交通基5！施绿色发展水平")[0] == "提升交通基础设施绿色发展水平"


def test_every_repair_names_a_source_that_says_the_same(tasks, plan):
    raw = plan.raw.read_text(encoding="utf-8")
    words = {w.id: w.phrase for w in repair.load_wordings()}
    n = 0
    for r in tasks.itertuples():
        if not isinstance(r.repairs, str) or not r.repairs:
            continue
        for item in r.repairs.split("；"):
            m = re.fullmatch(r"(.*)→(.*)@(原文|词表|校正):(.+)", item)
            assert m, item
            new, kind, where = m.group(2), m.group(3), m.group(4)
            n += 1
            if kind == "词表":
                assert where in words and (new == "∅" or new in words[where])
            elif kind == "原文":
                off = int(where)
                cjk = re.sub(r"[^\u4e00-\u9fff]", "", new)
                near = re.sub(r"[^\u4e00-\u9fff]", "", raw[off - 3:off + len(new) + 6])
                assert cjk in near, (r.task_id, item, raw[off - 3:off + len(new) + 6])
        # the text before repair is kept, and differs exactly where repairs were made
        assert r.text_ocr != r.text
    assert n >= 50


def test_numbers_in_task_text_are_never_changed(tasks):
    def nums(s: str) -> list[str]:
        return re.findall(r"\d+(?:\.\d+)?%?(?=[年万亿个处%公:])|\d+(?:\.\d+)?%", s)

    for r in tasks.itertuples():
        assert nums(r.text) == nums(r.text_ocr), r.task_id


# --------------------------------------------------------------------------- repair_text


BODY = [
    "加快信息服务业绿色转型，做好大中型数据中心、网络机房绿色建设和改造。",
    "依托龙头企业、高校、科研机构、产业协会（联盟），支持碳捕集利用和封存、环境保护、节能减排等关键核心技术研发与应用。",
    "到2025年，全区城镇绿色建筑占新建建筑比例达到70%。",
]
PLAN_TEXT = plan_mod.load(PLAN_ID).raw.read_text(encoding="utf-8")


def test_garbled_run_is_replaced_from_the_body_with_its_offset():
    body = [(1000, BODY[0])]
    r = repair.repair_text("加快信息月躇业绿色转型，做好大中嬲娓中心。", body, Counter(PLAN_TEXT), ())
    assert r.text.startswith("加快信息服务业绿色转型，做好大中型数据中心")
    assert ("月躇", "服务") in r.edits
    assert r.sources[r.edits.index(("月躇", "服务"))] == f"body:{1000 + BODY[0].index('服务')}"


def test_own_wording_numbers_and_unrelated_text_are_kept():
    c = Counter(PLAN_TEXT)
    own = "依托龙头企业、高校、科研院所、产业协会（联盟），支持碳捕集利用和封存、环境保护、节能减排等关键核心技术研发与应用。"
    assert repair.repair_text(own, BODY, c, ()).text == own
    num = "到2022年，全区城镇绿色建筑占新建建筑比例达到75%。"
    assert repair.repair_text(num, BODY, c, ()).text == num
    other = "推进完善长江禁捕执法配套制度。"
    r = repair.repair_text(other, BODY, c)
    assert r.text == other and r.edits == []


def test_fixed_national_wording_repairs_without_a_body_copy():
    r = repair.repair_text("到2022年，全区60%以上的学校达至I得色学校创建要求。", [], Counter(PLAN_TEXT))
    assert "达到绿色学校创建要求" in r.text
    assert all(s.startswith("wording:") for s in r.sources)


def test_doubt_flags_debris_but_not_clean_text():
    c = Counter(PLAN_TEXT)
    assert doubt.doubt("到2025年，力争节麻保产业产值U30亿元", c).doubtful
    assert doubt.doubt("严格执行市瞬姗姣易管理暂行办法。", c).doubtful
    assert not doubt.doubt("引导电商企业采用绿色包装。", c).doubtful
    assert not doubt.doubt("探索开展生态环境导向的开发模式（EOD模式）试点。", c).doubtful


def test_word_check_finds_garble_of_ordinary_characters():
    pb = wordcheck.bigrams(PLAN_TEXT)
    assert wordcheck.unknown("加强绿色食品、有机农产品和农产品期里标志登记认证和管理", pb) == ["期"]
    assert wordcheck.unknown("推动再制造产业发展，积极开展再制造产品认证。", pb) == []
    # a word of the plan (found three times or more) is known even if no dictionary has it
    assert wordcheck.unknown("完善禁渔管理长效机制", wordcheck.bigrams("禁渔。" * 3)) == []
    c = Counter(PLAN_TEXT)
    d = doubt.doubt("继续深入务拟上市后备企业，期符合条件的绿色产业企业上市融资。", c, None, pb)
    assert d.doubtful and any("不成词" in r for r in d.reasons)
    assert not doubt.doubt("引导电商企业采用绿色包装，鼓励商家提供免费打包服务。", c, None, pb).doubtful
    # a lone character between punctuation that is no word by itself
    assert wordcheck.fragments("推进退化耕地综合；链。") == ["链"]
    assert wordcheck.fragments("按照国、市统一部署。") == []


# --------------------------------------------------------------------------- corrections


def test_phrase_replace_correction_is_applied_and_traced(plan, tmp_path):
    res = _clean_with(plan, tmp_path, """
  - id: t36
    table: tasks
    task_id: 36
    replace: {from: 躁检屿霞钳丸, to: 某项监管（合成的测试写法）}
    reason: synthetic test
""")
    row = res.tables["tasks.csv"].set_index("task_id").loc[36]
    assert row["text"].endswith("强化某项监管（合成的测试写法）")
    assert "躁检屿霞钳丸" in row["text_ocr"]
    assert "躁检屿霞钳丸→某项监管（合成的测试写法）@校正:t36" in row["repairs"]
    assert [c["status"] for c in _log(res, "t36")] == ["applied"]
    assert not row["text_doubtful"]  # a corrected text is no longer doubtful


def test_phrase_replace_that_matches_nothing_is_reported_unused(plan, tmp_path):
    res = _clean_with(plan, tmp_path, """
  - id: gone
    table: tasks
    task_id: 24
    replace: {from: 月躇, to: 服务}
    reason: the code repairs it already
  - id: absent
    table: tasks
    task_id: 24
    replace: {from: 不存在的写法, to: 别的写法}
    reason: test
""")
    gone, absent = _log(res, "gone")[0], _log(res, "absent")[0]
    assert res.quality["counts"]["corrections_unused"] == 2
    assert gone["status"] == "unused" and "可删除" in gone["detail"]
    assert absent["status"] == "unused" and "没有" in absent["detail"]


def test_text_correction_does_not_make_a_target_correction_unused(plan, tmp_path):
    # the text correction fixes the garbled indicator in the task text; the target
    # correction was written against the garbled text and must still apply
    res = _clean_with(plan, tmp_path, """
  - id: text-67
    table: tasks
    task_id: 67
    replace: {from: 姐厂污凶班城9崖文泥无害化姐S率, to: 处理厂污泥无害化处理率}
    reason: test
  - id: target-67
    table: targets
    match: {indicator: 城市污水姐厂污凶班城9崖文泥无害化姐S率}
    set: {indicator: 城市污水处理厂污泥无害化处理率}
    reason: test
""")
    assert [c["status"] for c in _log(res, "text-67")] == ["applied"]
    t = _log(res, "target-67")
    assert [c["status"] for c in t] == ["applied"] and "第67项任务" in t[0]["detail"]
    tg = res.tables["targets.csv"]
    assert (tg["indicator"] == "城市污水处理厂污泥无害化处理率").sum() == 1
    assert res.quality["counts"]["corrections_unused"] == 0
    # without the text correction the target correction matches directly
    res = _clean_with(plan, tmp_path, """
  - id: target-67
    table: targets
    match: {indicator: 城市污水姐厂污凶班城9崖文泥无害化姐S率}
    set: {indicator: 城市污水处理厂污泥无害化处理率}
    reason: test
""")
    assert [(c["status"], c["detail"]) for c in _log(res, "target-67")] == [("applied", "")]


def test_malformed_replace_is_refused(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("corrections:\n  - id: x\n    table: tasks\n    task_id: 1\n"
                 "    replace: {from: 甲}\n    reason: r\n", encoding="utf-8")
    with pytest.raises(InputError, match="replace"):
        corrections.load(p)


# --------------------------------------------------------------------------- word-level rules
# Sentences below are our own wording of the genre, not copied from a plan.

WD = repair.Wording("t-01", "推广节能低碳的绿色办公用品", "test")
WD2 = repair.Wording("t-02", "污水资源化利用", "test")


def test_two_characters_read_for_one_are_joined_only_where_the_wording_then_reads():
    c = Counter(PLAN_TEXT)
    r = repair.repair_text("各机关推广节能低碳的名录色办公用品。", [], c, (WD,))
    assert r.text == "各机关推广节能低碳的绿色办公用品。" and ("名录", "绿") in r.edits
    # 循环 against 化 is another phrase, not a split character: nothing joined
    other = "促进园区水资源循环利用。"
    assert repair.repair_text(other, [], c, (WD2,)).text == other


def test_wording_is_aligned_again_once_its_debris_is_gone():
    r = repair.repair_text("加快推进污ZK资源化用设施建设。", [], Counter(PLAN_TEXT), (WD2,))
    assert "污水资源化利用设施" in r.text
    assert [e for e in r.edits] == [("ZK", "水"), ("", "利")]


def test_punctuation_inside_a_word_of_the_body_copy_is_doubtful_unless_the_body_is_garbled():
    pb = wordcheck.bigrams(PLAN_TEXT)
    body = ["鼓励企业开展节水改造，支持园区建设中水回用设施，提高再生水利用水平。"]
    d = doubt.doubt("鼓励企业开展节水改造，支持园区建设中力，回用设施，提高再生水利用水平。",
                     Counter(PLAN_TEXT), body, pb)
    assert d.doubtful and any("断词" in r for r in d.reasons)
    # the body is the garbled copy here (才是升 for ，提升): the annex is not doubted for it …
    body2 = ["推进园区集中供热项目才是升工业余热利用水平，降低企业用能成本。"]
    clean = "推进园区集中供热项目，提升工业余热利用水平，降低企业用能成本。"
    assert not doubt.doubt(clean, Counter(PLAN_TEXT), body2, pb).doubtful
    # … and the body's misreading, learnt there, marks the same slip elsewhere
    garbles = frozenset(doubt.compare_body(clean, repair.Body.of(body2))[1])
    assert "才是升" in garbles
    slip = "加快推进天然气管网建设才是升应急保障能力。"
    assert not doubt.doubt(slip, Counter(PLAN_TEXT), body2, pb).doubtful  # reads as words
    assert doubt.doubt(slip, Counter(PLAN_TEXT), body2, pb, garbles=garbles).doubtful


def test_a_character_lost_inside_the_body_copy_is_doubtful():
    pb = wordcheck.bigrams(PLAN_TEXT)
    body = ["支持企业开展重大技术装备攻关，提升关键零部件配套能力。"]
    d = doubt.doubt("支持企业开展重大技装备攻关，提升关键零部件配套能力。",
                     Counter(PLAN_TEXT), body, pb)
    assert d.doubtful
    assert not doubt.doubt(body[0], Counter(PLAN_TEXT), body, pb).doubtful


def test_text_still_off_a_fixed_wording_is_doubtful():
    c = Counter(PLAN_TEXT)
    d = doubt.doubt("各机关推广节能低碳的绿色办公月品。", c, wordings=(WD,))
    assert d.doubtful and any("固定表述" in r for r in d.reasons)
    assert not doubt.doubt("各机关推广节能低碳的绿色办公用品。", c, wordings=(WD,)).doubtful


def test_one_character_rebuilt_as_three_is_shown_for_checking():
    c = Counter(PLAN_TEXT)
    text = "在建材等行业中选择一批企业开展试点。"
    assert doubt.doubt(text, c, edits=[("僻", "中选择")]).doubtful
    assert not doubt.doubt(text, c, edits=[("僻", "选")]).doubtful
