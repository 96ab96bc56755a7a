"""The register of deliveries only grows: its stored lines keep their bytes.

collect writes ``submissions.csv`` as the stored file followed by the rows of
this run (``csvout.write_appended``). A register written by the package
comes out as a full rewrite would write it; one whose lines were quoted or
ended otherwise by another program keeps them as they are; where its header
is not the one the package writes, the whole register is written as before.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from ogl_impact.delivery.collect import _as_text_frame
from ogl_impact.delivery.csvout import write_appended
from ogl_impact.write.tables import table_csv_text
from tests.conftest import submissions
from tests.test_delivery_loop import LAB, PERIOD, collect
from tests.test_delivery_run import _corrected

COMMENT = "Datenlieferungen der Labore (ogl-impact collect)"


def _register(rows: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lab_id": [f"lab{k}" for k in range(rows)],
            "received": [pd.Timestamp("2022-11-25")] * rows,
            "workbook": [f"=lab{k}.xlsx" if k == 1 else f"lab{k}.xlsx" for k in range(rows)],
            "problems": list(range(rows)),
        }
    )


def _write(path: Path, text: str | bytes) -> tuple[str, int]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest(), 2


def test_a_register_written_by_the_package_comes_out_as_a_full_rewrite(tmp_path):
    whole = _register(5)
    stored = tmp_path / "stored.csv"
    sha, header = _write(stored, table_csv_text(_as_text_frame(whole.iloc[:3]), COMMENT))
    target = tmp_path / "out.csv"
    assert write_appended(target, whole, stored, sha, 3, header, COMMENT, ";", _as_text_frame)
    assert target.read_text(encoding="utf-8") == table_csv_text(_as_text_frame(whole), COMMENT)
    assert "'=lab1.xlsx" in target.read_text(encoding="utf-8")  # escaped, as written


def test_stored_lines_quoted_by_another_program_keep_their_bytes(tmp_path):
    whole = _register(4)
    old = (
        f"# {COMMENT}\r\n"
        "lab_id;received;workbook;problems\r\n"
        '"lab0";"2022-11-25";"lab0.xlsx";"0"\r\n'
        '"lab1";"2022-11-25";"\'=lab1.xlsx";"1"'  # no line break at the end
    )
    stored = tmp_path / "stored.csv"
    sha, header = _write(stored, old)
    target = tmp_path / "out.csv"
    assert write_appended(target, whole, stored, sha, 2, header, COMMENT, ";", _as_text_frame)
    out = target.read_bytes()
    added = "\r\nlab2;2022-11-25;lab2.xlsx;2\r\nlab3;2022-11-25;lab3.xlsx;3\r\n"
    assert out == (old + added).encode()  # the new lines end as the stored ones
    back = pd.read_csv(target, sep=";", comment="#", dtype=str)
    assert back["lab_id"].tolist() == ["lab0", "lab1", "lab2", "lab3"]


def test_a_register_with_mixed_line_ends_gets_lines_ended_by_the_package(tmp_path):
    whole = _register(3)
    old = f"# {COMMENT}\r\nlab_id;received;workbook;problems\nlab0;2022-11-25;lab0.xlsx;0\r\n"
    stored = tmp_path / "stored.csv"
    sha, header = _write(stored, old)
    target = tmp_path / "out.csv"
    assert write_appended(target, whole, stored, sha, 1, header, COMMENT, ";", _as_text_frame)
    added = "lab1;2022-11-25;'=lab1.xlsx;1\nlab2;2022-11-25;lab2.xlsx;2\n"
    assert target.read_bytes() == (old + added).encode()


def test_a_new_cell_with_a_line_break_after_windows_lines_is_declined(tmp_path):
    whole = _register(2).assign(workbook=["lab0.xlsx", "zwei\nZeilen.xlsx"])
    old = f"# {COMMENT}\r\nlab_id;received;workbook;problems\r\nlab0;2022-11-25;lab0.xlsx;0\r\n"
    stored = tmp_path / "stored.csv"
    sha, header = _write(stored, old)
    target = tmp_path / "out.csv"
    assert not write_appended(target, whole, stored, sha, 1, header, COMMENT, ";", _as_text_frame)
    assert not target.exists()  # the caller writes the whole register, every line alike


def test_another_header_or_other_bytes_are_declined(tmp_path):
    whole = _register(3)
    stored = tmp_path / "stored.csv"
    target = tmp_path / "out.csv"
    sha, header = _write(stored, f"# {COMMENT}\nlab_id,received,workbook,problems\nlab0,x,y,0\n")
    assert not write_appended(target, whole, stored, sha, 1, header, COMMENT, ";", _as_text_frame)
    sha, header = _write(stored, f"# {COMMENT}\nlab_id;received;workbook;problems\nlab0;x;y;0\n")
    assert not write_appended(
        target, whole, stored, "0" * 64, 1, header, COMMENT, ";", _as_text_frame
    )
    assert not write_appended(target, whole, stored, sha, 4, header, COMMENT, ";", _as_text_frame)
    assert not target.exists()
    assert write_appended(target, whole, stored, sha, 1, header, COMMENT, ";", _as_text_frame)


def test_a_register_saved_as_windows_1252_is_declined(tmp_path):
    whole = _register(3).assign(workbook=["Übersicht.xlsx", "lab1.xlsx", "Änderung.xlsx"])
    stored = tmp_path / "stored.csv"
    text = table_csv_text(_as_text_frame(whole.iloc[:2]), COMMENT)
    sha, header = _write(stored, text.encode("cp1252"))
    target = tmp_path / "out.csv"
    assert not write_appended(target, whole, stored, sha, 2, header, COMMENT, ";", _as_text_frame)
    assert not target.exists()
    sha, header = _write(stored, text.encode("utf-8"))  # the same in UTF-8: appended
    assert write_appended(target, whole, stored, sha, 2, header, COMMENT, ";", _as_text_frame)
    assert "Änderung.xlsx" in target.read_text(encoding="utf-8")


def test_collect_after_excel_saved_the_register_keeps_every_umlaut(full, stored, tmp_path, capsys):
    path = stored / "submissions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    first = lines[2].split(";")
    first[3] = "Übersicht_" + first[3]  # a workbook's name with an umlaut
    lines[2] = ";".join(first)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))  # as Excel saves it
    wb = _corrected(full, LAB, tmp_path / "w" / f"Rückmeldung_{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(wb), "--data", str(stored))
    assert code == 0, text
    path.read_bytes().decode("utf-8")  # one encoding in the whole file
    register = submissions(stored)
    assert register.iloc[0]["workbook"] == first[3]
    assert register.iloc[-1]["workbook"] == f"Rückmeldung_{LAB}_{PERIOD}.xlsx"
    assert len(register) == len(lines) - 1


def test_collect_keeps_the_registers_lines_as_stored(full, stored, tmp_path, capsys):
    path = stored / "submissions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    head, body = lines[:2], lines[2:]
    quoted = [";".join(f'"{c}"' for c in line.split(";")) for line in body]
    path.write_bytes(("\r\n".join([*head, *quoted]) + "\r\n").encode("utf-8"))
    before = path.read_bytes()
    wb = _corrected(full, LAB, tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(wb), "--data", str(stored))
    assert code == 0, text
    after = path.read_bytes()
    assert after.startswith(before)  # every stored line, byte for byte
    assert b"\n" not in after.replace(b"\r\n", b"")  # Excel's line ends, the new line's too
    added = after[len(before) :].decode("utf-8").splitlines()
    assert len(added) == 1 and added[0].startswith(f"{LAB};{PERIOD};")
    register = submissions(stored)
    assert len(register) == len(body) + 1
    assert register.iloc[-1]["outcome"] == "revision"


def test_collect_rewrites_a_register_with_another_header(full, stored, tmp_path, capsys):
    path = stored / "submissions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = ";".join(f'"{c}"' for c in lines[1].split(";"))  # the header quoted
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    wb = _corrected(full, LAB, tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(wb), "--data", str(stored))
    assert code == 0, text
    out = path.read_text(encoding="utf-8").splitlines()
    assert out[1] == "lab_id;period_id;received;workbook;sha256;template_version;outcome;problems"
    assert out[2:-1] == lines[2:]  # the stored rows, written as the package writes them
    assert len(submissions(stored)) == len(lines) - 1


def _stored_register(full: Path) -> pd.DataFrame:
    from ogl_impact.delivery.tables import load_tables

    return load_tables(full / "data", cache=False).tables["submissions"]


def test_rows_added_to_the_register_are_validated_with_its_key(full):
    import pandera.errors

    from ogl_impact.delivery.collect import _validated_tail
    from ogl_impact.delivery.unassigned import appended

    old = _stored_register(full)
    row = old.iloc[[0]].astype(object).copy()
    row["period_id"] = "sb9"
    ok = _validated_tail("submissions", appended(old, row), len(old))
    assert len(ok) == len(old) + 1 and ok.iloc[-1]["period_id"] == "sb9"
    twice = old.iloc[[3]].astype(object)  # a stored row's key again
    with pytest.raises(pandera.errors.SchemaError):
        _validated_tail("submissions", appended(old, twice), len(old))
    bad = row.assign(problems=-1, period_id="sb8")
    with pytest.raises(pandera.errors.SchemaError):
        _validated_tail("submissions", appended(old, bad), len(old))


def test_rows_join_the_register_in_its_types(full):
    from ogl_impact.delivery.unassigned import appended

    old = _stored_register(full)
    row = old.iloc[[0]].astype(object).copy()
    row["lab_id"] = None
    both = appended(old, row)
    assert list(both.dtypes) == list(old.dtypes) and len(both) == len(old) + 1
    assert pd.isna(both.iloc[-1]["lab_id"]) and both.index.tolist() == list(range(len(both)))
    odd = row.assign(problems="viele")  # no integer: joined as objects
    both = appended(old, odd)
    assert both.iloc[-1]["problems"] == "viele" and len(both) == len(old) + 1


def test_a_register_with_two_comment_lines_is_still_appended_to(tmp_path):
    # collect passes every leading comment of the stored register, joined
    whole = _register(5)
    two = f"{COMMENT}\n# Hinweis: bitte nicht von Hand ändern"
    old = f"# {two}\nlab_id;received;workbook;problems\nlab0;2022-11-25;lab0.xlsx;0\n"
    old += "lab1;2022-11-25;'=lab1.xlsx;1\nlab2;2022-11-25;lab2.xlsx;2\n"
    stored = tmp_path / "stored.csv"
    sha, _ = _write(stored, old)
    target = tmp_path / "out.csv"
    assert write_appended(target, whole, stored, sha, 3, 3, two, ";", _as_text_frame)
    added = "lab3;2022-11-25;lab3.xlsx;3\nlab4;2022-11-25;lab4.xlsx;4\n"
    assert target.read_text(encoding="utf-8") == old + added
    assert target.read_text(encoding="utf-8") == table_csv_text(_as_text_frame(whole), two)
