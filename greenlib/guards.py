"""Guards on files that come from users, checked before a parser sees them (issue 21).

Every input is untrusted: plan folders are edited by hand, returns come from many offices.

* :func:`check_office_zip`: an .xlsx/.docx is a zip. A *zip bomb* posing as one (a few KB
  that unpack to gigabytes) is refused from its directory and, for entries whose declared
  size lies, by unpacking at most :data:`MAX_UNPACKED` bytes, before openpyxl or
  python-docx opens it: entry count, total unpacked size and compression ratio. An
  *encrypted* workbook (Excel's "用密码进行加密" stores it as an OLE compound file with an
  EncryptionInfo stream) is named as such, with how to save it without a password.
* :func:`load_yaml`: YAML from a plan folder (plan.yaml, plans.yaml, corrections.yaml,
  params/*.yaml) with aliases bounded (:data:`MAX_YAML_ALIASES`): an alias bomb ("billion
  laughs") is refused in one line within milliseconds instead of exhausting memory.
* :func:`display_name`: a file name that is not valid UTF-8 (a Windows zip unpacked on
  Linux gives GBK bytes) as text that can be shown and written: its GB18030 reading when
  there is one, else the UTF-8 reading with replacement characters.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

#: An .xlsx/.docx from a user: at most this many entries …
MAX_ZIP_ENTRIES = 5_000
#: … this many bytes once unpacked (all entries together; a full return is < 1 MB) …
MAX_UNPACKED = 200 * 1024 * 1024
#: … and no entry larger than 1 MB unpacked that is compressed more than this (XML of a
#: real workbook compresses 5–30×; deflate's ceiling, a bomb's, is ~1000×).
MAX_RATIO = 200
#: A YAML file of a plan folder may use this many aliases (``*name``) at most.
MAX_YAML_ALIASES = 20
#: A YAML file of a plan folder is at most this large.
MAX_YAML_BYTES = 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_HOW = ("文件设置了打开密码（已加密），无法读取；请在 Excel（或 WPS）中打开，"
                 "“文件 → 信息 → 保护工作簿 → 用密码进行加密”，清空密码并确定，保存为 .xlsx 后重新报送")


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def check_office_zip(path: Path, label: str | None = None, kind: str = ".xlsx") -> None:
    """Refuse (InputError, one Chinese line naming ``label``) an .xlsx/.docx that is
    encrypted, not a zip, or a zip bomb; return quietly for one a parser may open."""
    label = label or str(path)
    with open(path, "rb") as f:
        head = f.read(8)
    if head == OLE_MAGIC:
        data = path.read_bytes()[:1 << 20]
        if "EncryptionInfo".encode("utf-16-le") in data or b"EncryptedPackage" in data or \
                "EncryptedPackage".encode("utf-16-le") in data:
            raise InputError(f"{label}: {ENCRYPTED_HOW}")
        raise InputError(f"{label}: 是旧版 Office 二进制文件（.xls/.doc），不是 {kind}；"
                         f"请用 Office 另存为 {kind} 后重新放入")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise InputError(f"{label}: 无法作为 {kind} 读取（不是有效的压缩包：{e}）；"
                         f"请用 Office 另存为 {kind} 后重新放入") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise InputError(f"{label}: 压缩包内有 {len(infos)} 个条目（{kind} 通常不到 100 个），"
                             "疑似恶意构造的文件，已拒绝；请用 Office 重新另存后放入")
        total = sum(i.file_size for i in infos)
        if total > MAX_UNPACKED:
            raise InputError(f"{label}: 解压后将达 {_mb(total)}（上限 {_mb(MAX_UNPACKED)}），"
                             "疑似压缩炸弹，已拒绝；请检查文件来源，或用 Office 重新另存后放入")
        for i in infos:
            if i.file_size > 1 << 20 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                raise InputError(f"{label}: 条目 {i.filename} 压缩比 "
                                 f"{i.file_size / max(i.compress_size, 1):.0f} 倍，疑似压缩炸弹，"
                                 "已拒绝；请检查文件来源，或用 Office 重新另存后放入")
        # the sizes above are what the file declares; unpack for real, up to the limit
        left = MAX_UNPACKED
        for i in infos:
            if i.is_dir():
                continue
            try:
                with zf.open(i) as member:
                    while chunk := member.read(1 << 20):
                        left -= len(chunk)
                        if left < 0:
                            raise InputError(f"{label}: 解压后超过 {_mb(MAX_UNPACKED)}（文件声明的"
                                             "大小与内容不符），疑似压缩炸弹，已拒绝")
            except InputError:
                raise
            except RuntimeError as e:  # an encrypted zip entry
                raise InputError(f"{label}: {ENCRYPTED_HOW}（{e}）") from None
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
                raise InputError(f"{label}: {kind} 文件已损坏（{i.filename}：{e}）；"
                                 f"请用 Office 另存为 {kind} 后重新放入") from None


# --------------------------------------------------------------------------- YAML


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that counts aliases while composing and stops past the limit."""

    aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_YAML_ALIASES:
                raise _TooManyAliases
        return super().compose_node(parent, index)


