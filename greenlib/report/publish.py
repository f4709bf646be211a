"""``make publish DEST=…``: copy the built sites to an intranet folder, atomically.

The published tree mirrors ``build/``: ``DEST/index.html`` (every plan) and
``DEST/<plan-id>/site/…`` for each plan, so every link of the index pages stays valid.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from .. import config, safety
from ..errors import GreenlibError
from .build import SITE_MARKER, Paths, load_reports, read_stamp

# one implementation, shared with make data's staged folders (greenlib/safety.py)
_alive = safety.pid_alive


def remove_stale_copies(dest: Path) -> list[Path]:
    """Remove the hidden ``.<dest>.tmp-*``/``.old-*`` copies a killed publish left beside
    ``dest`` (their names carry the publishing process's id; a live one is left alone)."""
    removed = []
    for kind in ("tmp", "old"):
        for p in dest.parent.glob(f".{dest.name}.{kind}-*"):
            pid = p.name.rsplit(f".{kind}-", 1)[1].split("-")[0]
            if pid.isdigit() and len(pid) < 8 and _alive(int(pid)) and int(pid) != os.getpid():
                continue
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


def check_publishable(paths: Paths) -> list[Any]:
    """Refuse (GreenlibError) unless every report of the plan built and the site is whole."""
    last = paths.cache / "last_build.json"
    if not last.exists() or not (paths.site / "index.html").exists():
        raise GreenlibError(f"{paths.root.name}: 没有可发布的报告，请先运行 make report")
    reports, problems = load_reports(paths)
    bad = sorted(problems)
    for r in reports:
        st = read_stamp(paths, r.name)
        if not st or not st.get("ok") or not (paths.site / f"{r.name}.html").exists():
            bad.append(r.name)
    if bad:
        raise GreenlibError(f"{paths.root.name}: 上次构建失败或缺少报告：{', '.join(bad)}；"
                            "请修正后重新运行 make report 再发布")
    return reports


def publish(dest: str | Path, plans: list[Any], build_root: Path | None = None) -> Path:
    """Copy ``build/index.html`` and each plan's site to ``dest`` atomically.

    ``plans``: Plan objects or their build :class:`Paths`. The tree is copied to a temporary
    sibling of ``dest`` and then swapped in with one atomic rename (an exchange when ``dest``
    exists), so readers see the old site or the new one, never a mix. An existing ``dest`` is
    only replaced if it is a greenplan site.
    """
    all_paths = [p if isinstance(p, Paths) else Paths.for_plan(p) for p in plans]
    if Path(dest).expanduser().absolute().parent.exists():
        # first of all, whatever happens next: copies a killed publish left beside DEST
        remove_stale_copies(Path(dest).expanduser().absolute())
    for p in all_paths:
        check_publishable(p)
    root = build_root or config.BUILD
    index = root / "index.html"
    if not index.exists():
        raise GreenlibError(f"{index}: 不存在，请先运行 make report")
    dest = Path(dest).expanduser().absolute()
    build = root.resolve()
    if dest.resolve() == build or build in dest.resolve().parents or dest.resolve() in build.parents:
        raise GreenlibError(f"DEST {dest} 与构建目录 {build} 重叠")
    if dest.exists():
        if not dest.is_dir():
            raise GreenlibError(f"DEST {dest} 已存在且不是文件夹")
        if any(dest.iterdir()) and not (dest / SITE_MARKER).exists():
            raise GreenlibError(f"DEST {dest} 已存在且不是 greenplan 发布的站点（没有 {SITE_MARKER}），"
                                "拒绝覆盖")
    dest.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_copies(dest)
    tmp = dest.parent / f".{dest.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        tmp.mkdir()
        from .site import ROOT_FILES

        extra = [n for n in ROOT_FILES if (root / n).is_file()]
        for name in extra:
            shutil.copy2(root / name, tmp / name)
        for p in all_paths:
            shutil.copytree(p.site, tmp / p.root.name / "site")
        (tmp / SITE_MARKER).write_text("greenplan site\n", encoding="utf-8")
        want = sorted([*map(Path, extra), Path(SITE_MARKER)] + [
            Path(p.root.name) / "site" / f.relative_to(p.site)
            for p in all_paths for f in p.site.rglob("*") if f.is_file()])
        copied = sorted(f.relative_to(tmp) for f in tmp.rglob("*") if f.is_file())
        if copied != want:
            raise GreenlibError("站点复制不完整，未发布任何内容")
        safety.swap_in(tmp, dest, f"{os.getpid()}-{uuid.uuid4().hex[:8]}")
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        if safety.is_disk_full(e):  # a copytree error is a list of tuples: say it in one line
            raise GreenlibError(f"{dest.parent}: 磁盘空间不足，发布未完成（原站点保持不变）；"
                                "请清理后重试") from None
        raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    n = len(list(dest.rglob("*.html")))
    print(f"published {n} page(s) of {len(all_paths)} plan(s) to {dest}")
    return dest
