"""What the refusals say about earlier imports, and lines of ``imports.csv`` naming no items.

The advice to remove an earlier import names exactly the answers that import
brought: of the same respondents, answers to items its line does not name
came from other imports. An overlap is counted in responses, however many
lines recorded them. A line naming no items (a register of an older
version, a cell emptied by hand) stands for all items of its group: a
``--replace`` of the same export keeps the answers to its other items
named, and a line of another export is marked replaced only when its group
keeps no answer to other items.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ogl_impact.imports.merge import wave_key
from tests.test_import_overlap import imp, limesurvey, mapping, table, tree
from tests.test_import_overlap import secret as secret
from tests.test_import_register_cover import BILD, FARBE, clean, counts, lines

ADVICE = re.compile(r"nur seine (\d+) Antworten")
REMOVE = re.compile(r"zu entfernen \(Welle [^)]*\): responses\.csv, Zeilen? ([0-9, -]+) /")


def named_rows(out: Path, err: str) -> list[dict[str, str]]:
    """The rows of ``responses.csv`` the refusal tells to remove (by line of the file)."""
    numbers: list[int] = []
    for spans in REMOVE.findall(err):
        for part in spans.split(", "):
            first, _, last = part.partition("-")
            numbers += range(int(first), int(last or first) + 1)
    text = (out / "responses.csv").read_text(encoding="utf-8").splitlines()
    header = text[1].split(";")
    return [dict(zip(header, text[n - 1].split(";"), strict=True)) for n in numbers]


@pytest.mark.parametrize(
    ("second", "numbers", "item"),
    [
        # a2 (bild, responses 1-41) replaced a's bild: a2's 41 answers are all to bild
        (BILD, range(1, 42), "bild"),
        # b (bild, 1-40; a new download without the question of farbe) replaced a's bild: a
        # keeps its 40 answers to farbe, and the advice for a names them only (a's export maps
        # both items; b's answers to bild stay)
        (BILD, range(1, 41), "farbe"),
    ],
)
def test_the_advice_to_remove_an_earlier_import_names_its_answers_only(
    tmp_path, secret, capsys, second, numbers, item
):
    out = tmp_path / "daten"
    both = mapping(tmp_path / "both.map", rows=BILD + FARBE)
    a = limesurvey(tmp_path / "a.csv", range(1, 41))
    assert imp("limesurvey", a, both, out, secret) == 0
    other = limesurvey(tmp_path / "b.csv", numbers, drop="Q00[SQ001]")
    assert imp("limesurvey", other, mapping(tmp_path / "b.map", rows=second), out, secret,
               "--replace", "1") == 0  # fmt: skip
    clean(out, capsys)
    # the earlier import again as wave 2: the one whose line names `item`
    again, m = (other, "b.map") if item == "bild" else (a, "both.map")
    rows = BILD if item == "bild" else BILD + FARBE
    before = tree(out)
    wave2 = mapping(tmp_path / f"w2-{m}", wave="2", rows=rows)
    assert imp("limesurvey", again, wave2, out, secret) == 1
    err = capsys.readouterr().err
    assert tree(out) == before
    said = [int(n) for n in ADVICE.findall(err)]
    named = named_rows(out, err)
    expected = 41 if item == "bild" else 40
    assert said == [expected], err
    assert len(named) == expected, err
    assert {r["item_id"] for r in named} == {item}, err
    assert f"; Item {item})" in err, err
    # exactly that import's answers: every answer to the item in wave 1
    held = table(out, "responses")
    mine = held[(held["item_id"] == item) & (held["wave"].map(wave_key) == "1")]
    assert len(mine) == expected


def test_an_overlap_counts_responses_not_their_records(tmp_path, secret, capsys):
    # b (responses 11-30) narrowed to bild by a (1-20, farbe) keeps its records of 11-20,
    # which a recorded too: 40 records of 30 responses
    out = tmp_path / "daten"
    both = mapping(tmp_path / "both.map", rows=BILD + FARBE)
    assert imp("limesurvey", limesurvey(tmp_path / "b.csv", range(11, 31)), both, out, secret) == 0
    farbe = mapping(tmp_path / "f.map", rows=FARBE)
    a = limesurvey(tmp_path / "a.csv", range(1, 21))
    assert imp("limesurvey", a, farbe, out, secret, "--replace", "1", "--remove-absent") == 0
    clean(out, capsys)
    # a cumulative download of all 30 responses, without --replace
    c = limesurvey(tmp_path / "c.csv", range(1, 31))
    assert imp("limesurvey", c, mapping(tmp_path / "b.map", rows=BILD), out, secret) == 1
    err = capsys.readouterr().err
    assert "30 von 30 Antwortbögen dieses Exports wurden schon importiert" in err, err
    assert "Dieser Export bringt keine neuen Antwortbögen" in err, err
    assert "neuen übernehmen" not in err, err


def without_items(out: Path, emptied: bool) -> None:
    """Make ``imports.csv`` one of an older version (no ``items``), or empty its cells."""
    path = out / "imports.csv"
    comment, header, *rows = path.read_text(encoding="utf-8").splitlines()
    at = header.split(";").index("items")

    def cut(line: str) -> str:
        cells = line.split(";")
        cells = [*cells[:at], "", *cells[at + 1 :]] if emptied else cells[:at] + cells[at + 1 :]
        return ";".join(cells)

    head = header if emptied else cut(header)
    path.write_text("\n".join([comment, head, *map(cut, rows)]) + "\n", encoding="utf-8")


@pytest.mark.parametrize("emptied", [False, True], ids=["older version", "emptied by hand"])
def test_the_same_export_replaced_with_fewer_items_keeps_a_line_naming_the_others(
    tmp_path, secret, capsys, emptied
):
    out = tmp_path / "daten"
    a = limesurvey(tmp_path / "a.csv", range(1, 41))
    assert imp("limesurvey", a, mapping(tmp_path / "both.map", rows=BILD + FARBE), out, secret) == 0
    without_items(out, emptied)
    capsys.readouterr()
    assert imp("limesurvey", a, mapping(tmp_path / "b.map"), out, secret, "--replace", "1") == 0
    # its 40 answers to farbe stay (a --replace takes the mapping's items only): its line
    # names them and counts them
    assert counts(out) == {"bild": 40, "farbe": 40}
    assert lines(out) == [("colors.lss, a.csv", "bild|farbe", "80", "")]
    clean(out, capsys)


def test_a_line_naming_no_items_stays_while_its_group_keeps_answers_no_line_names(
    tmp_path, secret, capsys
):
    out = tmp_path / "daten"
    farbe, bild = mapping(tmp_path / "f.map", rows=FARBE), mapping(tmp_path / "b.map")
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), farbe, out, secret) == 0
    b = limesurvey(tmp_path / "b.csv", range(101, 121))
    assert imp("limesurvey", b, bild, out, secret) == 0
    without_items(out, emptied=False)
    capsys.readouterr()
    # a new download of b replaces bild: a's 40 answers to farbe all stay
    b2 = limesurvey(tmp_path / "b2.csv", range(101, 121))
    assert imp("limesurvey", b2, bild, out, secret, "--replace", "1") == 0
    said = capsys.readouterr().out
    assert "als ersetzt" not in said, said
    assert counts(out) == {"farbe": 40, "bild": 20}
    assert [(e, r) for e, _, _, r in lines(out)] == [
        ("colors.lss, a.csv", ""),
        ("colors.lss, b2.csv", ""),
    ]
    clean(out, capsys)
    # then farbe replaced by responses of others only: the group's answers left are to bild,
    # which b2's line names; a's line is marked, and the output says what is not known
    c = limesurvey(tmp_path / "c.csv", range(201, 211))
    assert imp("limesurvey", c, farbe, out, secret, "--replace", "1", "--remove-absent") == 0
    said = capsys.readouterr().out
    assert "Zeile 3 früherer Importe als ersetzt" not in said, said
    assert "imports.csv: Zeile 3 (ohne items, ältere Version) als ersetzt" in said, said
    assert "ist nicht bekannt" in said, said
    assert counts(out) == {"farbe": 10, "bild": 20}
    assert lines(out)[0][0] == "colors.lss, a.csv" and lines(out)[0][3] != ""
    clean(out, capsys)


def test_a_line_naming_no_items_claims_no_answers_another_line_names(tmp_path, secret, capsys):
    # a's line emptied by hand; a cumulative download c (the same respondents and more)
    # replaces farbe; then a again with bild only: the farbe answers of a's respondents are
    # c's now, named by c's line, and a's new line must not claim them too
    out = tmp_path / "daten"
    farbe, bild = mapping(tmp_path / "f.map", rows=FARBE), mapping(tmp_path / "b.map")
    a = limesurvey(tmp_path / "a.csv", range(1, 41))
    assert imp("limesurvey", a, mapping(tmp_path / "both.map", rows=BILD + FARBE), out, secret) == 0
    without_items(out, emptied=True)
    c = limesurvey(tmp_path / "c.csv", range(1, 53))
    assert imp("limesurvey", c, farbe, out, secret, "--replace", "1", "--remove-absent") == 0
    capsys.readouterr()
    assert imp("limesurvey", a, bild, out, secret, "--replace", "1") == 0
    said = capsys.readouterr().out
    assert "nennt in items auch" not in said, said
    assert counts(out) == {"bild": 40, "farbe": 52}
    assert sorted((e, i, n) for e, i, n, r in lines(out) if not r) == [
        ("colors.lss, a.csv", "bild", "40"),
        ("colors.lss, c.csv", "farbe", "52"),
    ]
    clean(out, capsys)
