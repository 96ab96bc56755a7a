"""collect's table cache and the copying of stored lines change no result.

The cache (:mod:`ogl_impact.delivery.cache`) keeps the checked tables
outside the data folder, keyed by the files' bytes and the checking code:
an entry for other bytes or other code is never used, a broken entry is
ignored, ``OGL_IMPACT_CACHE=off`` disables it, it is never in the data
folder, and a cache that cannot be written fails no run. To see that an
entry is really used, the tests plant a false one (a problem that the
table does not have) and look for it.

``write_table`` copies the stored lines of kept rows; its files must be the
bytes ``write_tables`` writes for the same typed table.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ogl_impact.delivery import cache as table_cache
from ogl_impact.delivery import csvout
from ogl_impact.delivery.collect import LINE_BLOCK, _as_text_frame
from ogl_impact.delivery.tables import load_tables
from ogl_impact.io import read_table
from ogl_impact.problems import make_problem
from ogl_impact.schemas import TABLES
from ogl_impact.validate import validate_table
from ogl_impact.write.tables import write_tables

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("OGL_IMPACT_CACHE", str(where))
    return where


def _plant(data: Path, name: str) -> None:
    """Store for the table's present bytes an entry that carries a problem it does not have."""
    path = data / f"{name}.csv"
    raw = read_table(path, name)
    frame, problems = validate_table(raw, TABLES[name])
    fake = make_problem(path.name, "table_missing", table="aus_dem_cache")
    entry = table_cache.key("table", path, name, raw.sha256, str(path))
    table_cache.store(data, entry, (raw, frame, [*problems, fake]))


def _planted(tables) -> bool:
    return any("aus_dem_cache" in p.message("de") for p in tables.problems)


def _table(data: Path, name: str) -> pd.DataFrame:
    return validate_table(read_table(data / f"{name}.csv", name), TABLES[name])[0]


def test_a_warm_load_gives_what_a_cold_load_gives(mini, cache):
    cold = load_tables(mini)  # no cache at all
    first = load_tables(mini, cache=True)  # fills it
    assert list(cache.rglob("*.pickle"))
    warm = load_tables(mini, cache=True)
    for got in (first, warm):
        assert list(got.tables) == list(cold.tables)
        for name, frame in cold.tables.items():
            pd.testing.assert_frame_equal(got.tables[name], frame)
            pd.testing.assert_frame_equal(got.raw[name].frame, cold.raw[name].frame)
            assert got.raw[name].sha256 == cold.raw[name].sha256
        assert [p.message("de") for p in got.problems] == [p.message("de") for p in cold.problems]


def test_an_entry_is_used_for_the_same_bytes_and_never_for_others(mini, cache):
    _plant(mini, "labs")
    assert _planted(load_tables(mini, cache=True))  # the entry is really read
    path = mini / "labs.csv"
    path.write_bytes(path.read_bytes() + b"\n")  # a blank line: other bytes, same table
    assert not _planted(load_tables(mini, cache=True))


def test_an_entry_of_other_checking_code_is_never_used(mini, cache, monkeypatch):
    _plant(mini, "labs")
    monkeypatch.setattr(table_cache, "fingerprint", lambda: "a newer version of the rules")
    assert not _planted(load_tables(mini, cache=True))


def test_an_entry_of_a_file_elsewhere_is_never_used(mini, cache, tmp_path):
    _plant(mini, "labs")
    other = tmp_path / "copy"
    shutil.copytree(mini, other)  # the same bytes in another folder: messages name that file
    assert not _planted(load_tables(other, cache=True))


def test_a_corrupt_entry_is_ignored_and_replaced(mini, cache):
    load_tables(mini, cache=True)
    entries = sorted(cache.rglob("*.pickle"))
    assert entries
    for path in entries:
        path.write_bytes(b"kein pickle")
    cold = load_tables(mini)
    got = load_tables(mini, cache=True)
    assert not got.errors and list(got.tables) == list(cold.tables)
    for name, frame in cold.tables.items():
        pd.testing.assert_frame_equal(got.tables[name], frame)
    assert all(p.read_bytes() != b"kein pickle" for p in entries)  # written anew


def test_an_entry_others_may_write_is_not_read(mini, cache):
    _plant(mini, "labs")
    for path in cache.rglob("*.pickle"):
        path.chmod(0o666)
    assert not _planted(load_tables(mini, cache=True))


