"""Reading tables: German spreadsheet dialects, XLSX, comments, and files that are not tables."""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ogl_impact.io import TableReadError, read_table
from ogl_impact.parse import MAX_ABS_NUMBER
from ogl_impact.schemas import TABLES
from ogl_impact.validate import validate_folder, validate_table

from .conftest import DEMO, read_rows


def german_number(text: str) -> str:
    return text.replace(".", ",")


def german_date(text: str) -> str:
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        y, m, d = text.split("-")
        return f"{d}.{m}.{y}"
    return text


def write_variant(
    rows: list[list[str]],
    header: list[str],
    path: Path,
    *,
    sep: str,
    encoding: str,
    numbers=None,
    dates=None,
    bom=False,
) -> None:
    """Write header + rows as a CSV dialect, converting numeric and date columns by hand."""
    numbers = numbers or set()
    dates = dates or set()
    out = []
    for row in rows:
        new = []
        for name, value in zip(header, row, strict=True):
            if name in numbers and sep == ";":
                value = german_number(value)
            if name in dates and sep == ";":
                value = german_date(value)
            new.append(value)
        out.append(new)
    with path.open("w", encoding=encoding, newline="") as handle:
        if bom:
            handle.write("\ufeff")
        writer = csv.writer(handle, delimiter=sep, lineterminator="\r\n" if sep == ";" else "\n")
        writer.writerow(header)
        writer.writerows(out)


def canonical(table: str) -> tuple[list[str], list[list[str]]]:
    """The embedded table as plain comma CSV cells (decimal point, ISO dates)."""
    rows = read_rows(DEMO / f"{table}.csv")[1:]
    header, body = rows[0], rows[1:]
    numeric = {c for c in header if c in {"value", "grant_eur", "baseline_value", "target_value"}}
    body = [
        [v.replace(",", ".") if h in numeric else v for h, v in zip(header, r, strict=True)]
        for r in body
    ]
    return header, body


@pytest.mark.parametrize("table", ["labs", "indicators", "indicator_values", "partners"])
def test_german_dialects_load_identically(tmp_path: Path, table: str):
    header, body = canonical(table)
    numbers = {"value", "grant_eur", "baseline_value", "target_value"}
    dates = {"baseline_date", "target_date", "start", "end"}
    variants = {
        "comma_utf8": dict(sep=",", encoding="utf-8"),
        "semicolon_utf8": dict(sep=";", encoding="utf-8", numbers=numbers, dates=dates),
        "semicolon_bom": dict(sep=";", encoding="utf-8", numbers=numbers, dates=dates, bom=True),
        "semicolon_cp1252": dict(sep=";", encoding="cp1252", numbers=numbers, dates=dates),
    }
    frames = {}
    for name, kwargs in variants.items():
        folder = tmp_path / name
        folder.mkdir()
        path = folder / f"{table}.csv"
        write_variant(body, header, path, **kwargs)
        frame, problems = validate_table(read_table(path), TABLES[table])
        assert problems == [], (name, problems[:3])
        frames[name] = frame
    first = frames.pop("comma_utf8")
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(first, frame, obj=name)


def test_known_values_survive_german_csv():
    # public facts in the embedded labs.csv (semicolon, UTF-8)
    frame, problems = validate_table(read_table(DEMO / "labs.csv"), TABLES["labs"])
    assert problems == []
    grants = frame.set_index("lab_id")["grant_eur"]
    assert grants["brandis"] == 180000.0
    assert grants["bad_berleburg"] == 179800.0
    assert math.isnan(grants["bremen"])
    assert frame.set_index("lab_id").loc["wuerzburg", "grant_holder"] == "Stadt Würzburg"


def test_decimal_comma_and_thousands(tmp_path: Path):
    path = tmp_path / "labs.csv"
    path.write_text(
        "lab_id;name;grant_holder;land;grant_eur;note;source\n"
        "a;A;Stadt A;DE-BY;1.234,5;;s\n"
        "b;B;Stadt B;DE-BY;180000;;s\n"
        "c;C;Stadt C;DE-BY;0,25;;s\n",
        encoding="utf-8",
    )
    frame, problems = validate_table(read_table(path), TABLES["labs"])
    assert problems == []
    assert frame["grant_eur"].tolist() == [1234.5, 180000.0, 0.25]


def test_point_decimal_in_semicolon_file_is_an_error(tmp_path: Path):
    path = tmp_path / "labs.csv"
    path.write_text(
        "lab_id;name;grant_holder;land;grant_eur;note;source\na;A;Stadt A;DE-BY;1.5;;s\n",
        encoding="utf-8",
    )
    _, problems = validate_table(read_table(path), TABLES["labs"])
    assert [(p.rule, p.line, p.column, p.value) for p in problems] == [
        ("type_float", 2, "grant_eur", "1.5")
    ]


def test_xlsx_loads_like_csv(tmp_path: Path):
    header, body = canonical("indicators")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["# synthetische Demodaten"])
    sheet.append(header)
    for row in body:
        cells = []
        for name, value in zip(header, row, strict=True):
            if value == "":
                cells.append(None)
            elif name in {"baseline_value", "target_value"}:
                cells.append(float(value))
            elif name in {"ascending", "cumulative", "aggregatable"}:
                cells.append(value == "true")
            elif name in {"baseline_date", "target_date"}:
                cells.append(pd.Timestamp(value).to_pydatetime())
            else:
                cells.append(value)
        sheet.append(cells)
    path = tmp_path / "indicators.xlsx"
    book.save(path)
    raw = read_table(path)
    assert raw.synthetic
    assert raw.header_line == 2 and raw.lines[0] == 3
    from_xlsx, problems = validate_table(raw, TABLES["indicators"])
    assert problems == []
    csv_path = tmp_path / "indicators.csv"
    write_variant(body, header, csv_path, sep=",", encoding="utf-8")
    from_csv, _ = validate_table(read_table(csv_path), TABLES["indicators"])
    pd.testing.assert_frame_equal(from_csv, from_xlsx)


