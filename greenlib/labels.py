"""Every Chinese label of greenplan, defined once.

Codes (``achieved``, ``>=``, ``lead`` …) are what the data contract stores; readers see
these words. Stages, notebooks and exports import them from here and never spell a label
of their own, so a wording changes in one place.
"""

from __future__ import annotations

from . import contract

#: Progress ratings of quantitative targets (Open SDG method; see greenlib.monitor.rating).
STATUS: dict[str, str] = {
    "achieved": "已实现",
    "on_track": "按期推进",
    "off_track": "进度滞后",
    "overdue": "逾期未实现",
    "no_data": "数据不足",
}
#: One palette for the ratings, used by every chart and table.
STATUS_COLORS: dict[str, str] = {
    "achieved": "#1b7837",
    "on_track": "#7fbf7b",
    "off_track": "#f1a340",
    "overdue": "#d73027",
    "no_data": "#bdbdbd",
}
STATUS_ORDER: tuple[str, ...] = contract.STATUSES

#: 评估结论 of a target in a mid-term / final review (greenlib.monitor.summary.conclusion).
CONCLUSION: dict[str, str] = {
    "ahead": "提前实现",
    "faster": "快于预期",
    "as_expected": "基本符合预期",
    "behind": "滞后",
    "unmet": "未实现",
    "no_data": "暂无数据",
}
CONCLUSION_ORDER: tuple[str, ...] = contract.CONCLUSIONS
CONCLUSION_COLORS: dict[str, str] = {
    "ahead": "#1b7837", "faster": "#5aae61", "as_expected": "#a6dba0",
    "behind": "#f1a340", "unmet": "#d73027", "no_data": "#bdbdbd",
}
#: How each 评估结论 is reached from the rating (the assessment's note under 附表1).
CONCLUSION_RULE: dict[str, str] = {
    "ahead": "最新全年数据已达到目标值，且目标年份尚未结束",
    "faster": "目标年份未到，实际年均增速达到按期达标所需增速的 {fast} 倍及以上",
    "as_expected": "目标年份已到或已过且已达到目标值，或目标年份未到且按期推进",
    "behind": "目标年份未到，按目前速度到期达不到目标值",
    "unmet": "目标年份已过，最新全年数据仍未达到目标值",
    "no_data": "没有可用于评估的本级全年数据",
}
#: A target's attribute in national practice (only 约束性 is known from the library's list).
ATTRIBUTE: dict[str, str] = {"binding": "约束性", "expected": "预期性", "": "—"}

#: What each rating means, for the "如何阅读评级" note ({geo}: the plan's own geo).
STATUS_EXPLAINED: dict[str, str] = {
    "achieved": "最新全年数据已达到目标值。",
    "on_track": "目标年份未到；按基期以来的年均增长速度，可以按期达到目标。",
    "off_track": "目标年份未到；按目前速度，到目标年份达不到目标。",
    "overdue": "目标年份已过，最新全年数据仍未达到目标值。",
    "no_data": "没有{geo}本级的全年监测数据（其他地区的数据只作参考，不用于评级）。",
}

#: Open SDG's grades of the progress ratio.
BAND: dict[str, str] = {
    "substantial": "进展显著",
    "moderate": "进展一般",
    "limited": "进展有限",
    "deterioration": "倒退",
}

#: How the plan words each comparator (template, reports, workbooks).
COMPARATOR: dict[str, str] = {
    ">=": "不低于",
    ">": "高于",
    "<=": "不高于",
    "<": "低于",
    "=": "达到",
    "increase_by": "增加",
    "reduce_by": "减少",
}

#: A task's progress as its lead unit reports it (department returns, docs/returns.md).
TASK_STATUS: dict[str, str] = {
    "completed": "已完成",
    "in_progress": "推进中",
    "standing": "常态化推进",
    "delayed": "滞后",
    "not_started": "未启动",
    "no_report": "未填报",
}
TASK_STATUS_ORDER: tuple[str, ...] = contract.TASK_STATUSES
#: One colour per task status for the charts (a status without one is drawn grey).
TASK_STATUS_COLORS: dict[str, str] = {
    "completed": "#1b7837", "in_progress": "#7fbf7b", "delayed": "#d73027",
    "not_started": "#f1a340", "no_report": "#bdbdbd",
}
#: The four words a department may write in 进展状态 (the request workbook's dropdown).
TASK_STATUS_REPORTABLE: tuple[str, ...] = ("completed", "in_progress", "standing", "delayed",
                                           "not_started")
