"""Monitoring data: reading (CSV in UTF-8/BOM/GBK, xlsx), validation, indicator map, template."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from greenlib import config
from greenlib.__main__ import main
from greenlib.errors import InputError, ValidationError
from tests.district_monitoring import MAP, MONITORING, monitoring

FIX = Path(__file__).parent / "fixtures" / "monitoring"
REAL_MAP = MAP
REAL_OBS = MONITORING / "observed_stats.csv"
SHARED_OBS = config.ROOT.parent / "shared" / "data" / "observed_stats.csv"

HEADER_ZH = ["指标", "地区", "年份", "数值", "单位", "来源标题", "来源网址", "原文摘录"]
SRC = ["区统计公报", "http://example.org/a", "……"]


@pytest.fixture
def targets() -> pd.DataFrame:
    return pd.read_csv(FIX / "targets.csv", dtype={"target_id": "string", "task_ids": "string"})


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8",
              header: list[str] | None = None) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header or HEADER_ZH)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def problems_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return excinfo.value.problems


def load(path: Path, targets: pd.DataFrame, imap: Path = REAL_MAP) -> pd.DataFrame:
    return monitoring.load_observations(path, targets=targets, indicator_map=imap)


GOOD_ROWS = [
    ["城区空气质量优良天数", "重庆市黔江区", 2023, 355, "天", *SRC],
    ["畜禽粪污综合利用率", "重庆市黔江区", 2022, 88.5, "%", *SRC],
    ["城区空气质量优良天数(1-10月累计,共监测304天)", "重庆市黔江区", 2025, 295, "天", *SRC],
]


# --- the real data ------------------------------------------------------------------------


def test_real_observations_are_a_verbatim_copy_of_the_shared_file() -> None:
    if not SHARED_OBS.exists():
        pytest.skip("shared/data/observed_stats.csv not mounted here")
    assert REAL_OBS.read_bytes() == SHARED_OBS.read_bytes()


def test_real_observations_load_with_provenance(targets: pd.DataFrame) -> None:
    obs = load(MONITORING, targets)
    assert len(obs) == 33
    assert obs["geo"].value_counts().to_dict() == {"重庆市": 28, "重庆市黔江区": 5}
    assert obs["source_title"].str.len().gt(0).all()
    assert obs["source_url"].str.startswith("http").all()
    assert obs["quote"].str.len().gt(0).all()
    # the spreadsheet row of the first data line is 2 (header = row 1)
    assert obs.iloc[0][["row", "indicator", "value"]].tolist() == [2, "城区空气质量优良天数", 355.0]
    partial = set(obs.loc[obs["partial_year"], "indicator"])
    assert partial == {
        "城区空气质量优良天数(1-10月累计,共监测304天)", "城区空气质量优良率(1-10月累计)",
        "绿色建筑面积占城镇新建建筑面积比例(1-7月)", "各类充换电设施数量(截至5月底)",
        "森林覆盖率(“十四五”时期成效发布会所报,2025年9月)",
    }
    assert list(obs.columns)[:11] == ["indicator", "geo", "year", "value", "unit", "source_title",
                                      "source_url", "quote", "note", "partial_year", "file"]


def test_real_map_covers_every_observed_indicator(targets: pd.DataFrame) -> None:
    imap = monitoring.load_indicator_map(targets)
    obs = load(MONITORING, targets)
    assert set(obs["indicator"]) <= set(imap["observed_indicator"])
    air = imap[imap["observed_indicator"] == "城区空气质量优良天数"]
    assert air["target_id"].tolist() == ["T06"]
    green = imap[imap["observed_indicator"] == "城镇绿色建筑占新建建筑比重(2020年末)"]
    # one observed series speaks to the 2022 target (by area) and the 2025 target
    assert sorted(green["target_id"]) == ["T22", "T31"]
    assert imap["reviewed_by"].str.len().gt(0).all()


def test_municipal_figures_are_context_only(targets: pd.DataFrame) -> None:
    obs = load(MONITORING, targets)
    linked = monitoring.observed_for_targets(targets, obs)
    city = linked[linked["geo"] == "重庆市"]
    assert len(city) > 10 and city["context"].all()
    district_full = linked[(linked["geo"] == "重庆市黔江区") & ~linked["partial_year"]]
    assert district_full[["target_id", "year", "value"]].values.tolist() == [["T06", 2023, 355.0]]
    assert linked.loc[linked["partial_year"], "context"].all()
    station = linked[linked["indicator"] == "公共充电站数量(截至年末)"].iloc[0]
    assert (station["target_id"], station["unit"], station["observed_unit"]) == ("T29", "处", "座")


# --- partial-year wording -----------------------------------------------------------------


@pytest.mark.parametrize(("text", "partial"), [
    ("城区空气质量优良天数(1-10月累计,共监测304天)", True),
    ("绿色建筑面积占城镇新建建筑面积比例(1—7月)", True),
    ("各类充换电设施数量(截至5月底)", True),
    ("新能源装机容量(截至2025年10月)", True),
    ("规上工业产值(上半年)", True),
    ("规上工业产值(前三季度)", True),
    ("规上工业产值（1－１０月）", True),  # full-width digits and dash
    ("规上工业产值(1-12月)", False),
    ("公共充电桩数量(截至年末)", False),
    ("充电桩数量(截至12月底)", False),
    ("城镇绿色建筑占新建建筑比重(2020年末)", False),
    ("森林覆盖率", False),
])
def test_partial_year_from_text(text: str, partial: bool) -> None:
    assert monitoring.partial_year_from_text(text) is partial


# --- encodings and formats ----------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings_read_the_same(tmp_path: Path, targets: pd.DataFrame, encoding: str) -> None:
    f = write_csv(tmp_path / "obs.csv", GOOD_ROWS, encoding)
    obs = load(f, targets)
    assert obs["indicator"].tolist() == [r[0] for r in GOOD_ROWS]
    assert obs["value"].tolist() == [355.0, 88.5, 295.0]
    assert obs["partial_year"].tolist() == [False, False, True]
    assert (("decoded as GBK" in " ".join(obs.attrs["notes"])) is (encoding == "gbk"))


def test_english_headers_are_accepted(tmp_path: Path, targets: pd.DataFrame) -> None:
    header = ["indicator", "geo", "year", "value", "unit", "source_title", "source_url", "quote"]
    obs = load(write_csv(tmp_path / "o.csv", GOOD_ROWS[:1], header=header), targets)
    assert obs.iloc[0]["value"] == 355.0


def test_undecodable_csv_is_refused_clearly(tmp_path: Path, targets: pd.DataFrame) -> None:
    # Big5 (traditional Chinese) is neither UTF-8 nor GBK with a recognisable header
    f = tmp_path / "big5.csv"
    f.write_bytes("指標,地區,年份\n空氣,重慶,2023\n".encode("big5"))
    with pytest.raises(ValidationError) as e:
        load(f, targets)
    (msg,) = problems_of(e)
    # the message names the encoding it found (issue 21)
    assert "big5.csv" in msg and "文件编码是 Big5" in msg and "不是 UTF-8" in msg and "CSV UTF-8" in msg


def test_utf16_csv_is_refused_clearly(tmp_path: Path, targets: pd.DataFrame) -> None:
    f = tmp_path / "u16.csv"
    f.write_bytes("指标,地区\n".encode("utf-16"))
    with pytest.raises(ValidationError, match="UTF-16"):
        load(f, targets)


def _xlsx(path: Path, rows: list[list[object]], title_row: bool = False,
          percent_col: int | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    if title_row:
        ws.append(["黔江区监测数据（2024 年整理）"])
    ws.append(HEADER_ZH)
    for r in rows:
        ws.append(r)
    if percent_col is not None:
        for row in ws.iter_rows(min_row=ws.max_row - len(rows) + 1):
            row[percent_col].number_format = "0.0%"
    wb.create_sheet("说明").append(["这里是说明，不是数据"])
    wb.save(path)
    return path


def test_xlsx_reads_like_csv(tmp_path: Path, targets: pd.DataFrame) -> None:
    obs = load(_xlsx(tmp_path / "o.xlsx", GOOD_ROWS), targets)
    assert obs["value"].tolist() == [355.0, 88.5, 295.0]
    assert obs["row"].tolist() == [2, 3, 4]
    assert obs["file"].iloc[0].endswith("o.xlsx [数据]")


def test_xlsx_percent_cells_are_read_as_shown(tmp_path: Path, targets: pd.DataFrame) -> None:
    rows = [["畜禽粪污综合利用率", "重庆市黔江区", 2022, 0.885, "%", *SRC]]
    obs = load(_xlsx(tmp_path / "p.xlsx", rows, percent_col=3), targets)
    assert obs["value"].tolist() == [pytest.approx(88.5)]


def test_xlsx_errors_name_the_sheet_row_under_a_title_row(tmp_path: Path,
                                                          targets: pd.DataFrame) -> None:
    rows = [GOOD_ROWS[0], ["城区空气质量优良天数", "重庆市黔江区", 2024, "三百五十", "天", *SRC]]
    with pytest.raises(ValidationError) as e:
        load(_xlsx(tmp_path / "t.xlsx", rows, title_row=True), targets)
    (msg,) = problems_of(e)
    # title row 1, header row 2, data rows 3 and 4
    assert msg.startswith("t.xlsx [数据], row 4, 数值:") or ", row 4, 数值:" in msg
    assert "不是数字：'三百五十'" in msg


def test_folder_reads_every_file_and_refuses_xls(tmp_path: Path, targets: pd.DataFrame) -> None:
    write_csv(tmp_path / "a.csv", GOOD_ROWS[:1])
    _xlsx(tmp_path / "b.xlsx", GOOD_ROWS[1:2])
    (tmp_path / "README.md").write_text("notes")
    (tmp_path / "~$b.xlsx").write_bytes(b"lock")
    obs = load(tmp_path, targets)
    assert len(obs) == 2
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ValidationError, match=r"old\.xls: unsupported file type"):
        load(tmp_path, targets)


# --- validation errors --------------------------------------------------------------------


def _one_problem(tmp_path: Path, targets: pd.DataFrame, row: list[object]) -> str:
    f = write_csv(tmp_path / "bad.csv", [GOOD_ROWS[0], row])
    with pytest.raises(ValidationError) as e:
        load(f, targets)
    (msg,) = problems_of(e)
    assert msg.startswith(f"{f}, row 3, ") or "bad.csv, row 3, " in msg
    return msg


def test_unknown_indicator(tmp_path: Path, targets: pd.DataFrame) -> None:
    msg = _one_problem(tmp_path, targets, ["空气优良天数", "重庆市黔江区", 2024, 350, "天", *SRC])
    assert ", 指标: unknown indicator '空气优良天数'" in msg
    assert "did you mean" in msg and "空气质量优良天数" in msg


def test_target_indicator_is_known_without_a_map_row(tmp_path: Path,
                                                     targets: pd.DataFrame) -> None:
    obs = load(write_csv(tmp_path / "o.csv",
                         [["新能源装机容量", "重庆市黔江区", 2024, 35, "万千瓦", *SRC]]), targets)
    assert obs["indicator"].tolist() == ["新能源装机容量"]


def test_non_numeric_value(tmp_path: Path, targets: pd.DataFrame) -> None:
    msg = _one_problem(tmp_path, targets, ["城区空气质量优良天数", "重庆市黔江区", 2024, "355天",
                                           "天", *SRC])
    assert ", 数值: 不是数字：'355天'" in msg


def test_empty_value(tmp_path: Path, targets: pd.DataFrame) -> None:
    msg = _one_problem(tmp_path, targets, ["城区空气质量优良天数", "重庆市黔江区", 2024, "", "天",
                                           *SRC])
    assert ", 数值: empty" in msg


def test_unit_not_matching_the_map(tmp_path: Path, targets: pd.DataFrame) -> None:
    msg = _one_problem(tmp_path, targets, ["城区空气质量优良天数", "重庆市黔江区", 2024, 97, "%",
                                           *SRC])
    assert ", 单位: '%' does not match the unit '天'" in msg


def test_unit_not_matching_the_target(tmp_path: Path, targets: pd.DataFrame) -> None:
    msg = _one_problem(tmp_path, targets, ["新能源装机容量", "重庆市黔江区", 2024, 35, "万千瓦时",
                                           *SRC])
    assert ", 单位: '万千瓦时' does not match the target's unit '万千瓦'" in msg


@pytest.mark.parametrize(("year", "expect"), [
    (1899, "implausible year 1899"), (2099, "implausible year 2099"),
    ("2023.5", "is not a year"), ("二〇二三", "is not a year"),
])
def test_implausible_year(tmp_path: Path, targets: pd.DataFrame, year: object,
                          expect: str) -> None:
    msg = _one_problem(tmp_path, targets, ["城区空气质量优良天数", "重庆市黔江区", year, 350, "天",
                                           *SRC])
    assert ", 年份: " in msg and expect in msg


def test_year_written_with_nian_is_accepted(tmp_path: Path, targets: pd.DataFrame) -> None:
    obs = load(write_csv(tmp_path / "o.csv", [["城区空气质量优良天数", "重庆市黔江区", "2024年",
                                               350, "天", *SRC]]), targets)
    assert obs["year"].tolist() == [2024]


def test_unknown_or_short_geo(tmp_path: Path, targets: pd.DataFrame) -> None:
    msg = _one_problem(tmp_path, targets, ["城区空气质量优良天数", "黔江区", 2024, 350, "天", *SRC])
    assert ", 地区: unknown geo '黔江区'" in msg


def test_missing_provenance(tmp_path: Path, targets: pd.DataFrame) -> None:
    f = write_csv(tmp_path / "bad.csv", [["城区空气质量优良天数", "重庆市黔江区", 2024, 350, "天",
                                          "", "", ""]])
    with pytest.raises(ValidationError) as e:
        load(f, targets)
    msgs = problems_of(e)
    assert any(", row 2, 来源标题: empty" in m for m in msgs)
    assert any(", row 2, 来源网址: no source address, quote or note" in m for m in msgs)


def test_duplicate_with_different_values(tmp_path: Path, targets: pd.DataFrame) -> None:
    msg = _one_problem(tmp_path, targets, ["城区空气质量优良天数", "重庆市黔江区", 2023, 354, "天",
                                           *SRC])
    assert "duplicate of" in msg and "row 2" in msg and "354 天 vs 355 天" in msg


def test_exact_duplicates_are_merged_and_reported(tmp_path: Path, targets: pd.DataFrame) -> None:
    f = write_csv(tmp_path / "d.csv", [GOOD_ROWS[0], GOOD_ROWS[1], GOOD_ROWS[0]])
    obs = load(f, targets)
    assert len(obs) == 2
    (note,) = obs.attrs["notes"]
    assert "row 4: same figure as" in note and "row 2" in note and "merged" in note


def test_missing_column(tmp_path: Path, targets: pd.DataFrame) -> None:
    f = write_csv(tmp_path / "m.csv", [["城区空气质量优良天数", "重庆市黔江区", 355, "天", "x"]],
                  header=["指标", "地区", "数值", "单位", "来源标题"])
    with pytest.raises(ValidationError, match=r"m\.csv: missing column\(s\) year \(年份\)"):
        load(f, targets)


def test_all_problems_are_collected(tmp_path: Path, targets: pd.DataFrame) -> None:
    f = write_csv(tmp_path / "many.csv", [
        ["不存在的指标", "重庆市黔江区", 2023, 1, "个", *SRC],
        ["城区空气质量优良天数", "重庆市黔江区", 1800, "x", "天", *SRC],
        ["城区空气质量优良天数", "", 2022, 350, "%", *SRC],
    ])
    with pytest.raises(ValidationError) as e:
        load(f, targets)
    msgs = problems_of(e)
    # row 4: unit, geo, and 350 % is implausible
    assert len(msgs) == 6
    assert [m.split(", ")[1] for m in msgs] == ["row 2", "row 3", "row 3", "row 4", "row 4", "row 4"]
    assert "6 problem(s)" in str(e.value)


def test_explicit_partial_year_column(tmp_path: Path, targets: pd.DataFrame) -> None:
    header = [*HEADER_ZH, "非全年"]
    rows = [[*GOOD_ROWS[0][:2], 2024, 300, "天", *SRC, "是"],
            [*GOOD_ROWS[0][:2], 2022, 340, "天", *SRC, "否"],
            [*GOOD_ROWS[0][:2], 2021, 341, "天", *SRC, "maybe"]]
    with pytest.raises(ValidationError) as e:
        load(write_csv(tmp_path / "p.csv", rows, header=header), targets)
    (msg,) = problems_of(e)
    assert ", row 4, 非全年: 'maybe' is not yes/no" in msg
    obs = load(write_csv(tmp_path / "p.csv", rows[:2], header=header), targets)
    assert obs["partial_year"].tolist() == [True, False]


# --- the indicator map --------------------------------------------------------------------

MAP_HEADER = list(monitoring.MAP_COLUMNS)


def _map(tmp_path: Path, rows: list[list[object]]) -> Path:
    return write_csv(tmp_path / "map.csv", rows, header=MAP_HEADER)


def _map_problems(tmp_path: Path, targets: pd.DataFrame, rows: list[list[object]]) -> list[str]:
    with pytest.raises(ValidationError) as e:
        monitoring.load_indicator_map(targets, _map(tmp_path, rows))
    return problems_of(e)


def test_map_row_matching_no_target(tmp_path: Path, targets: pd.DataFrame) -> None:
    (msg,) = _map_problems(tmp_path, targets, [
        ["优良天数", "空气质量优良天数", "", "天", "", "", "", "", "", "me"],
        ["粪污利用率", "畜禽粪便综合利用率", "", "%", "", "", "", "", "", "me"],
    ])
    assert msg.startswith(f"{tmp_path / 'map.csv'}, row 3, target_indicator") or \
        "map.csv, row 3, target_indicator" in msg
    assert "matches no target" in msg and "畜禽粪污综合利用率" in msg


def test_map_row_matching_several_indicators(tmp_path: Path, targets: pd.DataFrame) -> None:
    (msg,) = _map_problems(tmp_path, targets, [
        ["某利用率", "re:利用率$", "", "%", "", "", "", "", "", "me"],
    ])
    assert "row 2, target_indicator" in msg and "matches several target indicators" in msg


def test_map_regex_and_target_year(tmp_path: Path, targets: pd.DataFrame) -> None:
    imap = monitoring.load_indicator_map(targets, _map(tmp_path, [
        ["粪污利用率", "re:^畜禽粪污", "", "%", "", "", "", "", "", "me"],
        ["绿建比例", "re:绿色建筑", 2022, "%", "", "", "", "", "", "me"],
    ]))
    assert imap.set_index("observed_indicator")["target_id"].to_dict() == {
        "粪污利用率": "T08", "绿建比例": "T22"}
    # without the year, "re:绿色建筑" names two indicator texts: refused
    (msg,) = _map_problems(tmp_path, targets, [
        ["绿建比例", "re:绿色建筑", "", "%", "", "", "", "", "", "me"]])
    assert "matches several target indicators" in msg


def test_map_unit_must_reach_the_target_unit(tmp_path: Path, targets: pd.DataFrame) -> None:
    (msg,) = _map_problems(tmp_path, targets, [
        ["充电桩", "充电基础设施", "", "万个", "", "", "", "", "", "me"],
    ])
    assert "row 2, to_unit: '万个'" in msg and "unit '处' of target T29" in msg


def test_map_structure_errors(tmp_path: Path, targets: pd.DataFrame) -> None:
    msgs = _map_problems(tmp_path, targets, [
        ["甲", "", "", "天", "", "", "", "", "", ""],
        ["甲", "", "", "", "", "-1", "stock", "perhaps", "", "me"],
    ])
    joined = "\n".join(msgs)
    for part in ("row 2, reviewed_by: empty",
                 "row 3, observed_indicator: '甲' → '(no target)' is already mapped in row 2",
                 "row 3, unit: empty", "row 3, scale", "row 3, measure", "row 3, partial_year"):
        assert part in joined


def test_scale_converts_to_the_target_unit(tmp_path: Path, targets: pd.DataFrame) -> None:
    mp = _map(tmp_path, [["充电站新增(万处)", "充电基础设施", "", "万处", "处", 10000, "change", "",
                          "", "me"]])
    obs = monitoring.load_observations(
        write_csv(tmp_path / "o.csv", [["充电站新增(万处)", "重庆市黔江区", 2024, 0.012, "万处",
                                        *SRC]]), targets=targets, indicator_map=mp)
    imap = monitoring.load_indicator_map(targets, mp)
    linked = monitoring.observed_for_targets(targets, obs, indicator_map=imap)
    row = linked.iloc[0]
    assert (row["target_id"], row["value"], row["unit"], row["context"]) == ("T29", 120.0, "处",
                                                                             False)


def test_two_indicators_disagreeing_on_one_target_year(tmp_path: Path,
                                                       targets: pd.DataFrame) -> None:
    f = write_csv(tmp_path / "o.csv", [
        ["城区空气质量优良天数", "重庆市黔江区", 2023, 355, "天", *SRC],
        ["空气质量优良天数", "重庆市黔江区", 2023, 350, "天", *SRC],
    ])
    obs = load(f, targets)
    with pytest.raises(ValidationError) as e:
        monitoring.observed_for_targets(targets, obs)
    (msg,) = problems_of(e)
    assert "target T06" in msg and "2023" in msg and "row 2" in msg and "row 3" in msg


# --- template and check -------------------------------------------------------------------


def test_template_has_one_empty_row_per_target(tmp_path: Path, targets: pd.DataFrame) -> None:
    path = monitoring.write_template(tmp_path / "t.xlsx", targets)
    ws = load_workbook(path)[monitoring.TEMPLATE_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:3] == ["目标编号", "规划指标", "目标值"]
    for zh in ("指标", "地区", "年份", "数值", "单位", "来源标题", "来源网址", "非全年"):
        assert zh in header
    assert len(rows) - 1 == len(targets)
    assert {r[0] for r in rows[1:]} == set(targets["target_id"])
    fill = [header.index(h) for h in ("指标", "地区", "年份", "数值", "单位", "来源标题")]
    assert all(r[i] is None for r in rows[1:] for i in fill)
    air = next(r for r in rows[1:] if r[1] == "空气质量优良天数")
    assert air[header.index("目标值")] == 350 and air[header.index("目标单位")] == "天"


def test_filled_template_is_read_back(tmp_path: Path, targets: pd.DataFrame) -> None:
    path = monitoring.write_template(tmp_path / "t.xlsx", targets)
    wb = load_workbook(path)
    ws = wb[monitoring.TEMPLATE_SHEET]
    header = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    air_row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == "空气质量优良天数")
    for h, v in {"地区": "重庆市黔江区", "年份": 2024, "数值": 352, "单位": "天",
                 "来源标题": "黔江区2024年生态环境状况公报", "来源网址": "http://example.org"}.items():
        ws.cell(air_row, col[h], v)
    wb.save(path)
    obs = load(path, targets)
    assert obs[["indicator", "geo", "year", "value", "row"]].values.tolist() == [
        ["空气质量优良天数", "重庆市黔江区", 2024, 352.0, air_row]]
    assert any(f"{len(targets) - 1} template row(s) not filled in" in n for n in obs.attrs["notes"])


def test_template_needs_targets(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"targets\.csv: 文件不存在，请先运行 make data"):
        monitoring.write_template(tmp_path / "t.xlsx", tmp_path / "nothing")


def test_cli_template_and_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    build = tmp_path / "build" / "qianjiang-2022-24" / "data"
    build.mkdir(parents=True)
    (build / "targets.csv").write_bytes((FIX / "targets.csv").read_bytes())
    monkeypatch.setattr(config, "BUILD", tmp_path / "build")
    out = tmp_path / "tpl.xlsx"
    assert main(["monitoring-template", "--out", str(out)]) == 0
    assert out.exists()
    assert main(["check-monitoring"]) == 0
    line = capsys.readouterr().out.splitlines()[-1]
    assert line.startswith("OK: 33 observations in 1 file(s)")
    assert "5 partial-year" in line


def test_check_reports_every_problem(tmp_path: Path, targets: pd.DataFrame,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "mon"
    folder.mkdir()
    write_csv(folder / "a.csv", [["空气优良天数", "重庆市黔江区", 2024, 350, "天", *SRC],
                                 ["城区空气质量优良天数", "重庆市黔江区", 2023, "?", "天", *SRC]])
    mp = _map(tmp_path, [["城区空气质量优良天数", "空气质量优良天数", "", "天", "", "", "", "", "",
                          "me"],
                         ["粪污", "畜禽粪便综合利用率", "", "%", "", "", "", "", "", "me"]])
    with pytest.raises(ValidationError) as e:
        monitoring.check(folder, targets=targets, indicator_map=mp)
    msgs = problems_of(e)
    assert len(msgs) == 3
    assert "map.csv, row 3, target_indicator" in msgs[0]
    assert "a.csv, row 2, 指标" in msgs[1] and "a.csv, row 3, 数值" in msgs[2]
