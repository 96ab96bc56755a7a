"""An export that partly overlaps an earlier import: its responses are taken in once.

A later, cumulative download of a survey (its first responses again, plus new
ones), or the same export with a question or some rows deleted, has another
checksum than the export imported before. Imported as another wave or unit,
its pseudonyms would differ and the responses it shares with the earlier
import would count twice. ``imported_responses.csv`` records which responses
each import took (as keyed hashes); ``import`` refuses such an export.
"""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ogl_impact.cli import main
from ogl_impact.io import read_table
from ogl_impact.validate import validate_folder
from tests.conftest import KILL_MID_MOVE

FIX = Path(__file__).parent / "fixtures"
DEMO = Path(__file__).resolve().parents[1] / "data" / "raw"
LSS = FIX / "limesurvey" / "colors.lss"
SOSCI_DATA = FIX / "soscisurvey" / "Exp1_data.csv"
SOSCI_SCRIPT = FIX / "soscisurvey" / "Exp1_import.r"
FIRST = 918273600  # response ids no file of the data folder may show (base 32 has no 0, 1, 8, 9)
TABLES = ("codebook.csv", "imported_responses.csv", "imports.csv", "responses.csv")


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "schluessel.txt"
    path.write_text("ein-geheimer-schluessel-fuer-tests\n", encoding="utf-8")
    return path


def mapping(path: Path, unit: str = "brandis", wave: str = "1", rows: str = "") -> Path:
    rows = rows or "G02Q04;bild;satisfaction;false\n"
    unit = unit if ";" in unit else f"{unit};"  # read from a question: QUESTION;CODE=UNIT,...
    path.write_text(
        f"code;item_id;construct;reverse_keyed\n@unit_id;{unit};\n@wave;{wave};;\n"
        f"@actor_group;citizens;;\n{rows}",
        encoding="utf-8",
    )
    return path


def limesurvey(path: Path, numbers: range, drop: str | None = None) -> list[Path]:
    """A LimeSurvey download (structure + response CSV) of the responses ``FIRST + n``.

    Every response answers G02Q04 (AO01 or AO02) and ticks Q00[SQ001];
    ``drop`` leaves a column out (a question deleted before the download).
    """
    with (FIX / "limesurvey" / "colors_responses_codes.csv").open(encoding="utf-8") as handle:
        template = list(csv.DictReader(handle))[1]
    rows = [
        {**template, "id": str(FIRST + n), "G02Q04": "AO01" if n % 2 else "AO02"} for n in numbers
    ]
    names = [c for c in template if c != drop]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=names, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return [LSS, path]


def imp(tool: str, files: list[Path], mapping_path: Path, out: Path, secret: Path, *extra) -> int:
    return main(args(tool, files, mapping_path, out, secret, *extra))


def args(tool, files, mapping_path, out, secret, *extra) -> list[str]:
    return [
        "import", tool, *map(str, files), "--mapping", str(mapping_path), "--out", str(out),
        "--programme", str(DEMO), "--secret-file", str(secret), *extra,
    ]  # fmt: skip


def tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def table(folder: Path, name: str) -> pd.DataFrame:
    return read_table(folder / f"{name}.csv", name).frame