#: Other words a department writes for a reportable status (read as that status).
TASK_STATUS_ALIASES: dict[str, str] = {"持续推进": "standing", "长期坚持": "standing",
                                       "正在推进": "in_progress", "序时推进": "in_progress"}

#: Traffic lights of tasks and targets (rules: greenlib.monitor.progress.LIGHT_RULES).
LIGHT: dict[str, str] = {"red": "红灯", "yellow": "黄灯", "blue": "蓝灯", "green": "绿灯",
                         "grey": "灰灯"}
LIGHT_MEANING: dict[str, str] = {
    "red": "督办：写明的期限已过仍未完成，或自报滞后",
    "yellow": "预警：落后于序时进度，或填报已超过填报周期",
    "blue": "提醒：写明的期限在下一个填报周期内到期",
    "green": "正常：已完成，或按序时进度推进",
    "grey": "未知：未填报或没有数据",
}
LIGHT_COLORS: dict[str, str] = {"red": "#d73027", "yellow": "#f1a340", "blue": "#2b8cbe",
                                "green": "#1b7837", "grey": "#bdbdbd"}
LIGHT_ORDER: tuple[str, ...] = contract.LIGHTS
#: The column header under which plan.xlsx shows a light's word (coloured there).
WORKBOOK_LIGHT_HEADER = "信号灯"
#: How a task's light moved since the round before (task_history ``movement``).
MOVEMENT: dict[str, str] = {"improved": "改善", "same": "持平", "worse": "恶化"}
#: A department's submission in a round (unit_status ``submission``; 报送情况通报).
SUBMISSION: dict[str, str] = {"on_time": "按时报送", "late": "逾期报送", "missing": "未报送"}
#: observations.csv ``source_kind``: published statistics or a department's return.
SOURCE_KIND: dict[str, str] = {"public": "公开统计", "department": "部门填报"}

#: A unit's role in a task.
ROLE: dict[str, str] = {"lead": "牵头", "co": "配合"}
ROLE_COLORS: dict[str, str] = {"lead": "#1b5e20", "co": "#a5d6a7"}

#: Where a target was read in the plan.
TARGET_SOURCE: dict[str, str] = {"main_targets": "主要目标", "body": "正文", "annex": "附件"}

#: Names of sectors that are not annex sections (a plan's sectors.csv names the rest).
SECTOR_EXTRA: dict[str, str] = {"overall": "综合", "environment": "生态环境"}

#: Whether a monitoring figure rates its target, and if not, why.
USAGE: dict[str, str] = {
    "rated": "评级",
    "partial_year": "参考（非全年）",
    "context_geo": "参考（其他地区）",
    "later_year": "参考（评估年及以后）",
}

#: Kinds of items the cleaning could not settle.
UNRESOLVED_KINDS: dict[str, str] = {
    "unit_unresolved": "责任单位无法识别",
    "unit_repeated": "责任单位重复",
    "task_without_units": "任务缺少责任单位",
    "task_number_missing": "任务编号缺失",
    "section_number_garbled": "章节编号识别错误",
    "target_without_year": "目标未写年份",
    "text_doubtful": "任务原文识别存疑",
    "magnitude_suspect": "目标数值量级存疑",
    "review_invalid": "核对表填写有误",
}

