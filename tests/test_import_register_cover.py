"""Every answer in ``responses.csv`` keeps a line of ``imports.csv`` naming its item.

The mistakes made with ``--replace``: the same export imported twice with two
mappings, a replace with a mapping of more items, of other items only, of
fewer items together with ``--remove-absent``. After each import every
answer is covered by a line of its wave, unit and actor group that is not
marked replaced and names its item in ``items``; ``validate`` stays clean.

``--replace`` takes the answers to the mapping's items only: answers of
respondents the new export lacks to items the mapping does not name stay
(with ``--remove-absent`` too), and the earlier line names them.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from ogl_impact.cli import main
from ogl_impact.imports.merge import wave_key
from ogl_impact.problems import format_text
from ogl_impact.schemas.crosscheck import unsourced
from ogl_impact.validate import validate_folder
from tests.conftest import edit, read_rows, write_rows
from tests.test_import_overlap import imp, limesurvey, mapping, table, tree
from tests.test_import_overlap import secret as secret

BILD = "G02Q04;bild;satisfaction;false\n"
FARBE = "Q00_SQ001;farbe;colours;false\n"
GROUP = ["wave", "unit_id", "actor_group"]


def uncovered(out) -> list[tuple[str, str, str, str]]:
    """Wave, unit, actor group and item of the answers no unmarked line names."""
    register = table(out, "imports")
    live = register[register["replaced"].fillna("").astype(str).eq("")]
    named = {
        (wave_key(w), str(u), str(a), item)
        for w, u, a, items in live[["wave", "unit_id", "actor_group", "items"]].itertuples(
            index=False
        )
        for item in str(items).split("|")
    }
    # a line naming no items (an older version) stands for all items of its group
    blank = live["items"].fillna("").astype(str).str.strip().eq("")
    whole = {(wave_key(w), str(u), str(a)) for w, u, a in live.loc[blank, GROUP].values}
    cells = table(out, "responses")[["wave", "unit_id", "actor_group", "item_id"]]
    held = {(wave_key(w), str(u), str(a), str(i)) for w, u, a, i in cells.itertuples(index=False)}
    return sorted(h for h in held - named if h[:3] not in whole)


def clean(out, capsys) -> None:
    """The folder is covered and valid, with nothing said about the register's files."""
    assert uncovered(out) == [], table(out, "imports")
    report = validate_folder(out)
    assert report.ok, format_text(report.problems)
    said = [p for p in report.problems if p.file in ("imports.csv", "imported_responses.csv")]
    said += [p for p in report.problems if p.rule == "answers_without_import"]
    assert said == [], format_text(said)
    capsys.readouterr()
    assert main(["validate", str(out)]) == 0, capsys.readouterr()
    capsys.readouterr()


def lines(out) -> list[tuple[str, str, str, str]]:
    """Export, items, answers and replaced of every line of ``imports.csv``."""
    register = table(out, "imports").fillna("")
    return [tuple(map(str, r)) for r in register[["export", "items", "answers", "replaced"]].values]


def counts(out) -> dict[str, int]:
    return table(out, "responses")["item_id"].value_counts().to_dict()