def test_a_cumulative_limesurvey_download_as_the_next_wave_is_refused(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    first = limesurvey(tmp_path / "erste.csv", range(1, 41))
    assert imp("limesurvey", first, mapping(tmp_path / "w1.csv", wave="1"), out, secret) == 0
    day = pd.Timestamp(table(out, "imports")["imported"].iloc[0])
    capsys.readouterr()
    before = tree(out)
    # the end of the field phase: "all responses" again, the first 40 and 12 new ones
    every = limesurvey(tmp_path / "alle.csv", range(1, 53))
    w2 = mapping(tmp_path / "w2.csv", wave="2")
    assert imp("limesurvey", every, w2, out, secret) == 1
    err = capsys.readouterr().err
    assert tree(out) == before  # not a byte changed
    assert "colors.lss, alle.csv: 40 von 52 Antwortbögen dieses Exports wurden schon" in err, err
    assert f"40 davon am {day:%d.%m.%Y} aus „colors.lss, erste.csv“ (limesurvey)" in err, err
    assert "Welle 1, Einheit brandis, Akteursgruppe citizens (imports.csv, Zeile 3)" in err, err
    assert "jetzt: Welle 2, Einheit brandis" in err, err
    assert "Nur die 12 neuen übernehmen" in err and "im Befragungswerkzeug" in err, err
    assert "War Welle oder Einheit des früheren Imports falsch" in err, err
    assert "Import abgelehnt, nichts geschrieben" in err and "Traceback" not in err
    # what the message says: only the 12 new responses, downloaded on their own
    new = limesurvey(tmp_path / "neue.csv", range(41, 53))
    assert imp("limesurvey", new, w2, out, secret) == 0, capsys.readouterr().err
    assert len(table(out, "responses")) == 52  # every response once
    taken = table(out, "imported_responses")
    assert list(taken["wave"].value_counts().sort_index().items()) == [("1", 40), ("2", 12)]
    assert taken["response"].is_unique
    assert validate_folder(out).ok


def sosci(path: Path, rows: slice) -> list[Path]:
    """A SoSci download (data + R script) of these rows of the fixture's 209 cases."""
    lines = SOSCI_DATA.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + "".join(lines[1:][rows]), encoding="utf-8")
    return [path, SOSCI_SCRIPT]


def test_a_cumulative_sosci_download_as_the_next_wave_is_refused(tmp_path, secret, capsys):
    raw = pd.read_csv(SOSCI_DATA, sep="\t", dtype=str, keep_default_na=False)
    assert len(raw) == 209
    taken = raw["TR02_01"].isin(["1", "2"]).to_numpy()  # the cases with an answer taken in
    early, every = int(taken[:100].sum()), int(taken.sum())
    item = "TR02_01;platz_1;satisfaction;false\n"
    out = tmp_path / "daten"
    w1 = mapping(tmp_path / "w1.csv", wave="1", rows=item)
    assert imp("sosci", sosci(tmp_path / "frueh.csv", slice(0, 100)), w1, out, secret) == 0
    capsys.readouterr()
    before = tree(out)
    w2 = mapping(tmp_path / "w2.csv", wave="2", rows=item)
    assert imp("sosci", sosci(tmp_path / "alle.csv", slice(None)), w2, out, secret) == 1
    err = capsys.readouterr().err
    assert tree(out) == before
    assert f"alle.csv, Exp1_import.r: {early} von {every} Antwortbögen" in err, err
    assert f"{early} davon am" in err and "aus „frueh.csv, Exp1_import.r“ (sosci)" in err, err
    assert f"Nur die {every - early} neuen übernehmen" in err, err
    # the cases after the first download are new: taken in
    assert imp("sosci", sosci(tmp_path / "neu.csv", slice(100, None)), w2, out, secret) == 0
    assert len(table(out, "responses")) == every


def test_a_cumulative_download_as_the_same_wave_is_refused_or_replaces(tmp_path, secret, capsys):
    # today's answer to the same wave: the pseudonyms clash; now the register says why
    out = tmp_path / "daten"
    m = mapping(tmp_path / "w1.csv", wave="1")
    first = limesurvey(tmp_path / "erste.csv", range(1, 41))
    assert imp("limesurvey", first, m, out, secret) == 0
    capsys.readouterr()
    before = tree(out)
    every = limesurvey(tmp_path / "alle.csv", range(1, 53))
    assert imp("limesurvey", every, m, out, secret) == 1
    err = capsys.readouterr().err
    assert tree(out) == before
    assert "40 von 52 Antwortbögen dieses Exports wurden schon importiert" in err, err
    assert "Nur die 12 neuen übernehmen" in err, err
    assert "--replace 1 ersetzt er alle Antworten der Welle 1" in err, err
    assert "Welle oder Einheit des früheren Imports falsch" not in err, err  # it was not
    # the full download replaces the first one: every answer once, the register follows
    assert imp("limesurvey", every, m, out, secret, "--replace", "1") == 0, capsys.readouterr()
    assert len(table(out, "responses")) == 52
    reg = table(out, "imports")
    assert list(reg["export"]) == ["colors.lss, alle.csv"] and list(reg["answers"]) == ["52"]
    taken = table(out, "imported_responses")
    assert len(taken) == 52 and set(taken["sha256"]) == set(reg["sha256"])
    # the first download once more, as another wave: its responses are the replacing import's
    capsys.readouterr()
    before = tree(out)
    again = mapping(tmp_path / "w3.csv", wave="3")
    assert imp("limesurvey", first, again, out, secret) == 1
    err = capsys.readouterr().err
    assert "40 von 40 Antwortbögen" in err and "aus „colors.lss, alle.csv“" in err, err
    assert "Dieser Export bringt keine neuen Antwortbögen" in err, err
    assert tree(out) == before
    assert validate_folder(out).ok


