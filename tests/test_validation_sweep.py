"""Break every column of every embedded table, one way at a time: validation must never crash.

For each column of each table (copied from data/raw, responses cut short) the
sweep removes it, renames it, writes a value of the wrong type, empties it,
writes ``inf`` and ``1e308`` and, for references, an id that does not exist.
Each case runs ``ogl-impact validate`` in-process (a few also as a real
process) on the changed table plus the tables it refers to, and checks: exit
status 1 (0 only where the change is legitimately valid, which is then
checked against the schema), no traceback, no "interner Fehler", and the
file and column named in the output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from ogl_impact.cli import main
from ogl_impact.parse import column_kind
from ogl_impact.schemas import TABLES
from ogl_impact.schemas.crosscheck import REFERENCES
from ogl_impact.vocab import FALSE_VALUES

from .conftest import DEMO, read_rows, write_rows

VARIANTS = ("remove", "rename", "wrong_type", "empty", "inf", "1e308", "orphan")
WRONG = {"int": "zwölf", "float": "viel", "date": "gestern", "bool": "vielleicht"}
WRONG_TEXT = "Ä ?!"  # breaks every identifier, code and pattern rule
ORPHAN = "zz-gibt-es-nicht"
# every table the embedded data holds (a table without an embedded file has nothing to break)
SWEPT = tuple(t for t in TABLES if (DEMO / f"{t}.csv").exists())

# tables the cross-table rules of a table read besides those in REFERENCES
EXTRA_PARENTS = {
    "responses": {"labs", "comparison_communes", "codebook", "waves"},
    "codebook": {"perspectives"},
    "indicator_values": {"indicators"},
}
# reference columns besides those in REFERENCES
EXTRA_REFERENCES = {("responses", "unit_id")}

COUNTS: Counter[str] = Counter()


def _parents(table: str) -> set[str]:
    """The tables ``table`` refers to, directly or through them."""
    direct = {parent for child, _, parent, _, _ in REFERENCES if child == table}
    direct |= EXTRA_PARENTS.get(table, set())
    out = set(direct)
    for parent in direct:
        out |= _parents(parent)
    return out


def _references(table: str) -> set[str]:
    cols = {c for child, ccols, *_ in REFERENCES if child == table for c in ccols}
    return cols | {c for t, c in EXTRA_REFERENCES if t == table}


def _spec(table: str, column: str):
    return TABLES[table].model.to_schema().columns[column]


def _free_text(table: str, column: str) -> bool:
    """A text column without any rule: every non-empty text is valid in it."""
    spec = _spec(table, column)
    return (
        column_kind(spec.dtype) in ("str", "category")
        and not spec.checks
        and not spec.unique
        and column not in _references(table)
        and column not in TABLES[table].key
    )


def _cases(table: str) -> list[tuple[str, str]]:
    cases = []
    for column in TABLES[table].model.to_schema().columns:
        for variant in VARIANTS:
            if variant == "orphan" and column not in _references(table):
                continue
            cases.append((column, variant))
    return cases


def _break(rows: list[list[str]], header: int, column: str, variant: str, kind: str) -> None:
    """Change ``rows`` in place (header at index ``header``, first data row after it)."""
    i = rows[header].index(column)
    if variant == "remove":
        for row in rows[header:]:
            del row[i]
        return
    if variant == "rename":
        rows[header][i] = column + "_alt"
        return
    value = {
        "wrong_type": WRONG.get(kind, WRONG_TEXT),
        "empty": "",
        "inf": "inf",
        "1e308": "1e308",
        "orphan": ORPHAN,
    }[variant]
    rows[header + 1][i] = value


def _expectation(table: str, column: str, variant: str) -> tuple[bool, str]:
    """Whether exit 0 is acceptable for this change, and why (checked against the schema)."""
    spec = _spec(table, column)
    kind = column_kind(spec.dtype)
    if variant == "empty" and kind == "bool" and "" in FALSE_VALUES:
        return True, "empty means false"  # spreadsheet convention: x for true, empty for false
    if variant == "empty":
        return bool(spec.nullable), "optional column"
    if variant == "wrong_type" and kind in ("str", "category"):
        return _free_text(table, column), "free text"
    if variant in ("inf", "1e308") and kind in ("str", "category"):
        # as text, "inf" is a valid identifier or name where the column's own rules allow it
        fits = column not in _references(table) and _passes_rules(spec, variant)
        return fits, "text that fits the column's rules"
    return False, ""


def _passes_rules(spec, value: str) -> bool:
    """Whether ``value`` passes every check of a column, asked of pandera directly."""
    series = pd.Series([value], dtype=object)
    return all(bool(check(series).check_passed) for check in spec.checks)


@pytest.fixture(scope="module")
def subsets(mini_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Per table: a folder with it and the tables its cross-table rules read."""
    out = {}
    for table in SWEPT:
        folder = tmp_path_factory.mktemp(f"sweep-{table}")
        for name in {table} | _parents(table):
            (folder / f"{name}.csv").write_bytes((mini_template / f"{name}.csv").read_bytes())
        out[table] = folder
    return out


