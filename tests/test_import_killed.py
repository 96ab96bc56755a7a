"""An ``import`` killed while it moves its tables in: the next import undoes it before reading."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ogl_impact.cli import main
from tests.conftest import KILL_MID_MOVE

FIX = Path(__file__).parent / "fixtures"
DEMO = Path(__file__).resolve().parents[1] / "data" / "raw"
LSA = FIX / "limesurvey" / "colors.lsa"

# kill -9 at an exact point of the safe writer's final moves (os.replace into or out of the
# staging folders), as a power cut or an impatient `kill -9` would


def _killed(data: Path, mapping: Path, secret: Path, moves: int | str) -> None:
    """An import into ``data`` killed -9 after ``moves`` of its final moves (or at the clean-up)."""
    killed = subprocess.run(
        [sys.executable, "-c", KILL_MID_MOVE, str(moves), *_args(data, mapping, secret)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert killed.returncode == -9, killed.stderr


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _args(out: Path, mapping: Path, secret: Path, programme: Path | None = None) -> list[str]:
    return [
        "import", "limesurvey", str(LSA), "--mapping", str(mapping), "--out", str(out),
        "--programme", str(programme or out), "--secret-file", str(secret),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> tuple[Path, Path]:
    tmp_path = tmp_path_factory.mktemp("inputs")
    secret = tmp_path / "schluessel.txt"
    secret.write_text("ein-geheimer-schluessel-fuer-tests\n", encoding="utf-8")
    mapping = tmp_path / "zuordnung.csv"
    mapping.write_text(
        "code;item_id;construct;reverse_keyed\n@unit_id;brandis;;\n@wave;2;;\n"
        "@actor_group;citizens;;\nG02Q04;bild;satisfaction;false\n",
        encoding="utf-8",
    )
    return mapping, secret


@pytest.fixture(scope="module")
def clean(setup, tmp_path_factory) -> dict[str, str]:
    """The embedded data after one uninterrupted import (what a killed one must come back to)."""
    mapping, secret = setup
    folder = Path(shutil.copytree(DEMO, tmp_path_factory.mktemp("clean") / "raw"))
    assert main(_args(folder, mapping, secret)) == 0
    return _tree(folder)


@pytest.mark.parametrize("moves", [1, 2, 3])
def test_an_import_killed_while_moving_is_undone_by_the_next_import(
    setup, clean, tmp_path, capsys, moves
):
    mapping, secret = setup
    data = Path(shutil.copytree(DEMO, tmp_path / "killed" / "raw"))
    before = _tree(data)
    _killed(data, mapping, secret, moves)
    assert _tree(data) != before  # half moved: a table missing, or one new and one old
    # the researcher starts the same import again: the killed one is undone first
    code = main(_args(data, mapping, secret))
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "rückgängig gemacht" in printed.err, printed.err
    assert "Traceback" not in printed.out + printed.err
    assert not [p for p in data.parent.iterdir() if ".ogl-staging-" in p.name]
    # and the folder is as if the killed run had never been: one import, every answer once
    assert _tree(data) == clean


def test_a_second_import_into_a_folder_being_imported_into_is_refused(setup, tmp_path, capsys):
    # two colleagues import their exports into the same folder at the same moment
    from ogl_impact.write.target import folder_lock

    mapping, secret = setup
    data = Path(shutil.copytree(DEMO, tmp_path / "raw"))
    before = _tree(data)
    with folder_lock(data, "import"):  # the first import is still running
        code = main(_args(data, mapping, secret))
    printed = capsys.readouterr()
    assert code == 2, printed.err
    assert "wird gerade von einem anderen Lauf von ogl-impact (collect oder import)" in printed.err
    assert "'ogl-impact import' noch einmal starten" in printed.err
    assert "Traceback" not in printed.out + printed.err
    assert _tree(data) == before


def test_validate_and_status_on_a_half_moved_folder_say_so_and_change_nothing(
    setup, tmp_path, capsys
):
    # after the power cut the researcher first checks the folder: the tables are a mixture
    # (codebook new, responses old) that may even pass every rule
    mapping, secret = setup
    data = Path(shutil.copytree(DEMO, tmp_path / "raw"))
    _killed(data, mapping, secret, 2)
    half = _tree(data)
    beside = sorted(p.name for p in data.parent.iterdir())
    assert main(["validate", str(data)]) == 1
    printed = capsys.readouterr()
    assert "abgebrochener Lauf (collect oder import)" in printed.out, printed.out
    assert "den Lauf einfach noch einmal starten" in printed.out
    assert "fehlerfrei" not in printed.out and "1 Fehler" in printed.out, printed.out
    assert main(["validate", str(data), "--format", "json"]) == 1
    assert '"folder_half_moved"' in capsys.readouterr().out  # scripts see it too
    assert main(["status", "--data", str(data), "--as-of", "2022-12-31"]) == 1
    printed = capsys.readouterr()
    assert "abgebrochener Lauf" in printed.err and "kein Stand" in printed.err, printed.err
    assert "Traceback" not in printed.out + printed.err
    # both only read: the folder and what lies beside it are as the killed run left them
    assert _tree(data) == half and sorted(p.name for p in data.parent.iterdir()) == beside
    # the next import undoes it; then validate is clean again
    assert main(_args(data, mapping, secret)) == 0
    capsys.readouterr()
    assert main(["validate", str(data)]) == 0
    assert "abgebrochener Lauf" not in capsys.readouterr().out


def test_a_killed_import_is_undone_when_the_next_one_is_started_inside_the_folder(
    setup, clean, tmp_path, capsys, monkeypatch
):
    # the researcher works inside the data folder and writes "--out ." (no name of its own)
    mapping, secret = setup
    data = Path(shutil.copytree(DEMO, tmp_path / "raw"))
    _killed(data, mapping, secret, 2)
    monkeypatch.chdir(data)
    assert main(["validate", "."]) == 1
    assert "abgebrochener Lauf" in capsys.readouterr().out
    assert main(_args(Path("."), mapping, secret)) == 0
    assert "rückgängig gemacht" in capsys.readouterr().err
    assert _tree(data) == clean


def test_a_second_import_into_a_new_folder_being_created_is_refused(setup, tmp_path, capsys):
    # both colleagues give the same new --out: the second must not create and fill it too
    from ogl_impact.write.target import locked_for_update

    mapping, secret = setup
    new = tmp_path / "neu" / "umfrage"
    with locked_for_update(new, "import"):  # the first import is still running
        code = main(_args(new, mapping, secret, programme=DEMO))
    printed = capsys.readouterr()
    assert code == 2, printed.err
    assert "wird gerade von einem anderen Lauf" in printed.err
    assert not new.exists()


def test_an_import_killed_before_its_first_move_is_not_said_to_be_undone(
    setup, clean, tmp_path, capsys
):
    # killed in the instant between writing its journal and moving the first table: the
    # folder was never touched, so "rolled back" would send the researcher looking for damage
    mapping, secret = setup
    data = Path(shutil.copytree(DEMO, tmp_path / "raw"))
    before = _tree(data)
    _killed(data, mapping, secret, 0)
    assert _tree(data) == before
    code = main(_args(data, mapping, secret))
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "rückgängig gemacht" not in printed.err, printed.err
    assert "noch keine Datei verschoben" in printed.err, printed.err
    assert "had not moved any file yet" in printed.err, printed.err
    assert _tree(data) == clean
    assert not [p for p in data.parent.iterdir() if ".ogl-staging-" in p.name]


def test_an_import_killed_while_tidying_up_after_its_last_move_is_kept_and_said_so(
    setup, clean, tmp_path, capsys
):
    # every table was in; kill -9 hit while the staging folders were being removed. The
    # import is complete: validate finds nothing half moved, and the next run calls what it
    # removes the leftovers of a completed run, not an interrupted one it undid
    mapping, secret = setup
    data = Path(shutil.copytree(DEMO, tmp_path / "raw"))
    _killed(data, mapping, secret, "clean-up")
    assert _tree(data) == clean
    assert [p for p in data.parent.iterdir() if ".ogl-staging-" in p.name]
    assert main(["validate", str(data)]) == 0
    assert "abgebrochener Lauf" not in capsys.readouterr().out
    main(_args(data, mapping, secret))  # the same export again (its answers are in already)
    printed = capsys.readouterr()
    assert "Reste eines abgeschlossenen Laufs entfernt" in printed.err, printed.err
    assert "leftovers of a completed run removed" in printed.err, printed.err
    assert "abgebrochen" not in printed.err and "rückgängig" not in printed.err, printed.err
    assert "Traceback" not in printed.out + printed.err
    assert _tree(data) == clean
    assert not [p for p in data.parent.iterdir() if ".ogl-staging-" in p.name]


def test_an_import_whose_roll_back_fails_says_what_was_put_back_and_what_not(
    setup, clean, tmp_path, capsys, monkeypatch
):
    # an administrator's script takes the write permission on responses.csv's place while the
    # import moves its tables in: moving it in fails, and so does putting the earlier one back
    import ogl_impact.write.target as target_mod

    mapping, secret = setup
    data = Path(shutil.copytree(DEMO, tmp_path / "raw"))
    before = _tree(data)
    real = target_mod.os.replace

    def no_permission(src, dst):
        if Path(dst) == data / "responses.csv":
            raise PermissionError(13, "Permission denied", str(dst))
        return real(src, dst)

    monkeypatch.setattr(target_mod.os, "replace", no_permission)
    code = main(_args(data, mapping, secret))
    printed = capsys.readouterr()
    assert code == 2, printed.err  # as the other refusals of the safe writer
    assert "nichts geändert" not in printed.err and "nothing changed" not in printed.err
    assert "nicht zurückgelegt: responses.csv" in printed.err, printed.err
    assert "codebook.csv" in printed.err and "bitte" in printed.err, printed.err
    assert "Traceback" not in printed.out + printed.err
    assert not (data / "responses.csv").exists()  # the earlier one is in the backup folder
    # validate sees the folder is half done; with the permission back, the next import puts
    # the rest back first and then imports as if nothing had happened
    monkeypatch.setattr(target_mod.os, "replace", real)
    assert main(["validate", str(data)]) == 1
    assert "abgebrochener Lauf" in capsys.readouterr().out
    assert main(_args(data, mapping, secret)) == 0
    assert "rückgängig gemacht" in capsys.readouterr().err
    assert _tree(data) == clean
    assert _tree(data) != before
