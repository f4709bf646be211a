"""Structure of the plan: main targets, body key tasks, annex parts, sections and tasks."""

from __future__ import annotations

from greenlib.clean.ingest import normalize
from greenlib.clean.parse import cn_numeral, parse, parse_annex, parse_cn_numeral


def test_numerals_round_trip():
    for n in range(1, 40):
        assert parse_cn_numeral(cn_numeral(n)) == n
    assert cn_numeral(23) == "二十三" and cn_numeral(10) == "十" and cn_numeral(14) == "十四"


def test_whole_plan_structure(norm):
    plan = parse(norm)
    assert plan.title.startswith("关于进一步加快建立健全绿色低碳循环经济体系的实施方案")
    assert [t.task_id for t in plan.tasks] == list(range(1, 98))
    assert [p.number for p in plan.parts] == [1, 2, 3, 4, 5, 6]
    assert [s.number for s in plan.sections] == list(range(1, 24))
    assert len(plan.body_tasks) == 23
    a, b = plan.main_targets
    assert "空气质量优良天数稳定在350天以上" in norm.text[a:b]
    assert "二、重点任务" not in norm.text[a:b]


def test_garbled_section_headings_take_their_place_in_sequence(norm):
    plan = parse(norm)
    by_no = {s.number: s for s in plan.sections}
    # "(-)推进工业绿色升级" and "()提高月艮务业绿色发展水平" in the scrape
    assert by_no[1].garbled and by_no[1].title == "推进工业绿色升级"
    assert by_no[3].garbled and by_no[3].title.endswith("业绿色发展水平")
    assert by_no[2].title == "加快农业绿色发展"  # trailing "Q" (a garbled 。) dropped
    kinds = [p["kind"] for p in plan.problems]
    assert kinds.count("section_number_garbled") == 2


def test_tasks_land_in_the_right_sections(norm):
    plan = parse(norm)
    sec = {t.task_id: (t.part, t.section) for t in plan.tasks}
    assert sec[1] == (1, 1) and sec[9] == (1, 2) and sec[31] == (1, 6)
    assert sec[32] == (2, 7) and sec[44] == (3, 10) and sec[61] == (4, 12)
    assert sec[78] == (5, 16) and sec[82] == (6, 18) and sec[97] == (6, 23)


def test_stray_digits_are_not_task_numbers():
    # "监测5关动" (联 garbled to 5) and "产值U30亿元" sit between real tasks
    text = ("类别重点任务责任单位一、生产体系（一）推进工业。1实施监测5关动，到2025年产值U30亿元。区生态环境局"
            "2推进再制造产业发展。区发展改革委3加强管理，新增100个。区商务委")
    _parts, _sections, tasks, _problems = parse_annex(text, 10, len(text))
    assert [t.task_id for t in tasks] == [1, 2, 3]
    assert text[tasks[0].body_start:tasks[0].end].startswith("实施监测5关动")


def test_a_lost_task_number_is_reported_not_invented():
    text = "（一）章节。1第一项任务内容。区商务委3第三项任务内容。区财政局4第四项任务。区教委"
    _parts, _sections, tasks, problems = parse_annex(text, 0, len(text))
    assert [t.task_id for t in tasks] == [1, 3, 4]
    assert any(p["kind"] == "task_number_missing" and p["task_id"] == 2 for p in problems)


def test_plan_without_annex():
    text = ("某市关于加快建立健全绿色低碳循环发展经济体系的实施意见。一、总体要求（一）指导思想。坚持绿色发展。"
            "（二）主要目标。到2025年，森林覆盖率达到57%。二、重点任务（三）推进工业绿色升级。加快改造。")
    plan = parse(normalize(text))
    assert plan.annex is None and plan.tasks == []
    a, b = plan.main_targets
    assert "森林覆盖率达到57%" in plan.norm.text[a:b]
