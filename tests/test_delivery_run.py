"""A collect run as a whole, as a research assistant under pressure runs it.

Two runs started on one data folder, a table edited by hand while collect
works, Ctrl-C at every moment, two versions of one lab's workbook in the
inbox, the whole inbox collected again into the same feedback folder, a
date typed the German way. Real processes where the operating system is
involved (a lock, a signal); the expected values are the embedded data
(data/raw) and what the test typed, never the output of the code under test.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ogl_impact.cli import main
from ogl_impact.delivery import collect as collect_module
from tests import test_delivery_careless as careless
from tests import test_delivery_loop as loop
from tests.test_delivery_loop import C_DISAGG, C_ID, C_VALUE, LAB, PERIOD, RAW, collect

original, base, data = loop.original, loop.base, loop.data
full, stored = careless.full, careless.stored
OTHER_LAB = "bremen"

RUNNER = """
import signal, sys, time
from pathlib import Path
# Ctrl-C as at a terminal, also where pytest itself was started in the background (a
# shell without job control starts background commands with SIGINT ignored, and
# Python then installs no KeyboardInterrupt handler)
signal.signal(signal.SIGINT, signal.default_int_handler)
import ogl_impact.delivery.collect as collect_module
stage, flags = sys.argv[1], Path(sys.argv[2])
def hook(name):
    if name != stage:
        return
    (flags / "ready").write_text(name)
    start = time.monotonic()
    while not (flags / "go").exists():
        if time.monotonic() - start > 120:
            raise SystemExit("no go")
        time.sleep(0.05)
collect_module.stage_hook = hook
from ogl_impact.cli import main
sys.exit(main(sys.argv[3:]))
"""


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _row_of(sheet, iid: str, disagg: str = "") -> int:
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, C_ID).value == iid and (sheet.cell(row, C_DISAGG).value or "") == disagg:
            return row
    raise AssertionError(f"{iid} not in the sheet")


def _stored(lab: str, iid: str) -> str:
    """The stored value of a lab's indicator (total) in PERIOD, as data/raw writes it."""
    iv = pd.read_csv(RAW / "indicator_values.csv", sep=";", comment="#", dtype=str)
    row = iv[
        (iv["lab_id"] == lab)
        & (iv["indicator_id"] == iid)
        & (iv["period_id"] == PERIOD)
        & iv["disaggregation_value"].isna()
    ]
    return row["value"].iat[0]


def _corrected(full: Path, lab: str, dest: Path, iid: str = "i03", add: float = 2) -> Path:
    """The lab's template of the collected PERIOD with one value changed, saved as Excel would."""
    book = openpyxl.load_workbook(full / "tpl" / f"{lab}_{PERIOD}.xlsx")
    sheet = book["Indikatorwerte"]
    cell = sheet.cell(_row_of(sheet, iid), C_VALUE)
    cell.value = float(_stored(lab, iid).replace(",", ".")) + add
    dest.parent.mkdir(parents=True, exist_ok=True)
    book.save(dest)
    return dest


def _start(tmp_path: Path, stage: str, *args: str) -> tuple[subprocess.Popen, Path]:
    """Start ``ogl-impact ARGS`` in a process that pauses at ``stage`` until told to go on."""
    flags = tmp_path / f"flags-{stage}"
    flags.mkdir()
    runner = tmp_path / "runner.py"
    runner.write_text(RUNNER, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(runner), stage, str(flags), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    start = time.monotonic()
    while not (flags / "ready").exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"ended before {stage}: {proc.returncode}\n{out}\n{err}")
        if time.monotonic() - start > 180:
            proc.kill()
            pytest.fail(f"never reached {stage}")
        time.sleep(0.05)
    return proc, flags


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ogl_impact", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _staging_left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if ".ogl-staging-" in p.name)


# --- 1. one run at a time ---------------------------------------------------------------------