#: Cleaning rules counted in quality.json ``normalisation`` (the analysts' page).
NORMALISATION: dict[str, str] = {
    "boilerplate": "删除网页模板文字",
    "page_marker": "删除夹在句中的页码",
    "table_header": "删除每页重复的表头",
    "space": "删除多余空格",
    "width": "全角/半角标点统一",
    "text_repaired_from_body": "据正文同句修复任务文字",
    "titles_from_wordings": "按固定表述校订部分、章节标题",
}
#: How a unit name was matched (quality.json ``unit_matching``; ``correction:<id>``: by a
#: reviewed correction).
UNIT_MATCH: dict[str, str] = {
    "alias": "单位名称表（含别名）", "prefix": "截断名称的唯一前缀", "suffix": "截断名称的唯一后缀",
    "inplace": "识别错字原位替换", "fuzzy": "近似匹配", "correction": "人工校正",
}

#: Status of a reviewed correction.
CORRECTION_STATUS: dict[str, str] = {"applied": "已采用", "unused": "未使用"}
#: What a correction changes (table, field of corrections.yaml), for readers.
CORRECTION_WHAT: dict[tuple[str, str], str] = {
    ("task_units", "unit"): "责任单位",
    ("targets", "indicator"): "量化目标的指标名称",
    ("targets", "value"): "量化目标的数值",
    ("targets", "unit"): "量化目标的计量单位",
    ("targets", "year"): "量化目标的年份",
    ("targets", "comparator"): "量化目标的表述方式",
    ("tasks", "text"): "任务文字",
    ("tasks", "lead_unit"): "牵头单位",
}
#: Fallback by table when the field is not listed above.
CORRECTION_TABLES: dict[str, str] = {"task_units": "责任单位", "targets": "量化目标", "tasks": "任务"}

#: Counts of quality.json.
QUALITY_COUNTS: dict[str, str] = {
    "tasks": "重点任务",
    "task_units": "任务—单位对",
    "units": "责任单位",
    "targets": "量化目标",
    "goals": "定性目标",
    "corrections": "更正（总数）",
    "corrections_applied": "已采用的更正",
    "corrections_unused": "未使用的更正",
    "unresolved": "未解决的问题",
    "parts": "部分",
    "sections": "节",
    "body_key_tasks": "正文重点任务",
    "targets_by_source": "量化目标按出处",
    **TARGET_SOURCE,
}

#: Alignment of a plan's target with its parent plan's target on the same indicator.
ALIGNMENT: dict[str, str] = {
    "stricter": "严于上级",
    "equal": "与上级一致",
    "looser": "宽于上级",
    "missing": "上级无对应目标",
    "not_comparable": "不可直接比较",
}
ALIGNMENT_COLORS: dict[str, str] = {
    "stricter": "#1b7837",
    "equal": "#7fbf7b",
    "looser": "#d73027",
    "missing": "#bdbdbd",
    "not_comparable": "#9e9e9e",
}

