"""The safe writer: no command destroys what it did not write, a failed run changes nothing."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ogl_impact import write
from ogl_impact.cli import main
from ogl_impact.write import target as target_mod
from ogl_impact.write.target import (
    AFTER,
    BEFORE,
    MARKER,
    TargetError,
    check_target,
    interrupted,
    locked_for_update,
    read_marker,
    recover,
    replace_folder,
    update_files,
    write_marker,
)

from .conftest import edit


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` with the sha256 of its bytes."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "<dir>"
    return out


@pytest.fixture
def project(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project as a researcher has it: sources, a repository, README and data/raw."""
    root = tmp_path / "projekt"
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "src" / "pkg" / "__init__.py").write_text("x = 1\n", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (root / "pyproject.toml").write_text("[project]\nname = 'auswertung'\n", encoding="utf-8")
    (root / "README.md").write_text("# Auswertung\n", encoding="utf-8")
    (root / "data").mkdir()
    shutil.copytree(mini, root / "data" / "raw")
    (root / "notizen").mkdir()
    (root / "notizen" / "protokoll.txt").write_text("Sitzung 3\n", encoding="utf-8")
    monkeypatch.chdir(root)
    return root


DESTRUCTIVE = [
    pytest.param(["process", "data/raw", "."], id="process-into-project-root"),
    pytest.param(["process", "data/raw", "data"], id="process-into-parent-of-input"),
    pytest.param(["process", "data/raw", "data/raw"], id="process-into-input"),
    pytest.param(["process", "data/raw", "data/raw/out"], id="process-inside-input"),
    pytest.param(["process", "data/raw", "notizen"], id="process-into-foreign-folder"),
    pytest.param(["process", "data/raw", "README.md"], id="process-onto-a-file"),
    pytest.param(["figures", "--report", "sb1", "--out", "data"], id="figures-into-data"),
    pytest.param(["figures", "--report", "sb1", "--out", "."], id="figures-into-project-root"),
    pytest.param(["figures", "--report", "sb1", "--out", "notizen"], id="figures-into-foreign"),
    pytest.param(
        ["figures", "--report", "sb1", "--data", "data/raw", "--out", "data/raw/abb"],
        id="figures-inside-input",
    ),
    pytest.param(["demo-data", "."], id="demo-data-into-project-root"),
    pytest.param(["demo-data", "notizen", "--raw", "."], id="demo-data-raw-is-root"),
    pytest.param(["demo-data", "data/raw/neu", "--raw", "data/raw"], id="demo-data-inside-input"),
]


@pytest.mark.parametrize("argv", DESTRUCTIVE)
def test_destructive_targets_are_refused_and_nothing_changes(
    project: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
):
    before = snapshot(project)
    status = main(argv)
    err = capsys.readouterr().err
    assert status == 2, err
    assert "Traceback" not in err and "interner Fehler" not in err
    assert err.strip(), "a refusal says why"
    assert snapshot(project) == before


def test_refusal_from_a_real_process_has_no_traceback(project: Path):
    before = snapshot(project)
    result = subprocess.run(
        [str(Path(sys.executable).with_name("ogl-impact")), "process", "data/raw", "."],
        capture_output=True,
        text=True,
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(Path(write.__file__).parents[2])},
    )
    assert result.returncode == 2, result.stderr
    assert "Projekt" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(project) == before


def test_process_replaces_its_own_output_only(project: Path):
    assert main(["process", "data/raw", "data/processed"]) == 0
    out = project / "data" / "processed"
    assert read_marker(out) == "process"
    first = snapshot(out)
    assert main(["process", "data/raw", "data/processed"]) == 0
    assert snapshot(out) == first  # replaced, byte-identical
    # the marker of another command does not let process replace the folder
    (out / MARKER).write_text(
        (out / MARKER).read_text(encoding="utf-8").replace('"process"', '"figures"'),
        encoding="utf-8",
    )
    marked = snapshot(out)
    assert main(["process", "data/raw", "data/processed"]) == 2
    assert snapshot(out) == marked


def test_a_forged_or_broken_marker_is_no_marker(tmp_path: Path):
    out = tmp_path / "fremd"
    out.mkdir()
    (out / "wichtig.txt").write_text("x", encoding="utf-8")
    for text in ["", "{", '{"command": "process"}', '["ogl-impact"]']:
        (out / MARKER).write_text(text, encoding="utf-8")
        with pytest.raises(TargetError, match="nicht von ogl-impact"):
            check_target(out, "process")


def test_an_empty_folder_is_fine(tmp_path: Path):
    out = tmp_path / "leer"
    out.mkdir()
    with replace_folder(out, "process") as staging:
        (staging / "a.txt").write_text("1", encoding="utf-8")
    assert (out / "a.txt").read_text(encoding="utf-8") == "1"


def test_failed_process_leaves_the_earlier_output(project: Path):
    assert main(["process", "data/raw", "data/processed"]) == 0
    out = project / "data" / "processed"
    good = snapshot(out)
    edit(project / "data" / "raw", "labs", 3, "lab_id", "moer")  # broken raw data
    assert main(["process", "data/raw", "data/processed"]) == 1
    assert snapshot(out) == good
    assert not [p for p in out.parent.iterdir() if ".ogl-staging-" in p.name]


def test_interrupted_write_leaves_the_earlier_output(tmp_path: Path, monkeypatch):
    out = tmp_path / "ergebnis"
    with replace_folder(out, "process") as staging:
        (staging / "a.txt").write_text("alt", encoding="utf-8")
    before = snapshot(out)
    with pytest.raises(KeyboardInterrupt):
        with replace_folder(out, "process") as staging:
            (staging / "a.txt").write_text("halb", encoding="utf-8")
            raise KeyboardInterrupt  # Ctrl-C in the middle
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["ergebnis"]


def test_staging_of_a_killed_run_is_cleaned_up(tmp_path: Path):
    out = tmp_path / "ergebnis"
    # a run killed with SIGKILL leaves its staging folder; its pid no longer exists
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    pid = int(dead.stdout)
    stale = tmp_path / f".ergebnis.ogl-staging-new-{pid}-abc"
    stale.mkdir()
    (stale / "halb.parquet").write_bytes(b"\0" * 10)
    with replace_folder(out, "process") as staging:
        (staging / "a.txt").write_text("1", encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ergebnis"]


def test_a_real_kill_during_process_keeps_the_earlier_output(project: Path):
    assert main(["process", "data/raw", "data/processed"]) == 0
    out = project / "data" / "processed"
    good = snapshot(out)
    code = (
        "import os, signal, sys\n"
        "import ogl_impact.process as p\n"
        "orig = p.write_dataset\n"
        "def killed(ds, folder):\n"
        "    orig(ds, folder)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "p.write_dataset = killed\n"
        "p.process('data/raw', 'data/processed')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(Path(write.__file__).parents[2])},
    )
    assert result.returncode == -9
    assert snapshot(out) == good
    # the next run cleans up what the killed one left and succeeds
    assert main(["process", "data/raw", "data/processed"]) == 0
    assert snapshot(out) == good
    assert not [p for p in out.parent.iterdir() if ".ogl-staging-" in p.name]


def test_update_files_adds_and_keeps_the_rest(tmp_path: Path):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "labs.csv").write_text("echt", encoding="utf-8")
    with update_files(folder, "import") as staging:
        (staging / "responses.csv").write_text("neu", encoding="utf-8")
        (staging / "truth").mkdir()
        (staging / "truth" / "x.csv").write_text("t", encoding="utf-8")
    assert (folder / "labs.csv").read_text(encoding="utf-8") == "echt"
    assert (folder / "responses.csv").read_text(encoding="utf-8") == "neu"
    assert (folder / "truth" / "x.csv").read_text(encoding="utf-8") == "t"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]


