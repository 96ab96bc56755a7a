"""Low findings left on the delivery loop, as coordinators cause them.

Each test runs ``template``, ``collect`` and ``status`` through
:func:`ogl_impact.cli.main` on a copy of the embedded data and edits
workbooks with openpyxl, as a person does in Excel. The expected values are
the embedded data and what the test typed, never the output of the code
under test.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ogl_impact.cli import main
from tests import test_delivery_loop as loop
from tests.conftest import KILL_MID_MOVE
from tests.conftest import submissions as _register
from tests.test_delivery_loop import PERIOD, RAW, collect

LAB = "brandis"


_files = loop.files_of


def _killed(script: str, *argv: str) -> None:
    """Run ``python -c SCRIPT ARGV`` (a kill script of tests.conftest); it must die by kill -9."""
    killed = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True)
    assert killed.returncode == -9, killed.stderr


def _meta_edited(full: Path, dest: Path, **cells: str) -> Path:
    """The lab's template with cells of the hidden sheet typed over (B2 lab, B3 period)."""
    book = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    for cell, value in cells.items():
        book["ogl_meta"][cell] = value
    dest.parent.mkdir(parents=True, exist_ok=True)
    book.save(dest)
    return dest


# --- 1: a network-workshop workbook under --period ------------------------------------------


def test_a_workshop_workbook_under_period_is_refused_and_registered_with_its_lab(
    full, stored, tmp_path, capsys
):
    # the coordinator collects the sb6 inbox with --period sb6; one lab sent a workbook that
    # was turned into a workshop's (nw6). No run could ever take it (--period nw6 is refused),
    # so leaving it out as "übersprungen" would mean the lab never hears of it.
    path = _meta_edited(full, tmp_path / "in" / f"{LAB}_nw6.xlsx", B3="nw6")
    before = _register(stored)
    code, text = collect(capsys, str(path), "--data", str(stored), "--period", PERIOD)
    assert code == 1 and "abgelehnt" in text and "übersprungen" not in text, text
    assert "6. Netzwerk-Workshop" in text, text
    after = _register(stored)
    assert len(after) == len(before) + 1
    assert after.iloc[-1][["lab_id", "period_id", "outcome"]].tolist() == [LAB, "nw6", "refused"]
    # the same bytes again (with or without --period) are refused again, registered once
    for extra in (["--period", PERIOD], []):
        code, text = collect(capsys, str(path), "--data", str(stored), *extra)
        assert code == 1 and "abgelehnt" in text, text
        assert len(_register(stored)) == len(after)


# --- 2: a workshop workbook whose lab has a typo --------------------------------------------


def test_a_workshop_workbook_with_a_lab_typo_names_both_problems_in_one_run(
    full, stored, tmp_path, capsys
):
    path = _meta_edited(full, tmp_path / "in" / "brandiss_nw6.xlsx", B2="brandiss", B3="nw6")
    before = _register(stored)
    code, text = collect(capsys, str(path), "--data", str(stored))
    assert code == 1 and "abgelehnt" in text, text
    assert "„brandiss“ ist nicht bekannt" in text, text  # the lab typo, naming the cell
    assert "ogl_meta!B2" in text, text
    assert "6. Netzwerk-Workshop" in text and "keine Daten geliefert" in text, text
    assert "ogl_meta!B3" not in text, text  # the workshop in plain words, not the hidden cell
    after = _register(stored)
    assert len(after) == len(before) + 1
    row = after.iloc[-1]
    assert pd.isna(row["lab_id"]) and row["outcome"] == "refused", row  # no lab to register with
    assert row["problems"] == "2", row


# --- 3: the other-period hint offers both readings -------------------------------------------