#: Sheet names and column headers of the contract tables, for Excel and for readers.
SHEETS: dict[str, str] = {
    contract.GOALS: "定性目标",
    contract.TASKS: "重点任务",
    contract.TASK_UNITS: "任务分工",
    contract.UNITS: "责任单位",
    contract.TARGETS: "量化目标",
    contract.STATUS: "目标进展",
    contract.OBSERVATIONS: "监测数据",
    contract.ALIGNMENT: "上下衔接",
    contract.SECTORS: "领域",
    contract.TASK_STATUS: "任务进展",
    contract.RETURNS: "部门填报记录",
    contract.UNIT_STATUS: "各单位落实情况",
    contract.TASK_HISTORY: "任务历次进展",
    contract.TARGET_HISTORY: "目标历次评级",
    contract.SUMMARY: "统计汇总",
}
HEADERS: dict[str, dict[str, str]] = {
    contract.GOALS: {"goal_id": "编号", "year": "目标年份", "text": "目标表述", "source": "出处",
                     "raw_start": "原文起点", "raw_end": "原文终点"},
    contract.TASKS: {"task_id": "任务编号", "part": "部分", "part_title": "部分名称",
                     "section": "章节", "section_title": "章节名称", "sector": "领域代码",
                     "sector_name": "领域", "text": "重点任务", "lead_unit": "牵头单位",
                     "co_units": "配合单位", "years": "目标年份", "raw_start": "原文起点",
                     "raw_end": "原文终点", "text_ocr": "识别原文(修复前)", "repairs": "据正文修复",
                     "raw_text": "原文", "section_name": "章节名称（校订）", "part_name": "部分名称（校订）",
                     "text_doubt": "识别存疑程度", "text_doubtful": "原文识别存疑", "page": "原文页码"},
    contract.TASK_UNITS: {"task_id": "任务编号", "unit": "责任单位", "role": "角色",
                          "position": "排序", "raw": "原文写法", "method": "匹配方式",
                          "score": "匹配得分", "raw_start": "原文起点", "raw_end": "原文终点"},
    contract.UNITS: {"unit": "责任单位", "full_name": "全称", "kind": "类型",
                     "n_lead": "牵头任务数", "n_co": "配合任务数", "n_tasks": "任务总数"},
    contract.TARGETS: {"target_id": "目标编号", "indicator": "指标", "value": "目标值",
                       "unit": "单位", "comparator": "比较方式", "year": "目标年份",
                       "sector": "领域代码", "source": "出处", "task_ids": "相关任务",
                       "quote": "原文表述", "sources": "全部出处", "rule": "抽取规则",
                       "body_task": "正文任务序号", "raw_start": "原文起点", "raw_end": "原文终点",
                       "value_high": "目标值上限（区间）", "unit_normalised": "规范单位",
                       "year_guessed": "年份为推断", "unit_guessed": "单位为推断", "confidence": "置信度"},
    contract.STATUS: {"target_id": "目标编号", "as_of": "评估日期", "geo": "地区",
                      "baseline_year": "基期年份", "baseline_value": "基期值",
                      "latest_year": "最新年份", "latest_value": "最新值", "status": "进展评级",
                      "rule": "评级依据", "indicator": "指标", "sector": "领域代码",
                      "target_value": "目标值", "unit": "单位", "comparator": "比较方式",
                      "target_year": "目标年份", "source_title": "来源", "source_url": "来源网址",
                      "owner_unit": "责任单位", "light": "信号灯",
                      "owner_basis": "责任单位认定依据",
                      "partial_year": "非全年数据", "n_obs": "评级用数据个数",
                      "target_level": "目标水平", "progress_ratio": "进度比",
                      "progress_band": "进展程度", "partial_latest_year": "非全年数据年份",
                      "partial_latest_value": "非全年数据数值", "n_context": "参考数据个数",
                      "conclusion": "评估结论", "data_age": "数据距评估年（年）",
                      "old_data": "依据较旧数据", "attribute": "指标属性",
                      "progress_pct": "完成进度（%）"},
    contract.SUMMARY: {"measure": "统计项", "key": "分类", "n": "数量"},
    contract.OBSERVATIONS: {"target_id": "目标编号", "indicator": "监测指标",
                            "target_indicator": "目标指标", "geo": "地区", "year": "年份",
                            "value": "数值（目标单位）", "unit": "单位",
                            "observed_value": "原始数值", "observed_unit": "原始单位",
                            "measure": "口径", "partial_year": "非全年", "rated": "用于评级",
                            "usage": "用途", "why": "说明", "source_title": "来源",
                            "source_url": "来源网址", "quote": "原文摘录", "file": "文件",
                            "row": "行", "context": "仅作参考", "note": "备注",
                            "source_kind": "数据类别", "reported_by": "填报单位"},
    contract.ALIGNMENT: {"target_id": "目标编号", "indicator": "指标", "value": "本级目标值",
                         "unit": "单位", "comparator": "比较方式", "year": "目标年份",
                         "parent_plan": "上级规划", "parent_target_id": "上级目标编号",
                         "parent_indicator": "上级指标", "parent_value": "上级目标值",
                         "parent_unit": "上级单位", "parent_comparator": "上级比较方式",
                         "parent_year": "上级目标年份", "alignment": "衔接情况",
                         "match": "匹配方式", "parent_status": "上级目标评级",
                         "parent_conclusion": "上级目标评估结论"},
    contract.SECTORS: {"sector": "领域代码", "sector_name": "领域", "order": "顺序",
                       "sections": "对应章节"},
    contract.TASK_STATUS: {"task_id": "任务编号", "as_of": "评估日期", "status": "进展状态",
                           "light": "信号灯", "lead_unit": "牵头单位",
                           "reported_by": "填报单位", "report_date": "填报日期",
                           "evidence": "佐证材料", "rule": "判定依据",
                           "status_label": "进展状态（中文）", "light_label": "信号灯（中文）",
                           "progress": "进展说明", "deadline_year": "期限年份",
                           "elapsed_share": "时间进度", "days_since_report": "距上次填报天数",
                           "stale": "填报过期", "light_rule": "信号灯规则",
                           "report_file": "填报文件", "n_reports": "填报次数（含历史）",
                           "co_units": "配合单位", "co_reports": "配合单位填报",
                           "co_missing": "未填报的配合单位",
                           "public_evidence": "公开资料佐证",
                           "light_code": "规则代码", "deadline_text": "期限",
                           "shared_duty": "共同职责（统称）", "round": "轮次",
                           "measures": "整改措施", "measures_owner": "责任人",
                           "measures_due": "整改时限",
                           "public_evidence_sources": "公开资料来源"},
    contract.RETURNS: {"file": "文件", "sheet": "工作表", "row": "行", "unit": "填报单位",
                       "task_id": "任务编号", "target_id": "目标编号", "accepted": "是否采用",
                       "message": "问题说明", "cells": "问题单元格", "kind": "类别",
                       "role": "角色", "status": "进展状态", "progress": "进展说明",
                       "evidence": "佐证材料", "report_date": "填报日期", "year": "数据年份",
                       "value": "数值", "value_unit": "单位", "source": "来源", "note": "备注",
                       "current": "当前有效", "superseded_by": "被替代于",
                       "file_mtime": "文件修改时间", "unit_basis": "单位认定依据",
                       "round": "轮次", "round_as_of": "本轮评估日", "late": "逾期报送",
                       "counted": "计入本次评估", "filled_by": "填报人", "phone": "联系电话",
                       "reviewer": "审核人", "measures": "整改措施", "measures_owner": "责任人",
                       "measures_due": "整改时限"},
    contract.UNIT_STATUS: {"unit": "责任单位", "lead_tasks": "牵头任务", "reported_tasks": "已报送",
                           "report_rate": "报送率", "done": "已完成", "ongoing": "推进中（含常态化）",
                           "behind": "滞后", "not_started": "未启动", "refused_rows": "退回行数",
                           "red": "红灯", "yellow": "黄灯", "blue": "蓝灯", "green": "绿灯",
                           "grey": "灰灯", "rank": "排名（1 为最落后）", "rank_basis": "排名依据",
                           "kind": "类型", "co_tasks": "配合任务", "targets": "负责目标",
                           "submission": "本轮报送", "files": "本轮文件数",
                           "late_rows": "逾期报送行数", "movement": "较上轮", "improved": "改善项数",
                           "worsened": "恶化项数", "owes": "下轮需报送"},
    contract.TASK_HISTORY: {"task_id": "任务编号", "round": "轮次", "as_of": "评估日",
                            "status": "进展状态", "light": "信号灯", "reported_by": "填报单位",
                            "light_code": "规则代码", "movement": "较上轮"},
    contract.TARGET_HISTORY: {"target_id": "目标编号", "round": "轮次", "as_of": "评估日",
                              "status": "进展评级", "light": "信号灯", "reported_by": "填报单位",
                              "movement": "较上轮"},
}


