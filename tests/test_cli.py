"""The command line: exit codes, languages, JSON, help, and no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ogl_impact.cli import build_parser, main

from .conftest import edit


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ogl_impact", *args], capture_output=True, text=True, timeout=300
    )


def test_validate_clean_folder_exits_0(mini: Path, capsys):
    assert main(["validate", str(mini)]) == 0
    out = capsys.readouterr().out
    assert "fehlerfrei" in out


def test_validate_reports_in_german_and_english(mini: Path, capsys):
    edit(mini, "labs", 3, "land", "DE-XX")
    assert main(["validate", str(mini)]) == 1
    out = capsys.readouterr().out
    assert "labs.csv, Zeile 3, Spalte „land“, Wert „DE-XX“" in out
    assert "Bundeslandes" in out and "[Regel str_matches]" in out
    assert main(["validate", str(mini), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "labs.csv, line 3, column 'land', value 'DE-XX'" in out and "German Land" in out


def test_validate_json(mini: Path, capsys):
    edit(mini, "labs", 3, "land", "DE-XX")
    edit(mini, "codebook", 4, "scale_min", "x")
    assert main(["validate", str(mini), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["errors"] == 2
    found = {(p["file"], p["line"], p["column"], p["value"], p["rule"]) for p in doc["problems"]}
    assert ("labs.csv", 3, "land", "DE-XX", "str_matches") in found
    assert ("codebook.csv", 4, "scale_min", "x", "type_int") in found


def test_unusable_arguments_exit_2(tmp_path: Path, capsys):
    assert main(["validate", str(tmp_path / "gibt-es-nicht")]) == 2
    with pytest.raises(SystemExit) as info:
        main(["validate", "--lang", "fr"])
    assert info.value.code == 2
    assert main([]) == 2


@pytest.mark.parametrize("command", ["validate", "process", "demo-data"])
def test_every_subcommand_has_help(command: str, capsys):
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args([command, "--help"])
    assert info.value.code == 0
    assert "Aufruf: ogl-impact " + command in capsys.readouterr().out


def test_no_traceback_for_garbage(tmp_path: Path):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "labs.csv").write_bytes(b"\x00\xff\xfe garbage \x00" * 50)
    (folder / "partners.xlsx").write_bytes(b"PK\x03\x04 broken")
    (folder / "periods.csv").write_text("", encoding="utf-8")
    (folder / "sources.csv").write_text("source_id;title\n", encoding="utf-8")
    result = run_cli("validate", str(folder))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    for name in ("labs.csv", "partners.xlsx", "periods.csv", "sources.csv"):
        assert name in result.stdout


def test_console_script_is_installed():
    exe = Path(sys.executable).with_name("ogl-impact")
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert (
        "validate" in result.stdout and "process" in result.stdout and "demo-data" in result.stdout
    )


def test_demo_data_without_programme_tables_says_so(tmp_path: Path, capsys):
    # `ogl-impact demo-data OUT` reads labs.csv and periods.csv from OUT unless --raw names them
    out = tmp_path / "demo"
    out.mkdir()
    assert main(["demo-data", str(out)]) == 2
    err = capsys.readouterr().err
    assert "interner Fehler" not in err
    assert "labs.csv" in err and "--raw" in err
    assert list(out.iterdir()) == []


def test_demo_data_with_invalid_programme_tables_says_so(tmp_path: Path, mini: Path, capsys):
    edit(mini, "periods", 4, "start", "Mitte Mai")
    out = tmp_path / "demo"
    out.mkdir()
    assert main(["demo-data", str(out), "--raw", str(mini)]) == 1
    err = capsys.readouterr().err
    assert "interner Fehler" not in err
    assert "periods.csv" in err and "ogl-impact validate" in err
    assert list(out.iterdir()) == []


def test_an_error_loading_the_writer_is_a_message(tmp_path: Path, monkeypatch, capsys):
    # Ctrl-C while the libraries load can surface as another error (numpy's class creation
    # gave a RuntimeError), a broken install as an ImportError: the command's except clauses
    # must neither fail on a name never bound nor let it out as a traceback
    monkeypatch.setitem(sys.modules, "ogl_impact.write.target", None)
    monkeypatch.delenv("OGL_IMPACT_DEBUG", raising=False)
    assert main(["validate", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "interner Fehler / internal error: ModuleNotFoundError" in err
    assert "Traceback" not in err
