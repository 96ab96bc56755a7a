"""A mapped question whose column was deleted or renamed in the export is refused by name.

A user who removes or renames a column in Excel before saving the export as
CSV leaves the survey's structure (LimeSurvey's survey, SoSci's R script)
declaring a question the response table lacks. Its answers must not be read
as empty: the import is refused, naming the file, the column, the mapping
line and what to do, and nothing is written.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd

from tests.test_import_overlap import FIRST, LSS, SOSCI_DATA, SOSCI_SCRIPT, imp, tree
from tests.test_import_overlap import secret as secret

KOBO = Path(__file__).parent / "fixtures" / "kobo"
ROWS = "G02Q04;bild;satisfaction;false\nQ00_SQ001;farbe;colours;false\n"


def mapping(path: Path, rows: str = ROWS, wave: str = "1;") -> Path:
    path.write_text(
        f"code;item_id;construct;reverse_keyed\n@unit_id;brandis;;\n@wave;{wave}\n"
        f"@actor_group;citizens;;\n{rows}",
        encoding="utf-8",
    )
    return path


def download(path: Path, rename: dict[str, str | None]) -> list[Path]:
    """40 LimeSurvey responses as CSV, columns deleted (``None``) or renamed as in ``rename``."""
    with (Path(__file__).parent / "fixtures" / "limesurvey" / "colors_responses_codes.csv").open(
        encoding="utf-8"
    ) as handle:
        template = list(csv.DictReader(handle))[1]
    rows = [
        {**template, "id": str(FIRST + n), "G02Q04": "AO01" if n % 2 else "AO02"}
        for n in range(1, 41)
    ]
    names = {c: rename.get(c, c) for c in template}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([n for n in names.values() if n is not None])
        for row in rows:
            writer.writerow([row[c] for c, n in names.items() if n is not None])
    return [LSS, path]


def refused(tmp_path, secret, capsys, files, map_path, tool="limesurvey") -> str:
    out = tmp_path / "daten"
    out.mkdir()
    before = tree(out)
    assert imp(tool, files, map_path, out, secret) == 1
    err = capsys.readouterr().err
    assert tree(out) == before  # nothing written
    assert "Traceback" not in err and "Import abgelehnt, nichts geschrieben" in err, err
    assert "keine Antworten zu übernehmen" not in err, err
    return err


def test_a_deleted_mapped_column_is_named_with_the_mapping_line(tmp_path, secret, capsys):
    files = download(tmp_path / "export.csv", {"G02Q04": None})
    m = mapping(tmp_path / "zuordnung.csv", rows="G02Q04;bild;satisfaction;false\n")
    err = refused(tmp_path, secret, capsys, files, m)
    assert "export.csv, Zeile 1, Spalte „G02Q04“: Die Spalte fehlt in dieser Datei" in err, err
    assert "die Zuordnung zuordnung.csv braucht sie (Zeile 5: G02Q04 → Item bild)" in err, err
    assert "neu aus dem Befragungswerkzeug herunterladen" in err, err
    assert "[Regel export_column_missing]" in err, err


def test_one_deleted_column_of_two_mapped_is_not_imported_as_empty(tmp_path, secret, capsys):
    # the other mapped question is there: before, its answers were taken and bild's dropped
    files = download(tmp_path / "export.csv", {"G02Q04": None})
    err = refused(tmp_path, secret, capsys, files, mapping(tmp_path / "zuordnung.csv"))
    assert "Spalte „G02Q04“: Die Spalte fehlt" in err and "(Zeile 5: G02Q04" in err, err
    assert "Q00_SQ001“: Die Spalte fehlt" not in err, err


def test_two_deleted_columns_are_both_named(tmp_path, secret, capsys):
    files = download(tmp_path / "export.csv", {"G02Q04": None, "Q00[SQ001]": None})
    err = refused(tmp_path, secret, capsys, files, mapping(tmp_path / "zuordnung.csv"))
    assert "Spalte „G02Q04“: Die Spalte fehlt" in err and "(Zeile 5: G02Q04" in err, err
    assert "Spalte „Q00_SQ001“: Die Spalte fehlt" in err and "(Zeile 6: Q00_SQ001" in err, err


def test_a_renamed_column_is_named_with_the_unknown_one(tmp_path, secret, capsys):
    files = download(tmp_path / "export.csv", {"G02Q04": "Bild"})
    err = refused(tmp_path, secret, capsys, files, mapping(tmp_path / "zuordnung.csv"))
    assert "Spalte „G02Q04“: Die Spalte fehlt" in err, err
    assert "Spalten, die der Fragebogen nicht kennt: Bild." in err, err


def test_a_deleted_wave_column_is_named(tmp_path, secret, capsys):
    files = download(tmp_path / "export.csv", {"G02Q04": None})
    m = mapping(tmp_path / "zuordnung.csv", rows="Q00_SQ001;farbe;colours;false\n",
                wave="G02Q04;AO01=1,AO02=2")  # fmt: skip
    err = refused(tmp_path, secret, capsys, files, m)
    assert "export.csv, Zeile 1, Spalte „G02Q04“: Die Spalte fehlt" in err, err
    assert "(Zeile 3: @wave aus Frage G02Q04)" in err, err


def test_a_deleted_sosci_column_is_named(tmp_path, secret, capsys):
    frame = pd.read_csv(SOSCI_DATA, sep="\t", dtype=str, keep_default_na=False)
    data = tmp_path / "Exp1_data.csv"
    frame.drop(columns=["TR02_01"]).to_csv(data, sep="\t", index=False)
    rows = "TR02_01;platz_1;satisfaction;false\nTR02_02;platz_2;satisfaction;false\n"
    m = mapping(tmp_path / "zuordnung.csv", rows=rows)
    err = refused(tmp_path, secret, capsys, [data, SOSCI_SCRIPT], m, tool="sosci")
    assert "Exp1_data.csv, Zeile 1, Spalte „TR02_01“: Die Spalte fehlt" in err, err
    assert "(Zeile 5: TR02_01 → Item platz_1)" in err, err


def test_a_renamed_sosci_column_is_told_as_renamed(tmp_path, secret, capsys):
    frame = pd.read_csv(SOSCI_DATA, sep="\t", dtype=str, keep_default_na=False)
    data = tmp_path / "Exp1_data.csv"
    frame.rename(columns={"TR02_01": "Platz 1"}).to_csv(data, sep="\t", index=False)
    m = mapping(tmp_path / "zuordnung.csv", rows="TR02_01;platz_1;satisfaction;false\n")
    err = refused(tmp_path, secret, capsys, [data, SOSCI_SCRIPT], m, tool="sosci")
    assert "Exp1_data.csv: Der Export lässt sich nicht lesen: Spalte Platz 1 kennt" in err, err
    assert "das R-Skript nicht, dafür fehlt TR02_01" in err, err
    assert "umbenannt?" in err and "das R-Skript gehört nicht zu" not in err, err


def kobo_csv(path: Path, columns: list[str]) -> Path:
    """The sanitation report's submissions as a Kobo CSV export with only ``columns``."""
    doc = json.loads((KOBO / "sanitation_report_v1.json").read_text(encoding="utf-8"))
    rows = [{"_uuid": f"uuid-{n}", **sub} for n, sub in enumerate(doc["submissions"] * 20, start=1)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore", delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_deleted_kobo_csv_column_is_named(tmp_path, secret, capsys):
    m = mapping(tmp_path / "zuordnung.csv", rows="restaurant_rating;bewertung;rating;false\n",
                wave="1;")  # fmt: skip
    form = KOBO / "sanitation_report_v1.json"
    full = ["_uuid", "restaurant_name", "restaurant_rating", "report_date"]
    out = tmp_path / "ganz"
    whole = kobo_csv(tmp_path / "ganz.csv", full)
    assert imp("kobo", [form, whole], m, out, secret) == 0, capsys.readouterr().err
    cut = kobo_csv(tmp_path / "export.csv", [c for c in full if c != "restaurant_rating"])
    err = refused(tmp_path, secret, capsys, [form, cut], m, tool="kobo")
    assert "export.csv, Zeile 1, Spalte „restaurant_rating“: Die Spalte fehlt" in err, err
    assert "(Zeile 5: restaurant_rating → Item bewertung)" in err, err