def test_the_same_export_with_a_column_deleted_as_another_unit_is_refused(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    full = limesurvey(tmp_path / "export.csv", range(1, 41))
    assert imp("limesurvey", full, mapping(tmp_path / "a.csv"), out, secret) == 0
    capsys.readouterr()
    before = tree(out)
    cut = limesurvey(tmp_path / "ohne_q00.csv", range(1, 41), drop="Q00[SQ001]")
    assert imp("limesurvey", cut, mapping(tmp_path / "b.csv", unit="bremen"), out, secret) == 1
    err = capsys.readouterr().err
    assert tree(out) == before
    assert "ohne_q00.csv: 40 von 40 Antwortbögen dieses Exports wurden schon" in err, err
    assert "Welle 1, Einheit brandis" in err and "jetzt: Welle 1, Einheit bremen" in err, err
    assert "Dieser Export bringt keine neuen Antwortbögen" in err, err
    assert len(table(out, "responses")) == 40


def test_the_same_export_with_rows_deleted_is_refused(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    full = limesurvey(tmp_path / "export.csv", range(1, 41))
    assert imp("limesurvey", full, mapping(tmp_path / "a.csv"), out, secret) == 0
    capsys.readouterr()
    before = tree(out)
    fewer = limesurvey(tmp_path / "bereinigt.csv", range(5, 35))  # 30 of the 40 kept
    assert imp("limesurvey", fewer, mapping(tmp_path / "b.csv", wave="2"), out, secret) == 1
    err = capsys.readouterr().err
    assert tree(out) == before
    assert "bereinigt.csv: 30 von 30 Antwortbögen dieses Exports wurden schon" in err, err
    assert "30 davon am" in err, err


def test_a_new_export_of_the_same_survey_is_imported_and_recorded(tmp_path, secret, capsys):
    # no response shared: another wave's responses of the same survey, another unit's
    out = tmp_path / "daten"
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)),
               mapping(tmp_path / "m1.csv"), out, secret) == 0  # fmt: skip
    later = limesurvey(tmp_path / "b.csv", range(41, 53))
    assert imp("limesurvey", later, mapping(tmp_path / "m2.csv", "bremen", "2"), out, secret) == 0
    assert "Hinweis" not in capsys.readouterr().out
    assert len(table(out, "responses")) == 52
    reg, taken = table(out, "imports"), table(out, "imported_responses")
    assert list(reg["unit_id"]) == ["brandis", "bremen"]
    by_import = taken.groupby(["sha256", "wave", "unit_id"], observed=True).size()
    first, second = reg["sha256"]
    assert by_import.to_dict() == {(first, "1", "brandis"): 40, (second, "2", "bremen"): 12}
    report = validate_folder(out)
    assert report.ok and len(report.tables["imported_responses"]) == 52


