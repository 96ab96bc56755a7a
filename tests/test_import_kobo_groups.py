"""A Kobo CSV export without the groups in its headers reads the grouped questions.

KoboToolbox exports CSV with or without the group names in the headers
(``external_characteristics/How_many_segments`` or ``How_many_segments``).
Without them, the answers to every question in a group were read as empty;
since the check for deleted columns, such an export was refused as if the
columns had been deleted. Both exports now give the same answers.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.test_import_missing_column import KOBO
from tests.test_import_overlap import imp, table
from tests.test_import_overlap import secret as secret

FORM = KOBO / "grouped_translated_v1.json"
MAPPING = (
    "code;item_id;construct;reverse_keyed\n@unit_id;brandis;;\n@wave;1;;\n"
    "@actor_group;citizens;;\n@survey_id;grouped;;\n"
    "What_kind_of_symmetry_do_you_have_radial;radial;body;false\n"
    "Do_you_have_body_flu_intracellular_space;fluid;body;false\n"
)


def export(path: Path, groups: bool) -> Path:
    """The form's submissions ten times as a Kobo CSV, group names in the headers or not."""
    doc = json.loads(FORM.read_text(encoding="utf-8"))
    rows = [{**s, "_uuid": f"u{n}"} for n, s in enumerate(doc["submissions"] * 10)]
    columns = sorted({k for row in rows for k in row})
    header = [
        c if groups or c.startswith(("meta/", "formhub/")) else c.rsplit("/", 1)[-1]
        for c in columns
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows([row.get(c, "") for c in columns] for row in rows)
    return path


def test_a_kobo_csv_without_group_names_reads_the_grouped_answers(tmp_path, secret, capsys):
    m = tmp_path / "zuordnung.csv"
    m.write_text(MAPPING, encoding="utf-8")
    out_full, out_bare = tmp_path / "mit", tmp_path / "ohne"
    assert imp("kobo", [FORM, export(tmp_path / "mit.csv", True)], m, out_full, secret) == 0
    bare = export(tmp_path / "ohne.csv", False)
    assert imp("kobo", [FORM, bare], m, out_bare, secret) == 0, capsys.readouterr().err
    full, without = table(out_full, "responses"), table(out_bare, "responses")
    # the symmetry question is answered in 2 of the 3 submissions (radial ticked in one)
    assert (without["item_id"] == "radial").sum() == 20
    assert full.equals(without)
