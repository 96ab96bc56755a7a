"""The command line as a careless user meets it: closed pipes, argparse's errors."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ogl_impact.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "raw"
FIX = Path(__file__).parent / "fixtures"
EXE = Path(sys.executable).parent / "ogl-impact"


def _tree(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with its checksum."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _env() -> dict[str, str]:
    return {**os.environ, "OGL_IMPACT_DEBUG": ""}


def test_figures_into_a_reader_that_stops_after_one_line(tmp_path: Path):
    """``figures … | head -1``: the first line is shown, the figures are all written."""
    args = ["figures", "--report", "sb1", "--format", "svg", "--jobs", "1", "--data", str(DEMO)]
    piped, plain = tmp_path / "piped", tmp_path / "plain"
    proc = subprocess.Popen(
        [str(EXE), *args, "--out", str(piped)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    first = proc.stdout.readline().decode()
    proc.stdout.close()  # as head does after its line; the next progress line meets no reader
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait() == 141
    assert first.startswith("[  1/")
    assert err == ""
    assert main([*args, "--out", str(plain), "--quiet"]) == 0
    written = _tree(piped)
    assert "index.html" in written and any(name.endswith(".svg") for name in written)
    assert written == _tree(plain)  # the same files, byte for byte, as without the pipe


def test_import_whose_reader_has_gone_still_imports(tmp_path: Path):
    """The reader is gone before the first line: import prints nothing and writes all."""
    mapping = tmp_path / "zuordnung.csv"
    mapping.write_text(
        "code;item_id;construct;reverse_keyed\n@unit_id;brandis;;\n@wave;2;;\n"
        "@actor_group;citizens;;\nG02Q04;bild;satisfaction;false\n",
        encoding="utf-8",
    )
    secret = tmp_path / "schluessel.txt"
    secret.write_text("ein-geheimer-schluessel\n", encoding="utf-8")
    args = [
        "import",
        "limesurvey",
        str(FIX / "limesurvey" / "colors.lsa"),
        "--mapping",
        str(mapping),
        "--programme",
        str(DEMO),
        "--secret-file",
        str(secret),
    ]
    piped, plain = tmp_path / "piped", tmp_path / "plain"
    proc = subprocess.Popen(
        [str(EXE), *args, "--out", str(piped)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait() == 141
    assert "Traceback" not in err and "interner Fehler" not in err
    assert main([*args, "--out", str(plain)]) == 0
    assert "responses.csv" in _tree(piped)
    assert _tree(piped) == _tree(plain)


def test_closed_stderr_does_not_stop_figures(tmp_path: Path):
    """``figures … 2>&1 | head -1``: both streams closed, the work still completes."""
    out = tmp_path / "fig"
    command = (
        f'"{EXE}" figures --report sb1 --format svg --jobs 1 --data "{DEMO}" --out "{out}" '
        '2>&1 | head -1; echo "status=${PIPESTATUS[0]}"'
    )
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=_env())
    assert "status=141" in result.stdout
    assert (out / "index.html").is_file() and list((out / "sb1").glob("*.svg"))


@pytest.mark.parametrize("command", ["validate", "status"])
def test_reading_commands_still_end_141(mini: Path, command: str):
    """What did not write before keeps the documented status for a closed pipe."""
    args = [str(mini)] if command == "validate" else ["--data", str(mini)]
    proc = subprocess.Popen(
        [str(EXE), command, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env()
    )
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait() == 141
    assert err == ""


@pytest.mark.parametrize(
    ("argv", "german", "english"),
    [
        (["validate", "a", "b"], "überzählig oder unbekannt: b", "unrecognized arguments: b"),
        (["status", "--bogus"], "überzählig oder unbekannt: --bogus", "unrecognized arguments"),
        (["figures", "--all", "--k"], "--k braucht einen Wert", "expected one argument"),
        (["validate", "--lang", "fr"], "„fr“ gibt es nicht; möglich: de, en", "invalid choice"),
        (["figures", "--all", "--k", "fünf"], "„fünf“ ist keine ganze Zahl", "invalid int value"),
        (["figures"], "eines davon ist nötig: --report oder --all", "is required"),
        (["import", "kobo"], "es fehlen: DATEI, --mapping und --out", "arguments are required"),
        (["collect"], "es fehlt: PFAD", "arguments are required: PFAD"),
        (
            ["figures", "--all", "--report", "sb1"],
            "--report und --all schließen einander aus",
            "not allowed with argument --all",
        ),
    ],
)
def test_argparse_errors_are_german_first(capsys, argv: list[str], german: str, english: str):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert last.startswith("ogl-impact")
    before, _, after = last.partition(" / ")
    assert german in before, last
    assert english in after, last


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["--out", "{a}", "--out", "{b}"], "--out"),
        (["--data", "{raw}", "--data", "{a}"], "--data"),
        (["{raw}", "{a}", "--lang", "de", "--lang", "en"], "--lang"),
    ],
)
def test_process_refuses_a_flag_given_twice(mini: Path, tmp_path: Path, capsys, argv, flag):
    """``process --out a --out b`` wrote to b; now it says what was given and writes nothing."""
    a, b = tmp_path / "a", tmp_path / "b"
    filled = [x.format(a=a, b=b, raw=mini) for x in argv]
    with pytest.raises(SystemExit) as stop:
        main(["process", *filled])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert f"{flag} zweimal angegeben" in err and "bitte nur einmal" in err
    assert not a.exists() and not b.exists()


def test_options_that_collect_values_still_take_several():
    from ogl_impact.cli import build_parser

    args = build_parser().parse_args(
        ["figures", "--report", "sb1", "--report", "sb3", "--format", "svg", "--format", "png"]
    )
    assert args.report == ["sb1", "sb3"] and args.formats == ["svg", "png"]
    assert not any(name.startswith("_") for name in vars(args))  # no bookkeeping left behind
    args = build_parser().parse_args(["template", "--period", "sb6", "--out", "x", "--lab", "a"])
    assert args.period == "sb6" and args.out == "x" and args.lab == ["a"]


def _all_parsers():
    import argparse

    from ogl_impact.cli import build_parser

    top = build_parser()
    sub = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    return [("", top), *sub.choices.items()]


@pytest.mark.parametrize(
    ("command", "parser"), _all_parsers(), ids=[c or "ogl-impact" for c, _ in _all_parsers()]
)
def test_help_is_german(command: str, parser):
    """``--help`` spoke English around the German text ("usage:", "options:", "--data DATA")."""
    text = parser.format_help()
    assert text.startswith("Aufruf: ogl-impact"), text[:40]
    for english in ("usage:", "positional arguments", "options:", "show this help"):
        assert english not in text, (command, english)
    assert "Optionen:" in text
    # every value is named in German capitals, not argparse's English dest in capitals
    for metavar in re.findall(r"--[a-z-]+ ([A-Z_]+)\b", text):
        assert metavar in GERMAN_METAVARS, (command, metavar)


GERMAN_METAVARS = {
    "ORDNER", "DATEI", "PFAD", "ANZAHL", "ZAHL", "LABOR", "ZEITRAUM", "DATUM", "BERICHT",
    "WELLE", "BERICHTSORDNER",
}  # fmt: skip


def test_a_period_not_yet_in_periods_csv_is_not_taken_for_the_last_one(tmp_path: Path, capsys):
    """sb7 (not in periods.csv yet) once drew "meinten Sie sb6?": a careless user rebuilt sb6."""
    data = ROOT / "data" / "raw"
    out = tmp_path / "vorlagen"
    argv = ["--period", "sb7", "--lab", "brandis", "--data", str(data), "--out", str(out)]
    assert main(["template", *argv]) == 2
    err = capsys.readouterr().err
    assert "„sb7“ ist kein Berichtszeitraum; Berichtszeiträume: sb1," in err, err
    assert "meinten Sie" not in err and "sb6?" not in err, err
    assert not out.exists()
    assert main(["status", "--data", str(data), "--period", "sb7"]) == 2
    err = capsys.readouterr().err
    assert "unbekannter Zeitraum „sb7“. Zeiträume mit Datenlieferung: sb1," in err, err
    assert "meinten Sie" not in err, err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--period", "sb6", "--lab", "brandiss"], "„brandiss“ – meinten Sie brandis?"),
        (["--period", "sb6", "--lab", "Brandis"], "„Brandis“ – meinten Sie brandis?"),
        (
            ["--period", "sb6", "--lab", "Bad Belzig und Wiesenburg/Mark"],
            "meinten Sie bad_belzig?",
        ),
        (["--period", "SB6"], "„SB6“ ist kein Berichtszeitraum – meinten Sie sb6? Berichtszeit"),
        # the short name every figure and table shows for kehl
        (["--period", "sb6", "--lab", "Oberrhein"], "„Oberrhein“ – meinten Sie kehl?"),
        (["--period", "sb6", "--lab", "Reallabor Niederrhein"], "meinten Sie moers?"),
        # the first word of a lab's id and name: that lab, not the more alike merseburg or moers
        (["--period", "sb6", "--lab", "marburg"], "„marburg“ – meinten Sie marburg_biedenkopf?"),
        (["--period", "sb6", "--lab", "Merse"], "„Merse“ – meinten Sie merseburg?"),
        (  # several labs in one --lab, as a list is written
            ["--period", "sb6", "--lab", "brandis, kehl"],
            "„brandis, kehl“ – je Labor ein --lab: --lab brandis --lab kehl",
        ),
    ],
)
def test_template_names_the_id_meant(tmp_path: Path, capsys, argv: list[str], said: str):
    """A lab typed as its name, or with a typo, and a period in capitals: the id meant is named."""
    out = tmp_path / "vorlagen"
    assert main(["template", *argv, "--data", str(ROOT / "data" / "raw"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert said in err, err
    if "--lab" in argv:  # and where the ids are
        assert "Labore (--lab, Spalte lab_id in labs.csv): bad_belzig, " in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("command", "parser"), _all_parsers(), ids=[c or "ogl-impact" for c, _ in _all_parsers()]
)
def test_help_names_no_value_it_does_not_ask_for(command: str, parser):
    """The texts said "nach OUT", "in DATA", "statt RAW" where the options read ORDNER."""
    text = parser.format_help()
    for name in ("OUT", "RAW", "DATA"):
        assert not re.search(rf"\b{name}\b", text), (command, name)


def test_template_for_one_lab_says_one_template(tmp_path: Path, capsys):
    """``--lab brandis`` wrote "1 Vorlagen für sb6 geschrieben"."""
    out = tmp_path / "vorlagen"
    argv = ["template", "--period", "sb6", "--lab", "brandis", "--data", str(DEMO)]
    assert main([*argv, "--out", str(out), "--jobs", "1"]) == 0
    said = capsys.readouterr().out
    assert f"{out}: 1 Vorlage für sb6 geschrieben (Abgabe bis 14.11.2022)" in said, said
    assert [p.name for p in out.glob("*.xlsx")] == ["brandis_sb6.xlsx"]
