"""Issue 9: target extraction that generalises beyond the district plan.

The eight failure kinds the held-out set tests/fixtures/unseen2 showed, each pinned with
sentences written for this test in the genre's style (synthetic: invented wordings, not
quotes of a plan), plus the score on unseen2 itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from greenlib.clean.ingest import normalize, read_plan
from greenlib.clean.pipeline import clean_document
from greenlib.clean.targets import Target, extract
from greenlib.errors import InputError

HERE = Path(__file__).parent


def rows(text: str) -> list[tuple]:
    return [(t.indicator, t.value, t.unit, t.comparator, t.year) for t in extract(text, "body")]


def by_indicator(text: str) -> dict[str, Target]:
    return {t.indicator: t for t in extract(text, "body")}


# (1) refused although it states targets ------------------------------------------------


def test_short_news_copy_with_targets_is_cleaned_with_a_warning(tmp_path: Path, capsys) -> None:
    p = tmp_path / "synthetic_news_copy.txt"
    p.write_text("合成测试文本。某市日前印发林业发展规划。到2025年，全市森林覆盖率稳定在48%以上，"
                 "林地保有量达到320万亩，林业总产值达到150亿元。", encoding="utf-8")
    res = clean_document(read_plan(p))
    got = {(r.indicator, r.value, r.unit, r.comparator) for r in res.tables["targets.csv"].itertuples()}
    assert ("森林覆盖率", 48.0, "%", ">=") in got
    assert ("林地保有量", 320.0, "万亩", "=") in got
    assert len(res.quality["warnings"]) == 1
    assert "新闻稿或摘录" in res.quality["warnings"][0]["detail"]
    assert "synthetic_news_copy.txt" in capsys.readouterr().err


def test_text_without_targets_or_plan_words_is_still_refused(tmp_path: Path) -> None:
    p = tmp_path / "synthetic_not_a_plan.txt"
    p.write_text("合成测试文本。今天天气晴朗，气温二十度左右，适合外出散步。" * 10, encoding="utf-8")
    with pytest.raises(InputError, match="不是实施方案"):
        clean_document(read_plan(p))


def test_toneless_pinyin_glosses_are_removed() -> None:
    text = "到(dao)2025年(nian)，秸(jie)秆(gan)综合(he)利用率達(da)(da)到(dao)90%以(yi)上(shang)"
    norm = normalize(text).text
    assert norm == "到2025年，秸秆综合利用率达到90%以上"
    assert rows(norm) == [("秸秆综合利用率", 90.0, "%", ">=", 2025)]


def test_a_single_latin_word_in_brackets_is_not_a_gloss() -> None:
    assert normalize("示范项目(a)已开工建设").text == "示范项目（a）已开工建设"


# (2) 实现/维持 verbs and lists without a verb -------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "want"),
    [
        ("到2025年，重点企业清洁生产审核实现100%", ("重点企业清洁生产审核", 100.0, "%", "=", 2025)),
        ("到2025年，城市饮用水水源地水质达标率维持在100%", ("城市饮用水水源地水质达标率", 100.0, "%", "=", 2025)),
        ("到2025年，湿地保护率维持45%以上", ("湿地保护率", 45.0, "%", ">=", 2025)),
        ("到2025年，煤炭消费总量控制在800万吨以内", ("煤炭消费总量", 800.0, "万吨", "<=", 2025)),
        ("到2025年，力争新能源汽车保有量确保达到5万辆", ("新能源汽车保有量", 5.0, "万辆", "=", 2025)),
    ],
)
def test_verbs_of_keeping_and_limiting(sentence: str, want: tuple) -> None:
    assert rows(sentence) == [want]


def test_verb_less_list_items_under_a_target_year() -> None:
    got = rows("到2025年，可再生能源消费比重18%，单位工业增加值用水量下降12%，植树造林800万株。")
    assert got == [("可再生能源消费比重", 18.0, "%", "=", 2025),
                   ("单位工业增加值用水量", 12.0, "%", "reduce_by", 2025),
                   ("植树造林", 800.0, "万株", "=", 2025)]


def test_a_list_continues_the_verb() -> None:
    got = rows("到2025年，餐厨垃圾资源化利用率达到70%、园林垃圾资源化利用率60%以上")
    assert got == [("餐厨垃圾资源化利用率", 70.0, "%", "=", 2025),
                   ("园林垃圾资源化利用率", 60.0, "%", ">=", 2025)]


def test_a_bare_number_without_a_target_year_is_not_a_target() -> None:
    assert rows("全市林地面积120万亩") == []


# (3) units: every value keeps its own magnitude ------------------------------------------


def test_respectively_with_different_magnitudes() -> None:
    got = rows("到2025年，粉煤灰、工业副产石膏利用量分别达到800万吨和1.5亿吨")
    assert got == [("粉煤灰利用量", 800.0, "万吨", "=", 2025),
                   ("工业副产石膏利用量", 1.5, "亿吨", "=", 2025)]


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("到2025年，绿色产业营业收入达到1.2万亿元", 1.2, "万亿元"),
        ("到2025年，再生水利用量达到3.5亿立方米", 3.5, "亿立方米"),
        ("到2025年，光伏发电装机容量达到1.1亿千瓦", 1.1, "亿千瓦"),
        ("到2025年，能源消费总量控制在2.3亿吨标准煤以内", 2.3, "亿吨标准煤"),
        ("到2025年，能源消费总量控制在2.3亿t标准煤以内", 2.3, "亿吨标准煤"),
        ("到2025年，危险废物利用处置能力达到120万吨/年", 120, "万吨/年"),
        ("到2025年，城镇污水处理能力达到45万立方米/日", 45, "万立方米/日"),
    ],
)
def test_magnitude_and_rate_units(sentence: str, value: float, unit: str) -> None:
    (t,) = extract(sentence, "body")
    assert (t.value, t.unit) == (value, unit)


def test_magnitude_guard_flags_a_power_of_ten(tmp_path: Path) -> None:
    p = tmp_path / "synthetic_magnitude.txt"
    p.write_text("合成测试文本：某市循环经济发展实施方案。主要目标：到2025年，废钢利用量达到3.2亿吨。"
                 "推进废钢回收体系建设，到2025年，全市废钢利用量达到3.2万吨，目标任务全面完成。",
                 encoding="utf-8")
    res = clean_document(read_plan(p))
    sus = [u for u in res.quality["unresolved"] if u["kind"] == "magnitude_suspect"]
    assert sus and "量级" in sus[0]["detail"] and "10^4" in sus[0]["detail"]


def test_magnitude_guard_is_quiet_on_consistent_figures(tmp_path: Path) -> None:
    p = tmp_path / "synthetic_consistent.txt"
    p.write_text("合成测试文本：某市林业发展实施方案。主要目标：到2025年，森林蓄积量达到180万立方米；"
                 "到2030年，森林蓄积量达到190万立方米，目标任务全面完成。", encoding="utf-8")
    res = clean_document(read_plan(p))
    assert not [u for u in res.quality["unresolved"] if u["kind"] == "magnitude_suspect"]


# (4) a second predicate without its own subject -------------------------------------------


def test_chained_predicate_keeps_the_subject() -> None:
    got = rows("到2025年，碳排放强度比2020年下降19%左右、控制在1.1亿吨左右")
    assert got == [("碳排放强度", 19.0, "%", "reduce_by", 2025),
                   ("碳排放强度", 1.1, "亿吨", "<=", 2025)]


def test_later_clause_gets_its_own_year() -> None:
    got = rows("到2025年，生物质发电装机达到30万千瓦，到2030年达到60万千瓦以上。")
    assert got == [("生物质发电装机", 30.0, "万千瓦", "=", 2025),
                   ("生物质发电装机", 60.0, "万千瓦", ">=", 2030)]


def test_subject_is_not_carried_into_another_sentence() -> None:
    got = rows("到2025年，秸秆综合利用率达到92%。到2030年达到95%。")
    assert got == [("秸秆综合利用率", 92.0, "%", "=", 2025)]


# (5) ranges and counts after (and before) the noun ----------------------------------------


def test_range_keeps_both_ends() -> None:
    (t,) = extract("到2030年，单位生产总值能耗比2020年下降20%~25%", "body")
    assert (t.value, t.value_high, t.comparator, t.year) == (20.0, 25.0, "reduce_by", 2030)
    (c,) = extract("“十四五”期间，建成3-5个零碳示范园区", "body")
    assert (c.indicator, c.value, c.value_high, c.unit, c.comparator, c.year) == (
        "零碳示范园区", 3.0, 5.0, "个", "increase_by", 2025)


def test_counts_after_and_before_the_noun() -> None:
    got = rows("到2025年，建设20个固废资源化利用中心和15个再生资源分拣中心，创建省级生态农场示范基地4个")
    assert got == [("固废资源化利用中心", 20.0, "个", "increase_by", 2025),
                   ("再生资源分拣中心", 15.0, "个", "increase_by", 2025),
                   ("省级生态农场示范基地", 4.0, "个", "increase_by", 2025)]


def test_sub_target_with_qizhong_takes_the_predicate() -> None:
    got = rows("到2025年，建成高标准农田60万亩，其中绿色农田示范区20万亩")
    assert got == [("高标准农田", 60.0, "万亩", "increase_by", 2025),
                   ("绿色农田示范区", 20.0, "万亩", "increase_by", 2025)]


# (6) shared predicates -----------------------------------------------------------------


def test_shared_predicate_jun_gives_one_target_per_noun() -> None:
    got = rows("到2025年，工业用水重复利用率、再生水利用率均达到85%以上")
    assert got == [("工业用水重复利用率", 85.0, "%", ">=", 2025),
                   ("再生水利用率", 85.0, "%", ">=", 2025)]


def test_coordinated_nouns_share_the_head() -> None:
    got = rows("到2025年，废塑料、废橡胶回收量分别达到40万吨、25万吨")
    assert [g[0] for g in got] == ["废塑料回收量", "废橡胶回收量"]


# (7) history is not a target -------------------------------------------------------------


def test_review_of_the_previous_period_is_not_a_target() -> None:
    text = ("“十三五”期间，全市森林覆盖率由38%提高到42%，建成生态公园12个。"
            "2020年，一般工业固废综合利用率已达到88%。"
            "到2025年，全市森林覆盖率达到45%，一般工业固废综合利用率达到92%。")
    assert rows(text) == [("森林覆盖率", 45.0, "%", "=", 2025),
                          ("一般工业固废综合利用率", 92.0, "%", "=", 2025)]


def test_base_year_is_not_a_target_year() -> None:
    (t,) = extract("到2025年，单位地区生产总值能耗较2020年下降14%", "body")
    assert (t.indicator, t.year, t.comparator) == ("单位地区生产总值能耗", 2025, "reduce_by")


def test_the_plans_own_period_is_not_history() -> None:
    got = rows("“十四五”期间，全市新增造林面积15万亩。到2025年，森林覆盖率达到50%")
    assert got == [("造林面积", 15.0, "万亩", "increase_by", 2025), ("森林覆盖率", 50.0, "%", "=", 2025)]


# (8) 下降幅度达 X% and other comparator wordings ------------------------------------------


def test_amplitude_of_a_reduction() -> None:
    (t,) = extract("到2025年，一般工业固废填埋量下降幅度达15%", "body")
    assert (t.indicator, t.value, t.comparator) == ("一般工业固废填埋量", 15.0, "reduce_by")


def test_new_buildings_complying_100_percent_is_a_share() -> None:
    (t,) = extract("到2025年，全市新建建筑100%执行绿色建筑标准", "body")
    assert (t.value, t.unit, t.comparator) == (100.0, "%", "=")


def test_relative_increase_with_yue() -> None:
    (t,) = extract("到2025年，主要资源产出率比2020年提高约15%", "body")
    assert (t.indicator, t.value, t.comparator) == ("主要资源产出率", 15.0, "increase_by")


# the held-out set ----------------------------------------------------------------------


def _score(folder: Path) -> dict:
    sys.path.insert(0, str(HERE))
    try:
        from score_unseen import score_folder
    finally:
        sys.path.remove(str(HERE))
    return score_folder(folder)["overall"]


def test_unseen2_scores() -> None:
    o = _score(HERE / "fixtures" / "unseen2")
    assert o["recall_comparator"] >= 0.95
    assert o["recall"] >= 0.97
    assert o["precision"] >= 0.98
    assert o["magnitude_errors"] == 0
    assert o["refused"] == []


def test_unseen3_scores() -> None:
    o = _score(HERE / "fixtures" / "unseen3")
    assert o["recall"] >= 0.96
    assert o["recall_comparator"] >= 0.95
    assert o["precision"] >= 0.98
    assert o["magnitude_errors"] == 0
    assert o["refused"] == []


def test_unseen_scores_stay_perfect() -> None:
    o = _score(HERE / "fixtures" / "unseen")
    assert (o["recall"], o["recall_comparator"], o["precision"]) == (1.0, 1.0, 1.0)


def test_a_range_is_rated_against_its_stricter_end() -> None:
    import pandas as pd

    from greenlib.monitor.rating import rated_value

    cut = pd.Series({"value": 60.0, "value_high": 65.0, "comparator": "reduce_by"})
    cap = pd.Series({"value": 1.0, "value_high": 1.5, "comparator": "<="})
    one = pd.Series({"value": 95.0, "value_high": float("nan"), "comparator": ">="})
    assert (rated_value(cut), rated_value(cap), rated_value(one)) == (65.0, 1.0, 95.0)


# unseen3 (issue 9, second held-out set): rules the new texts showed missing -------------
# Sentences are invented for these tests in the genre's style, not quotes of a fixture.


def test_respectively_with_a_base_year_between_fenbie_and_the_verb() -> None:
    got = rows("到2030年，单位产值能耗、用水量分别比2020年下降12%、9%。")
    assert got == [("单位产值能耗", 12.0, "%", "reduce_by", 2030), ("用水量", 9.0, "%", "reduce_by", 2030)]


def test_respectively_values_each_hedged_with_zuoyou() -> None:
    got = rows("2026年，甲指标和乙指标分别降低1.5%左右、2.2%左右，丙指标达到10%。")
    assert got == [("甲指标", 1.5, "%", "reduce_by", 2026), ("乙指标", 2.2, "%", "reduce_by", 2026),
                   ("丙指标", 10.0, "%", "=", 2026)]


def test_targets_of_an_older_plan_keep_their_year() -> None:
    got = rows("到2015年，全县造林面积达到12万亩。2015年，全县污水处理率达到80%。")
    assert [r[4] for r in got] == [2015, 2015]


def test_a_past_year_heading_a_clause_is_not_the_target_year() -> None:
    got = rows("2019年，全县污水处理率为70%。到2025年，全县污水处理率达到90%。")
    assert ("全县污水处理率", 70.0, "%", "=", 2019) not in got
    assert ("污水处理率", 90.0, "%", "=", 2025) in got


def test_baseline_standing_for_the_subject_inherits_it() -> None:
    text = ("到2028年，全县单位产值水耗下降到20立方米，比2018年的31立方米降低35%。"
            "甲污染物和乙污染物排放量（含城镇、农村）分别控制在3.2万吨、0.4万吨以内，"
            "比2018年的3.9万吨、0.5万吨分别减少18%（其中城镇排放量减少20%）、20%。")
    got = rows(text)
    assert ("单位产值水耗", 35.0, "%", "reduce_by", 2028) in got
    assert ("甲污染物排放量", 3.2, "万吨", "<=", 2028) in got
    assert ("乙污染物排放量", 0.4, "万吨", "<=", 2028) in got
    assert ("甲污染物排放量", 18.0, "%", "reduce_by", 2028) in got
    assert ("乙污染物排放量", 20.0, "%", "reduce_by", 2028) in got
    assert ("城镇排放量", 20.0, "%", "reduce_by", 2028) in got
    assert not [r for r in got if r[0].startswith("比")]  # a baseline is never an indicator


def test_gaoda_describes_and_commits_to_nothing() -> None:
    got = rows("该县森林覆盖率高达70%，到2025年，全县森林覆盖率达到72%。")
    assert got == [("森林覆盖率", 72.0, "%", "=", 2025)]


def test_rate_units_keep_their_base() -> None:
    got = rows("到2025年，单位面积蓄积量达到5立方米/亩，万元产值能耗降至0.4吨标准煤/万元。")
    assert [(r[0], r[2]) for r in got] == [("单位面积蓄积量", "立方米/亩"), ("万元产值能耗", "吨标准煤/万元")]


def test_year_in_chinese_numerals_becomes_digits() -> None:
    n = normalize("到二〇二七年，全市绿色建筑占比达到90%。二○二二年三月")
    assert n.text == "到2027年，全市绿色建筑占比达到90%。2022年三月"
    assert n.rules["cn_year"] == 2
    assert rows(n.text) == [("绿色建筑占比", 90.0, "%", "=", 2027)]


def test_ba_construction_range_with_jiehu_and_gongdun() -> None:
    text = ("当局的目标是把本区的能源强度由2010年的水平降低30%至40%，相等于总排放量减低10%至15%，"
            "而人均排放量将减至介乎4.1至4.5公吨。")
    got = {t.indicator: t for t in extract(text, "body")}
    assert (got["本区的能源强度"].value, got["本区的能源强度"].value_high) == (30.0, 40.0)
    assert got["本区的能源强度"].comparator == "reduce_by"
    assert any(t.unit == "公吨" and t.value == 4.1 and t.value_high == 4.5 for t in got.values())
    assert any(t.comparator == "reduce_by" and t.value == 10.0 for t in got.values())


def test_a_stated_goal_ends_a_review() -> None:
    text = "过去三年，全区森林覆盖率达到60%。今后的目标是全区森林覆盖率达到65%。"
    assert [r[1] for r in rows(text)] == [65.0]


def test_annual_increase_before_the_noun_and_nianjun_is_not_jun() -> None:
    got = rows("到2027年，年均增加湿地面积500公顷，农民人均收入年均增长6%。")
    assert ("湿地面积", 500.0, "公顷", "increase_by", 2027) in got
    assert ("农民人均收入", 6.0, "%", "increase_by", 2027) in got


# comparators the hand-typed sets agree on (unseen2 and unseen3 were typed apart) --------------


def test_lowered_to_a_level_is_a_ceiling() -> None:
    got = rows("到2027年，单位产品综合能耗降至1.2吨标准煤，工序水耗下降到3立方米/吨。")
    assert [(g[0], g[3]) for g in got] == [("单位产品综合能耗", "<="), ("工序水耗", "<=")]


def test_work_done_is_a_level_and_its_list_shares_the_verb() -> None:
    got = rows("“十四五”期间，完成植树种草120万亩、湿地修复8万亩。")
    assert got == [("植树种草", 120.0, "万亩", "=", 2025), ("湿地修复", 8.0, "万亩", "=", 2025)]
    # a build verb still counts what is added
    assert rows("到2025年，新建口袋公园30个。")[0][3] == "increase_by"


def test_a_level_verb_before_the_noun_states_an_amount_reached() -> None:
    got = rows("“十四五”期间，实现节约用水800万立方米。")
    assert got == [("节约用水", 800.0, "万立方米", "=", 2025)]
    # the verb next to the noun wins over a build verb before it, and a noun that says
    # reduction makes its item a reduction
    got = rows("到2026年，园区循环化改造形成节水量约60万立方米、减排化学需氧量约2万吨。")
    assert [(g[0], g[1], g[3]) for g in got] == [("节水量", 60.0, "="),
                                                 ("减排化学需氧量", 2.0, "reduce_by")]


# issue 18: targets that hold on texts never seen (held-out set unseen4) -------------------
# Sentences are invented for these tests in the genre's style (synthetic), not quotes of a
# fixture; each pins one kind of failure the issue lists.


def _clean(tmp_path: Path, name: str, text: str):
    p = tmp_path / f"synthetic_{name}.txt"
    p.write_text(text, encoding="utf-8")
    return clean_document(read_plan(p), plan=None)


def test_a_target_year_before_2020_never_refuses_the_file(tmp_path: Path) -> None:
    from greenlib.clean.pipeline import validate

    res = _clean(tmp_path, "old_plan", "合成测试文本。某县“十二五”节能工作方案\n一、主要目标\n"
                 "到2015年，全县单位生产总值能耗比2010年下降16%，新建污水处理厂3座。"
                 "到2025年，森林覆盖率达到45%。")
    t = res.tables["targets.csv"]
    assert sorted(t["year"].astype(int)) == [2015, 2015, 2025]
    validate(res)  # years 1990–2100 pass: no "year outside 2020–2060"
    notes = [w["detail"] for w in res.quality["warnings"] if w["kind"] == "target_year"]
    assert len(notes) == 2 and all("早于2020年" in n for n in notes)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a period heading and a range give their end year
        ("2018—2020年工作目标：全县秸秆综合利用率达到90%。", ("秸秆综合利用率", 90.0, "%", "=", 2020)),
        ("2018年至2020年，全区累计实现节能量5万吨标准煤。", ("节能量", 5.0, "万吨标准煤", "=", 2020)),
        # 本世纪中叶 is 2050
        ("到本世纪中叶，全市森林覆盖率达到60%。", ("森林覆盖率", 60.0, "%", "=", 2050)),
        # the year on the line above the list
        ("到2022年底：\n城市生活垃圾回收利用率达到35%；\n厨余垃圾处理能力达到200吨/日。",
         ("厨余垃圾处理能力", 200.0, "吨/日", "=", 2022)),
        # a year heading its paragraph with 底前, after a colon, after 计划/确定
        ("方案提出：\n2019年底前，畜禽粪污综合利用率达到85%以上。", ("畜禽粪污综合利用率", 85.0, "%", ">=", 2019)),
        ("全县计划2021年推广节水器具800套。", ("节水器具", 800.0, "套", "=", 2021)),
    ],
)
def test_a_year_written_elsewhere_than_daozhi(text: str, want: tuple) -> None:
    assert want in rows(text)


def test_jinnian_mingnian_read_against_the_texts_own_date() -> None:
    ts = extract("发布时间：2023-03-08\n今年，全县新建污水管网12公里；明年，污水处理率达到96%。", "body")
    assert [(t.indicator, t.year, t.year_guess) for t in ts] == [("污水管网", 2023, "date"),
                                                                ("污水处理率", 2024, "date")]
    # without a date in the text 今年 gives no year
    assert [t.year for t in extract("今年，全县新建污水管网12公里。", "body")] == [None]


def test_a_year_only_in_the_title_is_used_and_flagged(tmp_path: Path) -> None:
    res = _clean(tmp_path, "title_year", "关于印发合成县2021年秸秆综合利用工作方案的通知\n"
                 "一、工作目标\n全县秸秆综合利用率达到92%，秸秆离田利用量不少于3万吨。\n"
                 "二、工作措施\n加快推进秸秆收储体系建设，实施方案由县农业农村局负责。")
    t = res.tables["targets.csv"]
    assert list(t["year"].astype(int)) == [2021, 2021]
    assert t["year_guessed"].all()
    assert (t["confidence"] < 0.8).all()


@pytest.mark.parametrize(
    ("sentence", "want"),
    [
        # energy is not power
        ("到2025年，年售电量达到1500万千瓦时。", ("年售电量", 1500.0, "万千瓦时", "=", 2025)),
        ("到2025年，新增充电桩容量3000千瓦。", ("充电桩容量", 3000.0, "千瓦", "increase_by", 2025)),
        # compound rate units keep their base
        ("到2025年，火电供电煤耗降至295克标准煤/千瓦时。",
         ("火电供电煤耗", 295.0, "克标准煤/千瓦时", "<=", 2025)),
        ("到2025年，万元工业增加值能耗控制在0.5吨标准煤/万元以内。",
         ("万元工业增加值能耗", 0.5, "吨标准煤/万元", "<=", 2025)),
        ("到2025年，万元GDP用水量下降到40立方米/万元。", ("万元GDP用水量", 40.0, "立方米/万元", "<=", 2025)),
        ("到2017年，单位GDP能耗保持在0.8吨标煤/万元以下。", ("单位GDP能耗", 0.8, "吨标煤/万元", "<=", 2017)),
        ("到2025年，推广高效电机12万台。", ("高效电机", 12.0, "万台", "=", 2025)),
        # Latin and mixed units, as written
        ("到2025年，光伏装机达到80MW。", ("光伏装机", 80.0, "MW", "=", 2025)),
        ("到2025年，风电装机达到20萬kW。", ("风电装机", 20.0, "万kW", "=", 2025)),
        ("到2025年，新建绿道35km。", ("绿道", 35.0, "km", "increase_by", 2025)),
        # a unit split around the number
        ("到2024年，秸秆收购每吨补贴不低于40元。", ("秸秆收购每吨补贴", 40.0, "元/吨", ">=", 2024)),
        ("到2025年，天然气利用总量达到3.5亿方。", ("天然气利用总量", 3.5, "亿方", "=", 2025)),
    ],
)
def test_units_as_written(sentence: str, want: tuple) -> None:
    assert rows(normalize(sentence).text) == [want]


def test_each_unit_has_a_normalised_form_that_keeps_its_magnitude() -> None:
    from greenlib.clean.targets import normalise_unit

    got = [normalise_unit(u) for u in ("万kW", "亿kWh", "MW", "km", "吨标煤/万元", "亿方", "万吨", "%", "")]
    assert got == ["万千瓦", "亿千瓦时", "兆瓦", "公里", "吨标准煤/万元", "亿立方米", "万吨", "%", ""]


@pytest.mark.parametrize(
    ("sentence", "want"),
    [
        # one value for two nouns, with and without 分别
        ("到2025年，单位产值能耗、单位产值水耗比2020年降低12%。",
         [("单位产值能耗", 12.0, "%", "reduce_by", 2025), ("单位产值水耗", 12.0, "%", "reduce_by", 2025)]),
        ("到2025年，二氧化硫、氮氧化物排放量分别比2020年降低8%。",
         [("二氧化硫排放量", 8.0, "%", "reduce_by", 2025), ("氮氧化物排放量", 8.0, "%", "reduce_by", 2025)]),
        # verb-first items after 其中
        ("到2026年，新建绿地1200亩，其中新建口袋公园12万平方米、改造街头绿地3万平方米。",
         [("绿地", 1200.0, "亩", "increase_by", 2026), ("口袋公园", 12.0, "万平方米", "increase_by", 2026),
          ("街头绿地", 3.0, "万平方米", "increase_by", 2026)]),
        # number-first items: an area before the noun
        ("到2026年，完成3万亩人工造林，完成1.5万亩退化林修复。",
         [("人工造林", 3.0, "万亩", "=", 2026), ("退化林修复", 1.5, "万亩", "=", 2026)]),
        # verb-first counts
        ("到2026年，改造30个老旧小区，建成5个海绵示范片区。",
         [("老旧小区", 30.0, "个", "increase_by", 2026), ("海绵示范片区", 5.0, "个", "increase_by", 2026)]),
        # the half after a semicolon (no verb) keeps the year
        ("到2025年，城市污水处理率达到97%；县城污水处理率95%以上。",
         [("城市污水处理率", 97.0, "%", "=", 2025), ("县城污水处理率", 95.0, "%", ">=", 2025)]),
        # values with no noun of their own share the subject
        ("2021年全市城镇老旧小区改造新开工52个、260万平方米。",
         [("新开工", 52.0, "个", "increase_by", 2021), ("新开工", 260.0, "万平方米", "increase_by", 2021)]),
        # a period's values one per year
        ("2021—2023年新增公交车全部为新能源车，其中新能源公交车占比分别达60%、70%、85%。",
         [("新能源公交车占比", 60.0, "%", "=", 2021), ("新能源公交车占比", 70.0, "%", "=", 2022),
          ("新能源公交车占比", 85.0, "%", "=", 2023)]),
    ],
)
def test_lists(sentence: str, want: list) -> None:
    assert rows(sentence) == want


def test_coefficients_and_indices_have_no_unit() -> None:
    assert rows("到2025年，农田灌溉水有效利用系数达到0.58，城市绿化覆盖指数达到0.75以上。") == [
        ("农田灌溉水有效利用系数", 0.58, "", "=", 2025), ("城市绿化覆盖指数", 0.75, "", ">=", 2025)]


def test_an_area_before_the_noun_sets_a_scope_not_a_target() -> None:
    assert rows("到2025年，5平方公里以上的工业园区绿化覆盖率达到30%以上。") == [
        ("5平方公里以上的工业园区绿化覆盖率", 30.0, "%", ">=", 2025)]
    assert rows("到2025年，建设10万平方米以上的商业综合体。") == []


def test_comparators_of_ceilings_floors_and_strict_bounds() -> None:
    got = rows("到2025年，煤炭消费量控制在800万吨以内，可再生能源装机超120万千瓦，"
               "年植树不少于200万株，PM2.5浓度小于35微克/立方米，黑臭水体比例≤5%。")
    assert [(g[0], g[3]) for g in got] == [("煤炭消费量", "<="), ("可再生能源装机", ">"), ("年植树", ">="),
                                           ("PM2.5浓度", "<"), ("黑臭水体比例", "<=")]
    # 地级及以上 is one noun, and 建成区 is a place, not a build verb
    assert rows("到2025年，地级及以上城市建成区黑臭水体均控制在8%以内。") == [
        ("地级及以上城市建成区黑臭水体", 8.0, "%", "<=", 2025)]


@pytest.mark.parametrize(
    "text",
    [
        "截至目前，全县秸秆综合利用率达到88%，累计完成造林2.1万亩。",
        "截至9月底，全区已新建公园6个，污水处理率达到91%。",
        "一、2022年工作回顾\n预计全年实现地区生产总值210亿元，同比增长6.5%。",
        "近3年，我县共争取林业投入5.6亿元，完成营造林32万亩。",
        "据统计，2021年全县秸秆产生量约52万吨，综合利用率达到90%。",
        # a plan to 2025 opening with the year before: a report of it
        "2019年，全市新建公园12个，建成绿道40公里。到2025年，新建公园30个。",
        # a figure for months of the year is progress reported
        "全县资源回收率至2023年1-10月份，回收率为55%。",
        # site chrome: page counters, ordinals, the size of the indicator list
        "浏览次数：544 发布日期：2023-05-06\n经市政府第12次常务会议审议通过，规划设置重点指标17项。",
    ],
)
def test_progress_history_and_page_chrome_are_not_targets(text: str) -> None:
    got = rows(text)
    assert got in ([], [("公园", 30.0, "个", "increase_by", 2025)]), got


def test_each_target_row_says_which_rule_made_it_and_how_sure_it_is(tmp_path: Path) -> None:
    from greenlib import contract

    res = _clean(tmp_path, "confidence", "合成测试文本。某县绿色发展实施方案\n一、主要目标\n"
                 "到2025年，全县森林覆盖率达到46%，城市污水处理率95%以上，新建绿道12公里。"
                 "到2025年，农田灌溉水有效利用系数达到0.6。")
    t = res.tables["targets.csv"]
    req = contract.REQUIRED_COLUMNS[contract.TARGETS]
    assert list(t.columns[:len(req)]) == req
    assert list(t.columns[-2:]) == ["confidence", "rule"]
    assert {"unit_normalised", "year_guessed", "unit_guessed"} <= set(t.columns)
    assert t["confidence"].between(0, 1).all() and t["rule"].str.len().gt(0).all()
    by = dict(zip(t["indicator"], t["confidence"], strict=True))
    assert by["森林覆盖率"] > by["城市污水处理率"]  # a verb is surer than a verb-less item


def test_unseen4_scores() -> None:
    """The fourth held-out set (county and district plans, older plans, topics beyond energy)."""
    folder = HERE / "fixtures" / "unseen4"
    sys.path.insert(0, str(HERE))
    try:
        from score_unseen import score_folder
    finally:
        sys.path.remove(str(HERE))
    rep = score_folder(folder)
    o = rep["overall"]
    assert o["recall_comparator"] >= 0.95
    assert o["precision"] >= 0.96
    assert o["magnitude_errors"] == 0
    assert o["refused"] == []
    for level, g in rep["by_level"].items():
        if g["expected"] >= 20:  # county, city, province, national
            assert g["recall_comparator"] >= 0.90, (level, g["recall_comparator"])


def test_roc_years_and_amounts_in_chinese_numerals() -> None:
    text = normalize("合成縣計畫至民國一一九年累積減碳十二·五萬噸，每年新增志工兩千人，"
                     "至一一九年，綠色商店將達一千二百家；實現一個目標。").text
    assert "2030年" in text and "12.5万吨" in text and "2000人" in text and "1200家" in text
    assert "一个目标" in text  # a numeral without 十/百/千 stays words
    got = rows(text)
    assert ("绿色商店", 1200.0, "家", "=", 2030) in got


def test_a_sentence_reporting_work_done_gives_no_target() -> None:
    text = ("日前，省里通报了全省节能情况，我县去年单位增加值能耗降低6.2%，圆满完成了下达的下降4%的任务。"
            "到2025年，单位增加值能耗下降15%。")
    assert rows(text) == [("单位增加值能耗", 15.0, "%", "reduce_by", 2025)]


def test_a_time_span_is_not_a_subject() -> None:
    got = rows("到2025年，全区年均下降率要求达到4.5%，5年内下降幅度要达到20%。")
    assert [g[0] for g in got] == ["年均下降率要求"]


def test_one_count_in_a_chinese_numeral_after_a_build_verb() -> None:
    assert rows("到2024年底，各街道至少建成一个垃圾分类示范小区，新建两个口袋公园。") == [
        ("垃圾分类示范小区", 1.0, "个", ">=", 2024), ("口袋公园", 2.0, "个", "increase_by", 2024)]
    assert rows("到2024年，力争实现一个翻番、两个突破。") == []  # slogans, not counts


def test_verbless_items_after_qizhong_and_the_tonne_symbol() -> None:
    assert rows("到2025年，完成造林5万亩，其中人工造林3万亩、封山育林2万亩。") == [
        ("造林", 5.0, "万亩", "=", 2025), ("人工造林", 3.0, "万亩", "=", 2025), ("封山育林", 2.0, "万亩", "=", 2025)]
    assert rows("到2025年，新增绿地面积30公顷；其中，社区公园8公顷。")[1] == (
        "社区公园", 8.0, "公顷", "increase_by", 2025)
    assert rows("到2025年，垃圾处理能力达到500t/日，减排二氧化碳1.2万t。") == [
        ("垃圾处理能力", 500.0, "吨/日", "=", 2025), ("减排二氧化碳", 1.2, "万吨", "reduce_by", 2025)]


def test_a_repeated_copy_gives_one_row(tmp_path: Path) -> None:
    res = _clean(tmp_path, "repeat", "合成测试文本。某区垃圾分类实施方案\n到2025年，生活垃圾回收利用率达到40%以上。\n"
                 "一、工作目标\n到2025年，生活垃圾回收利用率达到40%以上，厨余垃圾分类覆盖率达到100%。")
    t = res.tables["targets.csv"]
    assert sorted(t["value"]) == [40.0, 100.0]
