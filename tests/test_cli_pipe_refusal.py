"""A refusal keeps its exit status when the reader of the output went away (``| head -1``).

A script running ``ogl-impact validate data/raw | head -1`` must still see
that the data were refused (1) or the arguments unusable (2); only a run that
succeeded reports the closed pipe (141). Real subprocesses whose stdout (and
stderr) is a pipe closed before the command writes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "raw"
EXE = Path(sys.executable).parent / "ogl-impact"


def closed(args: list[str], *, stderr_too: bool = False) -> tuple[int, str]:
    """Run ``ogl-impact args`` into a pipe nobody reads (``| head -0``): status and stderr."""
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first line
    try:
        result = subprocess.run(
            [str(EXE), *args],
            stdout=write,
            stderr=write if stderr_too else subprocess.PIPE,
            env={**os.environ, "OGL_IMPACT_DEBUG": ""},
            timeout=300,
        )
    finally:
        os.close(write)
    err = "" if stderr_too else result.stderr.decode()
    return result.returncode, err


@pytest.fixture
def invalid(tmp_path: Path) -> Path:
    """The demo folder with one submission's outcome in German (not allowed)."""
    folder = tmp_path / "raw"
    shutil.copytree(DEMO, folder)
    path = folder / "submissions.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(";accepted;", ";angenommen;", 1), encoding="utf-8")
    return folder


def clean(err: str) -> None:
    assert "Traceback" not in err and "Exception ignored" not in err, err


def test_validate_refused_into_a_closed_pipe_ends_1(invalid):
    status, err = closed(["validate", str(invalid)])
    assert status == 1, err
    clean(err)


def test_validate_refused_with_both_streams_closed_ends_1(invalid):
    status, _ = closed(["validate", str(invalid)], stderr_too=True)
    assert status == 1


def test_status_refused_with_both_streams_closed_ends_1(invalid):
    status, _ = closed(["status", "--data", str(invalid)], stderr_too=True)
    assert status == 1


def test_a_run_that_succeeded_still_reports_the_closed_pipe():
    status, err = closed(["validate", str(DEMO)])
    assert status == 141
    clean(err)


def test_an_import_refused_after_its_report_ends_1(tmp_path):
    from tests.test_import_overlap import limesurvey, mapping

    secret = tmp_path / "schluessel.txt"
    secret.write_text("ein-geheimer-schluessel-fuer-tests\n", encoding="utf-8")
    files = limesurvey(tmp_path / "export.csv", range(1, 41))
    out = tmp_path / "daten"
    args = ["import", "limesurvey", *map(str, files), "--mapping",
            str(mapping(tmp_path / "m.csv")), "--out", str(out), "--programme", str(DEMO),
            "--secret-file", str(secret)]  # fmt: skip
    assert closed(args)[0] == 141  # imported; the answers per question went nowhere
    status, err = closed(args)  # the same export again: refused after printing its report
    assert status == 1, err
    assert "Import abgelehnt, nichts geschrieben" in err, err
    clean(err)


def test_version_into_a_closed_pipe_has_no_traceback():
    status, err = closed(["--version"])
    assert status == 141
    clean(err)


@pytest.mark.parametrize(
    "args", [["--version"], ["--help"], ["validate", "--help"], ["template", "--help"]]
)
def test_version_and_help_into_a_closed_pipe_end_141_like_any_run_that_succeeded(args):
    """--version ended 141 but ``<befehl> --help`` 0: one rule for both now."""
    status, err = closed(args)
    assert status == 141, err
    clean(err)


@pytest.mark.parametrize("args", [[], ["gibt-es-nicht"]])
def test_the_bare_help_and_an_unknown_command_into_a_closed_pipe_keep_2(args):
    status, err = closed(args)
    assert status == 2, err
    clean(err)


def test_version_and_help_read_to_the_end_still_end_0():
    for args in (["--version"], ["--help"], ["validate", "--help"]):
        result = subprocess.run([str(EXE), *args], capture_output=True, timeout=60)
        assert result.returncode == 0, (args, result.stderr)
        assert result.stdout.strip(), args