def test_the_same_export_with_two_mappings_keeps_one_line_naming_both(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    a = limesurvey(tmp_path / "a.csv", range(1, 41))
    bild, farbe = mapping(tmp_path / "b.map", rows=BILD), mapping(tmp_path / "f.map", rows=FARBE)
    assert imp("limesurvey", a, bild, out, secret) == 0
    clean(out, capsys)
    # the second question forgotten in the mapping: the export again, with it alone
    before = tree(out)
    assert imp("limesurvey", a, farbe, out, secret) == 1
    err = capsys.readouterr().err
    assert tree(out) == before
    assert "diesmal andere Items? Mit --replace 1 wird er übernommen" in err, err
    # as the refusal says: with --replace 1 (nothing of bild is replaced)
    assert imp("limesurvey", a, farbe, out, secret, "--replace", "1") == 0
    said = capsys.readouterr().out
    assert "imports.csv: Zeile 3 nennt in items auch bild" in said, said
    assert lines(out) == [("colors.lss, a.csv", "bild|farbe", "80", "")]
    assert counts(out) == {"bild": 40, "farbe": 40}
    taken = table(out, "imported_responses")
    assert len(taken) == 40 and taken["response"].is_unique
    clean(out, capsys)
    # once more with the first mapping: all its answers are there, nothing to do
    before = tree(out)
    assert imp("limesurvey", a, bild, out, secret) == 1
    assert "Seine Antworten sind schon da; nichts zu tun" in capsys.readouterr().err
    assert tree(out) == before


def test_the_same_export_replaced_by_a_mapping_of_fewer_items_counts_what_stays(
    tmp_path, secret, capsys
):
    # responses 1-40 answer both questions, 41-50 only Q00[SQ001] (G02Q04 left empty):
    # after a --replace with bild alone, the line still names farbe and counts its 50 answers
    out = tmp_path / "daten"
    a = limesurvey(tmp_path / "a.csv", range(1, 51))
    with a[1].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows[40:]:
        row["G02Q04"] = ""
    with a[1].open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    both = mapping(tmp_path / "both.map", rows=BILD + FARBE)
    assert imp("limesurvey", a, both, out, secret) == 0
    assert counts(out) == {"bild": 40, "farbe": 50}
    bild = mapping(tmp_path / "b.map", rows=BILD)
    capsys.readouterr()
    assert imp("limesurvey", a, bild, out, secret, "--replace", "1") == 0
    assert "imports.csv: Zeile 3 nennt in items auch farbe" in capsys.readouterr().out
    assert lines(out) == [("colors.lss, a.csv", "bild|farbe", "90", "")]
    assert counts(out) == {"bild": 40, "farbe": 50}
    # the 10 responses bild took nothing of keep their record: their farbe answers are there
    assert len(table(out, "imported_responses")) == 50
    clean(out, capsys)


@pytest.mark.parametrize("later", ["same", "cumulative"])
def test_a_replace_with_a_mapping_of_more_items(tmp_path, secret, capsys, later):
    out = tmp_path / "daten"
    first = limesurvey(tmp_path / "a.csv", range(1, 41))
    assert imp("limesurvey", first, mapping(tmp_path / "b.map", rows=BILD), out, secret) == 0
    again = first if later == "same" else limesurvey(tmp_path / "alle.csv", range(1, 51))
    both = mapping(tmp_path / "both.map", rows=BILD + FARBE)
    assert imp("limesurvey", again, both, out, secret, "--replace", "1") == 0
    n = 40 if later == "same" else 50
    # the earlier line's only item replaced, each of its responses taken in again: gone
    assert lines(out) == [(f"colors.lss, {again[1].name}", "bild|farbe", str(2 * n), "")]
    assert counts(out) == {"bild": n, "farbe": n}
    taken = table(out, "imported_responses")
    assert len(taken) == n and taken["response"].is_unique
    clean(out, capsys)


def test_a_replace_with_a_disjoint_mapping_leaves_the_earlier_line_alone(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    first = limesurvey(tmp_path / "a.csv", range(1, 41))
    farbe = mapping(tmp_path / "f.map", rows=FARBE)
    assert imp("limesurvey", first, farbe, out, secret) == 0
    every = limesurvey(tmp_path / "alle.csv", range(1, 51))
    capsys.readouterr()
    assert imp("limesurvey", every, mapping(tmp_path / "b.map", rows=BILD), out, secret,
               "--replace", "1") == 0  # fmt: skip
    said = capsys.readouterr().out
    assert "als ersetzt" not in said and "nennt in items" not in said, said
    assert lines(out) == [
        ("colors.lss, a.csv", "farbe", "40", ""),
        ("colors.lss, alle.csv", "bild", "50", ""),
    ]
    assert counts(out) == {"bild": 50, "farbe": 40}
    # the earlier import keeps its records: its responses are still recognised
    register = table(out, "imports")
    taken = table(out, "imported_responses")
    assert taken.groupby("sha256").size().to_dict() == dict(
        zip(register["sha256"], [40, 50], strict=True)
    )
    clean(out, capsys)
    before = tree(out)
    assert imp("limesurvey", first, mapping(tmp_path / "w2.map", wave="2", rows=FARBE),
               out, secret) == 1  # fmt: skip
    assert "dieser Export wurde schon importiert" in capsys.readouterr().err
    assert tree(out) == before


def test_remove_absent_with_fewer_items_keeps_their_other_answers_and_a_line_for_them(
    tmp_path, secret, capsys
):
    out = tmp_path / "daten"
    both = mapping(tmp_path / "both.map", rows=BILD + FARBE)
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), both, out, secret) == 0
    later = limesurvey(tmp_path / "c.csv", range(21, 61))  # responses 1-20 deleted in the tool
    bild = mapping(tmp_path / "b.map", rows=BILD)
    capsys.readouterr()
    before = tree(out)
    assert imp("limesurvey", later, bild, out, secret, "--replace", "1") == 1
    err = capsys.readouterr().err
    assert tree(out) == before
    assert "würde 20 Antworten von 20 Befragten entfernen" in err, err
    assert "Ihre 20 Antworten zu Items, die diese Zuordnung nicht nennt, blieben" in err, err
    assert imp("limesurvey", later, bild, out, secret, "--replace", "1", "--remove-absent") == 0
    said = capsys.readouterr()
    assert "Ihre 20 Antworten zu Items, die diese Zuordnung nicht nennt, bleiben" in said.err
    assert "imports.csv: Zeile 3 nennt in items nur noch farbe" in said.out, said.out
    # bild: 21-60 from c; farbe: 1-40 from a, those of the 20 absent respondents too
    assert counts(out) == {"bild": 40, "farbe": 40}
    assert lines(out) == [
        ("colors.lss, a.csv", "farbe", "80", ""),
        ("colors.lss, c.csv", "bild", "40", ""),
    ]
    clean(out, capsys)
    # then farbe from a full download: nothing of a is left, each of its responses in it
    every = limesurvey(tmp_path / "d.csv", range(1, 61))
    farbe = mapping(tmp_path / "f.map", rows=FARBE)
    assert imp("limesurvey", every, farbe, out, secret, "--replace", "1") == 0
    assert lines(out) == [
        ("colors.lss, c.csv", "bild", "40", ""),
        ("colors.lss, d.csv", "farbe", "60", ""),
    ]
    assert counts(out) == {"bild": 40, "farbe": 60}
    clean(out, capsys)


