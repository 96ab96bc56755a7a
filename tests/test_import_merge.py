"""``ogl-impact import`` into an existing data folder: add, never overwrite, lose nothing."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ogl_impact.cli import main
from ogl_impact.imports.convert import pseudonym
from ogl_impact.io import read_table
from ogl_impact.validate import validate_folder

FIX = Path(__file__).parent / "fixtures"
DEMO = Path(__file__).resolve().parents[1] / "data" / "raw"
LSA = FIX / "limesurvey" / "colors.lsa"
SOSCI = [FIX / "soscisurvey" / "Exp1_data.csv", FIX / "soscisurvey" / "Exp1_import.r"]


def write_mapping(path: Path, rows: list[str], unit="brandis", wave="2", group="citizens") -> Path:
    head = ["code;item_id;construct;reverse_keyed"]
    for name, value in (("@unit_id", unit), ("@wave", wave), ("@actor_group", group)):
        if value is not None:
            head.append(f"{name};{value}" if ";" in value else f"{name};{value};;")
    path.write_text("\n".join(head + rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "schluessel.txt"
    path.write_text("ein-geheimer-schluessel-fuer-tests\n", encoding="utf-8")
    return path


def imp(tool, files, mapping, out, secret, *extra, programme=DEMO) -> int:
    args = ["import", tool, *map(str, files), "--mapping", str(mapping), "--out", str(out)]
    args += ["--programme", str(programme), "--secret-file", str(secret), *extra]
    return main(args)


def tree(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (names and hashes), hidden ones included."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def responses_of(folder: Path) -> pd.DataFrame:
    frame = validate_folder(folder).tables["responses"]
    return frame.astype(
        {c: str for c in ("respondent_id", "unit_id", "wave", "actor_group", "item_id")}
    )


@pytest.fixture
def embedded(tmp_path: Path) -> Path:
    """A copy of the embedded data/raw (161,910 answers)."""
    return Path(shutil.copytree(DEMO, tmp_path / "raw"))


def test_import_into_the_embedded_data_adds_and_keeps_every_answer(
    embedded, tmp_path, secret, capsys
):
    before = tree(embedded)
    old_text = (embedded / "responses.csv").read_bytes()
    old_rows = len(read_table(embedded / "responses.csv", "responses").frame)
    mapping = write_mapping(tmp_path / "z.csv", ["G02Q04;bild;satisfaction;false"])
    assert imp("limesurvey", [LSA], mapping, embedded, secret, programme=embedded) == 0
    printed = capsys.readouterr()
    assert "2 Antworten von 2 Befragten hinzugefügt" in printed.out
    assert (
        "als synthetische Demodaten markiert (erste Zeile): codebook.csv, responses.csv"
        in printed.err
    )
    after = tree(embedded)
    changed = {k for k in after if before.get(k) != after[k]}
    # nothing else touched, nothing removed; the register of imported exports is new
    assert changed == {"codebook.csv", "responses.csv", "imports.csv", "imported_responses.csv"}
    assert set(after) - set(before) == {"imports.csv", "imported_responses.csv"}
    new_text = (embedded / "responses.csv").read_bytes()
    assert new_text.startswith(old_text)  # every existing byte kept, answers appended
    report = validate_folder(embedded)
    assert report.ok, report.errors[:3]
    assert len(report.tables["responses"]) == old_rows + 2
    # the embedded answers of wave 2, brandis, citizens came before the register: no line names
    # their items, and none of them is told as an answer without its import
    assert [p for p in report.problems if p.rule == "answers_without_import"] == []


def test_the_same_import_twice_is_refused_and_changes_no_byte(embedded, tmp_path, secret, capsys):
    mapping = write_mapping(tmp_path / "z.csv", ["G02Q04;bild;satisfaction;false"])
    assert imp("limesurvey", [LSA], mapping, embedded, secret, programme=embedded) == 0
    capsys.readouterr()
    before = tree(embedded)
    added = read_table(embedded / "responses.csv", "responses")
    last = added.frame.astype(str).iloc[-1]
    assert imp("limesurvey", [LSA], mapping, embedded, secret, programme=embedded) == 1
    err = capsys.readouterr().err
    assert tree(embedded) == before
    assert "colors.lsa: dieser Export wurde schon importiert" in err, err
    # a folder whose earlier import left no register (written before there was one): the
    # answers already there still refuse it, line by line
    (embedded / "imports.csv").unlink()
    before = tree(embedded)
    assert imp("limesurvey", [LSA], mapping, embedded, secret, programme=embedded) == 1
    err = capsys.readouterr().err
    assert tree(embedded) == before
    assert "2 Antworten stehen schon in responses.csv" in err
    line = int(added.lines[-1])
    assert (
        f"Befragter {last['respondent_id']}, Welle 2, Item bild: vorhanden in responses.csv, "
        f"Zeile {line}" in err
    )


def test_codebook_must_agree(embedded, tmp_path, secret, capsys):
    # G02Q04 has two answer options; the embedded item p1_1 is a five-point scale
    book = read_table(embedded / "codebook.csv", "codebook")
    row = book.frame.astype(str).set_index("item_id").loc["p1_1"]
    mapping = write_mapping(tmp_path / "z.csv", [f"G02Q04;p1_1;{row['construct']};false"])
    before = tree(embedded)
    assert imp("limesurvey", [LSA], mapping, embedded, secret, programme=embedded) == 1
    err = capsys.readouterr().err
    assert tree(embedded) == before
    line = int(book.lines[list(book.frame["item_id"]).index("p1_1")])
    assert f"codebook.csv, Zeile {line}: Item „p1_1“, Spalte „scale_max“" in err
    assert f"vorhanden „{row['scale_max']}“, im Import „2“" in err
    assert "Spalte „value_labels“" in err and "Spalte „construct“" not in err


def test_replace_wave_replaces_only_that_wave_of_the_imported_units(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    rows = ["G02Q04;bild;satisfaction;false"]
    brandis = write_mapping(tmp_path / "b.csv", rows, unit="brandis", wave="2")
    bremen = write_mapping(tmp_path / "h.csv", rows, unit="bremen", wave="2")
    brandis1 = write_mapping(tmp_path / "b1.csv", rows, unit="brandis", wave="1")
    # three exports (the surveys of Bremen and of wave 1 are other exports than Brandis's)
    for m, files in (
        (brandis, [LSA]),
        (bremen, _export(tmp_path / "bremen.csv", "AO02", "AO01", ids=("3", "4"))),
        (brandis1, _export(tmp_path / "welle1.csv", "AO02", "AO02", ids=("5", "6"))),
    ):
        assert imp("limesurvey", files, m, out, secret) == 0
    kept = responses_of(out)
    assert len(kept) == 6
    capsys.readouterr()
    assert imp("limesurvey", [LSA], brandis, out, secret) == 1  # without --replace: refused
    assert imp("limesurvey", [LSA], brandis, out, secret, "--replace", "2") == 0
    assert "2 vorhandene Antworten der Welle 2 ersetzt (Einheit: brandis;" in (
        capsys.readouterr().out
    )
    after = responses_of(out)
    assert len(after) == 6
    key = ["respondent_id", "unit_id", "wave", "item_id", "value"]
    pd.testing.assert_frame_equal(
        after[key].sort_values(key).reset_index(drop=True),
        kept[key].sort_values(key).reset_index(drop=True),
    )
    assert imp("limesurvey", [LSA], brandis, out, secret, "--replace", "3") == 1
    assert "--replace 3: der Import enthält diese Welle nicht" in capsys.readouterr().err


def test_replace_wave_keeps_the_answers_of_other_groups_and_items(tmp_path, secret, capsys):
    # a lab surveys its citizens and its administration in the same wave, each with a
    # questionnaire of its own; a corrected export of one of them, read in with --replace,
    # must not delete the other's answers (nor answers to questions it does not hold)
    out = tmp_path / "daten"
    citizens = write_mapping(tmp_path / "c.csv", ["G02Q04;bild;satisfaction;false"])
    staff = write_mapping(  # another survey: other pseudonyms
        tmp_path / "a.csv",
        ["@survey_id;verwaltung;;", "G02Q04;bild;satisfaction;false"],
        group="administration",
    )
    other_item = write_mapping(tmp_path / "o.csv", ["G02Q04;bild2;satisfaction;false"])
    staff_export = _export(tmp_path / "verwaltung.csv", "AO02", "AO01")
    assert imp("limesurvey", [LSA], citizens, out, secret) == 0
    assert imp("limesurvey", staff_export, staff, out, secret) == 0
    # the citizens' export once more, a question mapped that the first import left out
    assert imp("limesurvey", [LSA], other_item, out, secret) == 1  # recorded: refused
    assert imp("limesurvey", [LSA], other_item, out, secret, "--replace", "2") == 0
    before = responses_of(out)
    assert len(before) == 6
    capsys.readouterr()
    assert imp("limesurvey", [LSA], citizens, out, secret, "--replace", "2") == 0
    said = capsys.readouterr().out
    assert "2 vorhandene Antworten der Welle 2 ersetzt" in said, said
    after = responses_of(out)
    key = ["respondent_id", "unit_id", "wave", "actor_group", "item_id", "value"]
    pd.testing.assert_frame_equal(
        after[key].sort_values(key).reset_index(drop=True),
        before[key].sort_values(key).reset_index(drop=True),
    )


def test_same_response_id_in_two_units_and_waves_are_two_people(tmp_path, secret):
    # the tester's case: response 1 of Brandis wave 2 and response 1 of Bremen wave 1
    out = tmp_path / "daten"
    rows = ["G02Q04;bild;satisfaction;false"]
    assert imp("limesurvey", [LSA], write_mapping(tmp_path / "a.csv", rows), out, secret) == 0
    other = write_mapping(tmp_path / "b.csv", rows, unit="bremen", wave="1")
    # Bremen's own survey (another sid), its response ids 1 and 2 too
    lss = Path(tmp_path / "bremen.lss")
    lss.write_text(
        (FIX / "limesurvey" / "colors.lss").read_text(encoding="utf-8").replace("841748", "512345"),
        encoding="utf-8",
    )
    bremen = [lss, _export(tmp_path / "bremen.csv", "AO02", "AO01")[1]]
    assert imp("limesurvey", bremen, other, out, secret) == 0
    responses = responses_of(out)
    assert len(responses) == 4 and responses["respondent_id"].nunique() == 4


def test_pseudonyms_of_two_surveys_never_coincide(tmp_path, secret):
    out = tmp_path / "daten"
    rows = ["G02Q04;bild;satisfaction;false"]
    exports = {"befragung_a": [LSA], "befragung_b": _export(tmp_path / "b.csv", "AO02", "AO01")}
    for sid, files in exports.items():  # response ids 1 and 2 in both
        mapping = write_mapping(tmp_path / f"{sid}.csv", [f"@survey_id;{sid};;", *rows])
        assert imp("limesurvey", files, mapping, out, secret) == 0
    responses = responses_of(out)
    assert len(responses) == 4 and responses["respondent_id"].nunique() == 4
    # and directly, over many response ids, with and without a panel key
    a = {pseudonym(b"k" * 16, "sosci", "s1", "brandis", "1", str(i)) for i in range(2000)}
    b = {pseudonym(b"k" * 16, "sosci", "s2", "brandis", "1", str(i)) for i in range(2000)}
    assert len(a) == len(b) == 2000 and not a & b
    pa = {pseudonym(b"k" * 16, "kobo", "s1", panel_key=f"code{i}") for i in range(2000)}
    pb = {pseudonym(b"k" * 16, "kobo", "s2", panel_key=f"code{i}") for i in range(2000)}
    assert not pa & pb and not pa & a


def _with_tokens(
    path: Path, tokens: dict[str, str], answers: dict[str, str], ids: tuple[str, str] = ("1", "2")
) -> Path:
    """Responses 1 and 2 of the fixture with these tokens and answers, as response ``ids``."""
    with (FIX / "limesurvey" / "colors_responses_codes.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row, new in zip(rows, ids, strict=True):
        row["token"] = tokens[row["id"]]
        row["G02Q04"] = answers[row["id"]]
        row["id"] = new
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _export(path: Path, first: str, second: str, ids: tuple[str, str] = ("1", "2")) -> list[Path]:
    """Another LimeSurvey export (structure and CSV): its two responses answer G02Q04 so."""
    tokens = {"1": "", "2": ""}
    return [
        FIX / "limesurvey" / "colors.lss",
        _with_tokens(path, tokens, {"1": first, "2": second}, ids),
    ]


def test_panel_key_links_a_person_across_waves(tmp_path, secret):
    lss = FIX / "limesurvey" / "colors.lss"
    wave1 = _with_tokens(
        tmp_path / "w1.csv", {"1": "AB-12", "2": "cd34"}, {"1": "AO01", "2": "AO02"}
    )
    # wave 2: other response ids for the same people, keys typed differently
    wave2 = _with_tokens(
        tmp_path / "w2.csv", {"1": "cd 34", "2": "ab12"}, {"1": "AO01", "2": "AO01"}, ("3", "4")
    )
    out = tmp_path / "daten"
    rows = ["@panel_key;token;;", "G02Q04;bild;satisfaction;false"]
    assert imp("limesurvey", [lss, wave1], write_mapping(tmp_path / "m1.csv", rows, wave="1"),
               out, secret) == 0  # fmt: skip
    assert imp("limesurvey", [lss, wave2], write_mapping(tmp_path / "m2.csv", rows, wave="2"),
               out, secret) == 0  # fmt: skip
    r = responses_of(out)
    assert r["respondent_id"].nunique() == 2
    by_person = r.pivot(index="respondent_id", columns="wave", values="value")
    # AB-12 answered AO01 (1) then, as ab12, AO01 (1); cd34 answered AO02 (2) then AO01 (1)
    assert sorted(map(tuple, by_person[["1", "2"]].to_numpy().tolist())) == [(1.0, 1.0), (2.0, 1.0)]


def test_settings_from_a_question_split_one_export(tmp_path, secret, capsys):
    # SoSci DM02 (1 male, 2 female, 3 other, -9 not answered) decides the unit, DM03 the group
    raw = pd.read_csv(SOSCI[0], sep="\t", dtype=str, keep_default_na=False)
    units = {"1": "brandis", "2": "bremen", "3": "kehl"}
    groups = {"1": "citizens", "2": "administration"}
    mapping = write_mapping(
        tmp_path / "z.csv",
        ["DM06;zustimmung;consent;false"],
        unit="DM02;1=brandis,2=bremen,3=kehl",
        group="DM03;1=citizens,2=administration",
    )
    out = tmp_path / "daten"
    answered = raw[raw["DM06"].isin(["1", "2"])]
    placed = answered[answered["DM02"].isin(list(units)) & answered["DM03"].isin(list(groups))]
    unplaced = len(answered) - len(placed)
    assert unplaced > 0  # the fixture has people who did not say: their answers are skipped
    assert imp("sosci", SOSCI, mapping, out, secret) == 1
    printed = capsys.readouterr()
    assert "@unit_id aus Frage DM02: Antwort „" in printed.out
    assert "nicht in der Wertezuordnung (Zuordnung Zeile 2)" in printed.out
    assert f"{unplaced} Antworten wurden übersprungen" in printed.err
    assert not out.exists()
    assert imp("sosci", SOSCI, mapping, out, secret, "--allow-missing") == 0
    r = responses_of(out)
    got = r.groupby(["unit_id", "actor_group"], observed=True).size().to_dict()
    want = (
        placed.assign(u=placed["DM02"].map(units), g=placed["DM03"].map(groups))
        .groupby(["u", "g"])
        .size()
        .to_dict()
    )
    assert got == want


def test_unknown_answer_codes_stop_the_import_unless_allowed(tmp_path, secret, capsys):
    import json

    form = json.loads((FIX / "kobo" / "sanitation_report_v1.json").read_text("utf-8"))
    form["submissions"][1]["restaurant_rating"] = "Z"
    path = tmp_path / "sanitation.json"
    path.write_text(json.dumps(form), encoding="utf-8")
    mapping = write_mapping(tmp_path / "z.csv", ["restaurant_rating;bewertung;hygiene;false"])
    out = tmp_path / "daten"
    assert imp("kobo", [path], mapping, out, secret) == 1
    printed = capsys.readouterr()
    assert "gelesen 4, übernommen 3, leer 0, übersprungen 1" in printed.out
    assert "Antwortcode „Z“ ohne Wertelabel" in printed.out and not out.exists()
    assert imp("kobo", [path], mapping, out, secret, "--allow-missing") == 0
    assert len(responses_of(out)) == 3


def test_short_secret_warns_and_missing_secret_file_is_an_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("OGL_IMPACT_SECRET", "ein-geheimer-schluessel-aus-der-umgebung")
    mapping = write_mapping(tmp_path / "z.csv", ["G02Q04;bild;satisfaction;false"])
    short = tmp_path / "kurz.txt"
    short.write_text("kurz\n", encoding="utf-8")
    assert imp("limesurvey", [LSA], mapping, tmp_path / "a", short) == 0
    assert "weniger als 16 Zeichen" in capsys.readouterr().err
    gone = tmp_path / "fehlt.txt"
    # a named secret file that is missing is an error, even when OGL_IMPACT_SECRET is set
    assert imp("limesurvey", [LSA], mapping, tmp_path / "b", gone) == 2
    assert "fehlt.txt" in capsys.readouterr().err and not (tmp_path / "b").exists()
    empty = tmp_path / "leer.txt"
    empty.write_text("\n", encoding="utf-8")
    assert imp("limesurvey", [LSA], mapping, tmp_path / "c", empty) == 2
    assert "leer" in capsys.readouterr().err and not (tmp_path / "c").exists()


def test_output_into_the_project_root_is_refused(tmp_path, secret, capsys):
    root = Path(__file__).resolve().parents[1]
    before = {p.name for p in root.iterdir()}
    mapping = write_mapping(tmp_path / "z.csv", ["G02Q04;bild;satisfaction;false"])
    assert imp("limesurvey", [LSA], mapping, root, secret) == 2
    assert "Projekt" in capsys.readouterr().err
    assert {p.name for p in root.iterdir()} == before


def test_one_panel_key_twice_in_a_wave_is_refused(tmp_path, secret, capsys):
    lss = FIX / "limesurvey" / "colors.lss"
    both = _with_tokens(tmp_path / "w.csv", {"1": "AB-12", "2": "ab12"}, {"1": "AO01", "2": "AO02"})
    rows = ["@panel_key;token;;", "G02Q04;bild;satisfaction;false"]
    out = tmp_path / "daten"
    assert imp("limesurvey", [lss, both], write_mapping(tmp_path / "m.csv", rows), out, secret) == 1
    assert "Der Import enthält 2 Antworten mit gleichem Befragten" in capsys.readouterr().err
    assert not out.exists()


def test_every_answer_of_a_question_is_counted(tmp_path, secret, capsys):
    raw = [r["DM07"] for r in csv.DictReader(SOSCI[0].open(encoding="utf-8"), delimiter="\t")]
    valid = sum(v in {"1", "2", "3", "4", "5", "6"} for v in raw)
    mapping = write_mapping(tmp_path / "z.csv", ["DM07;bildung;education;false"])
    assert imp("sosci", SOSCI, mapping, tmp_path / "daten", secret) == 0
    printed = capsys.readouterr().out
    assert (
        f"DM07 -> bildung: gelesen {len(raw)}, übernommen {valid}, leer {len(raw) - valid}, "
        f"übersprungen 0" in printed
    )
    assert len(responses_of(tmp_path / "daten")) == valid == 201


def test_an_existing_xlsx_table_is_not_rewritten(tmp_path, secret, capsys):
    import openpyxl

    out = tmp_path / "daten"
    out.mkdir()
    book = openpyxl.Workbook()
    book.active.append(["respondent_id", "unit_id", "wave", "actor_group", "item_id", "value"])
    book.save(out / "responses.xlsx")
    before = tree(out)
    mapping = write_mapping(tmp_path / "z.csv", ["G02Q04;bild;satisfaction;false"])
    assert imp("limesurvey", [LSA], mapping, out, secret) == 1
    assert "responses.xlsx: ein Import ergänzt nur CSV-Tabellen" in capsys.readouterr().err
    assert tree(out) == before


def test_a_setting_naming_a_missing_question_is_refused(tmp_path, secret, capsys):
    mapping = write_mapping(
        tmp_path / "z.csv", ["G02Q04;bild;satisfaction;false"], unit="Q_ORT;1=brandis"
    )
    assert imp("limesurvey", [LSA], mapping, tmp_path / "daten", secret) == 1
    err = capsys.readouterr().err
    assert "z.csv, Zeile 2, Spalte „item_id“, Wert „Q_ORT“" in err
    assert not (tmp_path / "daten").exists()


def test_a_broken_value_map_is_refused(tmp_path, secret, capsys):
    mapping = write_mapping(
        tmp_path / "z.csv", ["G02Q04;bild;satisfaction;false"], unit="Q_ORT;1=brandis,2"
    )
    assert imp("limesurvey", [LSA], mapping, tmp_path / "daten", secret) == 1
    err = capsys.readouterr().err
    assert "z.csv, Zeile 2, Spalte „construct“" in err and "'2' is not code=value" in err
    assert "mapping_setting_missing" not in err


def test_a_table_changed_during_the_import_is_not_overwritten(tmp_path, secret, monkeypatch):
    from ogl_impact.imports import cli as import_cli

    out = tmp_path / "daten"
    first = write_mapping(tmp_path / "a.csv", ["G02Q04;bild;satisfaction;false"])
    assert imp("limesurvey", [LSA], first, out, secret) == 0
    real = import_cli.validate_folder

    def edit_meanwhile(folder):
        with (out / "responses.csv").open("a", encoding="utf-8") as handle:
            handle.write("PHANDEDITED;brandis;1;citizens;bild;1\n")
        return real(folder)

    monkeypatch.setattr(import_cli, "validate_folder", edit_meanwhile)
    second = write_mapping(tmp_path / "b.csv", ["G02Q04;bild;satisfaction;false"], wave="1")
    wave1 = _export(tmp_path / "welle1.csv", "AO02", "AO01", ids=("3", "4"))
    assert imp("limesurvey", wave1, second, out, secret) == 1
    edited = (out / "responses.csv").read_text(encoding="utf-8")
    assert edited.endswith("PHANDEDITED;brandis;1;citizens;bild;1\n")  # the edit survives
    assert edited.count("\n") == 2 + 2 + 1  # comment, header, first import, the edit


def test_a_response_without_panel_key_is_skipped_with_the_reason(tmp_path, secret, capsys):
    lss = FIX / "limesurvey" / "colors.lss"
    one = _with_tokens(tmp_path / "w.csv", {"1": "AB-12", "2": " "}, {"1": "AO01", "2": "AO02"})
    rows = ["@panel_key;token;;", "G02Q04;bild;satisfaction;false"]
    mapping = write_mapping(tmp_path / "m.csv", rows)
    out = tmp_path / "daten"
    assert imp("limesurvey", [lss, one], mapping, out, secret) == 1
    printed = capsys.readouterr().out
    assert "gelesen 2, übernommen 1, leer 0, übersprungen 1" in printed
    assert "kein Panel-Schlüssel in Frage token" in printed
    assert imp("limesurvey", [lss, one], mapping, out, secret, "--allow-missing") == 0
    assert len(responses_of(out)) == 1


@pytest.mark.parametrize("command", ["process", "figures"])
def test_import_refuses_a_folder_another_command_replaces_as_a_whole(
    tmp_path, secret, capsys, command
):
    # data/processed (or a report folder) is rebuilt as a whole by its command: answers
    # added there would be lost with its next run, or would block that run
    raw = tmp_path / "raw"
    shutil.copytree(DEMO, raw)
    out = tmp_path / "ausgabe"
    if command == "process":
        assert main(["process", str(raw), str(out)]) == 0
    else:
        out.mkdir()
        (out / "index.html").write_text("<p>Bericht</p>", encoding="utf-8")
        marker = '{"written_by": "ogl-impact", "command": "figures", "files": ["index.html"]}'
        (out / ".ogl-impact-output").write_text(marker, encoding="utf-8")
    before = tree(out)
    capsys.readouterr()
    mapping = write_mapping(tmp_path / "m.csv", ["G02Q04;bild;satisfaction;false"])
    assert imp("limesurvey", [LSA], mapping, out, secret, programme=raw) == 2
    err = capsys.readouterr().err
    assert f"'ogl-impact {command}'" in err and "data/raw" in err
    assert tree(out) == before


def test_import_adds_to_a_national_demo_data_folder(tmp_path, secret):
    # demo-data's folder is a data folder; demo-data itself refuses to replace it later
    out = tmp_path / "national"
    shutil.copytree(DEMO, out)
    marker = '{"written_by": "ogl-impact", "command": "demo-data", "files": []}'
    (out / ".ogl-impact-output").write_text(marker, encoding="utf-8")
    mapping = write_mapping(tmp_path / "m.csv", ["G02Q04;bild;satisfaction;false"])
    assert imp("limesurvey", [LSA], mapping, out, secret) == 0
    assert "bild" in set(responses_of(out)["item_id"])