def test_a_second_collect_on_the_same_folder_is_refused_at_once(full, stored, tmp_path):
    first = _corrected(full, LAB, tmp_path / "w1" / f"{LAB}_{PERIOD}.xlsx")
    second = _corrected(full, OTHER_LAB, tmp_path / "w2" / f"{OTHER_LAB}_{PERIOD}.xlsx")
    args = ["--data", str(stored), "--received", "2022-11-25"]
    proc, flags = _start(tmp_path, "loaded", "collect", str(first), *args)
    try:
        before = _files(stored)
        t0 = time.monotonic()
        other = _cli("collect", str(second), *args)
        assert time.monotonic() - t0 < 60  # refused at once, not waiting for the first run
        assert other.returncode == 2, other.stdout + other.stderr
        assert "wird gerade von einem anderen Lauf" in other.stderr
        assert "Nichts geändert" in other.stderr and "Traceback" not in other.stderr
        assert _files(stored) == before  # nothing written by the second run
    finally:
        (flags / "go").write_text("")
        out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, out + err
    assert not list(stored.glob(".*lock*")) and _staging_left(stored) == []  # no lock file
    revisions = pd.read_csv(stored / "revisions.csv", sep=";", comment="#", dtype=str)
    assert set(revisions[revisions["revised"] == "2022-11-25"]["lab_id"]) == {LAB}
    # sent again once the first run has ended, the second workbook arrives; nothing is lost
    again = _cli("collect", str(second), *args)
    assert again.returncode == 0, again.stdout + again.stderr
    revisions = pd.read_csv(stored / "revisions.csv", sep=";", comment="#", dtype=str)
    assert set(revisions[revisions["revised"] == "2022-11-25"]["lab_id"]) == {LAB, OTHER_LAB}