def status_label(code: object) -> str:
    """The Chinese word for a rating code (the code itself when unknown)."""
    return STATUS.get(str(code), str(code))


#: Under a table cut to its first rows (greenlib.report.show.MAX_ROWS).
TABLE_CUT = "此表共 {n} 行，页面只列出前 {shown} 行；完整表格见报告目录中本方案的电子表格。"


# --------------------------------------------------------------------------- review book
#: The analyst's review book (build/<plan-id>/targets_review.xlsx; docs/assumptions.md V1–V7): its sheets,
#: the decisions of its dropdown and the column headers (given columns first, then fill-in).
REVIEW_TARGET_SHEET = "量化目标核对"
REVIEW_TASK_SHEET = "任务原文核对"
REVIEW_HELP_SHEET = "说明"
REVIEW_DECISION: dict[str, str] = {"confirm": "确认", "correct": "修改", "reject": "删除"}
REVIEW_TARGET_HEADERS: dict[str, str] = {
    "key": "行键", "target_id": "目标编号", "indicator": "指标", "quote": "原文摘录",
    "value": "读出的数值", "unit": "读出的单位", "comparator": "读出的比较方式",
    "year": "读出的年份", "why": "列入原因", "confidence": "置信度",
    "decision": "处理", "new_value": "改为数值", "new_unit": "改为单位",
    "new_comparator": "改为比较方式", "new_year": "改为年份", "note": "说明",
}
REVIEW_TASK_HEADERS: dict[str, str] = {
    "key": "行键", "task_id": "任务编号", "page": "原文页码", "text_doubt": "识别存疑程度",
    "reasons": "存疑原因", "text": "任务原文（识别结果）", "body": "正文中的对应语句",
    "repairs": "已作修复", "decision": "处理", "new_text": "改为", "note": "说明",
}
#: Why a target row is in the book.
REVIEW_WHY: dict[str, str] = {"low": "置信度低于{threshold}", "year": "年份为推断",
                              "unit": "单位为推断", "decided": "已处理"}


