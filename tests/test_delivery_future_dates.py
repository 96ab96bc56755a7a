"""template and collect refuse a folder with a day after today, as validate does.

Both load the folder through :func:`ogl_impact.delivery.tables.load_tables`
(only the tables they need, partly from collect's cache). They skipped the
rule that a day something happened lies no later than today: ``template``
and ``collect`` ended 0 on a folder that ``validate``, ``status`` and
``figures`` then refused. The rule depends on the day, so it must not hide
in a cached entry.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from ogl_impact.cli import main
from ogl_impact.delivery.tables import load_tables
from tests.test_delivery_loop import LAB, PERIOD, collected_with_templates
from tests.test_validate_future_dates import edit

TODAY = date(2026, 12, 2)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data (sb6 collected) and Brandis's template for sb6, made once."""
    return collected_with_templates(tmp_path_factory.mktemp("future"), LAB)


@pytest.fixture
def data(full: Path, tmp_path: Path) -> Path:
    shutil.copytree(full / "data", tmp_path / "data")
    return tmp_path / "data"


def said(capsys) -> str:
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text and "interner Fehler" not in text, text
    return text


def test_template_refuses_a_milestone_reached_after_today(data, tmp_path, capsys):
    edit(data / "milestones.csv", 3, "achieved_date", "2062-10-29")
    out = tmp_path / "vorlagen"
    argv = ["template", "--period", PERIOD, "--lab", LAB, "--data", str(data), "--out", str(out)]
    assert main(argv) == 1
    text = said(capsys)
    assert "milestones.csv, Zeile 3, Spalte „achieved_date“, Wert „2062-10-29“" in text, text
    assert "liegt nach heute" in text and "keine Vorlagen" in text, text
    assert not out.exists()
    assert main(["validate", str(data)]) == 1  # the same folder, the same verdict
    assert "2062-10-29" in said(capsys)


def test_collect_refuses_a_register_received_after_today(full, data, capsys):
    edit(data / "submissions.csv", 3, "received", "2062-11-07")
    before = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    book = full / "tpl" / f"{LAB}_{PERIOD}.xlsx"
    assert main(["collect", str(book), "--data", str(data)]) == 1
    text = said(capsys)
    assert "submissions.csv, Zeile 3, Spalte „received“, Wert „2062-11-07“" in text, text
    assert "liegt nach heute" in text, text
    assert {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()} == before


def test_a_cached_load_is_judged_on_the_day_of_each_run(data):
    """The cache keeps the checks of the bytes; the day is checked anew on every load."""
    edit(data / "submissions.csv", 3, "received", "2062-11-07")

    def future(today: date) -> list[tuple[str, int | None, str | None]]:
        loaded = load_tables(data, cache=True, today=today)
        return [(p.file, p.line, p.column) for p in loaded.errors if p.rule == "date_in_future"]

    later = date(2063, 1, 1)  # the day lies behind: an entry made now must not say "fine"
    assert future(later) == []
    assert future(TODAY) == [("submissions.csv", 3, "received")]
    assert future(later) == []  # nor an entry made on a day the check failed


def test_today_itself_still_passes_for_template(data, tmp_path, capsys):
    edit(data / "milestones.csv", 3, "achieved_date", f"{date.today():%Y-%m-%d}")
    out = tmp_path / "vorlagen"
    argv = ["template", "--period", PERIOD, "--lab", LAB, "--data", str(data), "--out", str(out)]
    assert main(argv) == 0, said(capsys)
    assert (out / f"{LAB}_{PERIOD}.xlsx").is_file()