def test_update_files_rolls_back_when_moving_fails(tmp_path: Path, monkeypatch):
    folder = tmp_path / "raw"
    folder.mkdir()
    for name in ["a.csv", "b.csv", "c.csv"]:
        (folder / name).write_text("alt " + name, encoding="utf-8")
    before = snapshot(folder)
    real_replace = os.replace
    calls = {"n": 0}

    def flaky(src, dst):
        calls["n"] += 1
        if calls["n"] == 4:  # fails while moving the second new file in
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(target_mod.os, "replace", flaky)
    with pytest.raises(OSError):
        with update_files(folder, "import") as staging:
            for name in ["a.csv", "b.csv", "c.csv"]:
                (staging / name).write_text("neu " + name, encoding="utf-8")
    monkeypatch.setattr(target_mod.os, "replace", real_replace)
    assert snapshot(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]


def test_a_backup_left_half_removed_never_rolls_back_a_finished_run(tmp_path: Path, monkeypatch):
    # the run finished (and said so), but removing its backup folder failed part-way (a file
    # that cannot be deleted, a full disk's error): the next run must not "undo" it
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "a.csv").write_text("alt", encoding="utf-8")
    real_rmtree = shutil.rmtree

    def leaves_the_backup(path, *args, **kwargs):
        if ".ogl-staging-backup-" not in str(path):
            real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(target_mod.shutil, "rmtree", leaves_the_backup)
    with update_files(folder, "import") as staging:
        (staging / "a.csv").write_text("neu", encoding="utf-8")
        (staging / "b.csv").write_text("dazu", encoding="utf-8")
    monkeypatch.setattr(target_mod.shutil, "rmtree", real_rmtree)
    (left,) = [p for p in tmp_path.iterdir() if ".ogl-staging-backup-" in p.name]
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    rest = left.name.rsplit("-", 1)[-1]  # mkdtemp's random part
    as_dead = tmp_path / f".raw.ogl-staging-backup-{int(dead.stdout)}-{rest}"
    left.rename(as_dead)  # as a later run finds it: left by a process that is gone
    said = recover(folder)
    assert (folder / "a.csv").read_text(encoding="utf-8") == "neu", said
    assert (folder / "b.csv").read_text(encoding="utf-8") == "dazu", said
    assert not any("rückgängig" in line for line in said), said
    assert not as_dead.exists()


@pytest.mark.parametrize(
    "rel", ["../other/config.txt", "{abs}", "sub/../../other/config.txt", "./x.csv", ""]
)
def test_a_planted_journal_never_touches_a_file_outside_the_folder(tmp_path: Path, rel):
    # anyone who may write beside the output folder could plant a "backup" with a journal:
    # the roll-back it asks for must stay inside the folder
    out, other = tmp_path / "out", tmp_path / "other"
    out.mkdir()
    other.mkdir()
    victim = other / "config.txt"
    victim.write_text("original", encoding="utf-8")
    victim.chmod(0o640)
    rel = rel.replace("{abs}", str(victim))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    for kept in (True, False):
        planted = tmp_path / f".out.ogl-staging-backup-{int(dead.stdout)}-k{kept:d}"
        (planted / "files" / "sub").mkdir(parents=True)
        (planted / "other").mkdir()
        (planted / "other" / "config.txt").write_text("PLANTED", encoding="utf-8")
        (planted / "journal.json").write_text(f'[{{"rel": "{rel}", "kept": {str(kept).lower()}}}]')
        recover(out)
        assert victim.read_text(encoding="utf-8") == "original"
        assert victim.stat().st_mode & 0o777 == 0o640


def test_update_files_error_in_block_changes_nothing(tmp_path: Path):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "a.csv").write_text("alt", encoding="utf-8")
    before = snapshot(folder)
    with pytest.raises(ValueError):
        with update_files(folder, "import") as staging:
            (staging / "a.csv").write_text("neu", encoding="utf-8")
            raise ValueError("Prüfung fehlgeschlagen")
    assert snapshot(folder) == before


def test_update_files_refuses_the_project_root(project: Path):
    with pytest.raises(TargetError, match="Projekt"):
        with update_files(project, "import"):
            pass


def test_demo_data_into_the_raw_folder_still_works(project: Path):
    raw = project / "data" / "raw"
    labs = (raw / "labs.csv").read_bytes()
    assert main(["demo-data", "data/raw"]) == 0
    assert (raw / "labs.csv").read_bytes() == labs  # real tables untouched
    assert (raw / "truth").is_dir()


def test_demo_data_national_refuses_a_foreign_folder(tmp_path: Path):
    out = tmp_path / "national"
    out.mkdir()
    (out / "eigene.csv").write_text("x", encoding="utf-8")
    before = snapshot(out)
    assert main(["demo-data", str(out), "--scale", "national", "--respondents", "10"]) == 2
    assert snapshot(out) == before


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x";"klick")', "+49 30 123", "-1+1", "@SUM(A1)", "\tTab", "\rCR"]
)
def test_formula_cells_are_escaped_in_csv(tmp_path: Path, text: str):
    frame = pd.DataFrame({"label": [text], "value": [-1.5], "count": [-2]})
    (path,) = write.write_tables({"t": frame}, tmp_path, "Kommentar")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    expected = ("'" + text).replace("\r", "\n")  # a lone CR would end the row
    assert rows[2] == [expected, "-1,5", "-2"]  # text escaped, numbers not


def test_plain_text_is_not_escaped(tmp_path: Path):
    frame = pd.DataFrame({"label": ["Bürgerhaushalt", "E-Partizipation"]})
    (path,) = write.write_tables({"t": frame}, tmp_path, "Kommentar")
    assert path.read_text(encoding="utf-8").splitlines()[2:] == [
        "Bürgerhaushalt",
        "E-Partizipation",
    ]


# ----------------------------------------------------------------- found by trying to break it

PYTHONPATH = {**os.environ, "PYTHONPATH": str(Path(write.__file__).parents[2])}


def _run_and_kill_at(code: str, cwd: Path) -> int:
    """Run ``code`` in a fresh interpreter that SIGKILLs itself where the code says."""
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=PYTHONPATH).returncode


KILL_IN_SWAP = """
import os, signal
from ogl_impact.write import target
real = target.os.replace
def replace(src, dst):
    if ".ogl-staging-new-" in str(src):  # the old output is aside, the new one not yet in
        os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst)
target.os.replace = replace
with target.replace_folder("out", "process") as staging:
    (staging / "a.txt").write_text("neu")
"""


