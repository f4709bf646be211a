"""One long-lived headless Chromium that prints many HTML pages to PDF.

Starting Chromium costs about a second, paid once per report by ``chromium --print-to-pdf``
(:func:`greenlib.report.render.print_pdf`). A :class:`Printer` starts one Chromium (same
:data:`~greenlib.report.render.QUIET_FLAGS`, same dead proxy and empty host resolver, so a page
still makes zero requests) and talks to it over the DevTools protocol on a pair of pipes
(``--remote-debugging-pipe``: file descriptors 3 and 4, messages are JSON ending in NUL):
no port is opened, and Chromium quits when the pipes close, also when the Python process
dies. Pages are opened one after another in one tab; the PDF is printed once every chart has been drawn, with
page numbers “第 X 页 / 共 Y 页” in the footer. Where an orientation change left a page under a
quarter full (a portrait page holding one table row before a landscape table, a landscape page
holding the last rows of a long table), the cells around it are turned landscape in the open
page and it is printed again (:func:`page_turns`); the print with the fewest short pages is kept.

:func:`print_pdf` uses the process's printer (started on first use, closed at exit) and
falls back to the one-shot command line print if the protocol fails.
"""

from __future__ import annotations

import atexit
import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from ..errors import GreenlibError
from . import render

#: Footer of every PDF page; Chromium fills the pageNumber/totalPages spans.
FOOTER_TEMPLATE = (
    '<div style="width:100%;text-align:center;font-size:8px;color:#666;'
    "font-family:'Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif;\">"
    '第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页</div>'
)

#: True once every chart container holds its SVG (or vegaEmbed's error text) and the
#: fonts are loaded.
_READY_JS = (
    "document.readyState === 'complete' && document.fonts.status === 'loaded' && "
    "Array.from(document.querySelectorAll('.gp-chart')).every("
    "d => d.querySelector('svg') || d.textContent.trim().length > 0)"
)


#: Times a page is printed again after turning cells to fill a page left short by an
#: orientation change (:func:`page_turns`).
FILL_PASSES = 3

#: Turns cells of the page to landscape (class ``gp-turn``, see report.css) from the cell
#: holding an anchor text: ``before`` — that cell and the cells up to the next landscape one
#: (with the heading cell right before it); ``after`` — that cell and the cells up to and
#: including the next one with a table or chart. Returns how many cells it turned.
_TURN_JS = """
(function (turns) {
  const norm = s => s.replace(/\\s+/g, '');
  const text = c => {  // without the contents list, which repeats every heading
    let t = c.textContent;
    c.querySelectorAll('nav').forEach(n => { t = t.replace(n.textContent, ''); });
    return norm(t);
  };
  const cells = Array.from(document.querySelectorAll('main > .jp-Cell'))
    .filter(c => c.offsetParent !== null || c.getClientRects().length);
  const wide = c => c.classList.contains('gp-turn') || c.querySelector('table.gp-wide') !== null
    || getComputedStyle(c).page === 'wide';
  const heavy = c => c.querySelector('table, .gp-chart, img, .gp-cards') !== null;
  let n = 0;
  const turn = c => { if (!c.classList.contains('gp-turn')) { c.classList.add('gp-turn'); n++; } };
  for (const [kind, anchor] of turns) {
    const k = cells.findIndex(c => text(c).includes(anchor));
    if (k < 0) continue;
    if (kind === 'before') {
      let j = k;
      while (j < cells.length && !wide(cells[j])) { turn(cells[j]); j++; }
      let i = k - 1;  // the heading and text before it go along
      while (i >= 0 && cells[i].classList.contains('jp-MarkdownCell') && !wide(cells[i])) {
        turn(cells[i]);
        if (cells[i].querySelector('h1, h2, h3, h4')) break;
        i--;
      }
    } else {
      for (let j = k; j < cells.length && !wide(cells[j]); j++) {
        turn(cells[j]);
        if (heavy(cells[j])) break;
      }
    }
  }
  return n;
})(%s)
"""


def _line(words: list[Any], last: bool) -> list[Any]:
    """The words of the lowest (``last``) or highest line of a page, left to right (the
    order of ``pdftotext -bbox`` is not always the reading order)."""
    if not words:
        return []
    y = max(w.y1 for w in words) if last else min(w.y0 for w in words)
    line = [w for w in words if (abs(w.y1 - y) if last else abs(w.y0 - y)) <= 3]
    return sorted(line, key=lambda w: w.x0)


