"""Shared fixtures: copies of the embedded data that tests may break."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

# One BLAS thread per process, set before numpy is first imported: the suite runs on
# two workers (pytest-xdist) on two cores, and OpenBLAS's own threads in both workers
# (and in their command-line subprocesses and notebook kernels, which inherit the
# setting) competed for the same cores, making small decompositions many times slower
# (a QR of a 3177 x 23 design: 0.1-0.7 s instead of 2 ms). A value set by the caller wins.
for _threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")

import matplotlib  # noqa: E402
import pytest  # noqa: E402

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "raw"
MINI_RESPONSES = 400  # data rows of responses.csv kept in the small copy


@pytest.fixture(scope="session", autouse=True)
def _table_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep collect's table cache in a temporary folder, never in the user's."""
    os.environ["OGL_IMPACT_CACHE"] = str(tmp_path_factory.mktemp("table-cache"))


@pytest.fixture(autouse=True)
def _table_cache_per_test(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """Give each test a cache folder of its own, as a user has one cache with few entries.

    A folder shared by the whole session would grow to thousands of entries, which
    every store lists to keep the cache under its size limit.
    """
    monkeypatch.setenv("OGL_IMPACT_CACHE", str(tmp_path_factory.mktemp("table-cache")))


@pytest.fixture
def interruptible():
    """Ctrl-C raises KeyboardInterrupt in this process during the test, as at a terminal.

    A shell without job control starts background commands with SIGINT ignored, and
    Python then installs no handler: a test that presses Ctrl-C would see nothing
    when the suite itself was started that way (``make test &`` in a script).
    """
    import signal

    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


@pytest.fixture(scope="session")
def mini_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded tables, with responses.csv cut to its first rows (fast to validate)."""
    folder = tmp_path_factory.mktemp("mini") / "raw"
    folder.mkdir()
    for path in DEMO.glob("*.csv"):
        if path.name == "responses.csv":
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            (folder / path.name).write_text("".join(lines[: 2 + MINI_RESPONSES]), encoding="utf-8")
        else:
            shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture
def mini(mini_template: Path, tmp_path: Path) -> Path:
    """A private copy of the small tables for one test to edit."""
    target = tmp_path / "raw"
    shutil.copytree(mini_template, target)
    return target


def read_rows(path: Path) -> list[list[str]]:
    """All lines of a semicolon CSV as lists of cells (comment line included as one cell)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.reader(handle, delimiter=";")]


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        for row in rows:
            if len(row) == 1 and row[0].startswith("#"):
                handle.write(row[0] + "\n")
            else:
                writer.writerow(row)


def edit(folder: Path, table: str, line: int, column: str, value: str) -> str:
    """Set one cell (line as numbered in the file, 1-based); return the old value."""
    path = folder / f"{table}.csv"
    rows = read_rows(path)
    header = rows[1]
    col = header.index(column)
    old = rows[line - 1][col]
    rows[line - 1][col] = value
    write_rows(path, rows)
    return old


def cell(folder: Path, table: str, line: int, column: str) -> str:
    rows = read_rows(folder / f"{table}.csv")
    return rows[line - 1][rows[1].index(column)]


def find_line(folder: Path, table: str, **where: str) -> int:
    """Line number (1-based) of the first row whose cells equal ``where``."""
    rows = read_rows(folder / f"{table}.csv")
    header = rows[1]
    for number, row in enumerate(rows[2:], start=3):
        if all(row[header.index(k)] == v for k, v in where.items()):
            return number
    raise LookupError(f"no row {where} in {table}")


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every figure a test left open (Agg backend, no windows)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="session")
def demo():
    """The embedded dataset, loaded once."""
    import ogl_impact

    return ogl_impact.load_demo()


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded data (sb6 collected) and Brandis's templates for sb6, once per module.

    ``full / "data"`` is the data folder, ``full / "tpl"`` the templates. A module that
    needs every lab's templates defines its own ``full``.
    """
    from tests.test_delivery_loop import LAB, collected_with_templates

    return collected_with_templates(tmp_path_factory.mktemp("collected"), LAB)


@pytest.fixture
def stored(full: Path, tmp_path: Path) -> Path:
    """A fresh copy of ``full``'s data folder for one test to change."""
    shutil.copytree(full / "data", tmp_path / "data")
    return tmp_path / "data"


def submissions(data: Path):
    """Every row of a data folder's register ``submissions.csv``, as text."""
    import pandas as pd

    return pd.read_csv(data / "submissions.csv", sep=";", comment="#", dtype=str)


KILL_MID_MOVE = """
import os, shutil, signal, sys
import ogl_impact.write.target as t
limit, real, n = sys.argv[1], os.replace, [0]
def replace(a, b):
    if ".ogl-staging-files-" in str(a) or ".ogl-staging-backup-" in str(b):
        n[0] += 1
        if limit != "clean-up" and n[0] > int(limit):
            os.kill(os.getpid(), signal.SIGKILL)  # kill -9 at this exact point of the move
    return real(a, b)
real_rmtree = shutil.rmtree
def rmtree(path, *args, **kwargs):
    if limit == "clean-up" and ".ogl-staging-files-" in str(path):
        os.kill(os.getpid(), signal.SIGKILL)  # every file moved in: kill -9 while tidying up
    return real_rmtree(path, *args, **kwargs)
t.os.replace = replace
t.shutil.rmtree = rmtree
from ogl_impact.cli import main
sys.exit(main(sys.argv[2:]))
"""
"""A command run as ``python -c KILL_MID_MOVE N ARGS...``: ``ogl-impact ARGS`` killed -9 after
N of the safe writer's final moves (``update_files``), as a power cut or ``kill -9`` would.
With ``clean-up`` for N, it is killed once every file is in, while its staging folders are
being removed (the run had finished)."""


def package_imports(path: Path) -> list[str]:
    """Names ``path`` imports from the package (``ogl_impact.x`` and ``ogl_impact.x.name``)."""
    import ast

    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("ogl_impact")
        ):
            names += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names if a.name.startswith("ogl_impact")]
    return names


def raw_table(name: str, frame, folder: Path):
    """A table as the readers give it: ``frame`` as its text, rows from line 2 on."""
    import numpy as np

    from ogl_impact.io import RawTable

    return RawTable(
        name=name,
        path=folder / f"{name}.csv",
        frame=frame,
        lines=np.arange(2, len(frame) + 2),
        header_line=1,
        decimal=",",
        synthetic=True,
        comments=(),
        sha256="",
    )