def test_an_old_register_is_checked_by_checksum_and_said_to_be_old(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    m1 = mapping(tmp_path / "w1.csv")
    first = limesurvey(tmp_path / "erste.csv", range(1, 41))
    assert imp("limesurvey", first, m1, out, secret) == 0
    (out / "imported_responses.csv").unlink()  # the register as the previous version wrote it
    capsys.readouterr()
    before = tree(out)
    # the very same export again: refused by its checksum, as before
    assert imp("limesurvey", first, mapping(tmp_path / "w2.csv", wave="2"), out, secret) == 1
    err = capsys.readouterr().err
    assert "dieser Export wurde schon importiert" in err, err
    assert "Antwortbögen" not in err, err  # nothing is known of its responses
    assert tree(out) == before
    # a cumulative download: its first 40 responses are in responses.csv as wave 1
    # (their pseudonyms as wave 1 are there), so it is refused without any record
    every = limesurvey(tmp_path / "alle.csv", range(1, 53))
    w3 = mapping(tmp_path / "w3.csv", wave="3")
    assert imp("limesurvey", every, w3, out, secret) == 1
    err = capsys.readouterr().err
    assert tree(out) == before
    assert "40 Antwortbögen dieses Exports stehen schon in responses.csv" in err, err
    assert "40 als Welle 1, Einheit brandis: 40 Antworten, Zeilen " in err, err
    # only the new responses: taken in, and the old register said to be old
    assert imp("limesurvey", limesurvey(tmp_path / "neu.csv", range(41, 53)), w3, out, secret) == 0
    said = capsys.readouterr().out
    assert "Hinweis: 1 früherer Import in imports.csv (Zeile 3) ist ohne Antwortbögen" in said
    taken = table(out, "imported_responses")  # the new import's responses only
    assert len(taken) == 12 and set(taken["wave"]) == {"3"}
    assert len(table(out, "responses")) == 52
    assert validate_folder(out).ok


def test_an_import_removed_from_imports_csv_only_is_still_seen_in_responses(
    tmp_path, secret, capsys
):
    # the advice followed by half: the wrong import's line removed, its answers left
    out = tmp_path / "daten"
    first = limesurvey(tmp_path / "erste.csv", range(1, 41))
    assert imp("limesurvey", first, mapping(tmp_path / "w1.csv"), out, secret) == 0
    register = out / "imports.csv"
    lines = register.read_text(encoding="utf-8").splitlines(keepends=True)
    register.write_text("".join(lines[:2]), encoding="utf-8")
    capsys.readouterr()
    before = tree(out)
    answers = read_table(out / "responses.csv", "responses")
    wave1 = answers.lines[(answers.frame["item_id"] == "bild").to_numpy()]
    assert len(wave1) == 40
    other = mapping(tmp_path / "b2.csv", unit="bremen", wave="2")
    assert imp("limesurvey", first, other, out, secret) == 1
    err = capsys.readouterr().err
    assert tree(out) == before
    assert "40 Antwortbögen dieses Exports stehen schon in responses.csv" in err, err
    span = f"Zeilen {min(wave1)}-{max(wave1)}"
    assert f"40 als Welle 1, Einheit brandis: 40 Antworten, {span}" in err, err
    assert "zuerst diese Zeilen aus responses.csv entfernen" in err, err
    # those lines removed as told: the import goes through, every answer once
    text = (out / "responses.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    gone = {int(n) for n in wave1}
    kept = [t for n, t in enumerate(text, start=1) if n not in gone]
    (out / "responses.csv").write_text("".join(kept), encoding="utf-8")
    assert imp("limesurvey", first, other, out, secret) == 0, capsys.readouterr().err
    stored = table(out, "responses")
    assert list(stored["unit_id"]) == ["bremen"] * 40 and list(stored["wave"]) == ["2"] * 40


def test_a_reset_survey_counting_from_one_again_is_told_apart_by_survey_id(
    tmp_path, secret, capsys
):
    out = tmp_path / "daten"
    assert imp("limesurvey", limesurvey(tmp_path / "w1.csv", range(1, 41)),
               mapping(tmp_path / "m1.csv"), out, secret) == 0  # fmt: skip
    (out / "imported_responses.csv").unlink()  # no record: only responses.csv can tell
    # reactivated for wave 2: the same survey id, response ids from the start again
    again = limesurvey(tmp_path / "w2.csv", range(1, 31))
    assert imp("limesurvey", again, mapping(tmp_path / "m2.csv", wave="2"), out, secret) == 1
    assert "@survey_id als eigene Befragung" in capsys.readouterr().err
    own = mapping(
        tmp_path / "m3.csv",
        wave="2",
        rows="@survey_id;farben_w2;;\nG02Q04;bild;satisfaction;false\n",
    )
    assert imp("limesurvey", again, own, out, secret) == 0, capsys.readouterr().err
    assert len(table(out, "responses")) == 70


def test_no_response_id_is_written_to_the_data_folder(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)),
               mapping(tmp_path / "m.csv"), out, secret) == 0  # fmt: skip
    assert imp("limesurvey", limesurvey(tmp_path / "b.csv", range(41, 53)),
               mapping(tmp_path / "m.csv", wave="2"), out, secret) == 0  # fmt: skip
    taken = table(out, "imported_responses")
    assert len(taken) == 52 and taken["response"].str.fullmatch(r"R[A-Z2-7]{19}").all()
    written = b"".join(p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file())
    assert len(written) > 5000
    ids = {str(FIRST + n).encode() for n in range(1, 53)}
    assert not [i for i in ids if i in written]
    assert not re.search(rb"9182736\d\d", written)