def test_a_line_none_of_whose_answers_is_left_is_marked_and_stays_marked(tmp_path, secret, capsys):
    # a's responses 1-20 are in no later export: its line stays (its responses are
    # recognised), marked replaced once its last item is taken; later replaces keep the day
    out = tmp_path / "daten"
    both = mapping(tmp_path / "both.map", rows=BILD + FARBE)
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), both, out, secret) == 0
    bild = mapping(tmp_path / "b.map", rows=BILD)
    farbe = mapping(tmp_path / "f.map", rows=FARBE)
    steps = [
        (limesurvey(tmp_path / "c.csv", range(21, 61)), bild, "farbe", ""),
        (limesurvey(tmp_path / "d.csv", range(21, 61)), farbe, "farbe", "marked"),
        (limesurvey(tmp_path / "e.csv", range(21, 66)), bild, "farbe", "marked"),
    ]
    for export, m, items, mark in steps:
        assert imp("limesurvey", export, m, out, secret, "--replace", "1", "--remove-absent") == 0
        first = table(out, "imports").fillna("").iloc[0]
        assert (first["export"], first["items"]) == ("colors.lss, a.csv", items)
        assert (first["replaced"] != "") == bool(mark)
        clean(out, capsys)
    assert counts(out) == {"bild": 45, "farbe": 40}


SEQUENCES = {
    # export (name, responses), mapping; every import after the first with --replace 1
    # --remove-absent
    "one export, fewer items, then others": [
        ("a", range(1, 41), BILD + FARBE),
        ("a", range(1, 41), FARBE),
        ("b", range(1, 51), BILD),
        ("a", range(1, 41), BILD + FARBE),
    ],
    "other items, then the first export with them, then all": [
        ("a", range(1, 41), BILD),
        ("c", range(21, 61), FARBE),
        ("a", range(1, 41), FARBE),
        ("d", range(1, 61), BILD + FARBE),
    ],
}


@pytest.mark.parametrize("name", list(SEQUENCES))
def test_after_every_import_of_a_sequence_each_answer_has_a_line(tmp_path, secret, capsys, name):
    out = tmp_path / "daten"
    for n, (export, numbers, rows) in enumerate(SEQUENCES[name]):
        files = limesurvey(tmp_path / f"{export}.csv", numbers)
        m = mapping(tmp_path / f"{n}.map", rows=rows)
        extra = ("--replace", "1", "--remove-absent") if n else ()
        assert imp("limesurvey", files, m, out, secret, *extra) == 0, capsys.readouterr().err
        clean(out, capsys)


# --- validate tells answers whose every line is marked replaced ------------------------------


def unsourced_said(out: Path) -> list:
    return [p for p in validate_folder(out).problems if p.rule == "answers_without_import"]


def first_line_of(out: Path, item: str) -> int:
    """The line of responses.csv (1-based, as the file numbers it) of the first answer to item."""
    rows = read_rows(out / "responses.csv")
    column = rows[1].index("item_id")
    return next(n for n, row in enumerate(rows[2:], start=3) if row[column] == item)


