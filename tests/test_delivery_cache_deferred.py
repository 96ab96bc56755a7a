"""collect stores the cache entries of its load at the end, and none for the bytes it replaces.

The entries a load checks anew for a table the run may rewrite are kept
back until the run ends (those of the other tables are stored at once). A run
that rewrites a table (the values, the register) would otherwise store an
entry for bytes no later run reads (the national values table: 170 MB
written for nothing). The tables it leaves as they are get their entries;
a run that writes nothing (every workbook refused, a folder with errors)
keeps the entries of every table it read.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ogl_impact.delivery import cache as table_cache
from ogl_impact.delivery.tables import NEEDED, REGISTER
from ogl_impact.validate import find_tables
from tests import test_delivery_loop as loop
from tests.test_delivery_loop import C_VALUE, LAB, PERIOD, collect, filled

original, base, data = loop.original, loop.base, loop.data


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("OGL_IMPACT_CACHE", str(where))
    return where


def _entries(folder: Path) -> dict[str, bool]:
    """Whether the cache holds an entry for the present bytes of each table collect reads."""
    files, _ = find_tables(folder)
    out = {}
    for name, path in files.items():
        if name not in NEEDED + REGISTER:
            continue
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        key = table_cache.key("table", path, name, sha, str(path))
        out[name] = table_cache.load(folder, key) is not None
    return out


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.glob("*.csv")}


def test_no_entry_is_stored_for_the_bytes_a_run_replaces(
    base, data, original, tmp_path, cache, capsys
):
    before = _bytes(data)
    old = {name: hashlib.sha256(b).hexdigest() for name, b in before.items()}
    wb = filled(base, original, LAB, tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 0, text
    after = _bytes(data)
    replaced = {n.removesuffix(".csv") for n in before if after.get(n) != before[n]}
    assert "indicator_values" in replaced
    for name in replaced:  # the old bytes: no entry
        path = data / f"{name}.csv"
        key = table_cache.key("table", path, name, old[f"{name}.csv"], str(path))
        assert table_cache.load(data, key) is None, name
    kept = _entries(data)
    for name in ("labs", "indicators", "nodes", "periods", "sources"):
        assert kept[name], name  # the tables the run left alone: stored, for the next run


def test_a_run_that_refuses_every_workbook_keeps_every_entry(
    base, data, original, tmp_path, cache, capsys
):
    def spoil(book):
        book["Indikatorwerte"].cell(3, C_VALUE).value = "zwölf"

    wb = filled(base, original, LAB, tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx", spoil)
    before = _bytes(data)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 1 and "zwölf" in text
    changed = {n for n, b in _bytes(data).items() if before.get(n) != b}
    stored = _entries(data)
    for name, has in stored.items():
        if f"{name}.csv" not in changed:  # the register gains the refusal; the rest is as read
            assert has, name
    assert stored["indicator_values"]


def test_a_folder_with_errors_keeps_the_entries_of_what_it_read(
    base, data, original, tmp_path, cache, capsys
):
    labs = data / "labs.csv"
    lines = labs.read_text(encoding="utf-8").splitlines(keepends=True)
    labs.write_text("".join([*lines, lines[-1]]), encoding="utf-8")  # a lab twice: an error
    wb = filled(base, original, LAB, tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx")
    before = _bytes(data)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code != 0 and "labs" in text, text
    assert _bytes(data) == before  # nothing written
    stored = _entries(data)
    for name in ("labs", "indicators", "indicator_values", "nodes"):
        assert stored[name], name


def test_tables_a_run_never_writes_are_stored_at_once_the_others_wait(
    base, data, original, tmp_path, cache, monkeypatch
):
    """Stopped by Ctrl-C while the workbooks are checked: the labs are stored, the values not."""
    import pandas as pd

    import ogl_impact.delivery.collect as collect_module

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
        yield

    monkeypatch.setattr(collect_module, "check_workbooks", interrupted)
    wb = filled(base, original, LAB, tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx")
    with pytest.raises(KeyboardInterrupt):
        collect_module.collect([wb], data, received=pd.Timestamp("2023-01-20"))
    stored = _entries(data)
    for name in ("labs", "periods", "indicators", "nodes"):
        assert stored[name], name
    for name in collect_module._MAY_WRITE & set(stored):
        assert not stored[name], name
