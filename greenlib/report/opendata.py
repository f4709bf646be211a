"""Open data: ``site/data/`` holds every contract CSV of the plan, a ``datapackage.json``
(Frictionless Data Package: Chinese titles and descriptions, field types, primary and
foreign keys) and one zip of all of it (下载全部数据), as Open SDG sites publish theirs.

Written by the report stage from the data folder alone. Field types are read off the data
(integer, number, boolean, else string), so a new column or a new contract file is
described without a code change; keys are declared here, where the contract's meaning is
known. The zip is byte-identical for the same data (fixed entry times — the as-of date —,
sorted entries, fixed permissions).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from .. import contract, labels
from .atomic import write_atomic

#: Folder of a plan's site holding the open data, and the name of its zip.
DATA_DIR = "data"
PACKAGE = "datapackage.json"

#: Primary keys of the contract tables.
PRIMARY_KEYS: dict[str, list[str]] = {
    contract.TASKS: ["task_id"],
    contract.TASK_UNITS: ["task_id", "unit"],
    contract.UNITS: ["unit"],
    contract.TARGETS: ["target_id"],
    contract.STATUS: ["target_id"],
    contract.TASK_STATUS: ["task_id"],
    contract.GOALS: ["goal_id"],
    contract.SECTORS: ["sector"],
    contract.ALIGNMENT: ["target_id"],
    contract.UNIT_STATUS: ["unit"],
    contract.TASK_HISTORY: ["task_id", "round"],
    contract.TARGET_HISTORY: ["target_id", "round"],
}
#: Foreign keys: (table, fields) → (referenced table, fields).
FOREIGN_KEYS: list[tuple[str, list[str], str, list[str]]] = [
    (contract.TASKS, ["lead_unit"], contract.UNITS, ["unit"]),
    (contract.TASKS, ["sector"], contract.SECTORS, ["sector"]),
    (contract.TASK_UNITS, ["task_id"], contract.TASKS, ["task_id"]),
    (contract.TASK_UNITS, ["unit"], contract.UNITS, ["unit"]),
    (contract.TARGETS, ["sector"], contract.SECTORS, ["sector"]),
    (contract.STATUS, ["target_id"], contract.TARGETS, ["target_id"]),
    (contract.TASK_STATUS, ["task_id"], contract.TASKS, ["task_id"]),
    (contract.OBSERVATIONS, ["target_id"], contract.TARGETS, ["target_id"]),
    (contract.ALIGNMENT, ["target_id"], contract.TARGETS, ["target_id"]),
    (contract.UNIT_STATUS, ["unit"], contract.UNITS, ["unit"]),
    (contract.TASK_HISTORY, ["task_id"], contract.TASKS, ["task_id"]),
    (contract.TARGET_HISTORY, ["target_id"], contract.TARGETS, ["target_id"]),
]
#: Columns whose type the contract fixes (also when a plan's table is empty, e.g. a plan
#: without an annex has no tasks); every other column's type is read off the data.
DECLARED_TYPES: dict[str, str] = {
    "task_id": "integer", "position": "integer", "n_lead": "integer", "n_co": "integer",
    "n_tasks": "integer", "raw_start": "integer", "raw_end": "integer", "order": "integer",
}
_INT = re.compile(r"-?\d+")
_NUM = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|nan|inf|-inf")


def csv_files(data_dir: Path) -> list[str]:
    """The contract CSVs present in a data folder, in the contract's order."""
    names = [n for n in (*contract.CLEAN_FILES, *contract.MONITOR_FILES) if n.endswith(".csv")]
    return [n for n in dict.fromkeys(names) if (data_dir / n).exists()]


def field_type(values: list[str]) -> str:
    """The Table Schema type all non-empty ``values`` fit (string when none is given)."""
    vals = [v for v in values if v != ""]
    if not vals:
        return "string"
    if all(v in ("True", "False") for v in vals):
        return "boolean"
    if all(_INT.fullmatch(v) for v in vals):
        return "integer"
    if all(_NUM.fullmatch(v) for v in vals) and not all(v in ("nan", "inf", "-inf") for v in vals):
        return "number"
    return "string"


def _schema(name: str, path: Path, present: set[str]) -> dict[str, Any]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    titles = labels.HEADERS.get(name, {})
    fields = []
    for i, col in enumerate(header):
        fld: dict[str, Any] = {"name": col, "title": titles.get(col, col),
                               "type": DECLARED_TYPES.get(col) or field_type(
                                   [r[i] if i < len(r) else "" for r in body])}
        if fld["type"] == "number":
            fld["bareNumber"] = True
        fields.append(fld)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    keys = [k for k in PRIMARY_KEYS.get(name, []) if k in header]
    if keys and keys == PRIMARY_KEYS[name]:
        schema["primaryKey"] = keys
    fks = [{"fields": f, "reference": {"resource": _resource_name(ref), "fields": rf}}
           for t, f, ref, rf in FOREIGN_KEYS
           if t == name and ref in present and all(c in header for c in f)]
    if fks:
        schema["foreignKeys"] = fks
    return schema


def _resource_name(file: str) -> str:
    return Path(file).stem.replace("_", "-")


def package(data_dir: Path, files: list[str]) -> dict[str, Any]:
    """The datapackage.json of ``files`` (CSV names of ``data_dir``)."""
    meta = _plan(data_dir)
    present = set(files)
    resources = []
    for name in files:
        title, description = labels.DATA_FILES.get(name, (labels.SHEETS.get(name, name), ""))
        resources.append({
            "name": _resource_name(name), "path": name, "title": title,
            "description": description, "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "schema": _schema(name, data_dir / name, present)})
    title = meta.get("title") or meta.get("short_title") or data_dir.parent.name
    return {
        "name": re.sub(r"[^a-z0-9._-]+", "-", data_dir.parent.name.lower()).strip("-") or "plan",
        "title": labels.PACKAGE_TITLE.format(plan=title),
        "description": labels.PACKAGE_DESCRIPTION.format(
            plan=title, number=meta.get("document_number") or "", as_of=meta.get("as_of") or ""),
        "version": _version(data_dir),
        "created": f"{meta.get('as_of') or '2000-01-01'}T00:00:00Z",
        "resources": resources,
    }


def _plan(data_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((data_dir / contract.PLAN).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _version(data_dir: Path) -> str:
    from .version import data_version

    return data_version(data_dir)


def zip_name(plan_id: str) -> str:
    return f"{plan_id}-data.zip"


def _zip_bytes(entries: dict[str, bytes], as_of: str | None) -> bytes:
    """A deterministic zip: sorted entries, each dated ``as_of`` (00:00), mode 0644."""
    try:
        y, m, d = (int(x) for x in str(as_of).split("-"))
        when = (max(1980, y), m, d, 0, 0, 0)
    except (TypeError, ValueError):
        when = (1980, 1, 1, 0, 0, 0)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            z.writestr(info, entries[name])
    return buf.getvalue()


def write_open_data(data_dir: Path, site: Path, plan_id: str) -> Path:
    """``site/data/``: the CSVs, datapackage.json and the zip of both. Returns the zip."""
    out = site / DATA_DIR
    files = csv_files(data_dir)
    pkg = package(data_dir, files)
    entries = {name: (data_dir / name).read_bytes() for name in files}
    entries[PACKAGE] = (json.dumps(pkg, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    for name, data in entries.items():
        write_atomic(out / name, data)
    for old in out.glob("*.csv"):  # a file the contract no longer has
        if old.name not in entries:
            old.unlink()
    target = out / zip_name(plan_id)
    write_atomic(target, _zip_bytes(entries, _plan(data_dir).get("as_of")))
    return target
