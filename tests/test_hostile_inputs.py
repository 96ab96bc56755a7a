"""Hostile and broken files, as people really send them: never a crash, always a sentence.

Every file is generated here at test time (nothing binary is committed): UTF-16
text, workbooks saved under a CSV name, an old .xls, a zip bomb, binary
garbage, an empty file, a header without rows, ragged rows, a 1 MB line, NUL
bytes, mixed line endings and formula-looking cells. Each one is validated as
``labs`` with the command line, in-process, and must end with exit status 1
(or 0 where the file is fine), a message naming the file and no traceback.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ogl_impact import io
from ogl_impact.cli import main
from ogl_impact.io import TableReadError, read_table

HEADER = "lab_id;name;grant_holder;land;grant_eur;note;source"
ROW = "a;Labor A;Stadt A;DE-BY;1000;;s1"
SOURCES = "source_id;title;reference\ns1;Quelle;https://example.org\n"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "sources.csv").write_text(SOURCES, encoding="utf-8")
    return folder


def _workbook(path: Path, rows: list[list[object]]) -> None:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)


def _zip_bomb(path: Path, megabytes: int) -> None:
    """A workbook-shaped zip whose sheet inflates to ``megabytes`` MB of zeros (~1000:1)."""
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(chunk)


def _hostile(kind: str, folder: Path) -> Path:
    """Write one hostile ``labs`` file into ``folder``; return its path."""
    csv_path = folder / "labs.csv"
    text = f"{HEADER}\n{ROW}\n"
    rng = random.Random(20260101)
    if kind == "utf16_bom":
        csv_path.write_text(text, encoding="utf-16")
    elif kind == "utf16_le_no_bom":
        csv_path.write_bytes(text.encode("utf-16-le"))
    elif kind == "xlsx_named_csv":
        _workbook(csv_path, [HEADER.split(";"), ROW.split(";")])
    elif kind == "xls_named_csv":  # an OLE compound file, as Excel 97-2003 writes it
        csv_path.write_bytes(
            bytes.fromhex("d0cf11e0a1b11ae1") + bytes(rng.randrange(256) for _ in range(4000))
        )
    elif kind == "xls_named_xlsx":
        csv_path = folder / "labs.xlsx"
        csv_path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 2000)
    elif kind == "binary_garbage":
        csv_path.write_bytes(bytes(rng.randrange(256) for _ in range(20000)))
    elif kind == "empty":
        csv_path.write_bytes(b"")
    elif kind == "only_whitespace":
        csv_path.write_text(" \n\n\t\n", encoding="utf-8")
    elif kind == "header_only":
        csv_path.write_text(HEADER + "\n", encoding="utf-8")
    elif kind == "ragged_rows":
        csv_path.write_text(f"{HEADER}\n{ROW};zuviel\nb;Labor B\n", encoding="utf-8")
    elif kind == "one_mb_line":
        csv_path.write_text("x" * (1 << 20), encoding="utf-8")
    elif kind == "one_mb_cell":
        csv_path.write_text(f"{HEADER}\na;{'A' * (1 << 20)};Stadt;DE-BY;1;;s1\n", encoding="utf-8")
    elif kind == "nul_bytes":
        csv_path.write_bytes(f"{HEADER}\na;La\0bor;Stadt;DE-BY;1;;s1\n".encode())
    elif kind == "mixed_line_endings":
        rows = [ROW, ROW.replace("a;", "b;", 1), ROW.replace("a;", "c;", 1)]
        csv_path.write_bytes(f"{HEADER}\r\n{rows[0]}\n{rows[1]}\r\n{rows[2]}\r".encode())
    elif kind == "formula_cells":
        csv_path.write_text(
            f'{HEADER}\na;=HYPERLINK("http://x");@SUM(A1);DE-BY;=1+1;+1-2;s1\n', encoding="utf-8"
        )
    elif kind == "zip_bomb":
        csv_path = folder / "labs.xlsx"
        _zip_bomb(csv_path, 300)
    elif kind == "zip_ratio_bomb":
        csv_path = folder / "labs.xlsx"
        _zip_bomb(csv_path, 20)
    elif kind == "truncated_xlsx":
        full = folder / "full.bin"
        _workbook(full, [HEADER.split(";"), ROW.split(";")])
        csv_path = folder / "labs.xlsx"
        csv_path.write_bytes(full.read_bytes()[:600])
        full.unlink()
    elif kind == "excel_sep_line":  # Excel writes "sep=;" on top when asked to
        csv_path.write_text(f"sep=;\n{HEADER}\n{ROW}\n", encoding="utf-8-sig")
    elif kind == "latin1_umlauts":
        csv_path.write_bytes(f"{HEADER}\na;Labor Ä;Stadt Ö;DE-BY;1;;s1\n".encode("cp1252"))
    else:  # pragma: no cover
        raise ValueError(kind)
    return csv_path


# kind -> (expected exit status, rule that must be named, or None for a valid file)
HOSTILE = {
    "utf16_bom": (1, "file_utf16"),
    "utf16_le_no_bom": (1, "file_utf16"),
    "xlsx_named_csv": (1, "file_xlsx_as_csv"),
    "xls_named_csv": (1, "file_xls_as_csv"),
    "xls_named_xlsx": (1, "file_xls_as_csv"),
    "binary_garbage": (1, "file_binary"),
    "empty": (1, "file_empty"),
    "only_whitespace": (1, "file_empty"),
    "header_only": (0, "table_no_rows"),
    "ragged_rows": (1, "file_parse"),
    "one_mb_line": (1, "column_missing"),
    "one_mb_cell": (0, None),
    "nul_bytes": (1, "file_binary"),
    "mixed_line_endings": (0, None),
    "formula_cells": (1, "type_float"),
    "zip_bomb": (1, "file_zip_too_large"),
    "zip_ratio_bomb": (1, "file_zip_ratio"),
    "truncated_xlsx": (1, "file_binary"),
    "latin1_umlauts": (0, None),
    "excel_sep_line": (0, None),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_file_gives_a_sentence_not_a_crash(kind: str, tmp_path: Path, capsys):
    folder = _folder(tmp_path)
    path = _hostile(kind, folder)
    status = main(["validate", str(folder), "--format", "json"])
    out = capsys.readouterr().out

    doc = json.loads(out)
    expected_status, rule = HOSTILE[kind]
    assert status == expected_status, out[:2000]
    if rule is not None:
        hits = [p for p in doc["problems"] if p["rule"] == rule]
        assert hits, out[:2000]
        assert hits[0]["file"] == path.name
        assert hits[0]["message"]  # a sentence in German
    main(["validate", str(folder), "--lang", "en"])
    text = capsys.readouterr()
    assert "Traceback" not in text.out + text.err
    assert "internal error" not in text.err


def test_hostile_reader_raises_only_table_read_errors(tmp_path: Path):
    """read_table itself either returns a table or raises TableReadError, for every kind."""
    tried = 0
    for kind in HOSTILE:
        folder = tmp_path / kind
        folder.mkdir()
        path = _hostile(kind, folder)
        tried += 1
        try:
            read_table(path, "labs")
        except TableReadError as exc:
            assert exc.problem.file == path.name
    assert tried == len(HOSTILE)


def test_hostile_messages_say_what_to_do(tmp_path: Path):
    folder = _folder(tmp_path)
    _hostile("utf16_bom", folder)
    with pytest.raises(TableReadError) as info:
        read_table(folder / "labs.csv")
    assert "CSV UTF-8" in info.value.problem.message("de")
    assert "CSV UTF-8" in info.value.problem.message("en")
    (folder / "labs.csv").unlink()
    _hostile("xlsx_named_csv", folder)
    with pytest.raises(TableReadError) as info:
        read_table(folder / "labs.csv")
    assert ".xlsx" in info.value.problem.message("de")


def test_zip_bomb_refused_before_it_is_inflated(tmp_path: Path, monkeypatch):
    """The limits are checked on the zip's directory: openpyxl never sees the bomb."""
    path = tmp_path / "labs.xlsx"
    _zip_bomb(path, 300)
    assert path.stat().st_size < 2 * 1024**2  # a small file ...
    with zipfile.ZipFile(path) as zf:  # ... that declares 300 MB
        assert sum(m.file_size for m in zf.infolist()) > io.MAX_XLSX_UNCOMPRESSED

    def no_inflating(*args, **kwargs):
        raise AssertionError("openpyxl was asked to open a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", no_inflating)
    with pytest.raises(TableReadError) as info:
        read_table(path)
    assert info.value.problem.rule == "file_zip_too_large"
    assert "300" in info.value.problem.message("de")


