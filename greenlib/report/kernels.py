"""Kernels for report notebooks, started ahead of time in each build worker.

Every report used to start its own kernel and then import pandas, altair and greenlib in
its first cell (about 1.5 s before its first table). A :class:`KernelPool` keeps one
*warm* kernel ready per worker: started, and already through the imports every report
makes (:data:`WARM_CODE`, sent as a silent request that the kernel runs while the worker is
busy with the previous report's HTML and PDF). A report gets a kernel nobody has used: no
variable, no output and no execution count of another report can leak into it; the only
difference from a cold kernel is that the modules were imported a little earlier. The
kernel is shut down after its report (``mode="fresh"``).

``mode="reuse"`` keeps running reports in one kernel, clearing its namespace in between
(``%reset -f``), and ``mode="cold"`` starts each report's kernel when the report starts (no
warm-up ahead); both are kept for measuring only (``GREENPLAN_KERNEL_MODE``): the figures
in docs/performance.md show why ``fresh`` is the default.

Kernels talk over Unix sockets in a private folder (``transport="ipc"``) instead of TCP
ports: two workers starting kernels at the same moment cannot pick the same port, the race
of papermill issue #511 (``ZMQError: Address already in use``).
"""

from __future__ import annotations

import atexit
import os
import queue
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from .render import INJECT_ENV

#: Run silently in every new kernel before it is handed out: the imports of the reports'
#: first cell. (The Vega bundle is not read: build kernels only show its placeholder.)
WARM_CODE = (
    "import pandas, altair\n"
    "from greenlib.report import charts, helpers, progress, render\n"
)

#: What a build kernel's environment adds to the worker's: report notebooks then show a
#: placeholder for the Vega bundle and the HTML export inserts it (``render.inject_bundle``).
BUILD_ENV = {INJECT_ENV: "1"}


class BuildKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels get :data:`BUILD_ENV` (also after a restart).

    Every kernel of a build is one of these: the pool's, and the one nbclient starts itself
    when :func:`greenlib.report.execute.run_notebook` gets no kernel (its
    ``kernel_manager_class``), so pooled and cold runs give the same outputs.
    """

    async def start_kernel(self, **kw: Any) -> None:
        kw["env"] = {**(kw.get("env") or os.environ), **BUILD_ENV}
        await super().start_kernel(**kw)


#: Seconds a kernel may take to start and run :data:`WARM_CODE`.
WARM_TIMEOUT = 120


class _Warm:
    """A started kernel, its warm-up request in flight."""

    def __init__(self, folder: Path, cwd: str) -> None:
        self.cwd = cwd
        self.km = BuildKernelManager(kernel_name="python3", transport="ipc",
                                     ip=str(folder / f"k-{uuid.uuid4().hex[:8]}"))
        run_sync(self.km.start_kernel)(cwd=cwd)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.msg_id = self.kc.execute(WARM_CODE, silent=True, store_history=False)

    def ready(self) -> Any:
        """Wait until the warm-up ran; the kernel manager, for nbclient.

        The request was queued before the kernel was listening (ZeroMQ delivers it once the
        kernel binds its socket), so this waits for its reply only. No reply within
        :data:`WARM_TIMEOUT` is not fatal: nbclient then checks the kernel itself, and the
        report's first cell imports what it needs.
        """
        try:
            while True:
                reply = run_sync(self.kc.get_shell_msg)(timeout=WARM_TIMEOUT)
                if reply.get("parent_header", {}).get("msg_id") == self.msg_id:
                    break
        except queue.Empty:
            pass
        finally:
            self.kc.stop_channels()
        return self.km

    def shutdown(self) -> None:
        try:
            self.kc.stop_channels()
            if run_sync(self.km.is_alive)():
                run_sync(self.km.shutdown_kernel)(now=True)
        finally:
            run_sync(self.km.cleanup_resources)()


class KernelPool:
    """One warm kernel kept ready for the next report of this process."""

    def __init__(self, mode: str = "fresh") -> None:
        if mode not in ("fresh", "reuse", "cold"):
            raise ValueError(f"mode must be 'fresh', 'reuse' or 'cold', not {mode!r}")
        self.mode = mode
        self.folder = Path(tempfile.mkdtemp(prefix="greenplan-kernels-"))
        self._next: _Warm | None = None
        self._current: _Warm | None = None
        self.closed = False

    def prepare(self, cwd: str | Path) -> None:
        """Start a kernel for the next report now (it warms up in the background)."""
        if self.mode == "cold":  # no kernel ahead of time (measuring only)
            return
        if self._next is None and not (self.mode == "reuse" and self._current):
            self._next = _Warm(self.folder, str(cwd))

    def acquire(self, cwd: str | Path) -> Any:
        """The kernel manager the next report runs in (a warm kernel in ``cwd``)."""
        cwd = str(cwd)
        if self.mode == "reuse" and self._current and self._current.cwd == cwd:
            kc = self._current.km.client()
            kc.start_channels()
            try:
                msg_id = kc.execute("%reset -f", silent=True, store_history=False)
                while run_sync(kc.get_shell_msg)(timeout=WARM_TIMEOUT)["parent_header"].get(
                        "msg_id") != msg_id:
                    pass
            finally:
                kc.stop_channels()
            return self._current.km
        if self._current is not None:  # reuse mode, another folder
            self._current.shutdown()
            self._current = None
        if self._next is not None and self._next.cwd != cwd:
            self._next.shutdown()
            self._next = None
        if self._next is None:
            self._next = _Warm(self.folder, cwd)
        warm, self._next = self._next, None
        self._current = warm
        return warm.ready()

    def release(self, next_cwd: str | Path | None = None, failed: bool = False) -> None:
        """The report is done: shut its kernel down (``fresh``, or after a failure) and,
        when another report will follow, start warming its kernel in ``next_cwd``."""
        if (self.mode != "reuse" or failed) and self._current is not None:
            self._current.shutdown()
            self._current = None
        if next_cwd is not None and not self.closed:
            self.prepare(next_cwd)

    def close(self) -> None:
        """Shut every kernel down and remove the socket folder."""
        if self.closed:
            return
        self.closed = True
        for w in (self._current, self._next):
            if w is not None:
                try:
                    w.shutdown()
                except Exception:
                    pass
        self._current = self._next = None
        shutil.rmtree(self.folder, ignore_errors=True)


_pool: KernelPool | None = None


def pool(mode: str | None = None) -> KernelPool:
    """This process's pool (closed at exit). ``GREENPLAN_KERNEL_MODE`` picks the mode."""
    global _pool
    if _pool is None:
        _pool = KernelPool(mode or os.environ.get("GREENPLAN_KERNEL_MODE", "fresh"))
        atexit.register(_pool.close)
        try:
            from multiprocessing import util

            util.Finalize(None, _pool.close, exitpriority=10)
        except ImportError:
            pass
    return _pool


#: Reports of this build not yet started (shared by the workers; see :func:`init_worker`).
_remaining: Any = None


def init_worker(remaining: Any) -> None:
    """Pool initializer: ``remaining`` is a shared ``multiprocessing.Value`` counting the
    reports no worker has started yet, so a worker warms a kernel only if one will be used."""
    global _remaining
    _remaining = remaining


def report_started() -> None:
    if _remaining is not None:
        with _remaining.get_lock():
            _remaining.value -= 1


def more_to_come() -> bool:
    """True when a report of this build has not started yet (False outside a pool)."""
    return _remaining is not None and _remaining.value > 0