def test_comment_lines_mark_synthetic_and_keep_line_numbers(tmp_path: Path):
    path = tmp_path / "labs.csv"
    path.write_text(
        "# Synthetische Demodaten\n# zweite Zeile\n"
        "lab_id;name;grant_holder;land;grant_eur;note;source\n"
        "a;A;Stadt A;DE-XX;;;s\n",
        encoding="utf-8",
    )
    raw = read_table(path)
    assert raw.synthetic and raw.header_line == 3
    _, problems = validate_table(raw, TABLES["labs"])
    assert [(p.line, p.column, p.value) for p in problems] == [(4, "land", "DE-XX")]


def test_real_files_are_not_marked_synthetic():
    assert not read_table(DEMO / "labs.csv").synthetic
    assert read_table(DEMO / "responses.csv").synthetic


def test_line_numbers_with_blank_lines_and_quoted_line_breaks(tmp_path: Path):
    path = tmp_path / "sources.csv"
    path.write_text(
        'source_id;title;reference\na;"Titel\nüber zwei Zeilen";x\n\nb;T;y\nB A D;T;z\n',
        encoding="utf-8",
    )
    raw = read_table(path)
    assert raw.lines.tolist() == [2, 5, 6]
    _, problems = validate_table(raw, TABLES["sources"])
    assert [(p.line, p.value, p.rule) for p in problems] == [(6, "B A D", "str_matches")]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_line_numbers_with_a_blank_line_and_a_row_of_separators_only(tmp_path: Path, newline: str):
    # Excel leaves ";;" rows where cell contents were deleted; a blank line before them
    # must not shift the line numbers of the rows that follow it
    lines = ["source_id;title;reference", "a;T;x", "", "B A D;T;y", "c;T;z", ";;"]
    path = tmp_path / "sources.csv"
    path.write_bytes(newline.join([*lines, ""]).encode("utf-8"))
    raw = read_table(path)
    assert raw.lines.tolist() == [2, 4, 5, 6]
    _, problems = validate_table(raw, TABLES["sources"])
    assert (4, "B A D", "str_matches") in [(p.line, p.value, p.rule) for p in problems]
    assert {p.line for p in problems if p.value in ("", None)} <= {6}


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        (b"", "file_empty"),
        (b"   \r\n\n", "file_empty"),
        (b"# nur ein Kommentar\n", "file_no_header"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file_binary"),
        (bytes(range(256)) * 4, "file_binary"),
    ],
)
def test_files_that_are_not_tables(tmp_path: Path, content: bytes, rule: str):
    path = tmp_path / "labs.csv"
    path.write_bytes(content)
    with pytest.raises(TableReadError) as info:
        read_table(path)
    assert info.value.problem.rule == rule
    assert info.value.problem.file == "labs.csv"


def test_row_with_too_many_fields_names_its_line(tmp_path: Path):
    path = tmp_path / "sources.csv"
    path.write_text("source_id;title;reference\na;T;x\nb;T;y;zuviel\n", encoding="utf-8")
    with pytest.raises(TableReadError) as info:
        read_table(path)
    assert (info.value.problem.rule, info.value.problem.line) == ("file_parse", 3)


def test_broken_xlsx(tmp_path: Path):
    path = tmp_path / "labs.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook" + bytes(100))
    with pytest.raises(TableReadError) as info:
        read_table(path)
    assert info.value.problem.rule in {"file_binary", "file_unreadable"}


def test_garbage_in_a_folder_is_reported_not_raised(tmp_path: Path):
    folder = tmp_path / "raw"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns("responses.csv", "truth"))
    rng = np.random.default_rng(1)
    (folder / "codebook.csv").write_bytes(rng.bytes(5000))
    (folder / "notizen.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    report = validate_folder(folder)
    assert not report.ok
    rules = {(p.file, p.rule, p.severity) for p in report.problems}
    assert ("codebook.csv", "file_binary", "error") in rules
    assert ("notizen.csv", "file_unknown", "warning") in rules
    assert ("responses.csv", "table_missing", "error") not in rules  # nothing refers to responses


def test_duplicate_header_column(tmp_path: Path):
    path = tmp_path / "sources.csv"
    path.write_text("source_id;title;title;reference\na;T;T;x\n", encoding="utf-8")
    with pytest.raises(TableReadError) as info:
        read_table(path)
    assert (info.value.problem.rule, info.value.problem.column) == ("column_duplicate", "title")


@settings(max_examples=200, deadline=None)
@given(
    st.floats(
        min_value=-MAX_ABS_NUMBER,
        max_value=MAX_ABS_NUMBER,
        allow_nan=False,
        allow_infinity=False,
        width=64,
    )
)
def test_any_float_round_trips_through_german_csv(tmp_path_factory, number: float):
    folder = tmp_path_factory.mktemp("f")
    path = folder / "labs.csv"
    text = repr(abs(number)).replace(".", ",")
    path.write_text(
        f"lab_id;name;grant_holder;land;grant_eur;note;source\na;A;H;DE-BY;{text};;s\n",
        encoding="utf-8",
    )
    frame, problems = validate_table(read_table(path), TABLES["labs"])
    assert problems == []
    assert frame["grant_eur"].iat[0] == abs(number)
