"""What a reader of the report figures must not misread (found by reading every figure).

- The trust figure shows a negatively worded statement ("Die Kommune verfolgt vor
  allem eigene Interessen.") with its answers as given: agreement there is
  distrust. Its label and the caption say so, and the alt text does not rank
  its top category ("voll und ganz") among the highest trust.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ogl_impact.dataset import load
from ogl_impact.reports import draw

from .conftest import DEMO, edit, find_line

MARK = "(negativ formuliert)"
NEGATIVE = "Die Kommune verfolgt vor allem eigene Interessen."


def _texts(figure) -> list[str]:
    return [t.get_text() for ax in figure.axes for t in ax.texts] + [
        t.get_text() for ax in figure.axes for t in ax.get_yticklabels()
    ]


def test_a_negatively_worded_trust_statement_is_marked_and_not_ranked(demo):
    likert = draw(demo, "pb", "vertrauen_likert", reps=99)[0]
    texts = _texts(likert.figure)
    # the statement is the one reverse-keyed in the codebook
    book = demo.codebook.set_index("item_id")
    assert bool(book.loc["tr_4", "reverse_keyed"]) and book.loc["tr_4", "wording_de"] == NEGATIVE
    assert any(NEGATIVE in t and MARK in t for t in texts)
    # the other three statements carry no mark
    for item in ("tr_1", "tr_2", "tr_3"):
        wording = book.loc[item, "wording_de"]
        assert any(wording in t for t in texts)
        assert not any(wording in t and MARK in t for t in texts)
    assert "Zustimmung bedeutet bei dieser Aussage weniger Vertrauen" in likert.caption
    # its answers are drawn as given (not reversed): the table keeps the codes 1-5 of tr_4
    shown = likert.table[likert.table["item_id"] == "tr_4"]
    assert sorted(shown["value"].unique()) == [1, 2, 3, 4, 5]
    # the alt text ranks the top category of the three positive statements only
    alt = likert.alt_text
    ranked = alt.split("Anteil der höchsten Stufe", 1)[1]
    assert ranked.startswith(" (ohne die negativ formulierte Aussage):")
    assert "eigene Interessen" not in ranked
    assert "., Welle" not in alt  # a statement's full stop is not doubled before ", Welle"


def test_without_a_reverse_keyed_statement_nothing_is_marked(tmp_path: Path):
    folder = tmp_path / "data"
    shutil.copytree(DEMO, folder)
    edit(
        folder, "codebook", find_line(folder, "codebook", item_id="tr_4"), "reverse_keyed", "false"
    )
    likert = draw(load(folder), "pb", "vertrauen_likert", reps=99)[0]
    assert not any(MARK in t for t in _texts(likert.figure))
    assert "weniger Vertrauen" not in likert.caption
    assert "Anteil der höchsten Stufe:" in likert.alt_text


@pytest.mark.parametrize("lang", ["en"])
def test_the_mark_is_english_in_an_english_figure(demo, lang):
    likert = draw(demo, "pb", "vertrauen_likert", reps=99, lang=lang)[0]
    assert any("(negatively worded)" in t for t in _texts(likert.figure))
    assert "agreement means less trust" in likert.caption
    assert MARK not in likert.caption
