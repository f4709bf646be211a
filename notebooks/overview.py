# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
# Parameters: papermill injects the values of params/<report>.yaml after this cell.
title = None  # report title (None: <规划简称>总览)
data_dir = None  # the plan's data folder, set by the build (None: the default plan's build/<id>/data)
top_units = 20  # how many units the "busiest units" chart shows

# %%
from greenlib.report import charts, render  # noqa: E402 (after the parameters cell)
from greenlib.report import helpers as rh  # noqa: E402

render.setup_notebook()
s = rh.scope(None, data_dir=data_dir)
charts.set_plan_source(rh.plan_source(s))
rh.show_title(s, title or f"{s.plan.get('short_title', '')}总览")

# %% [markdown]
# ## 一、概要
#
# 本报告概览《实施方案》全部重点任务和量化目标：任务如何分布在各部分、各节和各领域，
# 哪些单位承担的任务最多，量化目标何时到期，以及按现有监测数据评出的进展情况。
# 各领域的详细分析见对应的领域报告。

# %%
headline = rh.show_headline(s)  # the figures, also read back by the build

# %% [markdown]
# ## 二、任务结构
#
# 附件“重点任务清单”按“部分—节”编排，每一节归入一个领域（领域划分可由分析人员调整，
# 见附录）。下表按任务数从多到少列出各领域，
# 右侧各列为该领域量化目标的进展评级。没有附件的规划只列量化目标所属领域。

# %%
rh.show_table(rh.sector_table(s))

# %% [markdown]
# ### 各部分、各节的任务

# %%
charts.tasks_by_section(rh.section_counts(s))

# %%
rh.show_table(rh.sections_table(s))

# %% [markdown]
# ## 三、责任单位
#
# 承担任务最多的单位（牵头与配合分开统计）。

# %%
charts.unit_roles(rh.unit_role_counts(s), top=top_units,
                  title=f"承担任务最多的 {top_units} 个单位（牵头 / 配合）")

# %%
rh.show_table(rh.unit_table(s, top=top_units))

# %% [markdown]
# ## 四、量化目标
#
# 各领域量化目标的目标年份分布，以及全部任务和目标的时间节点（红色虚线为本报告截止日期）。

# %%
charts.targets_by_sector_year(rh.sector_year_counts(s), rh.sector_order(s))

# %%
charts.deadline_timeline(rh.deadline_counts(s), s.as_of)

# %% [markdown]
# ### 定性目标（含 2035 年远景目标）
#
# 方案“主要目标”中没有数值的目标：不能按数据评级，但同样有时间节点，列出供对照。

# %%
rh.show_table(rh.goals_table(s), empty="方案主要目标中没有识别出定性目标。")

# %% [markdown]
# ### 进展评级
#
# 各领域量化目标按评级分类的数量。

# %%
charts.status_matrix(rh.sector_status_counts(s), rh.sector_order(s), s.as_of)

# %%
rh.show_markdown(rh.rating_note(s))

# %% [markdown]
# ### 全部量化目标

# %%
rh.show_table(rh.target_table(s), empty="方案中没有识别出量化目标。")

# %% [markdown]
# ### 监测数据
#
# 评级所依据的监测数据及其来源；“用途”一栏说明每个数据是否参与评级、为什么。

# %%
rh.show_table(rh.observation_table(s), empty="暂无与量化目标对应的监测数据。", links=rh.SOURCE_LINKS)

# %% [markdown]
# ## 五、上下衔接
#
# 本规划的量化目标与其上级规划同一指标的目标对照：本级目标严于、等于还是宽于上级，
# 或上级没有对应目标。对照关系经人工复核（见附录），其余按指标名称完全相同匹配。

# %%
charts.alignment_chart(rh.alignment_counts(s))

# %%
rh.show_table(rh.alignment_table(s), empty="本规划没有上级规划，或上级规划的数据尚未生成。")

# %% [markdown]
# ## 附录
#
# 技术说明，供需要核对数据的读者参考：数据版本与来源、评级的计算方法。方案文本的识别质量、
# 已复核的更正和尚待核对的问题见报告目录中的“数据质量报告”。
#
# ### 数据与方法

# %%
rh.show_markdown(rh.appendix_text(s))

# %% [markdown]
# ### 评级的计算方法

# %%
rh.show_markdown(rh.rating_method(s))