@pytest.mark.parametrize("moves", [1, 2, 3, 4, 5, 6, 7, "clean-up"])
def test_a_killed_import_leaves_every_register_file_old_or_new(tmp_path, secret, capsys, moves):
    from ogl_impact.write.target import recover

    out = tmp_path / "daten"
    m = mapping(tmp_path / "m.csv")
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), m, out, secret) == 0
    old = {n: (out / n).read_bytes() for n in TABLES}
    later = limesurvey(tmp_path / "b.csv", range(41, 53))
    # moves: each table aside, then in, in the order of TABLES; killed after the n-th
    killed = subprocess.run(
        [sys.executable, "-c", KILL_MID_MOVE, str(moves),
         *args("limesurvey", later, m, out, secret)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert killed.returncode == -9, killed.stderr
    recover(out)  # what the next run does first
    now = {n: (out / n).read_bytes() for n in TABLES}
    register = ("imported_responses.csv", "imports.csv", "responses.csv")
    if moves == "clean-up":  # every file was in: all new
        assert all(now[n] != old[n] for n in register)
        assert len(table(out, "imported_responses")) == 52
    else:
        assert now == old
    capsys.readouterr()
    code = imp("limesurvey", later, m, out, secret)
    assert code == (1 if moves == "clean-up" else 0), capsys.readouterr().err
    assert len(table(out, "responses")) == 52 and len(table(out, "imported_responses")) == 52


def test_replace_takes_over_one_group_of_an_earlier_import_and_keeps_the_other(
    tmp_path, secret, capsys
):
    # the unit read from a question (SoSci DM02): the first download split into Brandis and
    # Bremen; a full download of Brandis's answers alone then replaces Brandis's wave 1
    raw = pd.read_csv(SOSCI_DATA, sep="\t", dtype=str, keep_default_na=False)
    answered = raw["TR02_01"].isin(["1", "2"])
    early = answered & (pd.RangeIndex(len(raw)) < 100)
    n = {
        "bremen early": int((early & (raw["DM02"] == "2")).sum()),
        "brandis": int((answered & (raw["DM02"] == "1")).sum()),
    }
    item = "TR02_01;platz_1;satisfaction;false\n"
    out = tmp_path / "daten"
    both = mapping(tmp_path / "beide.csv", unit="DM02;1=brandis,2=bremen", rows=item)
    first = sosci(tmp_path / "frueh.csv", slice(0, 100))
    assert imp("sosci", first, both, out, secret, "--allow-missing") == 0
    brandis = mapping(tmp_path / "brandis.csv", unit="DM02;1=brandis", rows=item)
    every = sosci(tmp_path / "alle.csv", slice(None))
    assert imp("sosci", every, brandis, out, secret, "--allow-missing", "--replace", "1") == 0
    capsys.readouterr()
    reg = table(out, "imports")
    assert [tuple(r) for r in reg[["export", "unit_id", "answers"]].to_numpy()] == [
        ("frueh.csv, Exp1_import.r", "bremen", str(n["bremen early"])),
        ("alle.csv, Exp1_import.r", "brandis", str(n["brandis"])),
    ]
    taken = table(out, "imported_responses")
    counts = taken.groupby(["sha256", "unit_id"], observed=True).size().to_dict()
    assert counts == {
        (reg["sha256"].iloc[0], "bremen"): n["bremen early"],
        (reg["sha256"].iloc[1], "brandis"): n["brandis"],
    }
    # every line has its responses recorded: none is told as one of an older version
    later = limesurvey(tmp_path / "ls.csv", range(1, 5))
    assert imp("limesurvey", later, mapping(tmp_path / "ls_map.csv"), out, secret) == 0
    assert "Hinweis" not in capsys.readouterr().out
    assert validate_folder(out).ok


def test_replace_says_which_answers_it_removes_without_replacing(tmp_path, secret, capsys):
    # a later download that no longer holds the first 20 responses (deleted in the tool, or
    # a filtered export): --replace removes their answers only when that is confirmed
    # (the refusal without it: tests/test_import_replace.py); the researcher must be told
    out = tmp_path / "daten"
    m = mapping(tmp_path / "w1.csv")
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), m, out, secret) == 0
    later = limesurvey(tmp_path / "b.csv", range(21, 53))
    capsys.readouterr()
    assert imp("limesurvey", later, m, out, secret, "--replace", "1", "--remove-absent") == 0
    said = capsys.readouterr()
    assert "40 vorhandene Antworten der Welle 1 ersetzt" in said.out, said
    assert "Achtung: davon 20 Antworten von 20 Befragten, die dieser Export nicht" in said.err
    assert len(table(out, "responses")) == 32
    # the full download replacing both: every stored respondent is in it, nothing to warn of
    every = limesurvey(tmp_path / "c.csv", range(1, 53))
    assert imp("limesurvey", every, m, out, secret, "--replace", "1") == 0
    said = capsys.readouterr()
    assert "32 vorhandene Antworten der Welle 1 ersetzt" in said.out and "Achtung" not in said.err
    assert len(table(out, "responses")) == 52


