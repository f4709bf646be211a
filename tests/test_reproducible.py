"""Same inputs, same bytes: a report built twice differs only in its declared build stamp;
every page carries the Content-Security-Policy (charts still draw under it: see
tests/test_e2e_report.py, which opens a built page in Chromium)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from greenlib.report import build, reproducible, site
from greenlib.report.workbook import write_workbook
from tests.paths import DISTRICT

#: the one declared build stamp (report footers, Word footer, index pages)
STAMP_RE = re.compile(r"生成时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def _unstamped(text: str) -> str:
    return STAMP_RE.sub("生成时间：<stamp>", text)


def _zip_entries(data: bytes) -> dict[str, bytes]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return {i.filename: z.read(i.filename) for i in z.infolist()}


@pytest.fixture(scope="module")
def two_builds(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> list[build.Paths]:
    out = []
    for i in range(2):
        paths = build.Paths(params=DISTRICT.params, data=built_data,
                            root=tmp_path_factory.mktemp(f"repro{i}"))
        reports, _ = build.load_reports(paths)
        report = next(r for r in reports if r.name == "agriculture")
        res = build.build_report(report, paths, pdf=False, docx=True)
        assert res.ok, res.error
        out.append(paths)
    return out


def test_html_is_byte_identical_but_for_the_stamp(two_builds: list[build.Paths]) -> None:
    a, b = (p.site / "agriculture.html" for p in two_builds)
    ta, tb = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
    assert len(STAMP_RE.findall(ta)) == 1  # exactly one declared stamp
    assert _unstamped(ta) == _unstamped(tb)
    assert re.search(r'id="gp-vis-[0-9a-f]{12}', ta)  # charts have stable ids
    assert reproducible.CSP_META in ta


def test_docx_is_identical_but_for_the_stamp(two_builds: list[build.Paths]) -> None:
    a, b = ((p.site / "docx" / "agriculture.docx").read_bytes() for p in two_builds)
    ea, eb = _zip_entries(a), _zip_entries(b)
    assert list(ea) == list(eb)
    for name in ea:
        assert _unstamped(ea[name].decode("utf-8", "replace")) == \
            _unstamped(eb[name].decode("utf-8", "replace")), name
    core = ea["docProps/core.xml"].decode()
    assert "2026-11-25T00:00:00Z" in core  # the data's as-of date, not the build time
    if STAMP_RE.search(b"".join(ea.values()).decode("utf-8", "replace")) is None:
        assert a == b


def test_workbook_is_byte_identical(built_data: Path, tmp_path: Path) -> None:
    outs = []
    for i in range(2):
        out = write_workbook(built_data, tmp_path / f"plan{i}.xlsx")
        reproducible.fix_office_file(out, reproducible.as_of_of(built_data))
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert zipfile.ZipFile(io.BytesIO(outs[0])).infolist()[0].date_time[:3] == (2026, 11, 25)


def test_index_pages_carry_the_policy(tmp_path: Path) -> None:
    page = site._page("t", "<p>x</p>")
    # the reports' policy, plus scripts and GET forms of the site itself (the search page
    # runs search.js; the index pages' search box submits to search.html): nothing else
    assert site.SITE_CSP_META in page
    assert site.SITE_CSP_META.replace("'self' ", "", 1).replace(
        "form-action 'self'", "form-action 'none'") == reproducible.CSP_META
    assert "default-src 'none'" in reproducible.CSP and "img-src data:" in reproducible.CSP


def test_pdf_dates_and_id_fixed_in_place() -> None:
    pdf = (b"%PDF-1.4\n1 0 obj <</Creator (Chromium) /CreationDate (D:20261125214512+00'00')"
           b" /ModDate (D:20261125214512+00'00')>> endobj\ntrailer <</ID [<0A1B2C3D4E5F60718293A4B5C6D7E8F9>"
           b" <0A1B2C3D4E5F60718293A4B5C6D7E8F9>]>>\n%%EOF\n")
    later = pdf.replace(b"20261125214512", b"20261126093001").replace(b"0A1B2C", b"FFEEDD")
    fa, fb = reproducible.fix_pdf(pdf, "2026-11-25"), reproducible.fix_pdf(later, "2026-11-25")
    assert fa == fb and len(fa) == len(pdf)
    assert b"(D:20261125000000+00'00')" in fa


def test_chart_ids_follow_the_spec() -> None:
    spec = {"mark": "bar", "data": {"values": [{"x": 1}]}, "gp-test": id(object())}
    a = reproducible.chart_id(spec)
    b = reproducible.chart_id(spec)
    assert a != b and b.startswith(a)  # the same chart twice on a page: unique, numbered
    assert reproducible.chart_id({**spec, "mark": "line"})[:19] != a[:19]