class _TooManyAliases(Exception):
    pass


def load_yaml(text: str, label: str) -> Any:
    """``yaml.safe_load`` of ``text`` with aliases and size bounded; a bad or hostile file is
    an InputError naming ``label`` (one Chinese line)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_YAML_BYTES:
        raise InputError(f"{label}: 文件过大（超过 {_mb(MAX_YAML_BYTES)}），不是正常的配置文件")
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    except _TooManyAliases:
        raise InputError(f"{label}: YAML 别名（*引用）超过 {MAX_YAML_ALIASES} 个，疑似恶意构造的"
                         "“别名炸弹”，已拒绝；请直接写出各项的值，不用 & 锚点和 * 引用") from None
    except RecursionError:
        raise InputError(f"{label}: YAML 嵌套过深，不是正常的配置文件") from None
    except (yaml.YAMLError, ValueError) as e:  # ValueError: a date such as 2025-13-45
        raise InputError(f"{label}: 不是有效的 YAML：{' '.join(str(e).split())}") from None
    finally:
        loader.dispose()


def read_yaml(path: Path, label: str | None = None) -> Any:
    """:func:`load_yaml` of a file (UTF-8; size checked before reading)."""
    label = label or str(path)
    if path.stat().st_size > MAX_YAML_BYTES:
        raise InputError(f"{label}: 文件过大（超过 {_mb(MAX_YAML_BYTES)}），不是正常的配置文件")
    return load_yaml(read_utf8(path, label), label)


# --------------------------------------------------------------------------- text files


def guess_encoding(raw: bytes) -> str:
    """What a text that is not UTF-8 appears to be in (for the message only)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16（Excel 的“Unicode 文本”）"
    for codec, name in (("gb18030", "GBK/GB18030"), ("big5", "Big5（繁体中文）"),
                        ("shift_jis", "Shift_JIS（日文）")):
        try:
            raw.decode(codec)
            return name
        except UnicodeDecodeError:
            continue
    return "无法识别的编码"


def read_utf8(path: Path, label: str | None = None) -> str:
    """A plan folder's text file (UTF-8, BOM or not); another encoding is refused in one
    Chinese line naming the file and the encoding it appears to be in."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{label or path}: 文件编码看起来是 {guess_encoding(raw)}，不是 UTF-8"
                         f"（第 {e.start + 1} 字节起无法按 UTF-8 解码）；请另存为 UTF-8"
                         "（Excel：“CSV UTF-8（逗号分隔）”）") from None


def read_plan_csv(path: Path, **kw: Any) -> Any:
    """``pandas.read_csv`` of a plan folder's reference table, through :func:`read_utf8`."""
    import io

    import pandas as pd

    return pd.read_csv(io.StringIO(read_utf8(path)), **kw)


# --------------------------------------------------------------------------- file names


def display_name(name: str) -> tuple[str, bool]:
    """(a name that can be shown and written as UTF-8, whether the bytes were not UTF-8).

    Python gives an undecodable file name as surrogate escapes; those bytes are read as
    GB18030 (what a Windows zip holds) when that works, else with U+FFFD replacements."""
    try:
        name.encode("utf-8")
        return name, False
    except UnicodeEncodeError:
        raw = os.fsencode(name)
    try:
        return raw.decode("gb18030"), True
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace"), True


def replacement_form(name: str) -> str:
    """The name as UTF-8 with U+FFFD for each byte that is not UTF-8 (for messages)."""
    return os.fsencode(name).decode("utf-8", "replace")
