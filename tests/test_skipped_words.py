"""A check skipped for a missing column is said in words, not by its code name."""

from __future__ import annotations

import re
from pathlib import Path

from ogl_impact.schemas import crosscheck
from ogl_impact.validate import validate_folder

from .conftest import read_rows, write_rows


def _drop(folder: Path, table: str, column: str) -> None:
    rows = read_rows(folder / f"{table}.csv")
    i = rows[1].index(column)
    kept = [r if r[0].startswith("#") else r[:i] + r[i + 1 :] for r in rows]
    write_rows(folder / f"{table}.csv", kept)


def _skipped(folder: Path, file: str) -> tuple[str, str]:
    report = validate_folder(folder)
    hits = [p for p in report.problems if p.rule == "check_skipped" and p.file == file]
    assert len(hits) == 1, [(p.file, p.rule) for p in report.problems]
    return hits[0].message("de"), hits[0].message("en")


def test_a_reference_is_named_by_its_tables_and_columns(mini: Path):
    _drop(mini, "partners", "lab_id")
    de, en = _skipped(mini, "partners.csv")
    assert "übersprungen: Verweise aus partners (Spalte lab_id) auf labs." in de, de
    assert "skipped: references from partners (column lab_id) to labs." in en, en
    assert "→" not in de + en


def test_references_to_one_table_are_told_together(mini: Path):
    _drop(mini, "labs", "lab_id")
    de, en = _skipped(mini, "labs.csv")
    # every table that refers to labs by lab_id, in one sentence
    assert (
        "Verweise aus partners, nodes, milestones, dac_ratings, submissions und revisions "
        "(Spalte lab_id) auf labs; Verweise aus responses (Spalte unit_id) auf labs oder "
        "comparison_communes." in de
    ), de
    assert "to labs or comparison_communes" in en, en


def test_a_rule_is_said_as_what_it_checks(mini: Path):
    _drop(mini, "responses", "item_id")
    de, en = _skipped(mini, "responses.csv")
    assert "Verweise aus responses (Spalte item_id) auf codebook" in de, de
    assert "doppelte Antworten" in de and "ob die Antworten auf der Skala ihres Items" in de, de
    assert "duplicate answers" in en and "whether the answers lie on their item's scale" in en
    assert "duplicate_key" not in de + en and "value_outside_scale" not in de + en


def test_every_check_that_can_be_skipped_has_words():
    """A new cross-table check needs its words here, or its code would reach the researcher."""
    source = Path(crosscheck.__file__).read_text(encoding="utf-8")
    named = set(re.findall(r'has\(\s*"([^"]+)"', source))
    named |= set(re.findall(r'check = "([^"]+)"', source))
    assert "graph" in named and "responses.unit_id → labs/comparison_communes" in named
    for check in named:
        de, en = crosscheck._plain_checks([check])
        assert de != check and en != check, check
