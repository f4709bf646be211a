"""The command line's error path and the build lock.

* :func:`os_error_message`: a file-system error (missing, unreadable, unwritable, a folder
  where a file was expected, a full or read-only disk) as one Chinese line naming the file
  and what to do.
* :func:`write_error_log`: a bug's traceback goes to ``build/greenplan-error.log`` (or the
  temporary folder when build/ is not writable); the user sees one line with its path.
* :func:`check_output_dir`: an output folder that is a file or cannot be written is refused
  before any work is done.
* :func:`staged_folder`: a command that rewrites a whole folder (``make data``'s
  ``build/<plan-id>/data/``) works in a copy beside it and swaps it in only when every stage
  succeeded; a failure (a bad plan.yaml, a bad monitoring file, a bug, Ctrl-C) leaves the
  folder exactly as it was, and copies left by killed runs are removed on the next run.
* :func:`build_lock`: one ``make data``/``make report``/``make publish`` at a time per
  build folder (``fcntl.flock`` on ``build/.lock``, holding the pid, command and start
  time); a second one says who holds it and waits (``GREENPLAN_LOCK_TIMEOUT`` seconds,
  default: as long as it takes). The lock dies with its process, so a killed build never
  leaves a stale lock behind.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import InputError

_WHAT_TO_DO = {
    errno.ENOENT: "不存在，请检查路径",
    errno.EACCES: "没有读写权限，请检查文件或文件夹的权限（或换一个位置）",
    errno.EPERM: "不允许此操作，请检查权限",
    errno.EISDIR: "是文件夹，这里需要文件",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹，请检查路径",
    errno.ENOSPC: "磁盘空间不足，请清理后重试",
    errno.EROFS: "位于只读文件系统，请换一个可写的位置",
    errno.EEXIST: "已存在",
    errno.ENAMETOOLONG: "路径过长",
    errno.EMFILE: "打开的文件过多，请稍后重试",
}


def is_disk_full(e: BaseException) -> bool:
    """An ENOSPC, also inside the list of errors ``shutil.copytree`` gathers."""
    import shutil

    if isinstance(e, shutil.Error) and e.args and isinstance(e.args[0], list):
        return any("[Errno 28]" in str(item) or "No space left" in str(item)
                   for item in e.args[0])
    return isinstance(e, OSError) and e.errno == errno.ENOSPC


def os_error_message(e: OSError) -> str:
    """One Chinese line for a file-system error: which file, what is wrong, what to do
    (never a Python tuple: ``shutil.copytree``'s list of failures is read for its first)."""
    import shutil

    if isinstance(e, shutil.Error) and e.args and isinstance(e.args[0], list) and e.args[0]:
        first = e.args[0][0]
        src, dst, why = [*first, "", "", ""][:3] if isinstance(first, tuple | list) \
            else ("", "", str(first))
        if is_disk_full(e):
            return f"{Path(str(dst)).parent}：磁盘空间不足（写入 {Path(str(dst)).name} 时），请清理后重试"
        more = f"（另有 {len(e.args[0]) - 1} 个文件也失败）" if len(e.args[0]) > 1 else ""
        return f"{dst or src}：复制失败：{why}{more}；请检查磁盘空间和权限"
    name = e.filename if e.filename is not None else ""
    if e.errno == errno.ENOSPC and name:
        return f"{Path(str(name)).parent}：磁盘空间不足（写入 {Path(str(name)).name} 时），请清理后重试"
    what = _WHAT_TO_DO.get(e.errno or -1, f"{e.strerror or e}（请检查文件或文件夹是否存在、能否读写）")
    return f"{name}：{what}" if name else what


def write_error_log(argv: list[str]) -> Path:
    """Write the current exception's traceback to build/greenplan-error.log; return its path."""
    from . import config

    text = (f"time: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}\n"
            f"command: {' '.join(argv)}\npython: {sys.version.split()[0]}\n\n"
            + traceback.format_exc())
    for folder in (config.BUILD, Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "greenplan-error.log"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return Path("(无法写入日志)")


def check_output_dir(out: Path) -> None:
    """Refuse an output folder that is a file, or that cannot be created or written."""
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: 已存在且是文件，不是文件夹；请给出一个文件夹作为输出位置")
    probe = out
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise InputError(f"{out}: 上级路径 {probe} 是文件，无法在其中建文件夹；请换一个输出位置")
    if probe.exists() and not os.access(probe, os.W_OK | os.X_OK):
        raise InputError(f"{probe}: 没有写入权限，无法写出结果；请检查权限或换一个输出位置")


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "另一个进程"
    return (f"进程 {info.get('pid', '?')}（{info.get('command', '?')}，"
            f"开始于 {info.get('started', '?')}）")


@contextmanager
def build_lock(build: Path, command: str, timeout: float | None = None) -> Iterator[None]:
    """Hold ``build/.lock`` while a command writes into the build folder."""
    import fcntl

    if timeout is None:
        env = os.environ.get("GREENPLAN_LOCK_TIMEOUT", "")
        timeout = float(env) if env.strip() else None
    try:
        build.mkdir(parents=True, exist_ok=True)
        fd = os.open(build / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise InputError(f"{build}: 构建目录无法写入（{os_error_message(e)}）；请检查权限，"
                         "或用环境变量 GREENPLAN_BUILD 指定另一个构建目录") from e
    path = build / ".lock"
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            who = _holder(path)
            if timeout is not None and timeout <= 0:
                raise InputError(f"{build}: 正被{who}使用；请等它结束后再运行") from None
            print(f"构建目录 {build} 正被{who}使用，等待其结束…", file=sys.stderr, flush=True)
            t0 = time.monotonic()
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if timeout is not None and time.monotonic() - t0 > timeout:
                        raise InputError(f"{build}: 等待 {timeout:.0f} 秒后仍被{who}使用；"
                                         "请等它结束后再运行") from None
                    time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({
            "pid": os.getpid(), "command": f"make {command}",
            "started": dt.datetime.now().astimezone().isoformat(timespec="seconds")},
            ensure_ascii=False).encode("utf-8"))
        yield
    finally:
        os.close(fd)  # releases the lock (as does the process dying)


# --------------------------------------------------------------------------- staged folders


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a copy it left is in use)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def exchange_dirs(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2 RENAME_EXCHANGE); False if the
    system cannot."""
    import ctypes
    import ctypes.util

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def swap_in(new: Path, dest: Path, tag: str) -> None:
    """Put the complete folder ``new`` in the place of ``dest`` (a sibling of it) and remove
    what ``dest`` held: one atomic exchange where the system has it, else two renames with
    the old folder parked as ``.<dest>.old-<tag>`` (what :func:`remove_stale_stages` clears
    if the process dies between them). Used by ``make data`` and ``make publish``."""
    import shutil

    if not dest.exists():
        os.rename(new, dest)
    elif exchange_dirs(new, dest):
        shutil.rmtree(new, ignore_errors=True)  # now holds the old folder
    else:
        old = dest.parent / f".{dest.name}.old-{tag}"
        os.rename(dest, old)
        os.rename(new, dest)
        shutil.rmtree(old, ignore_errors=True)


def remove_stale_stages(folder: Path) -> list[Path]:
    """Copies ``.<folder>.stage-<pid>-…`` / ``.old-…`` that dead processes left beside
    ``folder``."""
    import shutil

    removed = []
    if not folder.parent.exists():
        return removed
    for kind in ("stage", "old"):
        for p in folder.parent.glob(f".{folder.name}.{kind}-*"):
            pid = p.name.rsplit(f".{kind}-", 1)[1].split("-")[0]
            if pid.isdigit() and len(pid) < 8 and int(pid) != os.getpid() and pid_alive(int(pid)):
                continue
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


@contextmanager
def staged_folder(folder: Path) -> Iterator[Path]:
    """Yield a private copy of ``folder`` to write into; swap it in when the block ends
    without an exception, else throw it away (``folder`` is then untouched)."""
    import shutil
    import uuid

    remove_stale_stages(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    stage = folder.parent / f".{folder.name}.stage-{tag}"
    try:
        if folder.exists():
            shutil.copytree(folder, stage, symlinks=True)
        else:
            stage.mkdir()
        yield stage
        swap_in(stage, folder, tag)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)