def doubt_mark(page: object = None) -> str:
    """The visible mark after a task text the cleaning flagged 原文识别存疑 (request books,
    department pages, the assessment), with the plan's page when the scrape numbered pages."""
    try:
        n = int(page)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return "【原文存疑，请核对原文】"
    return f"【原文存疑，见原文第{n}页】"

#: The site's search (greenlib/report/search.py, static/search.js).
SEARCH_TITLE = "全文搜索"
SEARCH_LABEL = "搜索报告和数据："
SEARCH_PLACEHOLDER = "如：绿色工厂、单位GDP能耗、区发展改革委、任务28"
SEARCH_BUTTON = "搜索"
SEARCH_NEEDS_SCRIPT = "搜索需要浏览器允许运行本站点的脚本。"
SEARCH_NOTE = ("搜索在本机浏览器中进行，不连接互联网。可输入多个词（用空格分开），结果须包含全部词；"
               "“任务28”查找第 28 项重点任务。")
SEARCH_INDEX_PAGE = "报告目录"
SEARCH_TASK = "任务{n}"
SEARCH_GOAL = "{id}（{year}年）"
SEARCH_KINDS: dict[str, str] = {"page": "报告", "task": "重点任务", "target": "量化目标",
                                "goal": "目标", "unit": "责任单位", "figure": "监测数据"}
#: What search.js says ({n}: a number, {q}: the query, {plan}: a plan's short title).
SEARCH_MESSAGES: dict[str, str] = {
    "empty": "请输入要搜索的词。",
    "none": "没有找到包含“{q}”的内容。",
    "found": "找到 {n} 条包含“{q}”的结果。",
    "more": "只列出前 {n} 条；请加词缩小范围。",
    "only": "只在《{plan}》中搜索。",
    "all": "在全部规划中搜索",
    "noindex": "没有找到搜索索引：请先运行 make report。",
}

