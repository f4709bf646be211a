"""Where the district plan's files are (the plan the hand-checked fixtures were made for)."""

from __future__ import annotations

from greenlib import plan as plan_mod

DISTRICT = plan_mod.load("qianjiang-2022-24")
MUNICIPAL = plan_mod.load("chongqing-2021-31")
RAW_PLAN = DISTRICT.raw
RAW_DIR = DISTRICT.raw.parent