def test_off_disables_the_cache(mini, tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg"))
    for value in ("off", "0", "OFF"):
        monkeypatch.setenv("OGL_IMPACT_CACHE", value)
        assert table_cache.cache_dir(mini) is None
        load_tables(mini, cache=True)
        assert not home.exists()
    monkeypatch.delenv("OGL_IMPACT_CACHE")
    assert table_cache.cache_dir(mini) == home / "xdg" / "ogl-impact" / "tables"


def test_on_keeps_the_cache_where_it_would_be(mini, tmp_path, monkeypatch):
    # OGL_IMPACT_CACHE=on once made a folder "on" (and its tables) wherever the command ran
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg"))
    monkeypatch.chdir(tmp_path)
    for value in ("on", "1", "TRUE", " yes "):
        monkeypatch.setenv("OGL_IMPACT_CACHE", value)
        assert table_cache.cache_dir(mini) == home / "xdg" / "ogl-impact" / "tables"
    load_tables(mini, cache=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [mini.name, "home"] if mini.parent == tmp_path else ["home"]
    )


def test_the_cache_is_never_in_the_data_folder(mini, monkeypatch):
    before = sorted(p.relative_to(mini) for p in mini.rglob("*"))
    for inside in (mini, mini / "cache"):
        monkeypatch.setenv("OGL_IMPACT_CACHE", str(inside))
        assert table_cache.cache_dir(mini) is None
        load_tables(mini, cache=True)
        assert sorted(p.relative_to(mini) for p in mini.rglob("*")) == before


def test_a_run_whose_cache_cannot_be_written_still_succeeds(mini, tmp_path, monkeypatch):
    blocker = tmp_path / "a_file"
    blocker.write_text("kein Ordner")
    monkeypatch.setenv("OGL_IMPACT_CACHE", str(blocker / "cache"))  # mkdir fails
    got = load_tables(mini, cache=True)
    assert not got.errors
    pd.testing.assert_frame_equal(got.tables["labs"], load_tables(mini).tables["labs"])


def test_collect_with_a_broken_cache_writes_what_it_writes_without_one(tmp_path, monkeypatch):
    """A revision collected with no cache, an unwritable one, a cold and a warm one: same files."""
    from ogl_impact.cli import main
    from tests import test_delivery_rev as rev

    base = tmp_path / "base"
    shutil.copytree(rev.RAW, base, ignore=shutil.ignore_patterns("truth"))
    monkeypatch.setenv("OGL_IMPACT_CACHE", "off")
    book = rev._edit(
        rev._template(base, tmp_path / "t"), tmp_path / "in" / "b.xlsx", 77, "gemessen"
    )
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    results = []
    for setting in ("off", str(blocker / "cache"), str(tmp_path / "c"), str(tmp_path / "c")):
        monkeypatch.setenv("OGL_IMPACT_CACHE", setting)
        data = tmp_path / "data"
        shutil.rmtree(data, ignore_errors=True)
        shutil.copytree(base, data)
        args = ["collect", str(book), "--data", str(data), "--received", "2023-01-20"]
        assert main(args) == 0
        results.append({p.name: p.read_bytes() for p in sorted(data.glob("*.csv"))})
    assert results[0] == results[1] == results[2] == results[3]
    assert results[0]["indicator_values.csv"] != (base / "indicator_values.csv").read_bytes()
    assert list((tmp_path / "c").rglob("*.pickle"))
    assert not (blocker.parent / "cache").exists()


# --- copying the stored lines of kept rows ---------------------------------------


def _stored(tmp_path: Path, sep: str, edit=None) -> tuple[Path, object, pd.DataFrame]:
    """indicator_values of data/raw written as collect writes it (optionally edited), read back."""
    raw = read_table(RAW / "indicator_values.csv", "indicator_values")
    typed = validate_table(raw, TABLES["indicator_values"])[0]
    folder = tmp_path / f"stored{sep == ';'}"
    path = write_tables({"indicator_values": _as_text_frame(typed)}, folder, "x", sep=sep)[0]
    if edit is not None:
        path.write_bytes(edit(path.read_bytes()))
    raw = read_table(path, "indicator_values")
    return path, raw, validate_table(raw, TABLES["indicator_values"])[0]


def _merged(raw, typed: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Drop a few stored rows, change one in place, add rows at the end (as a merge does)."""
    n = len(typed)
    keep = np.ones(n, dtype=bool)
    keep[[3, 4, 10]] = False
    text = raw.frame.astype(str)
    t_typed = typed.copy()
    lines = np.asarray(raw.lines).copy()
    text.loc[7, "value"], t_typed.loc[7, "value"] = "1234.5", 1234.5  # changed, same place
    lines[7] = LINE_BLOCK + 7
    added_text = text.iloc[:5].assign(period_id="q99", value="0.25")
    added_typed = t_typed.iloc[:5].assign(period_id="q99", value=0.25)
    text = pd.concat([text[keep], added_text], ignore_index=True).astype("category")
    t_typed = pd.concat([t_typed[keep], added_typed], ignore_index=True)
    lines = np.concatenate([lines[keep], LINE_BLOCK * 2 + np.arange(5)])
    return t_typed, text, lines


def _quote_one(data: bytes) -> bytes:
    lines = data.split(b"\n")
    lines[5] = b'"' + lines[5][:3] + b'"' + lines[5][3:]  # a quoted cell: "lab_id" text the same
    return b"\n".join(lines)


def _blanks(data: bytes) -> bytes:
    lines = data.split(b"\n")
    for i in (6, 9, 12):
        lines[i] = lines[i] + b" "  # a blank after the last cell: read as the same text
    return b"\n".join(lines)


EDITS = {  # how the stored file differs from what write_tables writes, and whether lines are copied
    "as_written": (None, True),
    "a_quote": (_quote_one, True),
    "blanks": (_blanks, True),
    "crlf": (lambda b: b.replace(b"\n", b"\r\n"), False),
}


@pytest.mark.parametrize("sep", [",", ";"])
@pytest.mark.parametrize("edit", list(EDITS))
def test_write_table_gives_the_bytes_of_write_tables(tmp_path, monkeypatch, sep, edit):
    change, copies = EDITS[edit]
    path, raw, typed = _stored(tmp_path, sep, change)
    merged, text, lines = _merged(raw, typed)
    copied = []
    real = csvout._copy_stored

    def spy(*args, **kwargs):
        copied.append(real(*args, **kwargs))
        return copied[-1]

    monkeypatch.setattr(csvout, "_copy_stored", spy)
    target = tmp_path / "out.csv"
    assert csvout.write_table(
        target, merged, text, lines, path, raw.sha256, raw.lines, "x", sep, _as_text_frame
    )
    expected = write_tables({"t": _as_text_frame(merged)}, tmp_path / "slow", "x", sep=sep)[0]
    assert target.read_bytes() == expected.read_bytes()
    assert copied == [copies]


def test_write_table_copies_no_line_of_other_bytes(tmp_path):
    """A stored file changed after loading (other sha256): every row formatted."""
    path, raw, typed = _stored(tmp_path, ",")
    merged, text, lines = _merged(raw, typed)
    path.write_bytes(path.read_bytes().replace(b"measured", b"MEASURED"))
    target = tmp_path / "out.csv"
    csvout.write_table(
        target, merged, text, lines, path, raw.sha256, raw.lines, "x", ",", _as_text_frame
    )
    expected = write_tables({"t": _as_text_frame(merged)}, tmp_path / "slow", "x", sep=",")[0]
    assert target.read_bytes() == expected.read_bytes()
    assert b"MEASURED" not in target.read_bytes()


def test_the_cache_folder_is_private(mini, cache):
    load_tables(mini, cache=True)
    assert os.stat(cache / "tables").st_mode & 0o077 == 0


@pytest.mark.parametrize("stored_sep, sep", [(";", ","), (",", ";")])
def test_write_table_copies_no_line_of_a_file_with_another_separator(
    tmp_path, monkeypatch, stored_sep, sep
):
    """Rows whose cells all read alike (ids, whole numbers) but whose separator differs."""
    path, raw, typed = _stored(tmp_path, stored_sep)
    merged, text, lines = _merged(raw, typed)
    copied = []
    real = csvout._copy_stored

    def spy(*args, **kwargs):
        copied.append(real(*args, **kwargs))
        return copied[-1]

    monkeypatch.setattr(csvout, "_copy_stored", spy)
    target = tmp_path / "out.csv"
    csvout.write_table(
        target, merged, text, lines, path, raw.sha256, raw.lines, "x", sep, _as_text_frame
    )
    expected = write_tables({"t": _as_text_frame(merged)}, tmp_path / "slow", "x", sep=sep)[0]
    assert target.read_bytes() == expected.read_bytes()
    assert copied == [False]


def test_only_the_most_recently_used_entries_of_a_file_are_kept(mini, cache):
    path = mini / "labs.csv"
    keys = [table_cache.key("table", path, "labs", f"sha{i}") for i in range(table_cache.KEEP + 2)]
    files = [table_cache._entry(cache / "tables", entry) for entry in keys]
    long_ago = time.time() - 1000
    for i, entry in enumerate(keys):
        table_cache.store(mini, entry, i)
        assert files[i].exists()  # the entry just written is never pruned
        os.utime(files[i], (long_ago + i, long_ago + i))  # used in this order
    assert [f.exists() for f in files] == [False] * 2 + [True] * table_cache.KEEP
    other = table_cache.key("table", mini / "periods.csv", "periods", "sha")
    table_cache.store(mini, other, "x")  # another file's entries are its own
    assert [f.exists() for f in files] == [False] * 2 + [True] * table_cache.KEEP
    assert table_cache.load(mini, keys[-1]) == len(keys) - 1


def test_a_cache_place_that_cannot_be_resolved_fails_no_load(mini, tmp_path, monkeypatch):
    loop = tmp_path / "loop_a"
    loop.symlink_to(tmp_path / "loop_b")
    (tmp_path / "loop_b").symlink_to(loop)
    monkeypatch.setenv("OGL_IMPACT_CACHE", str(loop))  # Path.resolve raises RuntimeError here
    want = load_tables(mini)
    got = load_tables(mini, cache=True)
    assert [p.message("de") for p in got.problems] == [p.message("de") for p in want.problems]
    pd.testing.assert_frame_equal(got.tables["labs"], want.tables["labs"])

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("OGL_IMPACT_CACHE")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))  # a uid without a passwd entry
    assert table_cache.cache_dir(mini) is None
    got = load_tables(mini, cache=True)
    pd.testing.assert_frame_equal(got.tables["labs"], want.tables["labs"])


def test_the_cache_leaves_the_disk_to_the_run(mini, cache, monkeypatch):
    load_tables(mini, cache=True)
    assert list(cache.rglob("*.pickle"))
    shutil.rmtree(cache)
    # a reserve beyond any disk's free space: the entry would eat it (free + 1 was not safe:
    # other processes free space between the measurement and the store)
    assert shutil.disk_usage(mini).free < 2**62
    monkeypatch.setattr(table_cache, "RESERVE", 2**62)
    got = load_tables(mini, cache=True)
    assert not got.errors
    assert not list(cache.rglob("*.pickle"))  # nothing kept ...
    assert not list(cache.rglob(".tmp-*"))  # ... and no half-written file left


def test_the_whole_cache_is_kept_under_its_limit_least_recently_used_first(
    mini, cache, monkeypatch
):
    names = ["labs", "periods", "sources", "partners"]
    keys = [table_cache.key("table", mini / f"{n}.csv", n, "sha") for n in names]
    files = [table_cache._entry(cache / "tables", entry) for entry in keys]
    long_ago = time.time() - 1000
    for i, entry in enumerate(keys[:3]):
        table_cache.store(mini, entry, "x" * 100_000)
        os.utime(files[i], (long_ago + i, long_ago + i))
    table_cache.load(mini, keys[0])  # used again: now the most recent of the three
    size = files[0].stat().st_size
    monkeypatch.setattr(table_cache, "LIMIT", 3 * size + 1000)  # room for three
    table_cache.store(mini, keys[3], "x" * 100_000)  # four entries of other files: one must go
    assert [f.exists() for f in files] == [True, False, True, True]


def test_an_entry_of_another_pandera_is_never_used(mini, cache, monkeypatch):
    import pandera

    _plant(mini, "labs")
    assert _planted(load_tables(mini, cache=True))
    table_cache.fingerprint.cache_clear()
    monkeypatch.setattr(pandera, "__version__", "0.0.1")
    try:
        assert not _planted(load_tables(mini, cache=True))
    finally:
        monkeypatch.undo()
        table_cache.fingerprint.cache_clear()


def test_an_entry_made_through_a_link_is_not_used_through_the_real_path(mini, cache, tmp_path):
    link = tmp_path / "link"
    link.symlink_to(mini, target_is_directory=True)
    _plant(link, "labs")
    assert _planted(load_tables(link, cache=True))
    assert not _planted(load_tables(mini, cache=True))  # its messages would name the link


def _messages(tables) -> list[str]:
    return [p.message("de") for p in tables.problems]


def test_a_rule_of_unchanged_tables_comes_from_the_cache(mini, cache, monkeypatch):
    """Changed values: the impact-model graph (nodes only) is not checked again; values are.

    Each cross-table rule is kept by the bytes of the tables it reads. The
    problems are always those of a load without any cache.
    """
    import ogl_impact.schemas.crosscheck as crosscheck
    from tests.conftest import edit

    load_tables(mini, cache=True)  # fills the cache
    calls: list[str] = []
    for name in ("_graph", "_indicator_values"):
        real = getattr(crosscheck, name)

        def spy(*args, _real=real, _name=name):
            calls.append(_name)
            return _real(*args)

        monkeypatch.setattr(crosscheck, name, spy)

    edit(mini, "indicator_values", 3, "value", "999")
    got = load_tables(mini, cache=True)
    assert calls == ["_indicator_values"]  # the graph's problems came from the cache
    assert _messages(got) == _messages(load_tables(mini))

    calls.clear()  # a node that contributes to one that does not exist
    edit(mini, "nodes", 3, "contributes_to", "ac1|ac9")
    got = load_tables(mini, cache=True)
    assert calls == ["_graph"]  # new bytes of nodes: checked again
    messages = _messages(got)
    assert messages == _messages(load_tables(mini))
    assert any("ac9" in m for m in messages)


@pytest.mark.parametrize("seed", range(4))
def test_loads_with_kept_rules_give_what_a_load_without_cache_gives(mini, cache, seed):
    """Tables spoiled and mended one after another: every load names what an uncached one names."""
    import random

    from tests.conftest import edit

    rng = random.Random(seed)
    spoils = [
        ("nodes", 3, "contributes_to", "ac1|ac9"),
        ("nodes", 5, "lab_id", "bad_belzigg"),
        ("indicators", 3, "node_id", "in9"),
        ("indicator_values", 3, "indicator_id", "i99"),
        ("indicator_values", 4, "value", "-5"),
        ("labs", 3, "source", "s999"),
        ("milestones", 3, "period_id", "sb99"),
    ]
    old: dict[tuple[str, int, str], str] = {}
    for _ in range(6):
        table, line, column, value = rng.choice(spoils)
        if (table, line, column) in old and rng.random() < 0.5:  # mended again
            edit(mini, table, line, column, old.pop((table, line, column)))
        elif (table, line, column) not in old:
            old[(table, line, column)] = edit(mini, table, line, column, value)
        assert _messages(load_tables(mini, cache=True)) == _messages(load_tables(mini))


def test_the_fingerprint_covers_every_module_the_checking_code_imports():
    """An entry made by other checking code is never used: all of that code is hashed.

    The modules are found from the import statements of the fingerprinted
    files, followed through the package (``ogl_impact.spelling``, whose
    suggestions go into the cached messages, was once left out).
    """
    import ast

    import ogl_impact

    package = Path(ogl_impact.__file__).parent
    hashed = {p.resolve() for p in table_cache.checking_code()}

    def file_of(module: str) -> Path | None:
        parts = module.split(".")[1:]
        for candidate in (
            package.joinpath(*parts).with_suffix(".py"),
            package.joinpath(*parts, "__init__.py"),
        ):
            if parts and candidate.is_file():
                return candidate.resolve()
        return None

    missing = set()
    todo, seen = list(hashed), set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("ogl_impact")
            ):
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("ogl_impact")]
            for name in names:
                found = file_of(name)
                if found is None or (found.name == "__init__.py" and found.parent == package):
                    continue
                if found not in hashed:
                    missing.add(found.relative_to(package).as_posix())
                todo.append(found)
    assert missing == set()
