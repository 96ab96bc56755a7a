"""A Kobo CSV export is read whichever header form KoboToolbox's download options chose.

KoboToolbox heads a grouped question ``group/name`` by default; with the
download option "group separator" set to ``.`` it writes ``group.name``, and
with "include groups in headers" off the name alone. A column present in the
file was reported missing for the two other forms. A column that is truly
missing is named with the header expected; the hint on unknown columns leaves
out a select_multiple split into one column per choice and the tool's own
columns (``meta/…``, ``_…``).

Form and submissions: tests/fixtures/kobo/grouped_translated_v1.json (a real
KoboToolbox form JSON, see /work/shared/fixtures/README.md), its three
submissions repeated with ids of their own and written as CSV.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.test_import_missing_column import mapping, refused
from tests.test_import_overlap import imp, table
from tests.test_import_overlap import secret as secret

FORM = Path(__file__).parent / "fixtures" / "kobo" / "grouped_translated_v1.json"
GROUP = "external_characteristics"
SYMMETRY = f"{GROUP}/What_kind_of_symmetry_do_you_have"
ROWS = (
    "@survey_id;grouped_translated_v1;;\n"  # the form JSON names no id of its own
    "What_kind_of_symmetry_do_you_have_bilateral;symmetrie_bilateral;shape;false\n"
    "Do_you_descend_from_unicellular_organism;einzeller;origin;false\n"
)


def header(column: str, style: str) -> str:
    """``column`` (a path as in the form JSON) as the download option ``style`` heads it.

    Without groups in headers the group path goes, a choice's column keeps its
    question (``name/choice``); ``.`` as group separator joins every part with ``.``.
    """
    if style == "dot":
        return column.replace("/", ".")
    if style == "bare":
        if column.startswith(f"{SYMMETRY}/"):
            return column.removeprefix(f"{GROUP}/")
        return column.rsplit("/", 1)[-1]
    return column


def kobo_csv(path: Path, style: str, drop: tuple[str, ...] = (), extra: str = "") -> Path:
    """The form's submissions (20 times each) as a Kobo CSV export headed in ``style``.

    A select_multiple is also split into one 0/1 column per choice, as KoboToolbox
    exports it; columns in ``drop`` (paths) are left out, ``extra`` is one more column.
    """
    subs = json.loads(FORM.read_text(encoding="utf-8"))["submissions"]
    rows = []
    for n, sub in enumerate(subs * 20, start=1):
        row = {**sub, "_uuid": f"uuid-{n}"}
        for choice in ("spherical", "radial", "bilateral"):
            row[f"{SYMMETRY}/{choice}"] = str(int(choice in row.get(SYMMETRY, "").split()))
        rows.append(row)
    columns = [c for c in dict.fromkeys(k for row in rows for k in row) if c not in drop]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow([header(c, style) for c in columns] + ([extra] if extra else []))
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns] + (["x"] if extra else []))
    return path


def answers(out: Path) -> list[tuple]:
    frame = table(out, "responses")
    keep = [c for c in ("item_id", "value") if c in frame.columns]
    return sorted(map(tuple, frame[keep].astype(str).to_numpy().tolist()))


@pytest.fixture
def rows(tmp_path: Path) -> Path:
    return mapping(tmp_path / "zuordnung.csv", rows=ROWS)


@pytest.mark.parametrize("style", ["dot", "bare"])
def test_every_header_form_gives_the_answers_of_the_group_path(
    tmp_path, secret, capsys, rows, style
):
    path_out, other_out = tmp_path / "pfad", tmp_path / style
    by_path = kobo_csv(tmp_path / "pfad.csv", "path")
    assert imp("kobo", [FORM, by_path], rows, path_out, secret) == 0, capsys.readouterr().err
    other = kobo_csv(tmp_path / f"{style}.csv", style)
    assert imp("kobo", [FORM, other], rows, other_out, secret) == 0, capsys.readouterr().err
    got = answers(other_out)
    assert got == answers(path_out)
    # of the three submissions, two tick bilateral and one leaves the question out
    ticked = [v for item, v in got if item == "symmetrie_bilateral"]
    assert ticked == ["1"] * 40, ticked


@pytest.mark.parametrize("style", ["path", "dot", "bare"])
def test_a_missing_grouped_column_names_the_headers_expected(tmp_path, secret, capsys, rows, style):
    cut = kobo_csv(tmp_path / "export.csv", style, drop=(SYMMETRY,), extra="Symmetrie")
    err = refused(tmp_path, secret, capsys, [FORM, cut], rows, tool="kobo")
    name = SYMMETRY.rsplit("/", 1)[-1]
    assert (
        f"export.csv, Zeile 1, Spalte „{name}_bilateral“: Die Spalte fehlt in dieser Datei "
        f"(erwartete Kopfzeile „{SYMMETRY}“, „{GROUP}.{name}“ oder „{name}“); die Zuordnung"
    ) in err, err
    # the one unknown column alone: not the choices' columns, not meta/…, _… or formhub/…
    assert "Spalten, die der Fragebogen nicht kennt: Symmetrie." in err, err


def test_a_name_alone_is_not_taken_where_two_groups_ask_a_question_of_that_name(tmp_path):
    """Without the group path a header names a question only where the name is unique."""
    from ogl_impact.imports.kobo import read_kobo

    name = "How_many_segments_does_your_body_have"
    doc = json.loads(FORM.read_text(encoding="utf-8"))
    survey = doc["content"]["survey"]
    twin = next(q for q in survey if q.get("name") == name)
    survey += [  # the same name in a second group
        {"type": "begin_group", "name": "inner_characteristics"},
        {**twin, "$kuid": "twin"},
        {"type": "end_group"},
    ]
    form = tmp_path / "form.json"
    form.write_text(json.dumps(doc), encoding="utf-8")
    export = read_kobo(form, kobo_csv(tmp_path / "bare.csv", "bare"))
    assert f"{GROUP}/{name}" not in export.fields.columns
    assert f"inner_characteristics/{name}" not in export.fields.columns
    assert name in export.absent  # neither taken: told as missing, not guessed
    alone = read_kobo(FORM, kobo_csv(tmp_path / "alone.csv", "bare"))  # one question: taken
    assert alone.fields[f"{GROUP}/{name}"].iloc[0] == "7" and alone.absent == ()