def test_a_table_edited_by_hand_during_collect_refuses_the_run(
    full, stored, tmp_path, capsys, monkeypatch
):
    wb = _corrected(full, LAB, tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx")
    path = stored / "milestones.csv"
    edited = path.read_text(encoding="utf-8").replace(";substantial\n", ";complete\n", 1)

    def by_hand(stage: str) -> None:
        if stage == "loaded":  # somebody fixes a milestone in the editor meanwhile
            path.write_text(edited, encoding="utf-8")

    monkeypatch.setattr(collect_module, "stage_hook", by_hand)
    before = _files(stored)
    fb = tmp_path / "fb"
    code, text = collect(capsys, str(wb), "--data", str(stored), "--feedback", str(fb))
    assert code == 2, text
    assert "milestones.csv" in text and "während des Laufs geändert" in text
    assert "nichts geändert" in text
    after = _files(stored)
    assert after["milestones.csv"] == edited.encode("utf-8")  # the hand edit stays
    assert {n: b for n, b in after.items() if n != "milestones.csv"} == {
        n: b for n, b in before.items() if n != "milestones.csv"
    }
    assert not fb.exists() and _staging_left(stored) == []


def test_a_same_size_edit_with_its_time_set_back_is_still_found(
    full, stored, tmp_path, capsys, monkeypatch
):
    # collect trusts a file whose size and times are as they were before the load (it is not
    # read again); an editor that keeps the size and a tool that sets the time back (touch -r,
    # rsync -t) must not slip through: the change time still moves
    monkeypatch.setattr(collect_module, "RACY_NS", 0)  # the stored files count as old
    wb = _corrected(full, LAB, tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx")
    path = stored / "milestones.csv"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Laborteam", "LaborTeam", 1)  # a typo fixed, the size kept
    assert edited != text and len(edited.encode()) == len(text.encode())
    info = path.stat()

    def by_hand(stage: str) -> None:
        if stage == "loaded":
            path.write_text(edited, encoding="utf-8")
            os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # the old time put back

    monkeypatch.setattr(collect_module, "stage_hook", by_hand)
    code, out = collect(capsys, str(wb), "--data", str(stored))
    assert code == 2, out
    assert "milestones.csv" in out and "während des Laufs geändert" in out
    assert path.read_bytes() == edited.encode("utf-8")


def test_only_files_changed_or_written_just_before_the_run_are_read_again(tmp_path, monkeypatch):
    old = tmp_path / "old.csv"
    old.write_bytes(b"a;b\n1;2\n")
    monkeypatch.setattr(collect_module, "RACY_NS", 0)
    seen = collect_module._states(tmp_path)
    assert collect_module._same_since(old, seen)  # untouched: not hashed again
    old.write_bytes(b"a;b\n1;3\n")  # same size
    assert not collect_module._same_since(old, seen)
    seen = collect_module._states(tmp_path)
    info = old.stat()
    os.utime(old, ns=(info.st_atime_ns, info.st_mtime_ns))  # only the change time moves
    assert not collect_module._same_since(old, seen)
    seen = collect_module._states(tmp_path)
    other = tmp_path / "other.csv"
    other.write_bytes(old.read_bytes())
    os.utime(other, ns=(info.st_atime_ns, info.st_mtime_ns))
    other.replace(old)  # same bytes, same times, another file
    assert not collect_module._same_since(old, seen)
    assert not collect_module._same_since(tmp_path / "new.csv", seen)  # not there before
    monkeypatch.setattr(collect_module, "RACY_NS", 3_000_000_000)
    seen = collect_module._states(tmp_path)
    assert not collect_module._same_since(old, seen)  # written a moment ago: hashed


# --- 6. Ctrl-C ---------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["loaded", "staged"])
def test_ctrl_c_before_the_commit_changes_nothing(full, stored, tmp_path, stage):
    wb = _corrected(full, LAB, tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx")
    fb = tmp_path / "fb"
    before = _files(stored)
    proc, _ = _start(
        tmp_path, stage, "collect", str(wb), "--data", str(stored), "--feedback", str(fb)
    )
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, out + err
    assert "Abgebrochen – nichts geändert" in err and "Traceback" not in err
    assert _files(stored) == before
    assert not fb.exists()
    assert _staging_left(stored) == [] and _staging_left(fb) == []


@pytest.mark.parametrize(("sent", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_ctrl_c_during_the_commit_waits_for_data_and_feedback(full, stored, tmp_path, sent, status):
    wb = _corrected(full, LAB, tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx")
    fb = tmp_path / "fb"
    before = _files(stored)
    proc, flags = _start(
        tmp_path, "data_committed", "collect", str(wb), "--data", str(stored), "--feedback", str(fb)
    )
    proc.send_signal(sent)  # the tables are in, the feedback not yet
    time.sleep(0.3)
    (flags / "go").write_text("")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == status, out + err
    assert "Abgebrochen" in err and "vollständig geschrieben" in err and "Traceback" not in err
    after = _files(stored)
    assert after["indicator_values.csv"] != before["indicator_values.csv"]
    assert after["revisions.csv"] != before["revisions.csv"]
    page = (fb / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
    assert "als Korrektur angenommen" in page
    assert _staging_left(stored) == [] and _staging_left(fb) == []


@pytest.mark.parametrize("asked", [True, False])
def test_ctrl_c_right_after_the_commit_says_in_one_line_what_was_written(
    full, stored, tmp_path, asked
):
    wb = _corrected(full, LAB, tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx")
    fb = tmp_path / "fb"
    before = _files(stored)
    extra = ["--feedback", str(fb)] if asked else []
    proc, _ = _start(tmp_path, "committed", "collect", str(wb), "--data", str(stored), *extra)
    proc.send_signal(signal.SIGINT)  # tables and feedback are in; nothing is deferred any more
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, out + err
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    said = lines[0]
    assert said.startswith("Abgebrochen") and "vollständig geschrieben" in said, said
    assert str(stored) in said and "nichts geändert" not in said, said
    if asked:
        assert f"Rückmeldungen in {fb / 'index.html'}" in said, said
    else:
        assert "keine Rückmeldungen verlangt (ohne --feedback)" in said, said
    after = _files(stored)  # the delivery was taken in: the changed value and its revision
    assert after["indicator_values.csv"] != before["indicator_values.csv"]
    assert after["revisions.csv"] != before["revisions.csv"]
    assert (fb / f"{LAB}_{PERIOD}.html").exists() is asked
    assert _staging_left(stored) == []


# --- 11. two versions of one lab's workbook in one run ------------------------------------------


def test_two_different_workbooks_of_one_lab_are_both_refused(full, stored, tmp_path, capsys):
    older = _corrected(full, LAB, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx", add=1)
    newer = _corrected(full, LAB, tmp_path / "b" / f"{LAB}_{PERIOD} (1).xlsx", add=2)
    labs = pd.read_csv(RAW / "labs.csv", sep=";", comment="#", dtype=str)
    name = labs.loc[labs["lab_id"] == LAB, "name"].iat[0]
    before = _files(stored)
    code, text = collect(capsys, str(older), str(newer), "--data", str(stored))
    assert code == 1, text
    lines = text.splitlines()
    for wb, other in ((older, newer), (newer, older)):
        head = next(i for i, x in enumerate(lines) if x.startswith(f"{wb.name} ("))
        assert lines[head].endswith("abgelehnt"), lines[head]
        own = []  # the workbook's own lines: indented, up to the next workbook's line
        for x in lines[head + 1 :]:
            if not x.startswith(" "):
                break
            own.append(x)
        said = next(x for x in own if "Zwei Arbeitsmappen" in x)
        assert f"Zwei Arbeitsmappen für {name}, {PERIOD}" in said
        assert f"{wb.parent.name}/{wb.name}" in said and f"{other.parent.name}/{other.name}" in said
        assert "bitte nur eine einlesen" in said
    after = _files(stored)
    for name in ("indicator_values.csv", "milestones.csv", "revisions.csv", "partners.csv"):
        assert after[name] == before[name], name
    # the order on the command line does not matter
    code, swapped = collect(capsys, str(newer), str(older), "--data", str(stored))
    assert code == 1 and swapped.count("abgelehnt") >= 2


def test_a_byte_identical_copy_is_merely_skipped(full, stored, tmp_path, capsys):
    wb = _corrected(full, LAB, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    copy = tmp_path / "b" / f"{LAB}_{PERIOD} (1).xlsx"
    copy.parent.mkdir()
    shutil.copy(wb, copy)
    code, text = collect(capsys, str(wb), str(copy), "--data", str(stored))
    assert code == 0, text
    assert "als Korrektur angenommen" in text and "übersprungen" in text and "Fehler" not in text


# --- 12. the whole inbox collected again keeps the feedback given ------------------------------


def test_collecting_a_file_again_keeps_its_feedback_page(full, stored, tmp_path, capsys):
    wb = _corrected(full, LAB, tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx")
    fb = tmp_path / "fb"
    code, text = collect(capsys, str(wb), "--data", str(stored), "--feedback", str(fb))
    assert code == 0, text
    page = (fb / f"{LAB}_{PERIOD}.html").read_bytes()
    assert b"als Korrektur angenommen" in page
    code, text = collect(capsys, str(wb), "--data", str(stored), "--feedback", str(fb))
    assert code == 0 and "übersprungen" in text
    assert (fb / f"{LAB}_{PERIOD}.html").read_bytes() == page
    index = (fb / "index.html").read_text(encoding="utf-8")
    assert "als Korrektur angenommen" in index and "übersprungen" in index
    # a feedback folder that has no page of that workbook gets the "übersprungen" page
    fresh = tmp_path / "fb2"
    code, text = collect(capsys, str(wb), "--data", str(stored), "--feedback", str(fresh))
    assert code == 0
    assert "übersprungen" in (fresh / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")


# --- low: the console, the bytes, the date -----------------------------------------------------


def _written(text: str) -> str:
    return next(x for x in text.splitlines() if "geschrieben:" in x).split("geschrieben:")[1]


def test_written_lists_only_files_whose_bytes_changed(full, stored, tmp_path, capsys):
    wb = _corrected(full, LAB, tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(wb), "--data", str(stored))
    assert code == 0
    listed = _written(text)
    assert "indicator_values.csv" in listed and "revisions.csv" in listed
    assert "milestones.csv" not in listed and "partners.csv" not in listed
    before = _files(stored)
    code, text = collect(capsys, str(wb), "--data", str(stored))  # the same file again
    assert code == 0 and _files(stored) == before
    assert ".csv" not in _written(text)


def test_without_feedback_the_console_does_not_point_to_it(full, stored, tmp_path, capsys):
    book = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    sheet = book["Indikatorwerte"]
    for row in range(2, sheet.max_row + 1):  # every value emptied: many notes
        sheet.cell(row, C_VALUE).value = None
    wb = tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx"
    wb.parent.mkdir()
    book.save(wb)
    code, text = collect(capsys, str(wb), "--data", str(stored))
    assert code == 0, text
    assert "weitere Hinweise" in text
    assert "--feedback" not in text and "Rückmeldung" not in text
    code, text = collect(capsys, str(wb), "--data", str(stored), "--feedback", str(tmp_path / "f"))
    assert "Rückmeldung" in text


def test_a_correction_keeps_the_rows_and_bytes_of_the_tables(full, stored, tmp_path, capsys):
    new_partner = "Kulturverein Brandis-Test e. V."

    def edit(book):
        sheet = book["Indikatorwerte"]
        row = _row_of(sheet, "i03")
        sheet.cell(row, C_VALUE).value = float(_stored(LAB, "i03").replace(",", ".")) + 2
        partners = book["Partner"]
        partners["A2"], partners["B2"], partners["C2"] = "Stadt Naunhof", "Kommune", "DE-BY"
        partners["A3"], partners["B3"], partners["C3"] = new_partner, "Unternehmen", "DE-SN"

    book = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    edit(book)
    wb = tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx"
    wb.parent.mkdir()
    book.save(wb)
    before = {n: (stored / n).read_text(encoding="utf-8").splitlines() for n in _TABLES}
    code, text = collect(capsys, str(wb), "--data", str(stored))
    assert code == 0, text
    after = {n: (stored / n).read_text(encoding="utf-8").splitlines() for n in _TABLES}
    # the corrected value in the line where it stood, every other line byte for byte
    iv_old, iv_new = before["indicator_values.csv"], after["indicator_values.csv"]
    assert len(iv_new) == len(iv_old)
    changed = [i for i, (a, b) in enumerate(zip(iv_old, iv_new, strict=True)) if a != b]
    assert len(changed) == 1 and iv_old[changed[0]].startswith(f"{LAB};i03;{PERIOD};;")
    # the corrected partner keeps its line, the new one is appended
    p_old, p_new = before["partners.csv"], after["partners.csv"]
    naunhof = next(i for i, x in enumerate(p_old) if ";Stadt Naunhof;" in x)
    assert p_new[naunhof].startswith(p_old[naunhof].split(";")[0] + ";")
    assert ";DE-BY;" in p_new[naunhof]
    assert p_new[: len(p_old)][:naunhof] == p_old[:naunhof]
    assert p_new[naunhof + 1 : len(p_old)] == p_old[naunhof + 1 :]
    assert len(p_new) == len(p_old) + 1 and new_partner in p_new[-1]
    # sources.csv only gains the line of the deliveries, quoting and all
    s_old, s_new = before["sources.csv"], after["sources.csv"]
    assert s_new[: len(s_old)] == s_old and len(s_new) == len(s_old) + 1


_TABLES = ("indicator_values.csv", "partners.csv", "sources.csv")


def test_the_correction_page_lists_each_changed_value(full, stored, tmp_path, capsys):
    wb = _corrected(full, LAB, tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx", add=2)
    fb = tmp_path / "fb"
    code, text = collect(capsys, str(wb), "--data", str(stored), "--feedback", str(fb))
    assert code == 0, text
    page = (fb / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
    old = _stored(LAB, "i03")
    new = f"{float(old.replace(',', '.')) + 2:g}".replace(".", ",")
    assert f"Indikator i03 (Gesamtwert), Wert: {old} → {new}" in page


def test_received_is_read_as_status_reads_a_day(full, stored, tmp_path, capsys):
    wb = _corrected(full, LAB, tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx")
    before = _files(stored)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    code = main(["collect", str(wb), "--data", str(stored), "--received", f"{tomorrow:%d.%m.%Y}"])
    out = capsys.readouterr()
    assert code == 2 and "nach heute" in out.err and "Traceback" not in out.err
    assert _files(stored) == before
    code = main(["collect", str(wb), "--data", str(stored), "--received", "25.11.2022"])
    capsys.readouterr()
    assert code == 0
    register = pd.read_csv(stored / "submissions.csv", sep=";", comment="#", dtype=str)
    assert list(register["received"])[-1] == "2022-11-25"


def test_a_workbook_left_out_by_period_gets_a_line_not_a_page(full, stored, tmp_path, capsys):
    wb = _corrected(full, LAB, tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx")
    fb = tmp_path / "fb"
    code, _ = collect(capsys, str(wb), "--data", str(stored), "--feedback", str(fb))
    page = (fb / f"{LAB}_{PERIOD}.html").read_bytes()
    before = _files(stored)
    again = _corrected(full, LAB, tmp_path / "w2" / f"{LAB}_{PERIOD}.xlsx", add=5)
    code, text = collect(
        capsys, str(again), "--data", str(stored), "--feedback", str(fb), "--period", "sb5"
    )
    assert code == 0, text
    assert f"übersprungen – Arbeitsmappe für {PERIOD}, eingelesen wird nur sb5" in text
    assert _files(stored) == before  # not registered, nothing changed
    assert (fb / f"{LAB}_{PERIOD}.html").read_bytes() == page  # the page given stays
    assert "eingelesen wird nur sb5" in (fb / "index.html").read_text(encoding="utf-8")


def test_without_fcntl_collect_runs_unlocked(full, stored, tmp_path, capsys, monkeypatch):
    """Where the platform has no fcntl (Windows), collect goes on as before, without a lock."""
    from ogl_impact.write.target import folder_lock

    monkeypatch.setitem(sys.modules, "fcntl", None)  # import fcntl now fails
    with folder_lock(stored, "collect") as held:
        assert held is False
    wb = _corrected(full, LAB, tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(wb), "--data", str(stored))
    assert code == 0 and "als Korrektur angenommen" in text
