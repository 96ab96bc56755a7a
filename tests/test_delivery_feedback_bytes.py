"""The marked copy of a workbook carries no time of saving: the same findings, the same bytes.

openpyxl's own ``save`` stamps the current time into docProps/core.xml and into
every zip member, so two collects of one workbook gave feedback differing in
those bytes. The copy keeps the workbook's properties as received.
"""

from __future__ import annotations

import datetime
import time
import types
import zipfile

import openpyxl

from ogl_impact.delivery.feedback import marked_copy
from ogl_impact.delivery.findings import finding
from tests import test_delivery_loop as loop
from tests.test_delivery_loop import LAB, PERIOD, filled

original, base = loop.original, loop.base


class _Later(datetime.datetime):
    @classmethod
    def now(cls, tz=None):  # a clock two days on
        return datetime.datetime(2031, 5, 7, 13, 14, 15, tzinfo=tz)


def _problem():
    return finding(
        f"{LAB}_{PERIOD}.xlsx", "text_not_number", sheet="Indikatorwerte", cell="I2", value="zwölf"
    )


def test_two_marked_copies_at_different_times_are_byte_identical(
    base, original, tmp_path, monkeypatch
):
    source = filled(base, original, LAB, tmp_path / f"{LAB}_{PERIOD}.xlsx")
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert marked_copy(source, [_problem()], first)
    import openpyxl.writer.excel as excel

    monkeypatch.setattr(time, "time", lambda: 1_900_000_000.0)
    monkeypatch.setattr(
        excel, "datetime", types.SimpleNamespace(datetime=_Later, timezone=datetime.timezone)
    )
    assert marked_copy(source, [_problem()], second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    # still a workbook with the cell marked and commented, its properties as received
    book = openpyxl.load_workbook(first)
    cell = book["Indikatorwerte"]["I2"]
    assert cell.comment is not None and "zwölf" in cell.comment.text
    assert cell.fill.fgColor.rgb == "FFF4A6A0"
    assert book.properties.modified == openpyxl.load_workbook(source).properties.modified