#: Open data (site/data/, greenlib/report/opendata.py): each contract CSV's title and
#: description in datapackage.json.
DATA_FILES: dict[str, tuple[str, str]] = {
    contract.TASKS: ("重点任务", "方案附件“重点任务清单”的每项任务：编号、所属部分和章节、领域、"
                     "清理后的任务原文、牵头单位和配合单位、目标年份，以及在原文中的位置。"),
    contract.TASK_UNITS: ("任务分工", "每项任务的每个责任单位一行：牵头或配合、排序、原文写法和匹配方式。"),
    contract.UNITS: ("责任单位", "每个责任单位一行：简称、全称、类型，牵头和配合的任务数。"),
    contract.TARGETS: ("量化目标", "方案中可以量化考核的目标：指标、目标值和单位、比较方式、目标年份、"
                       "领域、出处和原文表述。"),
    contract.GOALS: ("定性目标", "方案主要目标中没有数值的目标（含远景目标）。"),
    contract.SECTORS: ("领域", "报告使用的领域及其包含的章节。"),
    contract.STATUS: ("目标进展", "每个量化目标截至评估日的进展评级：基期值、最新值、评级及依据、"
                      "信号灯和责任单位。"),
    contract.OBSERVATIONS: ("监测数据", "每个监测数据点及其对应的量化目标：地区、年份、数值、"
                            "是否用于评级及原因、来源。"),
    contract.ALIGNMENT: ("上下衔接", "本规划每个量化目标与上级规划同一指标目标的对照。"),
    contract.TASK_STATUS: ("任务进展", "每项重点任务按责任单位填报判定的进展状态和信号灯。"),
    contract.RETURNS: ("填报记录", "读入的每一行部门填报：是否采用、问题说明。"),
    contract.UNIT_STATUS: ("责任单位报送与排名", "本轮每个责任单位一行：牵头任务数、已报送数和报送率、"
                           "各进展状态和信号灯的任务数、退回行数，以及排名（只对已报送的单位排名，"
                           "第 1 名最落后）和排名依据。"),
    contract.TASK_HISTORY: ("任务进展历次记录", "每项重点任务在每一轮调度中的进展状态、信号灯和填报单位。"),
    contract.TARGET_HISTORY: ("目标进展历次记录", "每个量化目标在每一轮调度中的评级和信号灯。"),
}
PACKAGE_TITLE = "《{plan}》跟踪分析数据"
PACKAGE_DESCRIPTION = ("从《{plan}》{number}整理出的重点任务、责任单位、量化目标，以及截至 {as_of} 的"
                       "进展评级和监测数据。每个表为一个 UTF-8 编码的 CSV 文件；字段含义见各表的"
                       "字段标题，代码的中文含义见 plan.xlsx。")
DOWNLOAD_ALL = "下载全部数据"

#: plan.xlsx (greenlib/report/workbook.py): how a unit's spelling was matched, what a
#: monitoring figure measures, the analysts' sheet of task texts.
MATCH_METHOD: dict[str, str] = {
    "alias": "简称或别名", "fuzzy": "近似匹配", "inplace": "识别错字替换", "prefix": "前缀匹配",
    "suffix": "后缀匹配", "subsequence": "缺字匹配", "unresolved": "未能识别",
    "correction": "人工校正",
}
MEASURE: dict[str, str] = {"level": "水平值", "change": "自基期以来的变化量"}
SHEET_TASK_TEXTS = "任务原文（分析用）"
SHEET_CORRECTIONS = "人工校正"
SHEET_UNRESOLVED = "待解决"
#: The Chinese sentence of a target's rating basis in plan.xlsx (the monitor stage's rule
#: stays beside it in the 评级依据代码 column).
BASIS: dict[str, str] = {
    "none": "没有{geo}的全年监测数据",
    "context": "另有 {n} 个其他地区数据，只作参考",
    "partial": "{year}年非全年数据 {value} 不参与评级",
    "achieved": "最新全年数据 {latest}（{ly}年）已达到目标",
    "overdue": "目标年份 {ty} 年已过，最新全年数据 {latest}（{ly}年）未达到目标",
    "one": "只有 {ly} 年一个全年数据 {latest}，无法判断趋势",
    "pace": "基期 {base}（{by}年）至 {latest}（{ly}年），实际年均增速为按期达标所需增速的 {ratio}",
    "no_basis": "最新全年数据 {latest}（{ly}年）；缺少可比的基期数据，无法判断趋势",
    "none_target": "目标为{target}",
}
REFERENCE_FILE = "规划参考数据文件"
WORDING_LIST = "固定表述词表"
CORRECT_IN_FILE = "在规划的人工校正文件中{how}（写法见使用说明）"
GUIDE_TITLE = "使用说明"
#: A chart's text alternative (its SVG's aria-label, read by screen readers).
CHART_DESCRIPTION = "图表：{title}。单位：{unit}。来源：{source}。"
