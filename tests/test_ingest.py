"""Normaliser: page markers, repeated headers, widths, 繁体 — on real slices of the scrape."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from greenlib import config
from greenlib.clean.ingest import match_key, normalize, page_marker_spans, read_plan, to_simplified
from tests.paths import RAW_DIR, RAW_PLAN


def test_raw_plan_is_the_seed_verbatim():
    seed = config.ROOT.parent / "shared" / "seed" / "000_d62a4bb3d610bbd2.txt"
    raw = RAW_PLAN.read_bytes()
    readme = (RAW_DIR / "README.md").read_text(encoding="utf-8")
    assert hashlib.sha256(raw).hexdigest() in readme
    if seed.exists():
        assert raw == seed.read_bytes()


def test_page_marker_mid_name_is_removed(norm):
    # raw: "区林\n24、业局" — the page number cut the unit name 区林业局
    assert "区林\n24、业局" in RAW_PLAN.read_text(encoding="utf-8")
    assert "区林业局" in norm.text
    assert "24、" not in norm.text


def test_every_page_marker_goes_and_list_numbers_stay():
    raw = "1、第一页内容\n2、第二页，重点任务有三项：\n3、第三页\n4、第四页"
    assert len(page_marker_spans(raw)) == 4
    # a numbered list inside a page (not the page sequence) is kept
    text = "1、总体要求如下\n2、主要任务：\n1、推进工业\n3、第三页内容\n4、第四页"
    norm = normalize(text)
    assert "1、推进工业" in norm.text.replace("\n", "")


def test_repeated_table_header_removed_even_garbled(norm):
    t = norm.text
    assert t.count("类别重点任务责任单位") == 1  # the first, which introduces the table
    for garbled in ("类SIJ重点任务责任单位", "蜘重点任务责任单位", "类别重点任务责壬单位"):
        assert garbled not in t


def test_boilerplate_and_punctuation(norm):
    assert "由会员分享" not in norm.text
    assert norm.text.startswith("关于进一步加快建立健全")
    assert "国发（2021）4号" in norm.text  # half-width brackets beside Chinese become full-width
    assert "2:1" in norm.text  # a ratio keeps its colon
    assert "4.5亿元" in norm.text


def test_offsets_point_back_to_raw(norm, raw_text):
    assert len(norm.offsets) == len(norm.text)
    assert all(a < b for a, b in zip(norm.offsets, norm.offsets[1:], strict=False))
    i = norm.text.index("亿元。区林业局") + 3
    a, b = norm.raw_span(i, i + 4)
    assert raw_text[a:b] == "区林\n24、业局"


def test_traditional_is_simplified_for_matching():
    assert to_simplified("區生態環境局") == "区生态环境局"
    n = normalize("關於加快建立健全綠色低碳循環發展經濟體系的實施方案。區生態環境局負責。" * 3)
    assert "区生态环境局" in n.text and n.traditional
    assert match_key("区 经济信息委") == match_key("區經濟信息委")


def test_read_gbk_and_utf8_bom(tmp_path):
    text = "关于加快建立健全绿色低碳循环经济体系的实施方案"
    (tmp_path / "a.txt").write_bytes(text.encode("gbk"))
    (tmp_path / "b.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert read_plan(tmp_path / "a.txt").text == text
    assert read_plan(tmp_path / "b.txt").text == text


# --------------------------------------------------------------------------- properties

_alphabet = st.sampled_from(list("区经济信息委生态环境局重点任务责任单位类别，,。、()（）:：12345 \n绿色低碳AＢ１"))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_alphabet, max_size=120))
def test_normalise_is_idempotent(s):
    once = normalize(s).text
    assert normalize(once).text == once


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_alphabet, max_size=120))
def test_offsets_stay_valid(s):
    n = normalize(s)
    assert len(n.offsets) == len(n.text)
    assert all(0 <= o < len(s) for o in n.offsets)
    assert all(a < b for a, b in zip(n.offsets, n.offsets[1:], strict=False))
    # each kept character is the raw one, or its width/punctuation/script form
    for ch, o in zip(n.text, n.offsets, strict=True):
        assert ch == s[o] or match_key(ch) == match_key(s[o]) or ch in "，；：（）？！ "