def test_a_line_marked_replaced_by_hand_while_its_answers_stay_is_told(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    a = limesurvey(tmp_path / "a.csv", range(1, 41))  # 40 responses, each answers G02Q04
    assert imp("limesurvey", a, mapping(tmp_path / "b.map", rows=BILD), out, secret) == 0
    clean(out, capsys)
    # somebody types a day into "Ersetzt am" of the only line (comment line 1, header 2)
    edit(out, "imports", 3, "replaced", edit(out, "imports", 3, "imported", "2026-01-05"))
    assert uncovered(out) == [("1", "brandis", "citizens", "bild")]  # the rule, said by the test
    report = validate_folder(out)
    assert report.ok  # a warning: the answers themselves are sound
    said = [p for p in report.problems if p.rule == "answers_without_import"]
    assert len(said) == 1, format_text(report.problems)
    p = said[0]
    assert (p.file, p.line, p.column, p.value, p.severity) == (
        "responses.csv",
        first_line_of(out, "bild"),
        "item_id",
        "bild",
        "warning",
    )
    text = p.message()
    assert "40 Antworten der Welle 1, Einheit brandis, Akteursgruppe citizens zu Item bild" in text
    assert "imports.csv, Zeile 3" in text and "„Ersetzt am“ wieder leeren" in text, text
    assert "--replace" in text, text
    assert "40 answers of wave 1, unit brandis, actor group citizens to item bild" in p.message(
        "en"
    )
    capsys.readouterr()
    assert main(["validate", str(out)]) == 0  # warnings leave the folder usable
    shown = capsys.readouterr().out
    assert "responses.csv" in shown and "keine Quelle mehr" in shown and "1 Warnung" in shown
    # emptied again, as the message says: nothing to tell
    edit(out, "imports", 3, "replaced", "")
    assert unsourced_said(out) == []


def test_a_register_of_an_older_version_without_items_validates_without_warning(
    tmp_path, secret, capsys
):
    out = tmp_path / "daten"
    both = mapping(tmp_path / "both.map", rows=BILD + FARBE)
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), both, out, secret) == 0
    rows = read_rows(out / "imports.csv")
    drop = rows[1].index("items")
    write_rows(out / "imports.csv", [rows[0], *([c for i, c in enumerate(r) if i != drop]
               for r in rows[1:])])  # fmt: skip
    assert "items" not in read_rows(out / "imports.csv")[1]
    report = validate_folder(out)
    assert report.ok and [p for p in report.problems if p.severity == "warning"] == [], format_text(
        report.problems
    )
    capsys.readouterr()
    assert main(["validate", str(out)]) == 0
    assert "fehlerfrei, 0 Warnungen" in capsys.readouterr().out


def _register(*lines: tuple[int, str, str | None, str | None]) -> pd.DataFrame:
    wave, unit, items, replaced = zip(*lines, strict=True)
    return pd.DataFrame(
        {"wave": wave, "unit_id": unit, "actor_group": "staff", "items": items,
         "replaced": pd.to_datetime(list(replaced))}
    )  # fmt: skip


def _answers(*cells: tuple[int, str, str]) -> pd.DataFrame:
    wave, unit, item = zip(*cells, strict=True)
    return pd.DataFrame({"wave": wave, "unit_id": unit, "actor_group": "staff", "item_id": item})


def test_the_rule_line_by_line():
    answers = _answers(
        (1, "a", "q1"),
        (1, "a", "q1"),
        (1, "a", "q2"),
        (1, "a", "q3"),  # q3: no line names it
        (1, "b", "q1"),  # unit b: its line names no items (older version) and is not marked
        (2, "a", "q1"),  # wave 2: no line at all (before the register)
        (1, "c", "q1"),
        (1, "c", "q2"),  # unit c: its only line names none and is marked
    )
    register = _register(
        (1, "a", "q1|q2", "2026-05-04"),  # marked: q1 and q2 lose it ...
        (1, "a", "q2", None),  # ... but q2 keeps this one
        (1, "b", None, None),
        (1, "c", None, "2026-05-04"),
    )
    found = unsourced(register, answers)
    got = [tuple(r) for r in found[["unit_id", "item_id", "answers", "first", "lines"]].values]
    assert got == [("a", "q1", 2, 0, [0]), ("c", "q1", 1, 6, [3]), ("c", "q2", 1, 7, [3])]
    # a register of an older version (no items, no replaced column): every line stands for all
    assert unsourced(register.drop(columns=["items", "replaced"]), answers).empty
