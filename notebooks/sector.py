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
sector = "industry"  # sector slug (the data folder's sectors.csv)
title = None  # report title (None: <领域名>领域分析报告)
data_dir = None  # the plan's data folder, set by the build (None: the default plan's build/<id>/data)

# %%
from greenlib.report import charts, render  # noqa: E402 (after the parameters cell)
from greenlib.report import helpers as rh  # noqa: E402

render.setup_notebook()
s = rh.scope(sector, data_dir=data_dir)
charts.set_plan_source(rh.plan_source(s))
rh.show_title(s, title)

# %% [markdown]
# ## 一、概要
#
# 本报告从《实施方案》附件“重点任务清单”中摘出本领域的全部重点任务和量化目标，
# 说明由哪些单位负责、哪些目标到期，以及按现有监测数据评出的进展情况。

# %%
headline = rh.show_headline(s)  # the figures, also read back by the build

# %% [markdown]
# ### 目标年份已过的量化目标
#
# 目标年份的 12 月 31 日早于本报告截止日期的目标，应已有结果，需重点关注。

# %%
rh.show_table(rh.passed_targets(s), empty="截至本报告截止日期，本领域没有目标年份已过的量化目标。")

# %% [markdown]
# ## 二、重点任务清单
#
# 按任务编号排列（编号与方案附件一致）。“牵头单位”为附件中列在第一位的责任单位，
# 其余为“配合单位”；“目标年份”为任务原文写明的年份。

# %%
rh.show_table(rh.task_table(s), empty="本领域没有重点任务。")

# %% [markdown]
# ## 三、责任分工
#
# 下图统计每个单位在本领域牵头和配合的任务数，单位按任务总数从多到少排列。

# %%
charts.unit_roles(rh.unit_role_counts(s))

# %% [markdown]
# 共同承担矩阵：格子里的数字是两个单位同时列为责任单位（不论牵头或配合）的任务数，
# 颜色越深，两单位需要协同的任务越多；空白表示没有共同任务。

# %%
pairs, order = rh.co_pairs(s)
charts.co_matrix(pairs, order)

# %%
rh.show_table(rh.unit_table(s))

# %% [markdown]
# ## 四、量化目标
#
# 方案中本领域可以量化考核的目标。“目标”写明方向和数值（不低于、达到、增加、减少等），
# “原文”是方案中的原话，“关联任务”是写有该目标的任务编号。

# %%
rh.show_table(rh.target_table(s), empty="本领域没有量化目标。")

# %% [markdown]
# ### 时间节点
#
# 各年份到期的任务和量化目标数量（圆圈越大数量越多），红色虚线为本报告截止日期。

# %%
charts.deadline_timeline(rh.deadline_counts(s), s.as_of)

# %% [markdown]
# ### 进展评级

# %%
charts.status_counts(rh.status_counts(s), s.as_of)

# %% [markdown]
# ### 监测数据
#
# 下图为有监测数据的目标：红色虚线和菱形为目标值，圆点为监测值。只有规划所在地区的
# 全年数据用于评级；其他地区的数据和非全年数据只作参考（灰色）。下表列出每个数据点及其
# 来源，“用途”一栏说明它是否参与评级。

# %%
obs, target_labels = rh.observed_frames(s)
charts.observed_vs_target(obs, target_labels, geo=s.geo)

# %%
rh.show_table(rh.observation_table(s), empty="本领域的量化目标暂无监测数据。", links=rh.SOURCE_LINKS)

# %%
rh.show_markdown(rh.rating_note(s))

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
