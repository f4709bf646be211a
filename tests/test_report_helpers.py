"""Report tables built from the cleaned plan's quality report."""

from __future__ import annotations

from greenlib import labels
from greenlib.report import helpers as rh


def test_quality_tables_are_in_chinese_and_follow_the_task_order(built_data):
    s = rh.scope(None, data_dir=built_data)
    un = rh.unresolved_table(s)
    assert set(un["类型"]) <= set(labels.UNRESOLVED_KINDS.values())  # no English codes shown
    tasks = [int(t) for t in un["任务"] if t != "—"]
    assert tasks == sorted(tasks) and 6 in tasks and 50 in tasks


def test_sector_report_lists_corrections_of_its_targets(built_data):
    s = rh.scope("urban", data_dir=built_data)
    corr = rh.corrections_table(s)
    assert "任务 67 的量化目标的指标名称" in set(corr["更正内容"])  # a target correction, found through its task
    assert "任务 79 的责任单位" not in set(corr["更正内容"])  # innovation, not urban
    assert not any(c.isascii() and c.isalpha() for c in "".join(corr.columns))  # Chinese headers


def test_table_links_only_http_addresses_and_escapes_the_rest():
    import pandas as pd

    from greenlib.report.show import table_html

    df = pd.DataFrame({
        "来源": ["公报<b>", "新闻", "本地", "坏的"],
        "url": ["https://example.org/a?x=1&y=\"2\"", "javascript:alert(1)", "file:///etc/passwd", None],
    })
    out = table_html(df, links={"来源": "url"})
    assert "url" not in out  # the address column is not shown as a column
    assert out.count("<a ") == 1
    assert ('<a href="https://example.org/a?x=1&amp;y=&quot;2&quot;" target="_blank" '
            'rel="noopener noreferrer">公报&lt;b&gt;</a>') in out
    assert "javascript" not in out and "file:" not in out
    assert "<td class=\"gp-nw\">新闻</td>" in out


def test_wide_tables_are_marked_for_landscape_print():
    import pandas as pd

    from greenlib.report.show import table_html

    narrow = pd.DataFrame({"编号": [1], "重点任务": ["推进" * 40], "牵头单位": ["区发展改革委"]})
    wide = pd.DataFrame({f"列{i}": ["较长的文字内容十二个字"] * 20 for i in range(8)})
    assert "gp-wide" not in table_html(narrow)
    assert 'class="gp-table gp-wide"' in table_html(wide)
    # a wide table of a few rows stays portrait in smaller type (issue 17: no wasted pages)
    assert 'class="gp-table gp-dense"' in table_html(wide.head(3))


def test_overview_section_table_shows_the_clean_part_and_section_titles(built_data):
    t = rh.sections_table(rh.scope(None, data_dir=built_data))
    assert "四、加快基础设施绿色升级" in set(t["部分"])
    assert "（十四）提升交通基础设施绿色发展水平" in set(t["节"])
    shown = "".join(t["部分"]) + "".join(t["节"])
    assert not any(g in shown for g in ("设孵录", "法律法政", "基5！施", "月艮务"))


def test_long_table_shows_its_first_rows_and_says_where_the_rest_is(monkeypatch):
    import IPython.display
    import pandas as pd

    shown: list[str] = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs: shown.extend(o.data for o in objs))
    df = pd.DataFrame({"任务": range(1, 8), "内容": [f"任务{i}" for i in range(1, 8)]})
    rh.show_table(df, max_rows=5)
    html = "".join(shown)
    assert html.count("<tr>") == 1 + 5  # header and the first five rows
    assert "任务5" in html and "任务6" not in html
    assert "此表共 7 行" in html and "电子表格" in html and "plan.xlsx" not in html
    shown.clear()
    rh.show_table(df)  # the default limit is far above a real plan's 97 tasks
    assert "".join(shown).count("<tr>") == 8
