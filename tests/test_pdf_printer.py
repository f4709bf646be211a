"""The long-lived Chromium printer: PDFs with charts and page numbers, no network, no
processes left behind, and the one-shot print when the protocol fails."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from greenlib.report import pdf_printer, render
from tests.helpers import need
from tests.test_e2e_report import _Proxy

SPEC = {"$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "data": {"values": [{"x": "甲", "y": 1}, {"x": "乙", "y": 3}]},
        "mark": "bar", "encoding": {"x": {"field": "x", "type": "nominal"},
                                    "y": {"field": "y", "type": "quantitative"}}}


def _page(tmp_path: Path, name: str = "page.html", extra: str = "") -> Path:
    page = tmp_path / name
    page.write_text(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<style>body{font-family:"Noto Sans CJK SC",sans-serif}</style></head><body>'
        f"<h1>合成测试页面</h1>{render.bundle_html()}{render.chart_html(SPEC)}{extra}"
        "</body></html>", encoding="utf-8")
    return page


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def _processes_mentioning(marker: str) -> list[int]:
    """Live processes whose command line contains ``marker`` (zombies excluded)."""
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmd = (d / "cmdline").read_bytes().decode("utf-8", "replace")
            state = (d / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in cmd and state != "Z":
            found.append(int(d.name))
    return found


@pytest.fixture(autouse=True)
def _tools() -> None:
    need(render.chromium_path(), "Chromium")
    need(shutil.which("pdftotext"), "pdftotext (poppler-utils)")


def test_one_browser_prints_several_pages_with_charts_and_page_numbers(tmp_path: Path) -> None:
    with pdf_printer.Printer() as printer:
        pid = printer.proc.pid
        for i in range(2):
            pdf = printer.print_pdf(_page(tmp_path, f"p{i}.html"), tmp_path / f"p{i}.pdf")
            text = _text(pdf)
            assert "合成测试页面" in text
            assert "第1页/共1页" in "".join(text.split())  # pdftotext drops the spaces
            assert printer.proc.pid == pid  # the same browser
        # the chart was drawn as SVG before printing: its axis labels are in the PDF
        assert "甲" in text and "乙" in text


def test_browser_and_profile_are_gone_after_close(tmp_path: Path) -> None:
    printer = pdf_printer.Printer()
    printer.print_pdf(_page(tmp_path), tmp_path / "p.pdf")
    profile = printer.profile
    assert _processes_mentioning(profile)
    printer.close()
    assert _processes_mentioning(profile) == []
    assert not Path(profile).exists()


def test_browser_quits_when_its_python_process_is_killed(tmp_path: Path) -> None:
    code = ("import sys, time; from greenlib.report import pdf_printer; p = pdf_printer.Printer(); "
            f"p.print_pdf({str(_page(tmp_path))!r}, {str(tmp_path / 'k.pdf')!r}); "
            "print(p.profile, flush=True); time.sleep(600)")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    profile = proc.stdout.readline().strip() if proc.stdout else ""
    assert profile and _processes_mentioning(profile)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for _ in range(100):  # the closed pipe makes Chromium quit; give it up to 10 s
        if not _processes_mentioning(profile):
            break
        time.sleep(0.1)
    assert _processes_mentioning(profile) == []
    shutil.rmtree(profile, ignore_errors=True)  # a killed process cannot clean up after itself


def test_pages_make_no_requests(tmp_path: Path) -> None:
    proxy = _Proxy()
    try:
        with pdf_printer.Printer(proxy=f"127.0.0.1:{proxy.port}", resolve_nothing=False) as p:
            p.print_pdf(_page(tmp_path), tmp_path / "p.pdf")
            time.sleep(1)  # let a late background request reach the proxy
            assert proxy.seen == []
            # control: an external image on the page is seen by the same proxy
            leaky = _page(tmp_path, "leaky.html", '<img src="http://example.invalid/x.png">')
            p.print_pdf(leaky, tmp_path / "leaky.pdf")
        assert any("example.invalid" in line for line in proxy.seen)
    finally:
        proxy.sock.close()


def test_protocol_failure_falls_back_to_the_command_line(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self, *a, **k):  # type: ignore[no-untyped-def]
        raise pdf_printer.ProtocolError("synthetic failure")

    monkeypatch.setattr(pdf_printer.Printer, "print_pdf", broken)
    pdf = pdf_printer.print_pdf(_page(tmp_path), tmp_path / "fallback.pdf")
    assert "合成测试页面" in _text(pdf)
    assert pdf_printer._printer is None  # the broken browser was closed