def _sb5_correction_with_sb6_values(full: Path, tmp_path: Path, capsys) -> tuple[Path, Path]:
    """A data copy and the sb5 correction template of LAB filled with LAB's stored sb6 values."""
    data = tmp_path / "data"
    shutil.copytree(full / "data", data)
    assert main(["template", "--period", "sb5", "--lab", LAB, "--data", str(data),
                 "--out", str(tmp_path / "tpl5"), "--jobs", "1"]) == 0  # fmt: skip
    capsys.readouterr()
    iv = pd.read_csv(RAW / "indicator_values.csv", sep=";", comment="#", dtype=str)
    iv = iv[(iv["lab_id"] == LAB) & (iv["period_id"] == PERIOD)].fillna("")
    sb6 = {(r.indicator_id, r.disaggregation_value): r.value for r in iv.itertuples()}
    book = openpyxl.load_workbook(tmp_path / "tpl5" / f"{LAB}_sb5.xlsx")
    sheet = book["Indikatorwerte"]
    for row in range(2, sheet.max_row + 1):
        key = (sheet.cell(row, loop.C_ID).value, sheet.cell(row, loop.C_DISAGG).value or "")
        if sb6.get(key):
            sheet.cell(row, loop.C_VALUE).value = float(sb6[key].replace(",", "."))
    path = tmp_path / "back" / f"{LAB}_sb5.xlsx"
    path.parent.mkdir()
    book.save(path)
    return data, path


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_other_period_hint_states_the_fact_and_offers_both_readings(
    full, tmp_path, capsys, lang
):
    # values that stayed the same from sb5 to sb6 are a real possibility: the hint must not
    # assume they were typed into the wrong template
    data, path = _sb5_correction_with_sb6_values(full, tmp_path, capsys)
    code, text = collect(capsys, str(path), "--data", str(data), "--lang", lang)
    assert code == 0, text
    hint = [line for line in text.splitlines() if "sb6" in line]
    assert len(hint) == 1, text
    line = hint[0]
    if lang == "de":
        assert "stimmen mit den gespeicherten Werten von sb6 überein" in line, line  # the fact
        assert "Korrektur von sb5 ist übernommen" in line, line
        assert "wirklich die Werte von sb5" in line and "nichts zu tun" in line, line
        assert "versehentlich in die Vorlage für sb5" in line, line
        assert "?" not in line, line  # states, does not ask as if it knew the answer
    else:
        assert "equal the stored values of sb6" in line, line
        assert "correction of sb5 is taken" in line, line
        assert "really are the values of sb5" in line and "nothing needs doing" in line, line
        assert "by mistake" in line, line
        assert "?" not in line, line


# --- 4: a correction that only adds a remark ----------------------------------------------


def _column(sheet, header: str) -> int:
    return next(c.column for c in sheet[1] if c.value == header)