def page_turns(pdf: Path) -> list[tuple[str, str]]:
    """Where an orientation change left a page under :data:`pdfcheck.MIN_FILL`: (``before``,
    the last text of a short portrait page followed by a landscape one) — its content goes
    landscape too; (``after``, the first text of the portrait page after a short landscape
    one) — that content joins the landscape page."""
    from . import pdfcheck

    ps = pdfcheck.pages(pdf)
    turns = []
    for number, _ in pdfcheck.underfilled_pages(ps):
        page, nxt = ps[number - 1], ps[number]
        if not page.landscape and nxt.landscape:
            words, kind = _line(page.content_words(), last=True), "before"
        elif page.landscape and not nxt.landscape:
            words, kind = _line(nxt.content_words(), last=False), "after"
        else:
            continue
        anchor = "".join(w.text for w in words[:3])
        if anchor:
            turns.append((kind, anchor))
    return turns


def _high_fd(fd: int) -> int:
    """A copy of ``fd`` numbered 10 or above; ``fd`` is closed."""
    import fcntl

    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


class ProtocolError(GreenlibError):
    """Chromium did not answer as the DevTools protocol says it should."""


class Printer:
    """A headless Chromium driven over ``--remote-debugging-pipe``.

    Use as a context manager or call :meth:`close`; the browser and its profile folder are
    removed on close. ``net``: see :func:`greenlib.report.render.chromium_command` (the tests pass
    a logging proxy).
    """

    def __init__(self, timeout: float = 60.0, **net: Any) -> None:
        self.timeout = timeout
        self._id = 0
        self._buf = b""
        self._events: list[dict[str, Any]] = []
        self._session: str | None = None
        self.profile = tempfile.mkdtemp(prefix="greenplan-chromium-")
        # parent writes commands into to_child; the browser reads them on its fd 3 and
        # answers on its fd 4 (from_child)
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # the child's ends move above fd 9, so `3<&n 4>&m` below cannot clobber them
        to_child_r, from_child_w = (_high_fd(to_child_r), _high_fd(from_child_w))
        cmd = render.chromium_command("--remote-debugging-pipe", "about:blank",
                                      profile=self.profile, **net)
        # bash (sh allows single-digit fds only) puts the pipe ends on fds 3 and 4, closes
        # the originals and execs the browser; no preexec_fn, which is unsafe with threads
        shell = (f'exec "$@" 3<&{to_child_r} 4>&{from_child_w} '
                 f"{to_child_r}<&- {from_child_w}>&-")
        try:
            self.proc = subprocess.Popen(
                [shutil.which("bash") or "/bin/bash", "-c", shell, "bash", *cmd],
                pass_fds=(to_child_r, from_child_w),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                env={**os.environ, "HOME": self.profile}, start_new_session=True)
        except BaseException:
            for fd in (self._to_child, self._from_child):
                os.close(fd)
            shutil.rmtree(self.profile, ignore_errors=True)
            raise
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self._closed = False

    # ------------------------------------------------------------------ protocol

    def _send(self, method: str, params: dict[str, Any] | None = None,
              session: str | None = None) -> int:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            n = os.write(self._to_child, data)
            data = data[n:]
        return self._id

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ProtocolError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise ProtocolError("Chromium closed the DevTools pipe")
                self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None, timeout: float | None = None) -> dict[str, Any]:
        """Send one command and wait for its result (events meanwhile are kept)."""
        msg_id = self._send(method, params, session)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            msg = self._read_message(deadline)
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise ProtocolError(f"{method}: {msg['error'].get('message')}")
                return msg.get("result", {})
            if "method" in msg:
                self._events.append(msg)

    def _wait_event(self, method: str, session: str, deadline: float) -> dict[str, Any]:
        while True:
            for i, ev in enumerate(self._events):
                if ev.get("method") == method and ev.get("sessionId") == session:
                    return self._events.pop(i)
            msg = self._read_message(deadline)
            if "method" in msg:
                self._events.append(msg)

    # ------------------------------------------------------------------ printing

    def _tab(self) -> str:
        """The session of the tab every page is printed in (opened on first use; each
        navigation starts the page afresh)."""
        if self._session is None:
            target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            self._session = self.call("Target.attachToTarget",
                                      {"targetId": target, "flatten": True})["sessionId"]
            self.call("Page.enable", session=self._session)
        return self._session

    def print_pdf(self, html_path: str | Path, pdf_path: str | Path,
                  page_numbers: bool = True, fill_passes: int = FILL_PASSES) -> Path:
        """Open ``html_path``, wait until its charts are drawn, print it to ``pdf_path``;
        a page left under a quarter full by an orientation change is filled by turning the
        cells around it (``fill_passes`` more prints at most, see :meth:`_fill`)."""
        if self._closed:
            raise ProtocolError("the printer is closed")
        html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)
        deadline = time.monotonic() + self.timeout
        session = self._tab()
        self._events.clear()
        nav = self.call("Page.navigate", {"url": html_path.as_uri()}, session=session)
        if nav.get("errorText"):
            raise ProtocolError(f"Chromium could not open {html_path.name}: {nav['errorText']}")
        self._wait_event("Page.loadEventFired", session, deadline)
        while True:
            res = self.call("Runtime.evaluate", {"expression": _READY_JS, "returnByValue": True},
                            session=session)
            if res.get("result", {}).get("value") is True:
                break
            if time.monotonic() > deadline:
                raise ProtocolError(f"the charts of {html_path.name} were not drawn in time")
            time.sleep(0.05)
        opts: dict[str, Any] = {"preferCSSPageSize": True, "printBackground": False,
                                "generateDocumentOutline": bool(render.PDF_OUTLINE)}
        if page_numbers:
            opts.update(displayHeaderFooter=True, headerTemplate="<span></span>",
                        footerTemplate=FOOTER_TEMPLATE)
        data = self._print(session, opts, html_path)
        if fill_passes:
            data = self._fill(session, opts, html_path, data, fill_passes)
        self._events.clear()
        render.write_atomic(pdf_path, data)
        return pdf_path

    def _print(self, session: str, opts: dict[str, Any], html_path: Path) -> bytes:
        data = base64.b64decode(self.call("Page.printToPDF", opts, session=session)["data"])
        if len(data) < 1000:
            raise ProtocolError(f"Chromium printed an empty PDF for {html_path.name}")
        return data

    def _fill(self, session: str, opts: dict[str, Any], html_path: Path, data: bytes,
              passes: int) -> bytes:
        """Print again, up to ``passes`` times, with the cells around a page left short by
        an orientation change turned landscape (:func:`page_turns`); the print with the
        fewest short pages is kept (the first on a tie). Without poppler the first print
        stays."""
        from . import pdfcheck

        if not shutil.which("pdftotext"):
            return data
        with tempfile.TemporaryDirectory(prefix="greenplan-fill-") as tmp:
            def measure(pdf_bytes: bytes) -> tuple[int, list[tuple[str, str]]]:
                path = Path(tmp) / "page.pdf"
                path.write_bytes(pdf_bytes)
                return len(pdfcheck.underfilled_pages(pdfcheck.pages(path))), page_turns(path)

            best, turns = measure(data)
            for _ in range(passes):  # a turn may move the short page on: go on, keep the best
                if not turns or not best:
                    break
                res = self.call("Runtime.evaluate", {
                    "expression": _TURN_JS % json.dumps(turns, ensure_ascii=False),
                    "returnByValue": True}, session=session)
                if not res.get("result", {}).get("value"):
                    break
                again = self._print(session, opts, html_path)
                short, turns = measure(again)
                if short < best:
                    data, best = again, short
        return data

    # ------------------------------------------------------------------ lifetime

    def close(self) -> None:
        """Quit the browser (politely, then by force) and remove its profile."""
        if self._closed:
            return
        self._closed = True
        try:
            self._send("Browser.close")
        except OSError:
            pass
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, 9)  # its own session: the browser and its helpers
            except OSError:
                self.proc.kill()
            self.proc.wait(timeout=5)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_printer: Printer | None = None


def _close_printer() -> None:
    global _printer
    if _printer is not None:
        _printer.close()
        _printer = None


def start() -> None:
    """Start this process's printer now (Chromium then boots while other work runs)."""
    global _printer
    if _printer is None:
        try:
            _printer = Printer()
        except OSError:  # print_pdf falls back to the one-shot command line
            return
        atexit.register(_close_printer)
        try:  # worker processes of a pool exit through multiprocessing's finalizers
            from multiprocessing import util

            util.Finalize(None, _close_printer, exitpriority=10)
        except ImportError:
            pass


def print_pdf(html_path: str | Path, pdf_path: str | Path) -> Path:
    """Print with this process's long-lived Chromium; on any protocol failure restart it
    for the next page and print this one with the one-shot command line instead."""
    try:
        start()
        if _printer is None:
            raise ProtocolError("Chromium could not be started")
        return _printer.print_pdf(html_path, pdf_path)
    except (OSError, ProtocolError, ValueError, KeyError):
        _close_printer()
        return render.print_pdf(html_path, pdf_path)