def test_kill_between_the_two_renames_then_a_failed_run_keeps_the_finished_output(
    tmp_path: Path, caplog
):
    with replace_folder(tmp_path / "out", "process") as staging:
        (staging / "a.txt").write_text("alt", encoding="utf-8")
    assert _run_and_kill_at(KILL_IN_SWAP, tmp_path) == -9
    assert not (tmp_path / "out").exists()  # the worst moment: only the hidden copies are left
    # the killed run had done and checked all its work (its marker is written): its output is
    # what the run would have left, and what collect's tables already stand on
    with pytest.raises(RuntimeError):  # the next run fails
        with replace_folder(tmp_path / "out", "process"):
            raise RuntimeError("kaputte Eingabe")
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "neu"
    assert read_marker(tmp_path / "out") == "process"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert "fertige Ausgabe eines abgebrochenen Laufs eingesetzt" in caplog.text


KILL_BEFORE_MARKER = """
import os, signal
from ogl_impact.write import target
real = target.os.replace
def replace(src, dst):
    if ".ogl-staging-new-" in str(src):
        os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst)
target.os.replace = replace
target.write_marker = lambda *a, **k: None  # as if killed before the new output was finished
with target.replace_folder("out", "process") as staging:
    (staging / "a.txt").write_text("halb")
"""


def test_kill_between_the_renames_of_an_unfinished_output_puts_the_old_one_back(tmp_path):
    with replace_folder(tmp_path / "out", "process") as staging:
        (staging / "a.txt").write_text("alt", encoding="utf-8")
    good = snapshot(tmp_path / "out")
    assert _run_and_kill_at(KILL_BEFORE_MARKER, tmp_path) == -9
    assert not (tmp_path / "out").exists()
    with pytest.raises(RuntimeError):
        with replace_folder(tmp_path / "out", "process"):
            raise RuntimeError("kaputte Eingabe")
    assert snapshot(tmp_path / "out") == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


KILL_WHILE_MOVING = """
import os, signal
from ogl_impact.write import target
real = target.os.replace
calls = []
def replace(src, dst):
    calls.append(src)
    if len(calls) == 3:  # a.csv moved aside and replaced, b.csv moved aside
        os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst)
target.os.replace = replace
with target.update_files("raw", "import") as staging:
    for name in ["a.csv", "b.csv", "neu.csv"]:
        (staging / name).write_text("neu " + name)
"""


def test_kill_while_moving_files_is_rolled_back_by_the_next_run(tmp_path: Path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ["a.csv", "b.csv", "eigene.csv"]:
        (raw / name).write_text("alt " + name, encoding="utf-8")
    good = snapshot(raw)
    assert _run_and_kill_at(KILL_WHILE_MOVING, tmp_path) == -9
    assert snapshot(raw) != good  # half moved: a.csv new, b.csv missing
    done = target_mod.recover(raw)
    assert done and snapshot(raw) == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]


def test_permissions_of_a_shared_folder_are_kept(tmp_path: Path):
    out = tmp_path / "geteilt"
    with replace_folder(out, "process") as staging:
        (staging / "a.txt").write_text("1", encoding="utf-8")
    out.chmod(0o2775)
    with replace_folder(out, "process") as staging:
        (staging / "a.txt").write_text("2", encoding="utf-8")
    assert oct(out.stat().st_mode & 0o7777) == oct(0o2775)


def test_a_new_folder_gets_the_umask_mode_not_0700(tmp_path: Path):
    out = tmp_path / "neu"
    old = os.umask(0o022)
    try:
        with replace_folder(out, "process") as staging:
            (staging / "a.txt").write_text("1", encoding="utf-8")
        path = target_mod.replace_file(tmp_path / "index.html", "<html>")
    finally:
        os.umask(old)
    assert oct(out.stat().st_mode & 0o777) == oct(0o755)
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)


def test_files_added_by_hand_stop_a_replacement(project: Path, capsys):
    assert main(["process", "data/raw", "data/processed"]) == 0
    out = project / "data" / "processed"
    (out / "analyse.md").write_text("meine Notizen", encoding="utf-8")
    (out / "skripte").mkdir()
    (out / "skripte" / "a.py").write_text("x = 1", encoding="utf-8")
    before = snapshot(out)
    assert main(["process", "data/raw", "data/processed"]) == 2
    err = capsys.readouterr().err
    assert "analyse.md" in err and "skripte/a.py" in err
    assert snapshot(out) == before


def test_demo_data_keeps_real_files_in_truth(tmp_path: Path, project: Path):
    mine = tmp_path / "mine"
    (mine / "truth").mkdir(parents=True)
    for name in ["labs.csv", "periods.csv"]:
        shutil.copy(project / "data" / "raw" / name, mine / name)
    (mine / "truth" / "survey_effects.csv").write_text("unit_id,x\nREAL,1\n", encoding="utf-8")
    before = snapshot(mine)
    assert main(["demo-data", str(mine)]) == 1
    assert snapshot(mine) == before


def test_an_os_error_is_a_sentence_not_an_internal_error(project: Path, capsys):
    status = main(["process", "data/raw", "x" * 300])  # a name the file system refuses
    err = capsys.readouterr().err
    assert status == 1
    assert "interner Fehler" not in err and "Traceback" not in err
    assert "nichts geändert" in err