@pytest.mark.parametrize(
    ("remarks", "said", "kept"),
    [(2, "Anmerkungen übernommen", "2 Anmerkungen gespeichert"),
     (1, "Anmerkung übernommen", "1 Anmerkung gespeichert")],
)  # fmt: skip
def test_a_remark_only_correction_says_the_remark_was_taken_and_no_value_changed(
    full, stored, tmp_path, capsys, remarks, said, kept
):
    # after the delivery the lab explains values in „Anmerkung“ on its correction template
    book = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    sheet = book["Indikatorwerte"]
    col = _column(sheet, "Anmerkung")
    texts = ["Zahl aus der Jahresstatistik des Kreises", "geschätzt nach Teilnehmerlisten"]
    for row, remark in enumerate(texts[:remarks], start=2):
        sheet.cell(row, col).value = remark
    path = tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx"
    path.parent.mkdir()
    book.save(path)
    before = _files(stored)
    fb = tmp_path / "fb"
    code, text = collect(capsys, str(path), "--data", str(stored), "--feedback", str(fb))
    assert code == 0, text
    line = next(x for x in text.splitlines() if x.startswith(path.name))
    assert f"{said}, keine Werte geändert – {kept}" in line, text
    assert not line.endswith(": angenommen"), line
    after = _files(stored)
    assert after["indicator_values.csv"] == before["indicator_values.csv"]
    assert after["milestones.csv"] == before["milestones.csv"]
    notes = after["delivery_notes.csv"].decode("utf-8")
    assert all(remark in notes for remark in texts[:remarks])
    register = _register(stored)
    assert register.iloc[-1][["lab_id", "period_id", "outcome"]].tolist() == [
        LAB,
        PERIOD,
        "accepted",  # a delivery of remarks, registered like one without a change
    ]
    page = (fb / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
    assert f"{said}, keine Werte geändert" in page
    index = (fb / "index.html").read_text(encoding="utf-8")
    assert f"{said}, keine Werte geändert" in index


def test_a_refused_remark_only_workbook_is_not_told_its_remark_was_kept(
    full, stored, tmp_path, capsys
):
    # two files for one lab and period in one run (a remark only, and a changed value): both are
    # refused naming the other, so neither may say its remark was taken
    book = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    sheet = book["Indikatorwerte"]
    sheet.cell(2, _column(sheet, "Anmerkung")).value = "Zahl aus der Jahresstatistik"
    remark = tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx"
    remark.parent.mkdir()
    book.save(remark)
    value = _correction(full, tmp_path / "in" / f"{LAB}_{PERIOD}_neu.xlsx")
    before = _files(stored)
    fb = tmp_path / "fb"
    code, text = collect(capsys, str(remark.parent), "--data", str(stored), "--feedback", str(fb))
    assert code == 1, text
    assert "übernommen, keine Werte geändert" not in text, text
    assert "2 abgelehnt" in text, text
    page = (fb / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
    assert "übernommen, keine Werte geändert" not in page
    assert "übernommen, keine Werte" not in (fb / "index.html").read_text(encoding="utf-8")
    after = _files(stored)
    assert {k: v for k, v in after.items() if k != "submissions.csv"} == {
        k: v for k, v in before.items() if k != "submissions.csv"
    }
    assert value.exists()


# --- 5: English status names the periods in English -----------------------------------------


def test_english_status_names_periods_in_english_not_with_the_german_labels(stored, capsys):
    periods = pd.read_csv(RAW / "periods.csv", sep=";", comment="#", dtype=str)
    german = set(periods["label_de"])
    assert main(["status", "--data", str(stored), "--lang", "en", "--as-of", "2026-12-01"]) == 0
    out = capsys.readouterr().out
    assert not [g for g in german if g in out], out
    for name in ("Status report 1 (sb1)", "Status report 6 (sb6)", "Interim report (zb)",
                 "Project report (pb)"):  # fmt: skip
        assert name in out, out
    args = ["status", "--data", str(stored), "--lang", "en", "--as-of", "2026-12-01"]
    assert main([*args, "--period", "sb6"]) == 0
    out = capsys.readouterr().out
    assert "Status report 6 (sb6), Deadline" in out and "Sachstandsbericht" not in out, out
    # asking for a workshop: the English part of the message names the kind in English
    assert main([*args, "--period", "nw6"]) == 2
    err = capsys.readouterr().err
    assert "Network workshop" in err and "Traceback" not in err, err
    english = err.split(" / ", 1)[1]
    assert "nw6 is a period" in english and "Periods with a delivery: sb1" in english, err
    # German stays as it was: the labels of periods.csv
    assert main(["status", "--data", str(stored), "--as-of", "2026-12-01"]) == 0
    out = capsys.readouterr().out
    assert "Sachstandsbericht 6 (sb6)" in out and "Status report" not in out, out


# --- 6: a locked file in the feedback folder --------------------------------------------------


def _chattr(path: Path, flag: str) -> bool:
    """Set or clear a file attribute (``+i``: immutable); False where that is not possible."""
    run = subprocess.run(["chattr", flag, str(path)], capture_output=True, check=False)
    return run.returncode == 0


@contextlib.contextmanager
def _locked(path: Path):
    """Lock a file or folder as a colleague might: ``chmod`` (a folder, not root) or, where file
    modes do not stop this process (root), the immutable flag; skip where neither works."""
    mode = path.stat().st_mode
    path.chmod(0o555 if path.is_dir() else 0o444)
    flagged = False
    try:
        blocks = not os.access(path, os.W_OK) and path.is_dir()  # a file's mode stops no deletion
        if not blocks:
            flagged = _chattr(path, "+i")
            if not flagged:
                pytest.skip("cannot lock a file here (no chattr, or not root)")
        yield path
    finally:
        if flagged:
            _chattr(path, "-i")
        path.chmod(mode)


def _staging_beside(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if ".ogl-staging-" in p.name)


def _correction(full: Path, dest: Path, iid: str = "i03", value: int = 31) -> Path:
    """The lab's correction template with one value changed (``iid`` to ``value``)."""
    book = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    sheet = book["Indikatorwerte"]
    row = next(
        r
        for r in range(2, sheet.max_row + 1)
        if sheet.cell(r, loop.C_ID).value == iid and not sheet.cell(r, loop.C_DISAGG).value
    )
    sheet.cell(row, loop.C_VALUE).value = value
    dest.parent.mkdir(parents=True, exist_ok=True)
    book.save(dest)
    return dest


@pytest.mark.parametrize("name", ["index.html", f"{LAB}_{PERIOD}.html"])
def test_a_locked_file_in_the_feedback_folder_is_refused_before_any_work(
    full, stored, tmp_path, capsys, name
):
    # a first collect writes the feedback folder; a colleague then locks its overview (or the
    # lab's page, to keep it); the next collect comes with a new correction
    fb = tmp_path / "fb"
    first = _correction(full, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(first), "--data", str(stored), "--feedback", str(fb))
    assert code == 0, text
    target = fb / name
    second = _correction(full, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", "i04", 70)
    data_before, fb_before = _files(stored), _files(fb)
    with _locked(target):
        code, text = collect(capsys, str(second), "--data", str(stored), "--feedback", str(fb))
        assert code == 2, text
        assert str(target) in text and "schreibgeschützt" in text, text
        assert "nichts geändert" in text, text
        assert _files(stored) == data_before and _files(fb) == fb_before
        assert _staging_beside(fb) == [] and _staging_beside(stored) == []
    # with the lock lifted the same collect goes through and leaves nothing behind
    code, text = collect(capsys, str(second), "--data", str(stored), "--feedback", str(fb))
    assert code == 0 and _staging_beside(fb) == [], text


def test_a_leftover_that_cannot_be_removed_is_named_not_called_removed(
    full, stored, tmp_path, capsys
):
    # an earlier run died and left the old feedback beside the folder, with a locked file in it
    fb = tmp_path / "fb"
    first = _correction(full, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(first), "--data", str(stored), "--feedback", str(fb))
    assert code == 0, text
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    left = tmp_path / f".fb.ogl-staging-old-{int(dead.stdout)}-x1"
    left.mkdir()
    (left / "index.html").write_text("<p>alt</p>", encoding="utf-8")
    second = _correction(full, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", "i04", 70)
    with _locked(left / "index.html"):
        tmp_path.chmod(0o550)  # the folder holding the feedback: the writer must not open it up
        try:
            code, text = collect(capsys, str(second), "--data", str(stored), "--feedback", str(fb))
            mode = tmp_path.stat().st_mode & 0o777
        finally:
            tmp_path.chmod(0o700)
        assert code == 0, text
        assert "nicht entfernt" in text and str(left / "index.html") in text, text
        assert "Zwischenordner eines abgebrochenen Laufs (neben dem Ordner) entfernt" not in text
        assert left.exists()
        assert mode == 0o550, oct(mode)


# --- 7: the safe writer, used as a library, does not print ----------------------------------


_LIBRARY_RUN = """
import os, subprocess, sys
from pathlib import Path
from ogl_impact.write.target import update_files
tmp = Path(sys.argv[1])
folder = tmp / "raw"
folder.mkdir()
dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                      capture_output=True, text=True, check=True)
(tmp / f".raw.ogl-staging-files-{int(dead.stdout)}-x1").mkdir()
{setup}
with update_files(folder, "import") as staging:
    (staging / "neu.csv").write_text("1", encoding="utf-8")
print("ok")
"""


@pytest.mark.parametrize(
    ("setup", "stderr_lines"),
    [
        ("", 0),  # no logging set up: nothing on stderr (not even through logging's last resort)
        ("import logging; logging.basicConfig()", 1),  # the user's own handler shows it
    ],
)
def test_the_safe_writer_used_as_a_library_logs_what_it_cleaned_up_and_prints_nothing(
    tmp_path, setup, stderr_lines
):
    # a fresh interpreter: pytest's own log capture would hide what a user's session shows
    code = _LIBRARY_RUN.replace("{setup}", setup)
    res = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                         text=True, check=True)  # fmt: skip
    assert res.stdout == "ok\n", res
    said = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(said) == stderr_lines, res.stderr
    if said:
        assert "Zwischenordner eines abgebrochenen Laufs" in said[0], said
    assert _staging_beside(tmp_path / "raw") == []


def test_the_command_line_prints_the_cleanup_line_once_also_with_logging_set_up(tmp_path):
    # a notebook that set up logging and calls the command line: one line, not two
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    out = tmp_path / "processed"
    (tmp_path / f".processed.ogl-staging-folder-{int(dead.stdout)}-x1").mkdir()
    code = (
        "import logging, sys; logging.basicConfig()\n"
        "from ogl_impact.cli import main\n"
        f"sys.exit(main(['process', {str(raw)!r}, {str(out)!r}]))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    said = [line for line in res.stderr.splitlines() if "Zwischenordner" in line]
    assert len(said) == 1, res.stderr
    assert not said[0].startswith("WARNING:"), said
    assert not [p for p in tmp_path.iterdir() if ".ogl-staging-" in p.name]


def test_a_file_locked_while_the_folder_is_replaced_is_named_in_one_line(tmp_path, caplog):
    # locked after the check, while the run works: the new folder is in place, the old one
    # cannot be removed; the line says which file keeps it
    from ogl_impact.write.target import replace_folder

    out = tmp_path / "fb"
    with replace_folder(out, "collect") as staging:
        (staging / "index.html").write_text("1", encoding="utf-8")
    with caplog.at_level("WARNING", logger="ogl_impact.write.target"):
        with replace_folder(out, "collect") as staging:
            (staging / "index.html").write_text("2", encoding="utf-8")
            lock = _locked(out / "index.html")
            lock.__enter__()
    try:
        assert (out / "index.html").read_text(encoding="utf-8") == "2"
        left = _staging_beside(out)
        said = " ".join(r.getMessage() for r in caplog.records)
        assert len(left) == 1 and left[0] in said, said
        assert "neu geschrieben" in said and "index.html ist schreibgeschützt" in said, said
    finally:  # the locked file moved with the old folder: unlock it there, then remove that
        for name in _staging_beside(out):
            _chattr(out.parent / name / "index.html", "-i")
            shutil.rmtree(out.parent / name, ignore_errors=True)
        lock.__exit__(None, None, None)
        assert _staging_beside(out) == []


# --- a collect killed while it moves its tables in: the next one undoes it first ------------


@pytest.mark.parametrize("moves", [2, 5])
def test_a_collect_killed_while_moving_is_undone_by_the_next_collect(
    full, stored, tmp_path, capsys, moves
):
    before = _files(stored)
    change = _correction(full, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    _killed(KILL_MID_MOVE, str(moves), "collect", str(change), "--data", str(stored))
    assert _files(stored) != before  # half moved: some tables new, some missing or old
    # the next run (another lab's workbook, or the same again) first undoes the killed one
    code, text = collect(capsys, str(change), "--data", str(stored))
    assert code == 0, text
    assert "rückgängig gemacht" in text, text
    assert "Traceback" not in text
    assert not [p for p in stored.parent.iterdir() if ".ogl-staging-" in p.name]
    # and then takes the correction as if the killed run had never been
    again = tmp_path / "again" / "data"
    shutil.copytree(full / "data", again)
    code, text = collect(capsys, str(change), "--data", str(again))
    assert code == 0, text
    after, clean = _files(stored), _files(again)
    assert {k: v for k, v in after.items() if k != "submissions.csv"} == {
        k: v for k, v in clean.items() if k != "submissions.csv"
    }


def test_a_link_put_into_the_feedback_folder_is_never_followed(full, stored, tmp_path, capsys):
    # someone replaces the lab's page in the feedback folder by a link to a private file; the
    # next batch (another file) keeps the earlier pages: the link must not pull the file in
    fb = tmp_path / "fb"
    first = _correction(full, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(first), "--data", str(stored), "--feedback", str(fb))
    assert code == 0, text
    secret = tmp_path / "privat.html"
    secret.write_text("<p>Gehaltsliste</p>", encoding="utf-8")
    secret.chmod(0o600)
    page = fb / f"{LAB}_{PERIOD}.html"
    page.unlink()
    page.symlink_to(secret)
    other = tmp_path / "b" / "notiz.xlsx"
    other.parent.mkdir()
    other.write_bytes(b"keine Arbeitsmappe")
    code, text = collect(capsys, str(other), "--data", str(stored), "--feedback", str(fb))
    assert code == 1 and "Traceback" not in text, text
    for p in fb.rglob("*"):
        assert p.is_symlink() or "Gehaltsliste" not in p.read_bytes().decode("utf-8", "replace")
    assert secret.read_text(encoding="utf-8") == "<p>Gehaltsliste</p>"
    assert secret.stat().st_mode & 0o777 == 0o600


def _children(pid: int) -> set[int]:
    """Pids whose parent is ``pid`` (Linux /proc)."""
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_template_killed_with_kill_9_leaves_no_worker_behind(tmp_path):
    # a coordinator's terminal closes (or the machine's memory killer strikes) mid-way
    import signal
    import time

    exe = Path(sys.executable).parent / "ogl-impact"
    run = subprocess.Popen(
        [str(exe), "template", "--period", "sb6", "--data", str(RAW), "--out",
         str(tmp_path / "Vorlagen"), "--jobs", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and run.poll() is None and time.monotonic() < deadline:
        workers = _children(run.pid)
        time.sleep(0.05)
    if len(workers) < 2:
        run.kill()
        pytest.skip("the pool had not started (or ended) before it could be killed")
    run.send_signal(signal.SIGKILL)
    run.wait()
    gone = time.monotonic() + 10
    while time.monotonic() < gone and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.1)
    left = [w for w in workers if Path(f"/proc/{w}/stat").exists()]
    what = {w: Path(f"/proc/{w}/status").read_text().splitlines()[:8] for w in left}
    for w in left:  # never leave them running, even when the test fails
        os.kill(w, signal.SIGKILL)
    assert left == [], f"workers still running after their parent was killed: {what}"


# --- collect --period with a workshop or a typo: a usage error, like status --------------------


@pytest.mark.parametrize("period", ["nw6", "sb66"])
def test_collect_with_a_period_that_takes_no_workbooks_is_a_usage_error(
    full, stored, tmp_path, capsys, period
):
    # the coordinator types the workshop's id, or one digit too many, into --period
    path = _correction(full, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    before = _files(stored)
    code, text = collect(capsys, str(path), "--data", str(stored), "--period", period)
    assert code == 2, text  # as `status --period nw6`: the arguments, not the data, are wrong
    assert f"--period {period}: kein Berichtszeitraum" in text and "sb6" in text, text
    assert "Traceback" not in text
    assert _files(stored) == before


# --- chattr +a (append only) in the feedback folder: refused before any work ------------------


@pytest.mark.parametrize("where", ["file", "folder"])
def test_an_append_only_file_or_folder_in_the_feedback_folder_is_refused_before_any_work(
    full, stored, tmp_path, capsys, where
):
    # the office's backup tool marks the overview append-only (chattr +a), or a sub-folder a
    # colleague made for notes: neither can be removed when the feedback folder is replaced
    fb = tmp_path / "fb"
    first = _correction(full, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(first), "--data", str(stored), "--feedback", str(fb))
    assert code == 0, text
    if where == "file":
        target = fb / "index.html"
    else:
        target = fb / "notizen"  # still empty: a file of the user's would be refused anyway
        target.mkdir()
    if not _chattr(target, "+a"):
        pytest.skip("cannot set chattr +a here (no chattr, not root, or no such attribute)")
    try:
        second = _correction(full, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", "i04", 70)
        data_before, fb_before = _files(stored), _files(fb)
        code, text = collect(capsys, str(second), "--data", str(stored), "--feedback", str(fb))
        assert code == 2, text
        assert str(target) in text and "schreibgeschützt" in text and "+a" in text, text
        assert _files(stored) == data_before and _files(fb) == fb_before
        assert _staging_beside(fb) == [] and _staging_beside(stored) == []
    finally:  # wherever a failing run may have moved it: never leave a locked file in /tmp
        for path in [target, *tmp_path.rglob(target.name)]:
            _chattr(path, "-a")


# --- template into a folder holding a locked file: refused before any work -------------------


def test_template_into_a_folder_holding_a_locked_file_is_refused_before_any_work(tmp_path, capsys):
    # the coordinator writes the templates again into last week's folder, in which the office
    # locked one workbook (chattr +i, to keep it); the new folder could not replace the old one
    out = tmp_path / "Vorlagen"
    args = ["template", "--period", "sb6", "--lab", LAB, "--data", str(RAW), "--out", str(out)]
    assert main(args) == 0
    capsys.readouterr()
    locked = out / f"{LAB}_sb6.xlsx"
    before = _files(out)
    if not _chattr(locked, "+i"):
        pytest.skip("cannot lock a file here (no chattr, or not root)")
    try:
        code = main(args)
        text = "".join(capsys.readouterr())
        assert code == 2, text
        assert str(locked) in text and "schreibgeschützt" in text and "nichts geändert" in text
        assert "Traceback" not in text
        assert _files(out) == before and _staging_beside(out) == []
    finally:  # wherever a failing run may have moved it: never leave a locked file in /tmp
        for path in [locked, *tmp_path.rglob(locked.name)]:
            _chattr(path, "-i")


# --- kill -9 between the two renames of the feedback folder ------------------------------------

_KILL_IN_FEEDBACK_SWAP = """
import os, signal, sys
import ogl_impact.write.target as t
real = os.replace
def replace(a, b):
    if ".fb.ogl-staging-new-" in str(a):  # the tables are in, the old feedback aside
        os.kill(os.getpid(), signal.SIGKILL)
    return real(a, b)
t.os.replace = replace
from ogl_impact.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_collect_killed_between_the_feedback_renames_leaves_the_labs_page_for_the_next_run(
    full, stored, tmp_path, capsys
):
    fb = tmp_path / "fb"
    first = _correction(full, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(first), "--data", str(stored), "--feedback", str(fb))
    assert code == 0, text
    second = _correction(full, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", "i04", 70)
    _killed(
        _KILL_IN_FEEDBACK_SWAP, "collect", str(second), "--data", str(stored), "--feedback", str(fb)
    )
    assert not fb.exists()  # the worst moment: the tables are in, no feedback folder
    # the coordinator sends the same workbook again: it is already collected (skipped) ...
    code, text = collect(capsys, str(second), "--data", str(stored), "--feedback", str(fb))
    assert code == 0 and "übersprungen" in text, text
    # ... but the page of the accepted correction is there, as the killed run had made it
    assert "fertige Ausgabe eines abgebrochenen Laufs eingesetzt" in text, text
    page = (fb / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
    assert "als Korrektur angenommen" in page and "70" in page, page
    assert _staging_beside(fb) == [] and _staging_beside(stored) == []


_KILL_BEFORE_FEEDBACK_SWAP = """
import os, signal, sys
import ogl_impact.write.target as t
real = os.replace
def replace(a, b):
    if ".fb.ogl-staging-old-" in str(b):  # the tables are in; the old feedback still in place
        os.kill(os.getpid(), signal.SIGKILL)
    return real(a, b)
t.os.replace = replace
from ogl_impact.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("when", ["swap begins", "clean-up"])
def test_a_collect_killed_after_its_tables_went_in_leaves_the_labs_page_for_the_next_run(
    full, stored, tmp_path, capsys, when
):
    # kill -9 after the tables are committed: as the feedback folder's swap begins, or a moment
    # earlier, while the tables' staging folders are removed. The re-sent workbook is then
    # "already collected" (skipped), so only the killed run's own pages can tell the lab
    fb = tmp_path / "fb"
    first = _correction(full, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(first), "--data", str(stored), "--feedback", str(fb))
    assert code == 0, text
    second = _correction(full, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", "i04", 70)
    script, head = (
        (_KILL_BEFORE_FEEDBACK_SWAP, []) if when == "swap begins" else (KILL_MID_MOVE, [when])
    )
    _killed(script, *head, "collect", str(second), "--data", str(stored), "--feedback", str(fb))
    assert "70" not in (fb / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")  # still old
    code, text = collect(capsys, str(second), "--data", str(stored), "--feedback", str(fb))
    assert code == 0 and "übersprungen" in text, text
    assert "fertige Ausgabe eines abgebrochenen Laufs eingesetzt" in text, text
    page = (fb / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
    assert "als Korrektur angenommen" in page and "70" in page, page
    assert _staging_beside(fb) == [] and _staging_beside(stored) == []


def test_a_collect_killed_while_moving_its_tables_never_leaves_its_pages(
    full, stored, tmp_path, capsys
):
    # killed half-way through moving the tables in: the tables are rolled back, and the pages
    # the killed run had made (saying "accepted") must not appear either
    fb = tmp_path / "fb"
    first = _correction(full, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(first), "--data", str(stored), "--feedback", str(fb))
    assert code == 0, text
    page = (fb / f"{LAB}_{PERIOD}.html").read_bytes()
    values = (stored / "indicator_values.csv").read_bytes()
    second = _correction(full, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", "i04", 70)
    _killed(
        KILL_MID_MOVE, "2", "collect", str(second), "--data", str(stored), "--feedback", str(fb)
    )
    # another lab's file arrives first: the next run undoes the killed one and leaves its pages
    other = tmp_path / "c" / "notiz.xlsx"
    other.parent.mkdir()
    other.write_bytes(b"keine Arbeitsmappe")
    code, text = collect(capsys, str(other), "--data", str(stored), "--feedback", str(fb))
    assert "rückgängig gemacht" in text and "eingesetzt" not in text, text
    assert (fb / f"{LAB}_{PERIOD}.html").read_bytes() == page
    assert (stored / "indicator_values.csv").read_bytes() == values
    assert _staging_beside(fb) == [] and _staging_beside(stored) == []


# --- the same remark sent again in a re-saved workbook -----------------------------------------


def test_a_remark_sent_again_in_a_resaved_workbook_is_not_stored_twice(
    full, stored, tmp_path, capsys
):
    # the lab explains a value, then opens the workbook again, changes another value, saves and
    # sends it once more: the first remark is still in it
    book = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    sheet = book["Indikatorwerte"]
    col = _column(sheet, "Anmerkung")
    sheet.cell(2, col).value = "Zahl aus der Jahresstatistik des Kreises"
    sheet.cell(4, col).value = "- 5 % wegen Umbau\r\nZählung ab Mai"  # stored as "'- 5 %…"
    first = tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx"
    first.parent.mkdir()
    book.save(first)
    code, text = collect(capsys, str(first), "--data", str(stored))
    assert code == 0 and "2 Anmerkungen gespeichert" in text, text
    notes = (stored / "delivery_notes.csv").read_bytes()
    # re-saved without a change: other bytes, same contents
    again = tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx"
    again.parent.mkdir()
    openpyxl.load_workbook(first).save(again)
    assert again.read_bytes() != first.read_bytes()
    code, text = collect(capsys, str(again), "--data", str(stored))
    assert code == 0, text
    assert "keine Änderung" in text and "übernommen" not in text, text
    assert (stored / "delivery_notes.csv").read_bytes() == notes
    # and with a second, new remark only that one is added
    book = openpyxl.load_workbook(again)
    book["Indikatorwerte"].cell(3, col).value = "geschätzt nach Teilnehmerlisten"
    third = tmp_path / "c" / f"{LAB}_{PERIOD}.xlsx"
    third.parent.mkdir()
    book.save(third)
    code, text = collect(capsys, str(third), "--data", str(stored))
    assert code == 0 and "Anmerkung übernommen" in text and "1 Anmerkung gespeichert" in text
    stored_notes = pd.read_csv(stored / "delivery_notes.csv", sep=";", comment="#", dtype=str)
    assert sorted(stored_notes["text"]) == [
        "'- 5 % wegen Umbau\nZählung ab Mai",  # as write_tables stores it (formula guard)
        "Zahl aus der Jahresstatistik des Kreises",
        "geschätzt nach Teilnehmerlisten",
    ]


def test_a_workshop_workbook_is_named_in_english_under_lang_en(full, stored, tmp_path, capsys):
    path = _meta_edited(full, tmp_path / "in" / f"{LAB}_nw6.xlsx", B3="nw6")
    code, text = collect(capsys, str(path), "--data", str(stored), "--lang", "en")
    assert code == 1, text
    line = next(x for x in text.splitlines() if "Nothing is delivered for network" in x)
    # the kind's English label from vocab, numbered by the id (as status --lang en names it)
    assert "'Network workshop 6' (nw6)" in line, line
    assert "Netzwerk-Workshop" not in line, line


def test_pages_of_a_killed_collect_stay_out_when_the_tables_leftovers_were_deleted_by_hand(
    full, stored, tmp_path, capsys
):
    # killed before its first table moved (the pages were already marked as finished); the
    # coordinator then deletes the hidden folders beside the data folder by hand. The tables
    # never took the correction, so its page ("70 accepted") must not appear in the next run
    fb = tmp_path / "fb"
    first = _correction(full, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(first), "--data", str(stored), "--feedback", str(fb))
    assert code == 0, text
    page = (fb / f"{LAB}_{PERIOD}.html").read_bytes()
    values = (stored / "indicator_values.csv").read_bytes()
    second = _correction(full, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", "i04", 70)
    _killed(
        KILL_MID_MOVE, "0", "collect", str(second), "--data", str(stored), "--feedback", str(fb)
    )
    for leftover in stored.parent.glob(f".{stored.name}.ogl-staging-*"):
        shutil.rmtree(leftover)  # "hidden folders of an old run; away with them"
    assert (stored / "indicator_values.csv").read_bytes() == values  # nothing had moved
    other = tmp_path / "c" / "notiz.xlsx"
    other.parent.mkdir()
    other.write_bytes(b"keine Arbeitsmappe")
    code, text = collect(capsys, str(other), "--data", str(stored), "--feedback", str(fb))
    assert "eingesetzt" not in text, text
    assert (fb / f"{LAB}_{PERIOD}.html").read_bytes() == page
    assert _staging_beside(fb) == [] and _staging_beside(stored) == []


def test_a_file_dropped_into_the_feedback_folder_during_a_collect_loses_no_page(
    full, stored, tmp_path, capsys, monkeypatch
):
    # while a long collect runs, the coordinator's file browser leaves a file in the feedback
    # folder (.DS_Store, Thumbs.db). The tables still go in; the pages that belong to them must
    # not be thrown away, and the message must not say that nothing changed
    from ogl_impact.delivery import collect as collect_module

    fb = tmp_path / "fb"
    first = _correction(full, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(first), "--data", str(stored), "--feedback", str(fb))
    assert code == 0, text
    second = _correction(full, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", "i04", 70)

    def browser(stage: str) -> None:
        if stage == "staged":
            (fb / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")

    monkeypatch.setattr(collect_module, "stage_hook", browser)
    code, text = collect(capsys, str(second), "--data", str(stored), "--feedback", str(fb))
    monkeypatch.setattr(collect_module, "stage_hook", None)
    assert "Traceback" not in text, text
    taken = "70" in (stored / "indicator_values.csv").read_text(encoding="utf-8")
    if not taken:  # refused as a whole: fine, nothing of it may show
        assert "70" not in (fb / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
        return
    assert "nichts geändert" not in text, text
    assert code == 2 and "sind übernommen" in text and "setzt sie ein" in text, text
    # the file is moved away, as the message asked; the workbook is sent again (now skipped)
    (fb / ".DS_Store").unlink()
    code, text = collect(capsys, str(second), "--data", str(stored), "--feedback", str(fb))
    assert code == 0, text
    page = (fb / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
    assert "als Korrektur angenommen" in page and "70" in page, (text, page)
    assert _staging_beside(fb) == [] and _staging_beside(stored) == []


def test_a_first_collect_killed_before_its_swap_keeps_its_pages_for_a_folder_made_by_hand(
    full, stored, tmp_path, capsys
):
    # the coordinator made the (empty) feedback folder before the first collect; the run is
    # killed right after its tables went in. The re-sent workbook is then skipped, so only the
    # killed run's own pages can tell the lab
    fb = tmp_path / "fb"
    fb.mkdir()
    first = _correction(full, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx", "i04", 70)
    _killed(
        _KILL_BEFORE_FEEDBACK_SWAP,
        "collect",
        str(first),
        "--data",
        str(stored),
        "--feedback",
        str(fb),
    )
    assert list(fb.iterdir()) == []
    code, text = collect(capsys, str(first), "--data", str(stored), "--feedback", str(fb))
    assert code == 0 and "übersprungen" in text, text
    assert "fertige Ausgabe eines abgebrochenen Laufs eingesetzt" in text, text
    page = (fb / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
    assert "70" in page, page
    assert _staging_beside(fb) == [] and _staging_beside(stored) == []