def test_zip_limits_are_module_constants_and_a_normal_workbook_passes(tmp_path: Path):
    assert io.MAX_XLSX_UNCOMPRESSED == 200 * 1024**2
    assert io.MAX_XLSX_RATIO == 100
    path = tmp_path / "labs.xlsx"
    _workbook(
        path, [HEADER.split(";"), *[ROW.replace("a;", f"l{i};", 1).split(";") for i in range(500)]]
    )
    table = read_table(path)
    assert len(table.frame) == 500


def test_openpyxl_parses_xml_with_defusedxml():
    """openpyxl switches to defusedxml when it is installed (entity expansion attacks)."""
    import defusedxml  # noqa: F401  - must be installed for the switch
    from openpyxl import xml

    assert xml.DEFUSEDXML is True


def test_unsupported_spreadsheet_format_is_named(tmp_path: Path, capsys):
    folder = _folder(tmp_path)
    (folder / "labs.xls").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 100)
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "labs.xls" in out and "CSV UTF-8" in out and "file_format_unsupported" in out


def _bad_folder(mini: Path) -> Path:
    """The small embedded data with one lab id misspelt in labs.csv: hundreds of follow-ups."""
    path = mini / "labs.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("\nbad_belzig;", "\nbad-belzig;"),
        encoding="utf-8",
    )
    return mini


def test_closed_pipe_ends_quietly(mini: Path):
    """``ogl-impact validate ... | head -1`` through a real shell pipe: no traceback.

    The data are refused: the status stays 1 (not the pipe's 141), so that a
    script reading only the first line still sees the refusal.
    """
    folder = _bad_folder(mini)
    exe = Path(sys.executable).parent / "ogl-impact"
    command = (
        f'"{exe}" validate "{folder}" --format json | head -1; echo "status=${{PIPESTATUS[0]}}"'
    )
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True)
    assert result.stdout.splitlines()[0] == "{"
    assert "status=1\n" in result.stdout
    assert result.stderr == ""


def test_closed_pipe_when_reading_one_byte(mini: Path):
    folder = _bad_folder(mini)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ogl_impact", "validate", str(folder), "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "OGL_IMPACT_DEBUG": ""},
    )
    assert proc.stdout.read(1) == b"{"
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait() == 1  # the refusal, not the closed pipe
    assert "Traceback" not in err and "interner Fehler" not in err and err == ""


def test_valid_folder_through_head(mini: Path):
    exe = Path(sys.executable).parent / "ogl-impact"
    result = subprocess.run(
        ["bash", "-c", f'"{exe}" validate "{mini}" | head -1'], capture_output=True, text=True
    )
    assert "fehlerfrei" in result.stdout
    assert result.stderr == ""
