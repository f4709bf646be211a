"""Target extraction rules, on the plan's own sentences and on the genre's usual wordings."""

from __future__ import annotations

import pytest

from greenlib.clean.targets import extract


def one(text: str, **kw):
    ts = extract(text, "body", **kw)
    assert len(ts) == 1, [(t.indicator, t.value) for t in ts]
    return ts[0]


@pytest.mark.parametrize(
    ("sentence", "indicator", "value", "unit", "cmp", "year"),
    [
        ("到2025年，全区战略性新兴产业产值占规上工业总产值的比重提高至10%", "战略性新兴产业产值占规上工业总产值的比重",
         10, "%", "=", 2025),
        ("到2025年，工业固废综合利用率95%以上", "工业固废综合利用率", 95, "%", ">=", 2025),
        ("到2025年，森林覆盖率保持65%以上", "森林覆盖率", 65, "%", ">=", 2025),
        ("到2025年，空气质量优良天数稳定在350天以上", "空气质量优良天数", 350, "天", ">=", 2025),
        ("到2025年，全区畜禽粪污综合利用率不低于90%", "畜禽粪污综合利用率", 90, "%", ">=", 2025),
        ("到2025年，化肥农药使用量减少1%", "化肥农药使用量", 1, "%", "reduce_by", 2025),
        ("到2025年，全区“两品一标”认证产品新增100个", "“两品一标”认证产品", 100, "个", "increase_by", 2025),
        ("“十四五”期间，建设充电基础设施100处", "充电基础设施", 100, "处", "increase_by", 2025),
        ("力争到2025年，全区新能源装机容量达40万千瓦", "新能源装机容量", 40, "万千瓦", "=", 2025),
        ("到2022年，公交优先道里程超过50公里", "公交优先道里程", 50, "公里", ">", 2022),
        ("到2025年，农产品加工业产值与农业总产值之比达到2:1", "农产品加工业产值与农业总产值之比", 2, "比值", "=", 2025),
        ("到2025年，清洁能源及新能源公交车占比达到98%以卜", "清洁能源及新能源公交车占比", 98, "%", ">=", 2025),
        ("到2025年，力争节麻保产业产值U30亿元", "节麻保产业产值", 30, "亿元", "=", 2025),
        ("到2025年，规模以上工业单位增加值能耗比2020年下降13.5%", "规模以上工业单位增加值能耗", 13.5, "%",
         "reduce_by", 2025),
        ("到2025年，PM2.5年均浓度控制在35微克/立方米以内", "PM2.5年均浓度", 35, "微克/立方米", "<=", 2025),
        ("到2022年，全区60%以上的学校达到绿色学校创建要求", "学校达到绿色学校创建要求的比例", 60, "%", ">=", 2022),
        ("到2025年，单位地区生产总值用水量降至30立方米", "单位地区生产总值用水量", 30, "立方米", "<=", 2025),  # a ceiling (T11)
        ("到2025年，全市新能源汽车产量突破100万辆", "新能源汽车产量", 100, "万辆", ">", 2025),
        ("到2025年，非化石能源消费比重提高5个百分点", "非化石能源消费比重", 5, "个百分点", "increase_by", 2025),
    ],
)
def test_wordings(sentence, indicator, value, unit, cmp, year):
    t = one(sentence)
    assert (t.indicator, t.value, t.unit, t.comparator, t.year) == (indicator, value, unit, cmp, year)
    assert t.quote in sentence


def test_respectively_gives_two_targets():
    ts = extract("到2025年，单位地区生产总值能耗和二氧化碳排放分别下降14%、17%", "main_targets")
    assert [(t.indicator, t.value, t.comparator) for t in ts] == [
        ("单位地区生产总值能耗", 14, "reduce_by"), ("二氧化碳排放", 17, "reduce_by")]
    ts = extract("到2025年，城市和农村污水处理率分别提高至35%、32%", "body")
    assert [t.value for t in ts] == [35, 32]


def test_a_list_after_a_build_verb():
    ts = extract("到2025年，建成宜居村庄50个、农村人居环境整治成片整治示范片2个以上", "body")
    assert [(t.indicator, t.value, t.unit, t.comparator) for t in ts] == [
        ("宜居村庄", 50, "个", "increase_by"), ("农村人居环境整治成片整治示范片", 2, "个", ">=")]


def test_year_holds_through_the_passage_until_changed():
    ts = extract("到2022年，绿色出行比例达到70%；积极谋划轨道交通项目，公交优先道里程超过50公里。"
                 "到2025年，城市生活污水处理率达98%。", "annex")
    assert [t.year for t in ts] == [2022, 2022, 2025]
    assert extract("发展高效节水灌溉1.63万亩", "annex")[0].year is None


@pytest.mark.parametrize(
    "sentence",
    [
        "为认真贯彻落实国务院关于加快建立健全绿色低碳循环发展经济体系的指导意见（国发（2021）4号）",
        "深入实施生活垃圾分类三年行动计划，实施农村人居环境整治提升五年行动",
        "以建筑面积10万平方米（含）以上的大型商场为创建主体，鼓励10万平方米以下的商场门店积极参与",
        "到2025年，基本实现原生生活垃圾零填埋",
        "完成市上下达的单位GDP能耗和二氧化碳排放下降率目标任务",
        "探索监管、监察、监测5关动，实行固定污染源排污许可证“全覆盖”",
        "编制印发市区公共机构节约能源资源“十四五”规划",
    ],
)
def test_not_targets(sentence):
    assert extract(sentence, "body") == []


def test_qualitative_goals_of_the_main_targets():
    from greenlib.clean.targets import extract_goals

    text = ("到2025年，森林覆盖率保持65%以上，市场导向的绿色技术创新体系更加完善。"
            "到2035年，绿色发展内生动力显著增强，碳排放达峰后稳中有降，山清水秀美丽之地基本建成。")
    goals = extract_goals(text)
    assert [(g.year, g.text) for g in goals] == [
        (2025, "市场导向的绿色技术创新体系更加完善"), (2035, "绿色发展内生动力显著增强"),
        (2035, "碳排放达峰后稳中有降"), (2035, "山清水秀美丽之地基本建成")]
    assert all(text[g.start:g.end] == g.text for g in goals)
