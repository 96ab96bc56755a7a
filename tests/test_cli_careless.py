"""The command line as a careless user meets it: closed pipes, argparse's errors."""

from __future__ import annotations

import hashlib
import os
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