def _run_case(base: Path, case_dir: Path, table: str, column: str, variant: str, capsys) -> str:
    """Apply one change in a fresh folder and validate it; return a failure text or ''."""
    case_dir.mkdir()
    for path in base.iterdir():
        os.symlink(path, case_dir / path.name)
    target = case_dir / f"{table}.csv"
    target.unlink()
    rows = read_rows(base / f"{table}.csv")
    header = next(i for i, r in enumerate(rows) if r and not r[0].startswith("#"))
    _break(rows, header, column, variant, column_kind(_spec(table, column).dtype))
    write_rows(target, rows)
    capsys.readouterr()
    status = main(["validate", str(case_dir)])
    out, err = capsys.readouterr()
    text = out + err
    where = f"{table}.{column} [{variant}]"
    if "Traceback" in text or "interner Fehler" in text:
        return f"{where}: crash: {text[-300:]}"
    if status == 0:
        ok, why = _expectation(table, column, variant)
        if not ok:
            return f"{where}: exit 0 but the change is invalid"
        COUNTS[f"valid ({why})"] += 1
        return ""
    if status != 1:
        return f"{where}: exit {status}"
    if f"{table}.csv" not in text or f"„{column}“" not in text:
        return f"{where}: file or column not named: {text[:300]}"
    COUNTS["refused cleanly"] += 1
    return ""


@pytest.mark.slow  # about 560 validations: ~2 min of CPU, more on a busy machine
@pytest.mark.parametrize("table", SWEPT)
def test_every_column_broken_every_way(table: str, subsets, tmp_path: Path, capsys):
    failures = []
    for n, (column, variant) in enumerate(_cases(table)):
        COUNTS["tried"] += 1
        failure = _run_case(subsets[table], tmp_path / f"c{n}", table, column, variant, capsys)
        if failure:
            COUNTS["failed"] += 1
        failures.append(failure)
    assert [f for f in failures if f] == []


@pytest.mark.slow
def test_sweep_counts(capsys):
    """All cases ran; tell how many were refused and how many are legitimately valid."""
    expected = sum(len(_cases(t)) for t in SWEPT)
    if COUNTS["tried"] != expected:
        pytest.skip("the sweep did not run in full in this session")
    lines = [f"validation sweep: {COUNTS['tried']} broken inputs tried"] + [
        f"  {key}: {n}" for key, n in sorted(COUNTS.items()) if key != "tried"
    ]
    with capsys.disabled():  # shown in the test output, also without -s
        print("\n" + "\n".join(lines))
    assert COUNTS["failed"] == 0
    assert (
        COUNTS["refused cleanly"] + sum(n for k, n in COUNTS.items() if k.startswith("valid"))
        == expected
    )
    # most changes break a rule; the legitimately valid ones are few
    assert COUNTS["refused cleanly"] > 0.8 * expected


CLI_CASES = [
    ("indicators", "measure", "remove"),
    ("indicator_values", "value", "inf"),
    ("responses", "unit_id", "orphan"),
    ("codebook", "scale_min", "rename"),
]


@pytest.mark.parametrize(("table", "column", "variant"), CLI_CASES)
def test_sweep_cases_as_a_real_process(table, column, variant, subsets, tmp_path: Path):
    folder = tmp_path / "case"
    folder.mkdir()
    for path in subsets[table].iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    rows = read_rows(folder / f"{table}.csv")
    header = next(i for i, r in enumerate(rows) if r and not r[0].startswith("#"))
    _break(rows, header, column, variant, column_kind(_spec(table, column).dtype))
    write_rows(folder / f"{table}.csv", rows)
    result = subprocess.run(
        [sys.executable, "-m", "ogl_impact", "validate", str(folder)],
        capture_output=True,
        text=True,
        env={**os.environ, "OGL_IMPACT_DEBUG": ""},
    )
    assert result.returncode == 1
    text = result.stdout + result.stderr
    assert "Traceback" not in text and "interner Fehler" not in text
    assert f"{table}.csv" in text and f"„{column}“" in text