def test_the_advice_to_remove_a_wrong_import_names_its_lines(tmp_path, secret, capsys):
    # pseudonyms are opaque: "remove its answers from responses.csv" needs the lines
    out = tmp_path / "daten"
    first = limesurvey(tmp_path / "erste.csv", range(1, 41))
    assert imp("limesurvey", first, mapping(tmp_path / "w1.csv"), out, secret) == 0
    # another export of the same group, which must stay
    other = limesurvey(tmp_path / "andere.csv", range(101, 111))
    assert imp("limesurvey", other, mapping(tmp_path / "w1.csv"), out, secret) == 0
    answers = read_table(out / "responses.csv", "responses")
    mine = answers.lines[(answers.frame["item_id"] == "bild").to_numpy()][:40]
    span = f"responses.csv, Zeilen {min(mine)}-{max(mine)}"
    capsys.readouterr()
    # the very export as another unit (check by checksum)
    copy = limesurvey(tmp_path / "kopie.csv", range(1, 41))
    assert imp("limesurvey", copy, mapping(tmp_path / "b.csv", "bremen"), out, secret) == 1
    err = capsys.readouterr().err
    assert f"zu entfernen (Welle 1, Einheit brandis): {span} / to remove" in err, err
    # a cumulative download as another wave (check by response records)
    every = limesurvey(tmp_path / "alle.csv", range(1, 53))
    assert imp("limesurvey", every, mapping(tmp_path / "w2.csv", wave="2"), out, secret) == 1
    err = capsys.readouterr().err
    assert f"zu entfernen (Welle 1, Einheit brandis): {span} / to remove" in err, err


