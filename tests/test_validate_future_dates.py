"""Days that record when something happened are refused when they lie after today.

``imports.csv`` (``imported``, ``replaced``), ``submissions.csv`` (``received``),
``revisions.csv`` (``revised``) and ``milestones.csv`` (``achieved_date``) say
when something took place: 2062 typed for 2026 is a typing error. Planned
days (deadlines, period ends, a milestone's ``planned_date``) may lie ahead.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from ogl_impact.cli import main
from ogl_impact.validate import validate_folder
from tests.test_import_overlap import limesurvey, mapping
from tests.test_import_overlap import secret as secret

DEMO = Path(__file__).resolve().parents[1] / "data" / "raw"
TODAY = date(2026, 12, 2)


def edit(path: Path, line: int, column: str, value: str) -> None:
    """Write ``value`` into ``column`` of ``line`` (numbered as in the file, 1 = first)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = next(i for i, t in enumerate(lines) if not t.startswith("#"))
    at = lines[header].split(";").index(column)
    cells = lines[line - 1].split(";")
    cells[at] = value
    lines[line - 1] = ";".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def future(folder: Path, today: date = TODAY) -> list[tuple[str, int | None, str | None, str]]:
    report = validate_folder(folder, today=today)
    return [
        (p.file, p.line, p.column, p.value) for p in report.errors if p.rule == "date_in_future"
    ]


def demo(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    shutil.copytree(DEMO, folder)
    assert validate_folder(folder, today=TODAY).ok
    return folder


def test_received_revised_and_achieved_after_today_are_refused(tmp_path):
    folder = demo(tmp_path)
    edit(folder / "submissions.csv", 3, "received", "2062-11-07")
    edit(folder / "revisions.csv", 3, "revised", "12.01.2062")
    edit(folder / "milestones.csv", 3, "achieved_date", "2062-10-29")
    assert sorted(future(folder)) == [
        ("milestones.csv", 3, "achieved_date", "2062-10-29"),
        ("revisions.csv", 3, "revised", "12.01.2062"),
        ("submissions.csv", 3, "received", "2062-11-07"),
    ]
    # the check is made against the day given: on 1 January 2063 these days lie behind
    assert future(folder, date(2063, 1, 1)) == []


def test_today_itself_passes_and_the_message_is_german(tmp_path, capsys):
    folder = demo(tmp_path)
    edit(folder / "submissions.csv", 3, "received", f"{date.today():%Y-%m-%d}")
    assert validate_folder(folder).ok
    edit(folder / "submissions.csv", 3, "received", "2062-11-07")
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr()
    said = out.out + out.err
    assert "submissions.csv, Zeile 3, Spalte „received“, Wert „2062-11-07“" in said, said
    assert "liegt nach heute" in said and "Tippfehler im Jahr?" in said, said
    assert "Traceback" not in said


def test_planned_days_may_lie_ahead(tmp_path):
    folder = demo(tmp_path)
    edit(folder / "milestones.csv", 3, "planned_date", "2062-09-27")
    edit(folder / "periods.csv", 3, "deadline", "2062-07-01")
    assert validate_folder(folder, today=TODAY).ok


def test_an_import_register_day_after_today_is_refused(tmp_path, secret, capsys):
    out = tmp_path / "daten"
    files = limesurvey(tmp_path / "export.csv", range(1, 41))
    args = ["import", "limesurvey", *map(str, files), "--mapping",
            str(mapping(tmp_path / "m.csv")), "--out", str(out), "--programme", str(DEMO),
            "--secret-file", str(secret)]  # fmt: skip
    assert main(args) == 0
    assert future(out, date.today()) == []
    edit(out / "imports.csv", 3, "imported", "2062-12-01")
    assert future(out, TODAY) == [("imports.csv", 3, "imported", "2062-12-01")]
    edit(out / "imports.csv", 3, "imported", "2026-12-01")
    text = (out / "imports.csv").read_text(encoding="utf-8")
    if "replaced" not in text.splitlines()[1]:  # the register's optional column
        lines = text.splitlines()
        lines[1] += ";replaced"
        lines[2:] = [t + ";" for t in lines[2:]]
        (out / "imports.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    edit(out / "imports.csv", 3, "replaced", "2062-12-02")
    assert future(out, TODAY) == [("imports.csv", 3, "replaced", "2062-12-02")]
