"""``import --replace`` marks as replaced only the earlier register lines it replaced answers of.

Two exports of one wave, unit and actor group with different questions (one
with ``bild``, one with ``farbe``) have a line each in ``imports.csv``. A
``--replace`` of ``bild`` replaces answers of the first only: the second
keeps its ``replaced`` cell empty. A line some of whose items were replaced
(partly replaced) is not marked: its ``items`` are narrowed to those whose
answers stay. Only a line none of whose answers is left is marked.
"""

from __future__ import annotations

import pandas as pd

from ogl_impact.validate import validate_folder
from tests.test_import_overlap import imp, limesurvey, mapping, table
from tests.test_import_overlap import secret as secret

BILD = "G02Q04;bild;satisfaction;false\n"
FARBE = "Q00_SQ001;farbe;colours;false\n"


def marks(out) -> dict[str, str]:
    register = table(out, "imports")
    replaced = register["replaced"].fillna("") if "replaced" in register else ""
    return dict(zip(register["export"], replaced, strict=True))


def test_a_line_of_other_items_in_the_replaced_group_is_not_marked(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    bild, farbe = mapping(tmp_path / "bild.csv", rows=BILD), mapping(tmp_path / "f.csv", rows=FARBE)
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), bild, out, secret) == 0
    assert (
        imp("limesurvey", limesurvey(tmp_path / "b.csv", range(101, 141)), farbe, out, secret) == 0
    )
    later = limesurvey(tmp_path / "c.csv", range(21, 61))
    capsys.readouterr()
    assert imp("limesurvey", later, bild, out, secret, "--replace", "1", "--remove-absent") == 0
    said = capsys.readouterr().out
    day = pd.Timestamp(table(out, "imports")["imported"].iloc[-1])
    assert marks(out) == {
        "colors.lss, a.csv": f"{day:%Y-%m-%d}",  # its bild answers replaced
        "colors.lss, b.csv": "",  # farbe: not touched by the replace
        "colors.lss, c.csv": "",
    }
    assert "imports.csv: Zeile 3 früherer Importe als ersetzt am" in said, said
    answers = table(out, "responses")
    assert (answers["item_id"] == "farbe").sum() == 40  # b's answers all kept
    assert validate_folder(out).ok


def test_a_line_whose_items_were_partly_replaced_names_the_items_left(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    both = mapping(tmp_path / "beide.csv", rows=BILD + FARBE)
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), both, out, secret) == 0
    assert table(out, "imports")["items"].tolist() == ["bild|farbe"]
    later = limesurvey(tmp_path / "c.csv", range(21, 61))
    bild = mapping(tmp_path / "bild.csv", rows=BILD)
    capsys.readouterr()
    assert imp("limesurvey", later, bild, out, secret, "--replace", "1", "--remove-absent") == 0
    said = capsys.readouterr().out
    assert marks(out) == {"colors.lss, a.csv": "", "colors.lss, c.csv": ""}
    register = table(out, "imports")
    assert register["items"].tolist() == ["farbe", "bild"]
    assert register["answers"].tolist() == ["80", "40"]  # each the count at its import
    assert "als ersetzt" not in said, said
    assert "imports.csv: Zeile 3 nennt in items nur noch farbe (die Antworten zu bild" in said
    answers = table(out, "responses")
    assert (answers["item_id"] == "farbe").sum() == 40  # the items not replaced stay
    assert validate_folder(out).ok


def test_a_line_of_an_older_version_naming_no_items_stays_while_its_answers_do(
    tmp_path, secret, capsys
):
    # imports.csv as the previous version wrote it: no column items; what the line held is
    # not known, but the answers to farbe a replace of bild leaves in its group are named by
    # no other line: they are its, and it is not marked
    out = tmp_path / "daten"
    bild, farbe = mapping(tmp_path / "bild.csv", rows=BILD), mapping(tmp_path / "f.csv", rows=FARBE)
    assert (
        imp("limesurvey", limesurvey(tmp_path / "b.csv", range(101, 141)), farbe, out, secret) == 0
    )
    path = out / "imports.csv"
    rows = [line.split(";") for line in path.read_text(encoding="utf-8").splitlines()]
    cut = rows[1].index("items")
    path.write_text(
        "\n".join([";".join(rows[0])] + [";".join(r[:cut] + r[cut + 1 :]) for r in rows[1:]])
        + "\n",
        encoding="utf-8",
    )
    assert validate_folder(out).ok
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), bild, out, secret) == 0
    later = limesurvey(tmp_path / "c.csv", range(21, 61))
    assert imp("limesurvey", later, bild, out, secret, "--replace", "1", "--remove-absent") == 0
    got = marks(out)
    assert got["colors.lss, b.csv"] == "" and got["colors.lss, a.csv"] != "", got