def test_demo_data_keeps_the_answers_imported_into_the_demo_tables(tmp_path, secret, capsys):
    # exports imported into a copy of the demo folder stand in its synthetic tables:
    # regenerating the demo data there wiped them, imports.csv still listing them
    out = tmp_path / "daten"
    shutil.copytree(DEMO, out)
    first = limesurvey(tmp_path / "erste.csv", range(1, 41))
    assert imp("limesurvey", first, mapping(tmp_path / "w1.csv"), out, secret) == 0
    assert "als synthetische Demodaten markiert" in capsys.readouterr().err
    before = tree(out)
    assert main(["demo-data", str(out)]) == 1
    err = capsys.readouterr().err
    assert "imports.csv: in " in err and "gingen verloren; nichts geschrieben" in err, err
    assert tree(out) == before
    assert (table(out, "responses")["item_id"] == "bild").sum() == 40


def test_a_response_id_in_the_records_is_an_error(tmp_path, secret, capsys):
    # the records hold keyed hashes only; a tool's response id pasted there (by hand, or by
    # another program) was valid, as any pseudonym of 6 to 64 characters is in responses.csv
    out = tmp_path / "daten"
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)),
               mapping(tmp_path / "m.csv"), out, secret) == 0  # fmt: skip
    path = out / "imported_responses.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = re.sub(r";R[A-Z2-7]{19}$", f";{FIRST + 1}", lines[2])
    path.write_text("".join(lines), encoding="utf-8")
    report = validate_folder(out)
    assert not report.ok
    (problem,) = report.errors
    assert (problem.file, problem.line, problem.column) == (path.name, 3, "response")
    assert "nie die Antwort-ID" in problem.message("de")


def test_a_unit_read_from_a_free_text_question_never_shows_the_answers(tmp_path, secret, capsys):
    # @unit_id read from a free-text question (a typo in the question code, or "Wohnort"):
    # every answer outside the value map was printed, word for word, one line per answer
    out = tmp_path / "daten"
    export = limesurvey(tmp_path / "a.csv", range(1, 41))
    with (FIX / "limesurvey" / "colors_responses_codes.csv").open(encoding="utf-8") as handle:
        said_there = list(csv.DictReader(handle))[1]["G01Q03"]
    assert said_there  # the free text every response of the export holds
    m = mapping(tmp_path / "m.csv", unit="G01Q03;egal=brandis")
    assert imp("limesurvey", export, m, out, secret, "--allow-missing") == 1
    said = capsys.readouterr()
    assert said_there not in said.out + said.err
    assert (
        "übersprungen / skipped 40: @unit_id aus Frage G01Q03: Antwort (Freitext, nicht" in said.out
    )
    assert not out.exists()


def test_replace_takes_the_wave_as_a_number_and_names_a_wave_the_import_lacks(
    tmp_path, secret, capsys
):
    out = tmp_path / "daten"
    m = mapping(tmp_path / "w1.csv")
    assert imp("limesurvey", limesurvey(tmp_path / "a.csv", range(1, 41)), m, out, secret) == 0
    every = limesurvey(tmp_path / "b.csv", range(1, 53))
    capsys.readouterr()
    before = tree(out)
    # a wave the import does not hold: said so, not the overlap with a --replace 1 advice
    assert imp("limesurvey", every, m, out, secret, "--replace", "2") == 1
    err = capsys.readouterr().err
    assert "--replace 2: der Import enthält diese Welle nicht (Wellen: 1)" in err, err
    assert "Antwortbögen dieses Exports wurden schon importiert" not in err, err
    with pytest.raises(SystemExit) as exit_:
        imp("limesurvey", every, m, out, secret, "--replace", "eins")
    assert exit_.value.code == 2
    assert "--replace: „eins“ ist keine ganze Zahl" in capsys.readouterr().err
    assert tree(out) == before
    # "01" is wave 1, as it stands in responses.csv
    assert imp("limesurvey", every, m, out, secret, "--replace", "01") == 0, capsys.readouterr()
    assert len(table(out, "responses")) == 52
    assert list(table(out, "imports")["export"]) == ["colors.lss, b.csv"]


def _other_secret(tmp_path: Path) -> Path:
    path = tmp_path / "anderer_schluessel.txt"
    path.write_text("ein-ganz-anderer-schluessel-fuer-tests\n", encoding="utf-8")
    return path


