"""``ogl-impact import``: real exports plus a mapping into tables that validate."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ogl_impact.cli import main
from ogl_impact.validate import validate_folder

FIX = Path(__file__).parent / "fixtures"
DEMO = Path(__file__).resolve().parents[1] / "data" / "raw"


def mapping(folder: Path, rows: list[str], unit="brandis", wave="2", group="citizens") -> Path:
    path = folder / "zuordnung.csv"
    lines = [
        "code;item_id;construct;reverse_keyed",
        f"@unit_id;{unit};;",
        f"@wave;{wave};;",
        f"@actor_group;{group};;",
        *rows,
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "schluessel.txt"
    path.write_text("ein-geheimer-schluessel\n", encoding="utf-8")
    return path


def run_import(tool, files, map_path, out, secret_path, capsys=None):
    args = [
        "import",
        tool,
        *map(str, files),
        "--mapping",
        str(map_path),
        "--out",
        str(out),
        "--programme",
        str(DEMO),
        "--secret-file",
        str(secret_path),
    ]
    return main(args)


def tree(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_limesurvey_archive(tmp_path, secret, capsys):
    map_path = mapping(
        tmp_path, ["G02Q04;bild;satisfaction;false", "Q00_SQ009;farbe_schwarz;colours;false"]
    )
    out = tmp_path / "out"
    assert run_import("limesurvey", [FIX / "limesurvey" / "colors.lsa"], map_path, out, secret) == 0
    report = validate_folder(out)
    assert report.ok, report.problems[:3]
    responses = report.tables["responses"]
    assert responses["respondent_id"].nunique() == 2 and len(responses) == 4
    assert not responses["respondent_id"].astype(str).isin(["1", "2"]).any()  # pseudonymised
    by_item = responses.groupby("item_id", observed=True)["value"].apply(sorted)
    assert by_item["farbe_schwarz"] == [0.0, 1.0] and by_item["bild"] == [1.0, 1.0]
    text = "".join(p.read_text(encoding="utf-8") for p in out.glob("*.csv"))
    assert "heavy metal" not in text and "brighten my day" not in text  # free text stays out
    printed = capsys.readouterr().out
    assert "unmapped_question" in printed and "Q00_SQ001" in printed


def test_pseudonyms_are_stable_and_keyed(tmp_path, secret):
    map_path = mapping(tmp_path, ["G02Q04;bild;satisfaction;false"])
    assert (
        run_import(
            "limesurvey", [FIX / "limesurvey" / "colors.lsa"], map_path, tmp_path / "a", secret
        )
        == 0
    )
    assert (
        run_import(
            "limesurvey", [FIX / "limesurvey" / "colors.lsa"], map_path, tmp_path / "b", secret
        )
        == 0
    )
    other = tmp_path / "anderer.txt"
    other.write_text("etwas-anderes", encoding="utf-8")
    assert (
        run_import(
            "limesurvey", [FIX / "limesurvey" / "colors.lsa"], map_path, tmp_path / "c", other
        )
        == 0
    )
    ids = {
        k: set(validate_folder(tmp_path / k).tables["responses"]["respondent_id"].astype(str))
        for k in "abc"
    }
    assert ids["a"] == ids["b"] and not ids["a"] & ids["c"]


def test_sosci_export(tmp_path, secret):
    map_path = mapping(
        tmp_path, ["TR02_01;platz_1;satisfaction;false", "TR02_02;platz_2;satisfaction;false"]
    )
    out = tmp_path / "out"
    files = [
        FIX / "soscisurvey" / "Exp1_import.r",
        FIX / "soscisurvey" / "Exp1_data.csv",
    ]  # any order
    assert run_import("sosci", files, map_path, out, secret) == 0
    report = validate_folder(out)
    assert report.ok
    raw = pd.read_csv(
        FIX / "soscisurvey" / "Exp1_data.csv", sep="\t", dtype=str, keep_default_na=False
    )
    responses = report.tables["responses"]
    got = responses[responses["item_id"] == "platz_1"]["value"].value_counts().to_dict()
    want = raw["TR02_01"][raw["TR02_01"].isin(["1", "2"])].astype(float).value_counts().to_dict()
    assert got == want
    answered = raw["TR02_01"].isin(["1", "2"]) | raw["TR02_02"].isin(["1", "2"])
    assert responses["respondent_id"].nunique() == answered.sum() and len(raw) == 209


def test_kobo_form_and_submissions(tmp_path, secret):
    map_path = mapping(
        tmp_path,
        [
            "@survey_id;einzeller_umfrage;;",  # the form names no id_string or uid
            "Do_you_descend_from_unicellular_organism;einzeller;origin;false",
            "What_kind_of_symmetry_do_you_have_radial;symmetrie_radial;shape;false",
        ],
    )
    out = tmp_path / "out"
    assert (
        run_import("kobo", [FIX / "kobo" / "grouped_translated_v1.json"], map_path, out, secret)
        == 0
    )
    report = validate_folder(out)
    assert report.ok
    responses = report.tables["responses"]
    import json

    subs = json.loads((FIX / "kobo" / "grouped_translated_v1.json").read_text("utf-8"))
    answered = [
        s
        for s in subs["submissions"]
        if s.get("Do_you_descend_from_unicellular_organism")
        or s.get("external_characteristics/What_kind_of_symmetry_do_you_have")
    ]
    assert responses["respondent_id"].nunique() == len(answered) == 2
    book = report.tables["codebook"].set_index("item_id")
    assert (
        book.loc["einzeller", "wording_en"]
        == "Do you descend from an ancestral unicellular organism?"
    )
    assert book.loc["symmetrie_radial", "value_labels"] == "0=nicht gewählt|1=gewählt"


def test_kobo_xlsform_structure(tmp_path):
    from ogl_impact.imports.kobo import read_kobo

    export = read_kobo(FIX / "kobo" / "library-locking-example.xlsx")
    items = export.items.set_index("code")
    assert list(items.index) == ["country", "city"]
    assert items.loc["country", "value_labels"] == "1=Canada|2=United States of America"
    assert items.loc["city", "scale_max"] == 4


def test_kobo_answers_given_as_labels_are_matched(tmp_path, secret, capsys):
    # in this export the answers are the labels 'A', 'C', ... while the names are 'a', 'c', ...
    import json

    form = json.loads((FIX / "kobo" / "sanitation_report_v1.json").read_text("utf-8"))
    position = {c["label"]: i for i, c in enumerate(form["content"]["choices"], start=1)}
    want = sorted(float(position[s["restaurant_rating"]]) for s in form["submissions"])
    map_path = mapping(tmp_path, ["restaurant_rating;bewertung;hygiene;false"])
    out = tmp_path / "out"
    assert (
        run_import("kobo", [FIX / "kobo" / "sanitation_report_v1.json"], map_path, out, secret) == 0
    )
    assert "gelesen 4, übernommen 4, leer 0, übersprungen 0" in capsys.readouterr().out
    got = sorted(validate_folder(out).tables["responses"]["value"])
    assert got == want and len(want) == 4


def test_broken_export_keeps_output(tmp_path, secret, capsys):
    map_path = mapping(tmp_path, ["G02Q04;bild;satisfaction;false"])
    out = tmp_path / "out"
    assert run_import("limesurvey", [FIX / "limesurvey" / "colors.lsa"], map_path, out, secret) == 0
    before = tree(out)
    broken = tmp_path / "kaputt.lsa"
    broken.write_bytes(b"\x00garbage")
    assert run_import("limesurvey", [broken], map_path, out, secret) == 1
    err = capsys.readouterr().err
    assert "kaputt.lsa" in err and "import_unreadable" in err
    assert tree(out) == before


def test_invalid_result_writes_nothing(tmp_path, secret, capsys):
    # TR01_01 has a single scale point: the codebook rule scale_max > scale_min rejects it
    # (its -9 has no label in the script, but SoSci's negative codes are missing codes)
    map_path = mapping(tmp_path, ["TR01_01;erzwungen;satisfaction;false"])
    out = tmp_path / "out"
    files = [FIX / "soscisurvey" / "Exp1_data.csv", FIX / "soscisurvey" / "Exp1_import.r"]
    assert run_import("sosci", files, map_path, out, secret) == 1
    assert "scale_max_above_min" in capsys.readouterr().err
    assert not out.exists()


def test_mapping_without_settings(tmp_path, secret, capsys):
    path = tmp_path / "zuordnung.csv"
    path.write_text("code;item_id;construct\nG02Q04;bild;satisfaction\n", encoding="utf-8")
    assert (
        run_import("limesurvey", [FIX / "limesurvey" / "colors.lsa"], path, tmp_path / "o", secret)
        == 1
    )
    assert "@unit_id" in capsys.readouterr().err


def test_secret_is_required(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("OGL_IMPACT_SECRET", raising=False)
    map_path = mapping(tmp_path, ["G02Q04;bild;satisfaction;false"])
    args = [
        "import",
        "limesurvey",
        str(FIX / "limesurvey" / "colors.lsa"),
        "--mapping",
        str(map_path),
        "--out",
        str(tmp_path / "o"),
    ]
    assert main(args) == 2
    assert "OGL_IMPACT_SECRET" in capsys.readouterr().err


def test_import_help_and_no_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "ogl_impact", "import", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "limesurvey" in result.stdout
    garbage = tmp_path / "form.json"
    garbage.write_text("{not json", encoding="utf-8")
    map_path = mapping(tmp_path, ["x;y;z;false"])
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ogl_impact",
            "import",
            "kobo",
            str(garbage),
            "--mapping",
            str(map_path),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        env={"OGL_IMPACT_SECRET": "s", "PATH": ""},
    )
    assert (
        result.returncode == 1 and "Traceback" not in result.stderr and "form.json" in result.stderr
    )


def test_kobo_labels_keep_their_accents():
    from ogl_impact.imports.kobo import read_kobo

    translated = read_kobo(FIX / "kobo" / "grouped_translated_v1.json")
    assert translated.languages == ("english", "español")
    items = translated.items.set_index("code")
    assert items.loc["What_kind_of_symmetry_do_you_have_spherical", "wording_español"] == (
        "¿Qué tipo de simetría tiene? – Esférico"
    )
    unicode = read_kobo(FIX / "kobo" / "long_unicode_labels_v1.json")
    assert "français" in unicode.languages
    assert len(unicode.answers) == 0  # the fixture has no submissions


def test_kobo_csv_submissions_match_json(tmp_path):
    import json

    from ogl_impact.imports.kobo import read_kobo

    form = FIX / "kobo" / "grouped_translated_v1.json"
    subs = json.loads(form.read_text(encoding="utf-8"))["submissions"]
    csv_path = tmp_path / "einreichungen.csv"
    pd.DataFrame(subs).astype(str).replace("nan", "").to_csv(csv_path, sep=";", index=False)
    from_json = read_kobo(form)
    from_csv = read_kobo(form, csv_path)
    assert from_csv.answers.equals(from_json.answers)


@pytest.mark.parametrize(
    ("setting", "line", "value"),
    [("wave", 3, "7"), ("group", 4, "jugend"), ("unit", 2, "brandiss")],
)
def test_a_wrong_setting_of_the_mapping_is_named_in_the_mapping(
    tmp_path, secret, capsys, setting, line, value
):
    # the errors are told for lines of the merged responses.csv that were never written
    map_path = mapping(tmp_path, ["G02Q04;bild;satisfaction;false"], **{setting: value})
    out = tmp_path / "out"
    assert run_import("limesurvey", [FIX / "limesurvey" / "colors.lsa"], map_path, out, secret) == 1
    err = capsys.readouterr().err
    assert f"zuordnung.csv, Zeile {line}: „{value}“ kommt aus @" in err, err
    assert "noch nicht geschrieben" in err, err
    assert not out.exists()


def test_a_missing_programme_folder_is_named(tmp_path, secret, capsys):
    # run outside the project: the default data/raw is no folder, labs and waves are missing
    map_path = mapping(tmp_path, ["G02Q04;bild;satisfaction;false"])
    out = tmp_path / "out"
    args = ["import", "limesurvey", str(FIX / "limesurvey" / "colors.lsa"), "--mapping"]
    args += [str(map_path), "--out", str(out), "--secret-file", str(secret)]
    assert main([*args, "--programme", str(tmp_path / "data" / "raw")]) == 1
    err = capsys.readouterr().err
    assert "Die Tabelle „labs“ fehlt" in err, err
    assert f"{tmp_path / 'data' / 'raw'}: kein Ordner" in err and "--programme ORDNER" in err, err
    assert not out.exists()
