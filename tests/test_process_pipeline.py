"""The overlapped paths of ``process`` give what the plain, one-after-the-other paths give.

``validate_folder`` reads the files ahead in a background thread, ``process``
writes each checked table's Parquet file while the next tables and the
cross-table rules are checked, and ``parse`` builds category columns straight
from their codes. Each is compared here with the plain path it replaces, on
good and broken hand-made input.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ogl_impact import parse
from ogl_impact import process as process_mod
from ogl_impact.dataset import DataValidationError, load
from ogl_impact.io import TableReadError, read_table
from ogl_impact.problems import make_problem, sort_problems
from ogl_impact.schemas import TABLES
from ogl_impact.schemas.crosscheck import check_cross_table
from ogl_impact.validate import ValidationReport, find_tables, validate_folder, validate_table

from .conftest import edit, find_line


def _plain_validate(folder: Path) -> ValidationReport:
    """Validation as it was before the read-ahead: read, check, next file; then the rules."""
    report = ValidationReport(folder=folder)
    files, problems = find_tables(folder)
    report.problems.extend(problems)
    for name in TABLES:
        if name not in files:
            continue
        try:
            raw = read_table(files[name], name)
        except TableReadError as exc:
            report.problems.append(exc.problem)
            continue
        report.raw[name] = raw
        if raw.frame.empty:
            report.problems.append(
                make_problem(
                    raw.path.name, "table_no_rows", line=raw.header_line, severity="warning"
                )
            )
        frame, problems = validate_table(raw, TABLES[name])
        report.tables[name] = frame
        report.problems.extend(problems)
    report.problems.extend(
        check_cross_table(report.tables, report.raw, missing=set(TABLES) - set(files))
    )
    report.problems = sort_problems(report.problems)
    return report


def _same_report(a: ValidationReport, b: ValidationReport) -> None:
    assert [(p.message("de"), p.severity) for p in a.problems] == [
        (p.message("de"), p.severity) for p in b.problems
    ]
    assert list(a.tables) == list(b.tables) and list(a.raw) == list(b.raw)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
        assert a.raw[name].sha256 == b.raw[name].sha256
        assert np.array_equal(a.raw[name].lines, b.raw[name].lines)


def _break(folder: Path, how: str) -> None:
    """The mistakes people make, one per case."""
    if how == "wrong_lab_id":  # one unknown lab: follow-up problems in several tables
        line = find_line(folder, "nodes", node_id="in1")
        edit(folder, "nodes", line, "lab_id", "moer")
    elif how == "utf16_labs":  # saved as "Unicode text" from Excel
        text = (folder / "labs.csv").read_text(encoding="utf-8")
        (folder / "labs.csv").write_bytes(text.encode("utf-16"))
    elif how == "ragged_responses":
        with (folder / "responses.csv").open("a", encoding="utf-8") as handle:
            handle.write("r1;m1;1;verwaltung;p1_1;3;überzählig\n")
    elif how == "no_waves":
        (folder / "waves.csv").unlink()
    elif how == "header_only_codebook":
        lines = (folder / "codebook.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        (folder / "codebook.csv").write_text("".join(lines[:2]), encoding="utf-8")
    elif how == "renamed_milestones":
        (folder / "milestones.csv").rename(folder / "meilensteine.csv")
    elif how == "bad_number":
        line = find_line(folder, "indicator_values")
        edit(folder, "indicator_values", line, "value", "0.250")
    elif how == "only_one_table":
        for path in folder.glob("*.csv"):
            if path.name != "labs.csv":
                path.unlink()


CASES = [
    "good",
    "wrong_lab_id",
    "utf16_labs",
    "ragged_responses",
    "no_waves",
    "header_only_codebook",
    "renamed_milestones",
    "bad_number",
    "only_one_table",
]


@pytest.mark.parametrize("how", CASES)
def test_read_ahead_reports_what_reading_one_after_the_other_reports(mini: Path, how: str):
    _break(mini, how)
    ahead, plain = validate_folder(mini), _plain_validate(mini)
    _same_report(ahead, plain)
    if how != "good":
        assert ahead.errors or how == "no_waves"


def test_each_table_is_handed_over_once_checked_in_table_order(mini: Path):
    seen = []
    report = validate_folder(mini, on_table=lambda name, frame, probs: seen.append(name))
    assert seen == list(report.tables) == [name for name in TABLES if name in report.tables]


def test_an_unexpected_error_while_reading_ahead_is_raised(
    mini: Path, monkeypatch: pytest.MonkeyPatch
):
    import ogl_impact.validate as validate

    def broken(path: Path, name: str | None = None) -> object:
        if name == "indicators":
            raise MemoryError("kaputt")
        return read_table(path, name)

    monkeypatch.setattr(validate, "read_table", broken)
    with pytest.raises(MemoryError, match="kaputt"):
        validate_folder(mini)


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.name != ".ogl-impact-output"
    }


def test_early_writes_give_the_bytes_of_writing_at_the_end(mini: Path, tmp_path: Path):
    out = tmp_path / "processed"
    process_mod.process(mini, out)
    plain = tmp_path / "plain"
    plain.mkdir()
    process_mod.write_dataset(load(mini), plain)  # no early writes: every file written here
    assert _hashes(out) == _hashes(plain)
    assert len(_hashes(out)) == 17


@pytest.mark.parametrize("how", ["wrong_lab_id", "bad_number", "ragged_responses"])
def test_a_failing_run_leaves_the_earlier_output_and_no_staging(
    mini: Path, tmp_path: Path, how: str
):
    out = tmp_path / "processed"
    process_mod.process(mini, out)
    before = _hashes(out)
    broken = tmp_path / "broken"
    shutil.copytree(mini, broken)
    _break(broken, how)
    with pytest.raises(DataValidationError):
        process_mod.process(broken, out)
    assert _hashes(out) == before
    assert [p.name for p in tmp_path.iterdir() if ".ogl-staging-" in p.name] == []


def test_a_failing_background_write_fails_the_run_and_keeps_the_output(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    out = tmp_path / "processed"
    process_mod.process(mini, out)
    before = _hashes(out)
    original = process_mod._write_parquet

    def disk_full(frame: pd.DataFrame, path: Path) -> tuple[int, str]:
        if path.name == "nodes.parquet":
            raise OSError(28, "No space left on device")
        return original(frame, path)

    monkeypatch.setattr(process_mod, "_write_parquet", disk_full)
    with pytest.raises(OSError, match="No space left"):
        process_mod.process(mini, out)
    assert _hashes(out) == before
    assert [p.name for p in tmp_path.iterdir() if ".ogl-staging-" in p.name] == []


def _plain_category(text: pd.Series) -> pd.Series:
    """The category conversion before: remove "" then rename to plain object categories."""
    if "" in text.cat.categories:
        text = text.cat.remove_categories([""])
    plain = pd.Index(np.asarray(text.cat.categories, dtype=object), dtype=object)
    return text.cat.rename_categories(plain)


@pytest.mark.parametrize(
    "cells",
    [
        ["verwaltung", "", "politik", "verwaltung", ""],
        ["", "", ""],
        ["", "zivilgesellschaft"],
        ["zivilgesellschaft", ""],
        ["m1"],
        [],
        [f"r{i:04d}" for i in range(300)] + [""],  # more than int8 codes can hold, then fewer
        [f"r{i:03d}" for i in range(128)] + [""],  # 129 categories -> 128: codes stay int16
    ],
)
@pytest.mark.parametrize("dtype", ["str", object])
def test_category_columns_are_built_as_the_plain_path_builds_them(cells: list[str], dtype: object):
    text = pd.Series(pd.Categorical(pd.array(cells, dtype=dtype)))
    new, old = parse._as_category(text), _plain_category(text)
    pd.testing.assert_series_equal(new, old)
    assert new.cat.codes.dtype == old.cat.codes.dtype
    assert new.cat.categories.dtype == old.cat.categories.dtype == object


@pytest.mark.parametrize("kind", ["int", "bool"])
@pytest.mark.parametrize("cells", [["1", "0", "1"], ["1", "", "0", "x"], [""], []])
def test_taking_whole_numbers_and_flags_with_and_without_missing(kind: str, cells: list[str]):
    text = pd.Series(pd.Categorical(cells, categories=sorted(set(cells))), dtype="category")
    categories = pd.Series(text.cat.categories, dtype="str")
    values, _ = parse._convert(categories, kind, ".")
    codes = text.cat.codes.to_numpy()
    new = parse._take(values, codes, text.index)
    old = values.take(codes)  # pandas' own take, the path before
    old.index = text.index
    pd.testing.assert_series_equal(new, old)


def test_edges_point_up_as_the_edge_by_edge_rule_says():
    from ogl_impact.schemas import crosscheck

    ranks = [0, 1, 2, 3, np.nan]
    stages = [1, 2, 5, pd.NA]
    rows = [
        (r, s, tr, ts) for r in ranks for s in stages for tr in ranks for ts in stages
    ]  # every combination, missing levels and stages included
    rank, stage, t_rank, t_stage = (list(col) for col in zip(*rows, strict=True))
    stage_s = pd.Series(stage, dtype="Int64")
    t_stage_s = pd.Series(t_stage, dtype="Int64")
    for as_rank in (
        lambda v: pd.Series(v, dtype="float64"),
        lambda v: pd.Series(v).astype("category"),
    ):
        got = crosscheck._points_up_all(as_rank(rank), stage_s, as_rank(t_rank), t_stage_s)
        want = [
            crosscheck._points_up(r, s, tr, ts)
            for r, s, tr, ts in zip(as_rank(rank), stage_s, as_rank(t_rank), t_stage_s, strict=True)
        ]
        assert got.tolist() == want
    assert not all(want) and any(want)


def test_an_error_while_a_table_is_checked_stops_the_run(mini: Path):
    def stop(name: str, frame: pd.DataFrame, problems: list) -> None:
        if name == "labs":
            raise KeyboardInterrupt  # Ctrl-C while labs is checked

    with pytest.raises(KeyboardInterrupt):
        validate_folder(mini, on_table=stop)
    # the next run reads everything again as if nothing happened
    _same_report(validate_folder(mini), _plain_validate(mini))