def test_another_secret_than_the_earlier_imports_is_refused(tmp_path, secret, capsys):
    # with another secret the cumulative download's responses get other keys and pseudonyms:
    # nothing would be recognised and the first 40 answers would count twice
    out = tmp_path / "daten"
    assert imp("limesurvey", limesurvey(tmp_path / "erste.csv", range(1, 41)),
               mapping(tmp_path / "w1.csv"), out, secret) == 0  # fmt: skip
    recorded = table(out, "imports")["secret_check"]
    assert recorded.notna().all() and recorded.str.fullmatch(r"S[A-Z2-7]{19}").all()
    capsys.readouterr()
    before = tree(out)
    every = limesurvey(tmp_path / "alle.csv", range(1, 53))
    other = _other_secret(tmp_path)
    assert imp("limesurvey", every, mapping(tmp_path / "w2.csv", wave="2"), out, other) == 1
    err = capsys.readouterr().err
    assert "das Geheimnis der Pseudonyme" in err and "imports.csv, Zeile 3; importiert am" in err
    assert "in einen neuen Ordner importieren" in err, err
    assert tree(out) == before
    # a new export with the folder's own secret: taken in, and its line holds the same value
    assert imp("limesurvey", limesurvey(tmp_path / "neu.csv", range(41, 53)),
               mapping(tmp_path / "w2b.csv", wave="2"), out, secret) == 0  # fmt: skip
    assert table(out, "imports")["secret_check"].nunique() == 1
    assert len(table(out, "responses")) == 52
    # the check value does not show the secret
    text = (out / "imports.csv").read_text(encoding="utf-8")
    assert "geheimer" not in text and "schluessel" not in text


def test_a_register_without_check_values_takes_any_secret_and_keeps_its_lines(
    tmp_path, secret, capsys
):
    out = tmp_path / "daten"
    assert imp("limesurvey", limesurvey(tmp_path / "erste.csv", range(1, 41)),
               mapping(tmp_path / "w1.csv"), out, secret) == 0  # fmt: skip
    # imports.csv as the previous version wrote it: no column secret_check
    path = out / "imports.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[1].split(";")
    cut = header.index("secret_check")
    path.write_text(
        "\n".join([lines[0]] + [";".join(r.split(";")[:cut]) for r in lines[1:]]) + "\n",
        encoding="utf-8",
    )
    assert validate_folder(out).ok
    other = _other_secret(tmp_path)
    new = limesurvey(tmp_path / "neu.csv", range(41, 53))
    capsys.readouterr()
    assert imp("limesurvey", new, mapping(tmp_path / "w2.csv", wave="2"), out, other) == 0
    # its secret could not be compared: said so
    assert "hielt noch keinen Prüfwert des Schlüssels" in capsys.readouterr().out
    frame = table(out, "imports")
    assert len(frame) == 2
    assert frame["secret_check"].fillna("").eq("").tolist() == [True, False]  # old line: none
    assert validate_folder(out).ok


def test_two_surveys_sharing_a_mappings_survey_id_are_two_surveys(tmp_path, secret):
    # one mapping template (with @survey_id) reused for two labs' own LimeSurvey surveys, whose
    # response ids both start at the same number: the second lab's answers are no duplicates
    other_lss = tmp_path / "zweite.lss"
    other_lss.write_text(LSS.read_text(encoding="utf-8").replace("841748", "512345"), "utf-8")
    rows = "@survey_id;vertrauen-2021;;\nG02Q04;bild;satisfaction;false\n"
    out = tmp_path / "daten"
    first = limesurvey(tmp_path / "a.csv", range(1, 31))
    assert imp("limesurvey", first, mapping(tmp_path / "a.map", rows=rows), out, secret) == 0
    second = [other_lss, limesurvey(tmp_path / "b.csv", range(1, 31))[1]]
    m2 = mapping(tmp_path / "b.map", unit="bremen", rows=rows)
    assert imp("limesurvey", second, m2, out, secret) == 0
    responses = table(out, "responses")
    assert len(responses) == 60 and set(responses["unit_id"]) == {"brandis", "bremen"}
    assert validate_folder(out).ok
