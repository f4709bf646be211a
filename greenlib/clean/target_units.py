"""Units of quantitative targets: the units the extractor reads (kept as written) and their
normalised spelling (docs/assumptions.md T9, T19)."""

from __future__ import annotations

import re

UNITS = [
    "微克/立方米", "万吨标准煤", "吨标准煤", "万千瓦时", "亿千瓦时", "万平方米", "平方米",
    "万立方米", "立方米", "万千瓦", "千瓦", "兆瓦", "亿元", "万元", "万吨", "万亩", "公顷",
    "公里", "千米", "万辆", "万人", "万户", "万个", "万座", "万套", "万家", "个百分点", "百分点", "公吨",
    "%", "‰", "天", "个", "处", "家", "座", "亩",
    "吨", "辆", "项", "条", "所", "户", "人", "台", "套", "次", "元",
    # energy is not power: 1200千瓦时 is kWh, not kW (issue 18)
    "千瓦时", "兆瓦时", "兆瓦", "吨标煤", "万吨标煤", "亿吨标煤", "克标准煤", "千克标准煤",
    "毫克/升", "毫克/立方米", "平方公里", "万株", "株",
]
#: Latin and mixed units (kWh, MW, 万kW, km): kept as written, only where no letter follows
LATIN_UNITS = ["kWh", "MWh", "GWh", "kW", "MW", "GW", "km", "CO2e", "tCO2e", "tCO2"]
#: Units that take a magnitude (万, 亿, 万亿): 亿吨标准煤, 万亿元, 亿千瓦, 万株, 万公顷 …
MAGNITUDE_BASES = ["吨标准煤", "公吨", "吨", "千瓦时", "千瓦", "立方米", "平方米", "元", "亩", "公顷", "株",
                   "人次", "人", "户", "辆", "个", "座", "套", "家", "公里", "千米", "标准煤", "台",
                   "吨标煤", "吨CO2e"]
MAGNITUDES = ["万亿", "亿", "万"]
UNITS += [p + b for p in MAGNITUDES for b in MAGNITUDE_BASES if p + b not in UNITS]
UNITS.sort(key=len, reverse=True)
# 吨 written t (50亿t标准煤, 500t/日): a t glued to the number and followed by no letter
_T_UNIT = r"(?:(?:万亿|亿|万)?t(?:标准煤)?)(?![A-Za-z])"
#: a rate keeps its base (万吨/年, 立方米/日, 立方米/亩, 吨标准煤/万元, 克标准煤/千瓦时)
_RATE = r"(?:/(?:年|日|天|亩|公顷|人|户|万元|千瓦时|kWh|吨|升|平方米|立方米))?"
#: 亿方/万方 (cubic metres) only with a magnitude and not the start of 方案/方面/方式
_FANG = r"(?:万亿|亿|万)方(?![案面式法向针])"
_LATIN = r"(?:万亿|亿|万)?(?:" + "|".join(re.escape(u) for u in sorted(LATIN_UNITS, key=len, reverse=True)) \
    + r")(?![A-Za-z])"
_UNIT = ("(?:(?:" + "|".join(re.escape(u) for u in UNITS) + "|" + _T_UNIT + "|" + _FANG + "|" + _LATIN + ")"
         + _RATE + ")")
_NUM = r"\d+(?:\.\d+)?"
#: a range 60%~65%, 3-5个: the low end is the value, the high end ``value_high``
_RANGE = rf"(?:%?\s*[~～\-－—至]\s*(?P<high>{_NUM}))?"


def unit_name(unit: str) -> str:
    """The unit as the tables write it: 吨 for t (亿t标准煤 → 亿吨标准煤)."""
    if re.search(r"[A-Za-z]{2}", unit):
        return unit  # a Latin unit (kWh, MW, tCO2e) is kept as written
    return re.sub(r"t(?=标准煤|$|/)", "吨", unit)


#: one spelling per quantity, for comparing and summing (the table keeps the unit as written)
_NORMAL_UNITS = [("kWh", "千瓦时"), ("MWh", "兆瓦时"), ("GWh", "吉瓦时"), ("kW", "千瓦"), ("MW", "兆瓦"),
                 ("GW", "吉瓦"), ("km", "公里"), ("千米", "公里"), ("吨标煤", "吨标准煤"), ("公吨", "吨"),
                 ("tCO2e", "吨二氧化碳当量"), ("tCO2", "吨二氧化碳"), ("CO2e", "二氧化碳当量"),
                 ("方", "立方米")]


def normalise_unit(unit: str) -> str:
    """The normalised spelling of ``unit`` (kWh → 千瓦时, 万kW → 万千瓦, 吨标煤/万元 → 吨标准煤/万元,
    亿方 → 亿立方米); the magnitude (万, 亿) is kept, so no quantity turns into another."""
    out = unit or ""
    for a, b in _NORMAL_UNITS:
        if a == "方":
            out = re.sub(r"(?<=[万亿])方$", b, out)
        else:
            out = re.sub(rf"(?<![A-Za-z]){re.escape(a)}(?![A-Za-z])", b, out)
    return out
