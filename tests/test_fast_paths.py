"""The fast paths of reading and cross-table checks give what the plain paths give.

Large CSV files are hashed while pyarrow reads them (``io.OVERLAP_BYTES``);
the cross-table rules of ``responses`` work on category codes. Each fast path
is compared with the plain one on the same input, good and broken, and with
results worked out by hand.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ogl_impact import io
from ogl_impact.io import TableReadError, read_table
from ogl_impact.schemas import crosscheck
from ogl_impact.validate import validate_folder

from .conftest import DEMO, cell, edit, find_line

BODY = "".join(f"r{i:05d},{i % 7};x{i % 3}\n" for i in range(8000))  # > 64 KiB, the head


def _files(folder: Path) -> dict[str, Path]:
    """Big CSV files of every kind the reader must treat alike (good and broken)."""
    files = {
        "plain": "# synthetisch\nid,value;x\n" + BODY,
        "german": "id;value;x\n" + BODY.replace(",", ";", 1).replace(",", ";"),
        "bom": "\ufeffid,value;x\n" + BODY,
        "quoted_breaks": 'id,value\n"a\nb",1\n' + BODY.replace(";", ""),
    }
    out = {}
    for name, text in files.items():
        out[name] = folder / f"{name}.csv"
        out[name].write_text(text, encoding="utf-8")
    raw = {
        "nul_after_head": b"id,value\n" + BODY.encode() + b"r,1\x00\n",
        "cp1252_after_head": b"id,value\n" + BODY.encode() + "Köln,1\n".encode("cp1252"),
        "ragged_after_head": b"id,value\n" + BODY.replace(";", ",").encode() + b"a,1,2,3\n",
        "short_rows": b"id,value,x\n" + BODY.replace(";", ",").encode() + b"a\n",
        "utf16": "id,value\n1,2\n".encode("utf-16") * 6000,
        "header_only": b"# synthetic\n" * 6000 + b"id,value\n",
        "comments_only": b"# nur Kommentar\n" * 6000,
    }
    for name, data in raw.items():
        out[name] = folder / f"{name}.csv"
        out[name].write_bytes(data)
    return out


def _read(path: Path) -> object:
    try:
        table = read_table(path)
    except TableReadError as exc:
        return exc.problem
    return table


@pytest.mark.parametrize(
    "kind",
    [
        "plain",
        "german",
        "bom",
        "quoted_breaks",
        "nul_after_head",
        "cp1252_after_head",
        "ragged_after_head",
        "short_rows",
        "utf16",
        "header_only",
        "comments_only",
    ],
)
def test_overlapped_read_equals_plain_read(kind: str, tmp_path: Path, monkeypatch):
    path = _files(tmp_path)[kind]
    assert path.stat().st_size > 65536  # beyond the head the speculative read starts from
    plain = _read(path)
    monkeypatch.setattr(io, "OVERLAP_BYTES", 0)
    calls = []
    original = io._scan
    monkeypatch.setattr(io, "_scan", lambda p: calls.append(p) or original(p))
    overlapped = _read(path)
    assert len(calls) == 1  # the file is scanned once either way
    if isinstance(plain, io.RawTable):
        assert isinstance(overlapped, io.RawTable)
        pd.testing.assert_frame_equal(overlapped.frame, plain.frame)
        np.testing.assert_array_equal(overlapped.lines, plain.lines)
        for attr in ("header_line", "decimal", "synthetic", "comments", "sha256", "name"):
            assert getattr(overlapped, attr) == getattr(plain, attr), attr
    else:
        assert overlapped == plain  # the same Problem: file, line, rule, detail


def test_refusals_after_the_head_are_the_plain_ones(tmp_path: Path):
    """What the scan finds beyond the head still refuses the file, read early or not."""
    files = _files(tmp_path)
    assert _read(files["nul_after_head"]).rule == "file_binary"
    assert _read(files["ragged_after_head"]).rule == "file_parse"
    assert _read(files["utf16"]).rule == "file_utf16"
    cp1252 = _read(files["cp1252_after_head"])
    assert isinstance(cp1252, io.RawTable) and cp1252.frame["id"].iat[-1] == "Köln"


def _problems(folder: Path) -> list[tuple[str, int | None, str | None, str]]:
    report = validate_folder(folder)
    return sorted((p.file, p.line, p.column, p.rule) for p in report.errors)


def test_wave_rules_on_codes_find_what_the_generic_rules_find(mini: Path, monkeypatch):
    """An unknown wave, a respondent in two waves' units and a repeated answer, both ways."""
    line = find_line(mini, "responses", wave="1")
    edit(mini, "responses", line, "wave", "7")  # no such wave
    edit(mini, "responses", line + 1, "unit_id", "brandis")  # the respondent in two units
    repeated = cell(mini, "responses", line + 3, "item_id")
    edit(mini, "responses", line + 2, "item_id", repeated)  # the same answer twice
    fast = _problems(mini)
    monkeypatch.setattr(crosscheck, "_small_int_range", lambda series: None)
    generic = _problems(mini)
    assert fast == generic
    assert ("responses.csv", line, "wave", "key_missing") in fast
    # line holds wave 7 now: the respondent's wave-1 answers start one line later
    assert ("responses.csv", line + 1, "respondent_id", "respondent_inconsistent") in fast
    assert ("responses.csv", line + 2, "respondent_id", "duplicate_key") in fast
    assert ("responses.csv", line + 3, "respondent_id", "duplicate_key") in fast


def test_scale_rules_per_item_and_answer_match_row_by_row(tmp_path: Path, monkeypatch):
    """Outside, fractional, missing and unknown-item answers: hand-made truth, both ways."""
    folder = tmp_path / "raw"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns("responses.csv"))
    head = (DEMO / "responses.csv").read_text(encoding="utf-8").splitlines()[:2]
    lines = [head[0], head[1]]
    header = lines[1].split(";")
    item_col, value_col, resp_col = (
        header.index("item_id"),
        header.index("value"),
        header.index("respondent_id"),
    )
    original = (DEMO / "responses.csv").read_text(encoding="utf-8").splitlines()[2]
    row = original.split(";")
    values = ["3", "9", "2,5", "", "0", "5", "3"]  # line 3 .. 9
    for i, value in enumerate(values):
        cells = list(row)
        cells[value_col] = value
        cells[resp_col] = f"resp{i:04d}xx"
        lines.append(";".join(cells))
    (folder / "responses.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validate_folder(folder)
    found = sorted((p.line, p.rule) for p in report.errors)
    scale = next(
        (int(lo), int(hi))
        for item, lo, hi in zip(
            report.tables["codebook"]["item_id"],
            report.tables["codebook"]["scale_min"],
            report.tables["codebook"]["scale_max"],
            strict=True,
        )
        if item == row[item_col]
    )
    assert scale == (1, 5)  # the demo item's scale, so the truth below holds
    assert found == [
        (4, "value_outside_scale"),
        (5, "value_not_on_scale"),
        (7, "value_outside_scale"),
    ]
    monkeypatch.setattr(crosscheck, "_answer_codes", lambda raw, value: None)
    generic = sorted((p.line, p.rule) for p in validate_folder(folder).errors)
    assert generic == found