def test_sigterm_during_process_cleans_up(project: Path):
    assert main(["process", "data/raw", "data/processed"]) == 0
    good = snapshot(project / "data" / "processed")
    code = (
        "import os, signal, sys\n"
        "import ogl_impact.process as p\n"
        "orig = p.write_dataset\n"
        "def slow(ds, folder):\n"
        "    orig(ds, folder)\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "p.write_dataset = slow\n"
        "from ogl_impact.cli import main\n"
        "sys.exit(main(['process', 'data/raw', 'data/processed']))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=project, env=PYTHONPATH)
    assert result.returncode == 143
    assert snapshot(project / "data" / "processed") == good
    assert not [p for p in (project / "data").iterdir() if ".ogl-staging-" in p.name]


def _processes_with(text: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmd:
            found.append(int(proc.name))
    return found


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc (Linux only)")
def test_killed_figure_build_leaves_no_workers_and_the_overview_lists_all(project: Path):
    import signal
    import time

    exe = str(Path(sys.executable).with_name("ogl-impact"))
    out = project / "abbildungen-kill-test"
    assert main(["figures", "--report", "sb1", "--out", str(out), "--quiet"]) == 0
    good = snapshot(out / "sb1")
    proc = subprocess.Popen(
        [exe, "figures", "--report", "sb1", "--out", str(out), "--jobs", "2", "--quiet"],
        cwd=project,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline and len(_processes_with(str(out))) < 3:
        time.sleep(0.2)  # the parent and its two workers are running
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # the workers die with their parent: within 3 s (a dead process stays dead, so the
    # first check that finds none is as good as a single check after the full 3 s)
    gone = time.time() + 3
    while _processes_with(str(out)) and time.time() < gone:
        time.sleep(0.1)
    assert _processes_with(str(out)) == []  # the workers died with their parent
    assert snapshot(out / "sb1") == good
    assert main(["figures", "--report", "sb2", "--out", str(out), "--quiet"]) == 0
    overview = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="sb1/index.html"' in overview and 'href="sb2/index.html"' in overview


def test_an_empty_folder_without_write_permission_does_not_block_a_replace(tmp_path, monkeypatch):
    # a user (not root) finds a read-only folder in the feedback folder: empty, it can go (only
    # the parent's permission counts); with a file in it, it could not be emptied
    import ogl_impact.write.target as target

    out = tmp_path / "fb"
    (out / "leer").mkdir(parents=True)
    (out / "voll").mkdir()
    real = os.access

    def as_a_user(path, mode, *args, **kwargs):  # root passes every os.access: act as a user
        if Path(path).name in ("leer", "voll") and mode & os.W_OK:
            return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(target.os, "access", as_a_user)
    assert target.check_replaceable(out) == out.resolve()
    (out / "voll" / "notiz.txt").write_text("x", encoding="utf-8")
    with pytest.raises(target.TargetError, match="voll ist schreibgeschützt"):
        target.check_replaceable(out)


def test_a_leftover_names_the_locked_folder_not_a_file_in_it(tmp_path):
    # a colleague marks a sub-folder append-only (chattr +a): its files cannot be removed,
    # though each file is free; the message must point at the folder to unlock
    import subprocess

    import ogl_impact.write.target as target

    folder = tmp_path / ".out.ogl-staging-old-1-x"
    sub = folder / "notizen"
    sub.mkdir(parents=True)
    (sub / "a.txt").write_text("x", encoding="utf-8")
    if subprocess.run(["chattr", "+a", str(sub)], capture_output=True).returncode != 0:
        pytest.skip("cannot set chattr +a here (no chattr, not root, or no such attribute)")
    try:
        assert target._remove(folder) == sub
    finally:
        subprocess.run(["chattr", "-a", str(sub)], capture_output=True)


def _dead_pid() -> int:
    """A pid no process has (for leftovers of a run that has ended)."""
    for pid in range(4_190_000, 4_194_000, 7):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            continue
    pytest.skip("no free pid found")


@pytest.mark.parametrize("name", ["Lab?", "Lab[X]", "Lab*"])
def test_a_folder_whose_name_looks_like_a_pattern_never_touches_another_folders_leftovers(
    tmp_path, name
):
    # „Lab?“ is a legal folder name; beside it lie the leftovers of LabX's killed import, whose
    # journal says responses.csv was added: they belong to LabX, not to „Lab?“
    from ogl_impact.write.target import interrupted, locked_for_update

    pid = _dead_pid()
    mine = tmp_path / name
    mine.mkdir()
    (mine / "responses.csv").write_text("meine Antworten", encoding="utf-8")
    other = tmp_path / "LabX"
    other.mkdir()
    backup = tmp_path / f".LabX.ogl-staging-backup-{pid}-abc"
    backup.mkdir()
    (backup / "journal.json").write_text('[{"rel": "responses.csv", "kept": false}]')
    before = snapshot(tmp_path)
    assert interrupted(mine) is None  # no false alarm for „Lab?“
    with locked_for_update(mine, "import"):
        pass
    assert snapshot(tmp_path) == before  # neither folder nor LabX's leftovers touched
    assert interrupted(other) is not None  # but LabX's own check sees them


def test_the_retired_folder_is_paired_with_its_own_staging_folder_only(tmp_path):
    # two marked staging folders of one pid (a container runs every command as the same pid):
    # only the one the killed swap retired the old output for may take its place
    pid = _dead_pid()
    out = tmp_path / "out"
    for tag, text in (("aaa", "älter"), ("zzz", "neu")):
        new = tmp_path / f".out.ogl-staging-new-{pid}-{tag}"
        new.mkdir()
        (new / "a.txt").write_text(text, encoding="utf-8")
    with replace_folder(tmp_path / "ref", "process") as staging:
        (staging / "a.txt").write_text("x", encoding="utf-8")
    marker = (tmp_path / "ref" / MARKER).read_bytes()
    for tag in ("aaa", "zzz"):
        (tmp_path / f".out.ogl-staging-new-{pid}-{tag}" / MARKER).write_bytes(marker)
    old = tmp_path / f".out.ogl-staging-old-{pid}-aaa"
    old.mkdir()
    (old / "a.txt").write_text("alt", encoding="utf-8")
    (old / MARKER).write_bytes(marker)
    said = recover(out)
    assert (out / "a.txt").read_text(encoding="utf-8") == "älter", said  # its pair, not "zzz"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "ref"]


def test_a_leftover_of_an_earlier_process_with_the_same_pid_is_undone(tmp_path):
    # in a container every command may run as the same pid: the killed import's leftovers then
    # carry the pid of the next run, which must still undo them (and never its own folders)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.csv").write_text("alt", encoding="utf-8")
    good = snapshot(raw)
    pid = os.getpid()
    backup = tmp_path / f".raw.ogl-staging-backup-{pid}-frueher"
    (backup / "files").mkdir(parents=True)
    os.replace(raw / "a.csv", backup / "files" / "a.csv")  # moved aside, the new one moved in
    (raw / "a.csv").write_text("neu", encoding="utf-8")
    (backup / "journal.json").write_text('[{"rel": "a.csv", "kept": true}]', encoding="utf-8")
    said = recover(raw)
    assert snapshot(raw) == good, said
    assert "abgebrochener Lauf rückgängig gemacht" in said[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]
    # while this process's own staging folders are never taken for leftovers
    with update_files(raw, "import") as staging:
        (staging / "b.csv").write_text("b", encoding="utf-8")
        assert recover(raw) == [] and staging.exists()
    assert (raw / "b.csv").read_text(encoding="utf-8") == "b"


# --- what a run that had finished leaves, and what the next run says of it ------------------

KILL_AFTER_SWAP = """
import os, signal
from ogl_impact.write import target
real = target._remove
def remove(path):
    if ".ogl-staging-old-" in str(path):  # the new output is in place, the old one aside
        os.kill(os.getpid(), signal.SIGKILL)
    return real(path)
target._remove = remove
with target.replace_folder("out", "process") as staging:
    (staging / "a.txt").write_text("neu")
"""


def test_the_retired_folder_of_a_finished_run_is_called_the_rest_of_a_completed_run(
    tmp_path: Path, caplog
):
    with replace_folder(tmp_path / "out", "process") as staging:
        (staging / "a.txt").write_text("alt", encoding="utf-8")
    assert _run_and_kill_at(KILL_AFTER_SWAP, tmp_path) == -9
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "neu"  # it had finished
    with caplog.at_level("WARNING", logger="ogl_impact.write.target"):
        with replace_folder(tmp_path / "out", "process") as staging:
            (staging / "a.txt").write_text("wieder", encoding="utf-8")
    said = caplog.text
    assert "Reste eines abgeschlossenen Laufs entfernt" in said, said
    assert "leftovers of a completed run removed" in said, said
    assert "abgebrochen" not in said and "rückgängig" not in said, said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


KILL_AT_SWAP_START = """
import os, signal
from ogl_impact.write import target
real = target.os.replace
def replace(src, dst):
    if ".ogl-staging-old-" in str(dst):  # marker written; the old output still in place
        os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst)
target.os.replace = replace
with target.replace_folder("out", "process") as staging:
    (staging / "a.txt").write_text("neu")
"""


def test_a_finished_output_killed_before_its_swap_began_is_put_in_place(tmp_path: Path, caplog):
    with replace_folder(tmp_path / "out", "process") as staging:
        (staging / "a.txt").write_text("alt", encoding="utf-8")
    assert _run_and_kill_at(KILL_AT_SWAP_START, tmp_path) == -9
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "alt"
    with caplog.at_level("WARNING", logger="ogl_impact.write.target"):
        with pytest.raises(RuntimeError):  # the next run fails: the finished one still counts
            with replace_folder(tmp_path / "out", "process"):
                raise RuntimeError("kaputte Eingabe")
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "neu"
    assert "fertige Ausgabe eines abgebrochenen Laufs eingesetzt" in caplog.text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_finished_output_older_than_the_folder_is_not_put_in_place(tmp_path: Path):
    # a killed run's finished output that a later run has since replaced (its pid was taken by
    # another process, so the later run did not see it as a leftover) must not come back
    pid = _dead_pid()
    stale = tmp_path / f".out.ogl-staging-new-{pid}-alt"
    stale.mkdir()
    (stale / "a.txt").write_text("veraltet", encoding="utf-8")
    write_marker(stale, "process")
    os.utime(stale / MARKER, (1_000_000_000, 1_000_000_000))
    with replace_folder(tmp_path / "out", "process") as staging:
        (staging / "a.txt").write_text("neuer", encoding="utf-8")
    said = recover(tmp_path / "out")
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "neuer", said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_finished_output_is_never_put_in_place_of_a_folder_of_another_command(tmp_path: Path):
    pid = _dead_pid()
    ready = tmp_path / f".out.ogl-staging-new-{pid}-neu"
    ready.mkdir()
    (ready / "a.txt").write_text("neu", encoding="utf-8")
    write_marker(ready, "figures")
    out = tmp_path / "out"
    out.mkdir()
    (out / "eigene.txt").write_text("von Hand", encoding="utf-8")
    recover(out)
    assert [p.name for p in out.iterdir()] == ["eigene.txt"]


# --- a roll-back that cannot put everything back ----------------------------------------------


def test_a_failed_roll_back_says_what_was_put_back_and_what_not(tmp_path: Path, monkeypatch):
    # the folder's permissions change while the files are moved (an administrator's script):
    # moving b.csv in fails, and so does putting the earlier b.csv back
    folder = tmp_path / "raw"
    folder.mkdir()
    for name in ["a.csv", "b.csv", "c.csv"]:
        (folder / name).write_text("alt " + name, encoding="utf-8")
    before = snapshot(folder)
    real_replace = os.replace

    def locked(src, dst):
        if Path(dst) == folder / "b.csv":  # b.csv can neither come in nor go back
            raise PermissionError(13, "Permission denied", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(target_mod.os, "replace", locked)
    with pytest.raises(TargetError) as caught:
        with update_files(folder, "import") as staging:
            for name in ["a.csv", "b.csv", "c.csv"]:
                (staging / name).write_text("neu " + name, encoding="utf-8")
    text = str(caught.value)
    assert "nichts geändert" not in text and "nothing changed" not in text, text
    assert "a.csv" in text and "zurückgelegt" in text, text  # what was put back
    assert "b.csv" in text and "nicht zurückgelegt" in text and "not put back" in text, text
    assert "bitte" in text.lower(), text  # and that the folder needs a look
    assert (folder / "a.csv").read_text(encoding="utf-8") == "alt a.csv"
    assert not (folder / "b.csv").exists()
    # the earlier b.csv is not lost: once the permission is back, the next run puts it back
    monkeypatch.setattr(target_mod.os, "replace", real_replace)
    assert interrupted(folder) is not None  # validate/status see the folder is half moved
    with locked_for_update(folder, "import"):
        pass
    assert snapshot(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]


# --- a marker vouches only for files that are on the disk --------------------------------------


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize("count", [3, 40])
def test_the_files_a_marker_lists_are_flushed_before_the_marker_is_written(
    tmp_path: Path, monkeypatch, count
):
    # a power cut right after the marker is written must not leave empty files behind it (the
    # next run would put that folder in place): every file is flushed first (or, for many,
    # the whole file system at once), then the marker itself
    flushed: list[str] = []
    real_fsync, real_syncfs = os.fsync, getattr(target_mod, "_syncfs", lambda folder: False)

    def fsync(fd):
        flushed.append(os.readlink(f"/proc/self/fd/{fd}"))
        return real_fsync(fd)

    def syncfs(folder):
        done = real_syncfs(folder)
        if done:
            flushed.append(f"syncfs:{folder}")
        return done

    monkeypatch.setattr(target_mod.os, "fsync", fsync)
    monkeypatch.setattr(target_mod, "_syncfs", syncfs, raising=False)
    out = tmp_path / "out"
    with replace_folder(out, "process") as staging:
        (staging / "sub").mkdir()
        for i in range(count):
            (staging / "sub" / f"{i}.txt").write_text(str(i), encoding="utf-8")
        name = staging.name
    marker = flushed.index(str(tmp_path / name / MARKER))  # the marker itself is flushed
    before = flushed[:marker]
    if f"syncfs:{tmp_path / name}" not in before:
        for i in range(count):
            assert str(tmp_path / name / "sub" / f"{i}.txt") in before, (i, flushed)
        assert str(tmp_path / name / "sub") in before and str(tmp_path / name) in before
    else:
        assert count > 16, flushed  # few files are flushed one by one
    assert str(tmp_path / name) in flushed[marker:]  # and the folder's entry of the marker
    assert (out / "sub" / "0.txt").read_text(encoding="utf-8") == "0"


KILL_AT_COMMIT = """
import os, signal, sys
from ogl_impact.write import target
real = target.os.replace
def replace(src, dst):
    done = real(src, dst)
    if str(dst).endswith(target.DONE):  # the files are committed; the pages not yet told
        os.kill(os.getpid(), signal.SIGKILL)
    return done
target.os.replace = replace
with target.replace_folder("fb", "collect") as pages:
    (pages / "lab.html").write_text("neu")
    with target.update_files("daten", "collect", companions=[pages]) as staging:
        (staging / "werte.csv").write_text("neu")
"""


@pytest.mark.parametrize("data_first", [True, False])
def test_pages_of_a_run_killed_right_after_its_commit_are_put_in_place(
    tmp_path: Path, data_first: bool
):
    # killed the moment the tables were committed: the pages belong to them, whichever
    # folder the next run looks at first (collect: the data folder; another run: the pages)
    with replace_folder(tmp_path / "fb", "collect") as pages:
        (pages / "lab.html").write_text("alt", encoding="utf-8")
    (tmp_path / "daten").mkdir()
    (tmp_path / "daten" / "werte.csv").write_text("alt", encoding="utf-8")
    assert _run_and_kill_at(KILL_AT_COMMIT, tmp_path) == -9
    assert (tmp_path / "daten" / "werte.csv").read_text(encoding="utf-8") == "neu"
    order = ["daten", "fb"] if data_first else ["fb", "daten"]
    said = [line for name in order for line in recover(tmp_path / name)]
    assert (tmp_path / "fb" / "lab.html").read_text(encoding="utf-8") == "neu", said
    assert any("fertige Ausgabe eines abgebrochenen Laufs eingesetzt" in s for s in said), said
    assert (tmp_path / "daten" / "werte.csv").read_text(encoding="utf-8") == "neu"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["daten", "fb"]


KILL_MOVING_TWO = """
import os, signal
from ogl_impact.write import target
real, n = target.os.replace, [0]
def replace(src, dst):
    if ".ogl-staging-files-" in str(src):
        n[0] += 1
        if n[0] > 2:  # two of three files moved in
            os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst)
target.os.replace = replace
with target.update_files("daten", "import") as staging:
    for name in ("a.csv", "b.csv", "c.csv"):
        (staging / name).write_text("neu")
"""

KILL_RECOVERY_TIDYING_UP = """
import os, signal
from ogl_impact.write import target
def remove(path):  # the roll-back is done; killed while its folders are removed
    os.kill(os.getpid(), signal.SIGKILL)
target._remove = remove
target.recover("daten")
"""


def test_a_roll_back_killed_while_tidying_up_is_not_called_one_that_moved_nothing(
    tmp_path: Path,
):
    # an import is killed while moving; the next one is killed too, right after it had put
    # every file back. The third must not claim the first run "had not moved any file yet"
    (tmp_path / "daten").mkdir()
    for name in ("a.csv", "b.csv"):
        (tmp_path / "daten" / name).write_text("alt", encoding="utf-8")
    assert _run_and_kill_at(KILL_MOVING_TWO, tmp_path) == -9
    assert _run_and_kill_at(KILL_RECOVERY_TIDYING_UP, tmp_path) == -9
    assert sorted(p.name for p in (tmp_path / "daten").iterdir()) == ["a.csv", "b.csv"]
    said = recover(tmp_path / "daten")
    assert said and not any("noch keine Datei verschoben" in s for s in said), said
    assert not any("not moved any file" in s for s in said), said
    for name in ("a.csv", "b.csv"):
        assert (tmp_path / "daten" / name).read_text(encoding="utf-8") == "alt"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["daten"]


def test_a_finished_output_as_old_as_the_folder_is_put_in_place(tmp_path: Path, caplog):
    # on a file system that keeps times in steps of 1 or 2 s (FAT on a USB stick, ext3), the
    # killed run's marker can bear the very time of the folder it was to replace: "not older"
    # is not "newer", and its finished output must not be thrown away
    with replace_folder(tmp_path / "out", "process") as staging:
        (staging / "a.txt").write_text("alt", encoding="utf-8")
    assert _run_and_kill_at(KILL_AT_SWAP_START, tmp_path) == -9
    (ready,) = tmp_path.glob(".out.ogl-staging-new-*")
    step = 2_000_000_000  # FAT's two seconds
    same = (ready / MARKER).stat().st_mtime_ns // step * step
    for marker in (ready / MARKER, tmp_path / "out" / MARKER):
        os.utime(marker, ns=(same, same))
    said = recover(tmp_path / "out")
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "neu", said
    assert any("fertige Ausgabe eines abgebrochenen Laufs eingesetzt" in s for s in said), said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# --- a pid given to another process, and clocks that do not tell the order ---------------------


def _renamed_to_pid(left: Path, pid: int) -> Path:
    """Rename a killed run's staging folder as if its pid now belonged to process ``pid``."""
    prefix = left.name[: left.name.index(".ogl-staging-") + len(".ogl-staging-")]
    kind, _, rest = left.name[len(prefix) :].split("-", 2)
    return left.rename(left.with_name(f"{prefix}{kind}-{pid}-{rest}"))


def test_a_killed_import_is_undone_though_its_pid_now_belongs_to_another_process(tmp_path):
    # pids wrap (and in a container they repeat): the killed import's pid now belongs to an
    # unrelated running process, which must not keep its half-moved folder from being undone
    daten = tmp_path / "daten"
    daten.mkdir()
    for name in ("a.csv", "b.csv"):
        (daten / name).write_text("alt", encoding="utf-8")
    good = snapshot(daten)
    assert _run_and_kill_at(KILL_MOVING_TWO, tmp_path) == -9
    assert snapshot(daten) != good  # two of three files moved in
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        for left in tmp_path.glob(".daten.ogl-staging-*"):
            _renamed_to_pid(left, other.pid)
        assert interrupted(daten) is not None  # validate/status say so
        with locked_for_update(daten, "import"):
            pass
        assert snapshot(daten) == good
        assert sorted(p.name for p in tmp_path.iterdir()) == ["daten"]
        assert other.poll() is None  # the other process was left alone
    finally:
        other.kill()
        other.wait()


HOLDS_ITS_STAGING = """
import sys
from ogl_impact.write import target
with target.replace_folder("out", "process") as pages:
    (pages / "a.txt").write_text("neu")
    with target.update_files("daten", "import") as staging:
        (staging / "a.csv").write_text("neu")
        print(pages, staging, sep="\\n", flush=True)
        sys.stdin.readline()
"""


def test_the_staging_folders_of_a_run_still_running_are_never_touched(tmp_path):
    (tmp_path / "daten").mkdir()
    (tmp_path / "daten" / "a.csv").write_text("alt", encoding="utf-8")
    run = subprocess.Popen(
        [sys.executable, "-c", HOLDS_ITS_STAGING],
        cwd=tmp_path,
        env=PYTHONPATH,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        pages, staging = Path(run.stdout.readline().strip()), Path(run.stdout.readline().strip())
        assert recover(tmp_path / "out") == [] and recover(tmp_path / "daten") == []
        assert interrupted(tmp_path / "daten") is None
        assert (pages / "a.txt").is_file() and (staging / "a.csv").is_file()
        run.stdin.write("\n")
        run.stdin.flush()
        assert run.wait(timeout=60) == 0
    finally:
        run.kill()
        run.wait()
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "neu"
    assert (tmp_path / "daten" / "a.csv").read_text(encoding="utf-8") == "neu"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["daten", "out"]


def test_a_finished_output_is_put_in_place_after_the_clock_was_set_back(tmp_path: Path):
    # the clock was set back an hour (NTP) between the earlier output and the killed run: its
    # finished output bears the older time, but it is what the run was to put in that place
    with replace_folder(tmp_path / "out", "process") as staging:
        (staging / "a.txt").write_text("alt", encoding="utf-8")
    assert _run_and_kill_at(KILL_AT_SWAP_START, tmp_path) == -9
    (ready,) = tmp_path.glob(".out.ogl-staging-new-*")
    then = (tmp_path / "out" / MARKER).stat().st_mtime_ns - 3600 * 10**9
    os.utime(ready / MARKER, ns=(then, then))
    said = recover(tmp_path / "out")
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "neu", said
    assert any("fertige Ausgabe eines abgebrochenen Laufs eingesetzt" in s for s in said), said
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [MARKER, "a.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_finished_output_survives_a_copy_of_its_folder(tmp_path: Path):
    # after the kill the whole folder is copied with cp -r (new times; the output folder
    # happened to be copied after the staging folder beside it): the copy is what the run
    # was to replace, and the next run there puts the finished output in place
    lab = tmp_path / "lab"
    lab.mkdir()
    with replace_folder(lab / "out", "process") as staging:
        (staging / "a.txt").write_text("alt", encoding="utf-8")
    assert _run_and_kill_at(KILL_AT_SWAP_START, lab) == -9
    copy = tmp_path / "kopie"
    shutil.copytree(lab, copy, copy_function=shutil.copy)  # like cp -r: new times
    (ready,) = copy.glob(".out.ogl-staging-new-*")
    later = (ready / MARKER).stat().st_mtime_ns + 5 * 10**9
    os.utime(copy / "out" / MARKER, ns=(later, later))
    said = recover(copy / "out")
    assert (copy / "out" / "a.txt").read_text(encoding="utf-8") == "neu", said
    assert sorted(p.name for p in (copy / "out").iterdir()) == [MARKER, "a.txt"]
    assert sorted(p.name for p in copy.iterdir()) == ["out"]


def test_a_later_run_wins_over_a_killed_runs_finished_output_whatever_the_clocks_say(
    tmp_path: Path,
):
    # a later run replaced the folder without seeing the killed run's finished output (it
    # looked alive then), with the same files and a clock set back: the later output stays
    with replace_folder(tmp_path / "out", "process") as staging:
        (staging / "a.txt").write_text("alt", encoding="utf-8")
    assert _run_and_kill_at(KILL_AT_SWAP_START, tmp_path) == -9
    (ready,) = tmp_path.glob(".out.ogl-staging-new-*")
    hidden = ready.rename(tmp_path / "unsichtbar")  # not seen by the later run
    with replace_folder(tmp_path / "out", "process") as staging:
        (staging / "a.txt").write_text("später", encoding="utf-8")
    hidden.rename(ready)
    earlier = (ready / MARKER).stat().st_mtime_ns - 3600 * 10**9
    os.utime(tmp_path / "out" / MARKER, ns=(earlier, earlier))
    said = recover(tmp_path / "out")
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "später", said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_finished_output_is_put_in_place_when_the_folder_was_deleted_since(tmp_path: Path):
    # nothing is overwritten, and for collect the pages belong to tables already taken in
    with replace_folder(tmp_path / "out", "process") as staging:
        (staging / "a.txt").write_text("alt", encoding="utf-8")
    assert _run_and_kill_at(KILL_AT_SWAP_START, tmp_path) == -9
    shutil.rmtree(tmp_path / "out")
    said = recover(tmp_path / "out")
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "neu", said
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [MARKER, "a.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_pages_whose_tables_are_in_are_put_in_place_after_the_clock_was_set_back(tmp_path):
    # collect killed right after its tables were committed, on a machine whose clock had
    # been set back since the earlier pages: the pages belong to the tables and must come in
    with replace_folder(tmp_path / "fb", "collect") as pages:
        (pages / "lab.html").write_text("alt", encoding="utf-8")
    (tmp_path / "daten").mkdir()
    (tmp_path / "daten" / "werte.csv").write_text("alt", encoding="utf-8")
    assert _run_and_kill_at(KILL_AT_COMMIT, tmp_path) == -9
    (ready,) = tmp_path.glob(".fb.ogl-staging-new-*")
    then = (tmp_path / "fb" / MARKER).stat().st_mtime_ns - 3600 * 10**9
    os.utime(ready / MARKER, ns=(then, then))
    said = recover(tmp_path / "daten") + recover(tmp_path / "fb")
    assert (tmp_path / "fb" / "lab.html").read_text(encoding="utf-8") == "neu", said
    assert (tmp_path / "daten" / "werte.csv").read_text(encoding="utf-8") == "neu"
    assert sorted(p.name for p in (tmp_path / "fb").iterdir()) == [MARKER, "lab.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["daten", "fb"]


def test_a_folder_named_the_earlier_way_is_left_alone_while_its_pid_lives(tmp_path):
    # a staging folder of an earlier version (no start time in its name) whose pid runs: it
    # may still be written, so it is kept, as before
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        left = tmp_path / f".out.ogl-staging-new-{other.pid}-abc"
        left.mkdir()
        (left / "a.txt").write_text("halb", encoding="utf-8")
        assert recover(tmp_path / "out") == []
        assert (left / "a.txt").is_file()
    finally:
        other.kill()
        other.wait()
    assert recover(tmp_path / "out")  # once it has ended, it is a leftover
    assert not left.exists()


def test_pages_whose_tables_are_in_come_in_over_the_empty_folder_they_were_made_for(tmp_path):
    # the feedback folder was made by hand, empty, before the first collect; the run is killed
    # right after its tables were committed: the pages belong to them and must not be lost
    (tmp_path / "fb").mkdir()
    (tmp_path / "daten").mkdir()
    (tmp_path / "daten" / "werte.csv").write_text("alt", encoding="utf-8")
    assert _run_and_kill_at(KILL_AT_COMMIT, tmp_path) == -9
    assert (tmp_path / "daten" / "werte.csv").read_text(encoding="utf-8") == "neu"
    said = recover(tmp_path / "daten") + recover(tmp_path / "fb")
    assert (tmp_path / "fb" / "lab.html").read_text(encoding="utf-8") == "neu", said
    assert sorted(p.name for p in (tmp_path / "fb").iterdir()) == [MARKER, "lab.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["daten", "fb"]


@pytest.mark.parametrize("owner", ["99999999999999999999", "1²", "1-²", "²-1"])
def test_a_staging_name_with_an_odd_number_is_no_internal_error(tmp_path: Path, owner: str):
    # a folder beside the output whose name only looks like a staging folder's: the run goes on
    odd = tmp_path / f".out.ogl-staging-new-{owner}-abc"
    odd.mkdir()
    with replace_folder(tmp_path / "out", "process") as staging:
        (staging / "a.txt").write_text("neu", encoding="utf-8")
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "neu"


def test_a_run_killed_between_its_renames_is_completed_over_an_empty_folder_made_since(
    tmp_path: Path,
):
    # killed between the two renames: no folder in place. A script that runs `mkdir -p out`
    # before each run makes an empty one; the finished output must still come in, not be lost
    # together with the earlier one
    with replace_folder(tmp_path / "out", "process") as staging:
        (staging / "a.txt").write_text("alt", encoding="utf-8")
    assert _run_and_kill_at(KILL_IN_SWAP, tmp_path) == -9
    assert not (tmp_path / "out").exists()
    (tmp_path / "out").mkdir()
    said = recover(tmp_path / "out")
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "neu", said
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [MARKER, "a.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_unfinished_run_killed_between_its_renames_puts_the_old_one_over_an_empty_folder(
    tmp_path: Path,
):
    with replace_folder(tmp_path / "out", "process") as staging:
        (staging / "a.txt").write_text("alt", encoding="utf-8")
    good = snapshot(tmp_path / "out")
    assert _run_and_kill_at(KILL_BEFORE_MARKER, tmp_path) == -9
    (tmp_path / "out").mkdir()
    said = recover(tmp_path / "out")
    assert snapshot(tmp_path / "out") == good, said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


KILL_BEFORE_COMMIT = KILL_AT_COMMIT.replace(
    """    done = real(src, dst)
    if str(dst).endswith(target.DONE):  # the files are committed; the pages not yet told
        os.kill(os.getpid(), signal.SIGKILL)
    return done""",
    """    if str(dst).endswith(target.DONE):  # every file moved in; the commit not yet made
        os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst)""",
)

KILL_REMOVING_THE_PAGES = """
import os, signal, sys
from pathlib import Path
from ogl_impact.write import target
def rmtree(path, *args, **kwargs):  # rmtree goes in the folder's order: the journal's name first
    (Path(path) / target.AFTER).unlink(missing_ok=True)
    os.kill(os.getpid(), signal.SIGKILL)
target.shutil.rmtree = rmtree
target.recover(Path("fb").resolve())
"""


def test_pages_of_uncommitted_tables_half_removed_never_come_in(tmp_path: Path):
    # collect killed before its commit; the next run, looking at the pages first, is killed
    # while it removes them, after the name of the journal they wait for went: what is left
    # of them must not count as finished (they say "accepted" of tables now rolled back)
    assert KILL_BEFORE_COMMIT != KILL_AT_COMMIT
    with replace_folder(tmp_path / "fb", "collect") as pages:
        (pages / "lab.html").write_text("alt", encoding="utf-8")
    (tmp_path / "daten").mkdir()
    (tmp_path / "daten" / "werte.csv").write_text("alt", encoding="utf-8")
    assert _run_and_kill_at(KILL_BEFORE_COMMIT, tmp_path) == -9
    assert _run_and_kill_at(KILL_REMOVING_THE_PAGES, tmp_path) == -9
    said = recover(tmp_path / "fb") + recover(tmp_path / "daten")
    assert (tmp_path / "daten" / "werte.csv").read_text(encoding="utf-8") == "alt", said
    assert (tmp_path / "fb" / "lab.html").read_text(encoding="utf-8") == "alt", said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["daten", "fb"]


@pytest.mark.parametrize("kill", ["at_commit", "before_commit", "moving"])
@pytest.mark.parametrize("data_first", [True, False])
def test_recover_given_a_relative_path_does_what_it_does_given_the_full_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kill: str, data_first: bool
):
    # a notebook in the project calls recover("daten"): the journal and the pages' names hold
    # full paths, and a relative one must still find them (same lines, same folders after)
    code = {
        "at_commit": KILL_AT_COMMIT,
        "before_commit": KILL_BEFORE_COMMIT,
        "moving": KILL_MOVING_TWO,
    }[kill]
    order = ["daten", "fb"] if data_first else ["fb", "daten"]
    results = []
    for how in ("full", "relative"):
        root = tmp_path / how
        root.mkdir()
        with replace_folder(root / "fb", "collect") as pages:
            (pages / "lab.html").write_text("alt", encoding="utf-8")
        (root / "daten").mkdir()
        for name in ("werte.csv", "a.csv", "b.csv"):
            (root / "daten" / name).write_text("alt", encoding="utf-8")
        assert _run_and_kill_at(code, root) == -9
        monkeypatch.chdir(root)
        said = [
            line.replace(f"{root}{os.sep}", "")
            for name in order
            for line in recover(root / name if how == "full" else Path(name))
        ]
        files = {
            str(p.relative_to(root)): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != MARKER
        }
        results.append((said, files))
    assert results[0][0], results  # something was left to recover
    assert results[1] == results[0]


@pytest.mark.parametrize(
    "case", ["new", "replace", "killed_in_swap", "killed_at_swap_start", "first_killed_in_swap"]
)
def test_an_output_goes_in_place_only_once_its_record_files_are_out_for_good(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
):
    # .ogl-impact-before (and -after) are taken out of a finished folder before it is renamed
    # into place: that removal must be flushed first, or after a power cut the output could
    # hold them again. Every flush of a folder notes which of the two it still held; when the
    # folder is renamed into place, its last flush must have seen neither.
    if case != "new" and not case.startswith("first"):
        with replace_folder(tmp_path / "out", "process") as staging:
            (staging / "a.txt").write_text("alt", encoding="utf-8")
    if case in ("killed_in_swap", "first_killed_in_swap"):
        assert _run_and_kill_at(KILL_IN_SWAP, tmp_path) == -9
    if case == "killed_at_swap_start":
        assert _run_and_kill_at(KILL_AT_SWAP_START, tmp_path) == -9
    flushed: dict[str, tuple[bool, bool]] = {}
    renamed: list[tuple[str, tuple[bool, bool] | None]] = []
    real_fsync, real_replace = target_mod._fsync, os.replace

    events: list[str] = []

    def fsync(path: Path) -> None:
        p = Path(path)
        if p.is_dir():
            flushed[str(p)] = ((p / BEFORE).exists(), (p / AFTER).exists())
        events.append(f"fsync {p}")
        real_fsync(path)

    def replace(src, dst) -> None:
        if Path(dst) == tmp_path / "out":
            renamed.append((str(src), flushed.get(str(src))))
            events.append("in place")
        real_replace(src, dst)

    monkeypatch.setattr(target_mod, "_fsync", fsync)
    monkeypatch.setattr(target_mod.os, "replace", replace)
    if case in ("new", "replace"):
        with replace_folder(tmp_path / "out", "process") as staging:
            (staging / "a.txt").write_text("neu", encoding="utf-8")
    else:
        assert recover(tmp_path / "out")
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "neu"
    assert not (tmp_path / "out" / BEFORE).exists() and not (tmp_path / "out" / AFTER).exists()
    put = [(src, seen) for src, seen in renamed if ".ogl-staging-new-" in src]
    assert put and all(seen == (False, False) for _, seen in put), renamed
    last = len(events) - 1 - events[::-1].index("in place")  # and the rename itself flushed
    assert f"fsync {tmp_path}" in events[last:], events


def test_output_equal_to_input_is_named_once(tmp_path: Path):
    """„daten ist zugleich der Eingabeordner“, not „daten ist der Eingabeordner daten“."""
    from ogl_impact.write.target import TargetError, check_target

    folder = tmp_path / "daten"
    folder.mkdir()
    with pytest.raises(TargetError) as caught:
        check_target(folder, "process", [folder])
    text = str(caught.value)
    assert text.count(str(folder)) == 1, text
    assert "zugleich der Eingabeordner" in text
    other = Path(os.path.relpath(folder))  # the same folder, written another way: both named
    with pytest.raises(TargetError) as caught:
        check_target(folder, "process", [other])
    assert str(folder) in str(caught.value) and f" {other};" in str(caught.value)


def test_a_report_folder_is_no_folder_of_reports(tmp_path: Path):
    # figures --out abb/sb6: the gallery and sb6/ went into the report folder sb6, its page
    # index.html was overwritten, and the next 'figures --out abb' refused its folder sb6
    from ogl_impact.write.target import claim_folder

    root = claim_folder(tmp_path / "abb", "figures")
    with replace_folder(root / "sb6", "figures") as staging:
        (staging / "index.html").write_text("Bericht sb6", encoding="utf-8")
    before = snapshot(root)
    with pytest.raises(
        TargetError, match="ist ein Teilordner einer Ausgabe von 'ogl-impact figures'"
    ):
        claim_folder(root / "sb6", "figures")
    assert snapshot(root) == before
    assert claim_folder(root, "figures") == root  # the folder of reports itself, again
