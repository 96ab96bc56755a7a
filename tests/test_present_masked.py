"""Masked rows in notebook tables: one label in the note column, "–" for every missing number.

Notebook 4.0 shows ``stats.change_by_unit`` through ``present.table``; a masked
row used to read empty cells and a column "suppressed" with "ja", and its
panel-only masking was not said at all. The data are built so that the masked
rows follow from the counts by construction (see each comment).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from ogl_impact import present, privacy, stats

NOT_A_NUMBER = re.compile(r"\bnan\b|NaN|<NA>|\bNone\b|\bNaT\b", re.IGNORECASE)


def cells(html: str) -> tuple[list[str], list[list[str]]]:
    """Header texts and the body rows (lists of cell texts) of a Styler's HTML."""
    heads = [h.strip() for h in re.findall(r"<th\b[^>]*>(.*?)</th>", html, re.S)]
    rows = [
        [d.strip() for d in re.findall(r"<td\b[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
    ]
    return heads, [r for r in rows if r]


def _scores(sizes: dict[str, tuple[int, int, int]]) -> pd.DataFrame:
    """Raw scores: ``sizes[unit] = (n wave 1, n wave 2, panel pairs)``; trust 2 and 3 alternate."""
    rows = []
    for unit, (before, after, pairs) in sizes.items():
        for wave, size in ((1, before), (2, after)):
            for i in range(size):
                rid = f"{unit}-{i}" if i < pairs else f"{unit}-{wave}-{i}"
                rows.append((rid, unit, wave, True, 2.0 + (i % 2) + (wave - 1) * 0.5))
    return pd.DataFrame(rows, columns=["respondent_id", "unit_id", "wave", "is_lab", "trust"])


SIZES = {
    "bad_belzig": (1000, 1000, 100),
    "bad_berleburg": (40, 40, 8),  # panel of 8: the complement of brandis' 3 pairs
    "bensheim": (6, 6, 0),  # smallest n_after after bremen: its complement
    "brandis": (30, 30, 3),  # a panel of 3 pairs
    "bremen": (10, 3, 0),  # 3 respondents after
}


@pytest.fixture
def change() -> pd.DataFrame:
    return stats.change_by_unit(_scores(SIZES), "trust", before=1, after=2)


def _by_unit(html: str) -> tuple[list[str], dict[str, dict[str, str]]]:
    heads, rows = cells(html)
    unit = heads.index("Einheit") if "Einheit" in heads else heads.index("Unit")
    return heads, {r[unit]: dict(zip(heads, r, strict=True)) for r in rows}


def test_a_masked_unit_reads_the_label_and_dashes(demo, change):
    assert change.set_index("unit_id").loc[["bremen", "bensheim"], "suppressed"].all()
    html = present.table(change, demo).to_html()
    assert not NOT_A_NUMBER.search(html), NOT_A_NUMBER.search(html)
    heads, rows = _by_unit(html)
    assert "suppressed" not in heads and heads[-1] == "Anmerkung"
    numbers = [h for h in heads if h not in ("Konstrukt", "Einheit", "Anmerkung")]
    for name in ("Bremen", "Bensheim und Partnerkommunen"):
        assert rows[name]["Anmerkung"] == "unterdrückt (n < 5)"
        assert {rows[name][h] for h in numbers} == {"–"}, rows[name]
    # panel values only: the row's other numbers stay
    for name in ("Brandis und Partheland-Kommunen", "Bad Berleburg und Partnerkommunen"):
        row = rows[name]
        assert row["Anmerkung"] == "n Panel, d_z: unterdrückt (n < 5)"
        assert row["n Panel"] == row["d_z"] == row["95-%-KI d_z"] == "–"
        assert row["n vorher"] in ("30", "40") and row["Mittelwert vorher"] == "2,50"
    shown = rows["Bad Belzig und Wiesenburg/Mark"]
    assert shown["Anmerkung"] == "" and shown["n Panel"] == "100"
    # German numbers: 2 and 3 alternate (2,50), one wave later 0,5 higher; thousands point
    assert (shown["Mittelwert vorher"], shown["Mittelwert nachher"]) == ("2,50", "3,00")
    everyone = rows["alle zusammen"]
    assert (everyone["n vorher"], everyone["n nachher"]) == ("1.086", "1.079")
    assert everyone["Anmerkung"] == ""


def test_the_plain_text_view_has_no_nan_either(demo, change):
    text = present.table(change, demo).to_string()
    assert "unterdrückt (n < 5)" in text
    assert not NOT_A_NUMBER.search(text), NOT_A_NUMBER.search(text)


def test_english_and_another_k(demo):
    out = stats.change_by_unit(_scores(SIZES), "trust", before=1, after=2, min_n=7)
    _, rows = _by_unit(present.table(out, demo, lang="en").to_html())
    assert rows["Bremen"]["Note"] == "suppressed (n < 7)"
    assert rows["all together"]["n before"] == "1,086"
    assert rows["Bad Belzig und Wiesenburg/Mark"]["Mean before"] == "2.50"


def test_a_frame_with_its_own_note_column_gets_the_label_there():
    """did_2x2 masks a cell of 3 and the changes and DiD derived from it."""
    rng = np.random.default_rng(3)
    sizes = {(1.0, 0.0): 20, (1.0, 1.0): 3, (0.0, 0.0): 20, (0.0, 1.0): 20}
    data = pd.DataFrame(
        [(lab, post, rng.normal()) for (lab, post), n in sizes.items() for _ in range(n)],
        columns=["lab", "post", "trust"],
    )
    table = stats.did_2x2(data, "trust", treatment="lab", post="post")
    assert table["suppressed"].sum() >= 2  # the small cell and what derives from it
    html = present.table(table).to_html()
    assert not NOT_A_NUMBER.search(html)
    heads, rows = cells(html)
    notes = [dict(zip(heads, r, strict=True))["Anmerkung"] for r in rows]
    flags = table["suppressed"].tolist()
    for flag, text in zip(flags, notes, strict=True):
        assert text.startswith("unterdrückt (n < 5)") == flag, (flag, text)


def test_without_a_known_k_the_label_still_says_suppressed(demo):
    answers = pd.DataFrame(
        [
            (f"r{w}{i}", "bremen", w, "buerger", "q1", float(1 + i % 5))
            for w, n in ((1, 12), (2, 3))
            for i in range(n)
        ],
        columns=["respondent_id", "unit_id", "wave", "actor_group", "item_id", "value"],
    )
    book = pd.DataFrame(
        {"item_id": ["q1"], "construct": "trust", "scale_min": 1, "scale_max": 5,
         "reverse_keyed": False, "value_labels": ""}
    )  # fmt: skip
    shares = stats.likert_summary(answers, book, by=["wave"]).shares
    html = present.table(shares, demo).to_html()
    assert not NOT_A_NUMBER.search(html)
    heads, rows = cells(html)
    note = heads.index("Anmerkung")
    first, second = (r[note] for r in rows)
    assert first == "" and second.startswith("unterdrückt")


def test_the_cells_of_a_difference_in_differences_read_german():
    rng = np.random.default_rng(4)
    data = pd.DataFrame(
        [(lab, post, rng.normal()) for lab in (0.0, 1.0) for post in (0.0, 1.0) for _ in range(12)],
        columns=["lab", "post", "trust"],
    )
    table = stats.did_2x2(data, "trust", treatment="lab", post="post")
    heads, rows = cells(present.table(table).to_html())
    terms = [dict(zip(heads, r, strict=True))["Term"] for r in rows]
    assert terms == [
        "Labore, vorher",
        "Labore, nachher",
        "Vergleich, vorher",
        "Vergleich, nachher",
        "Labore, Veränderung",
        "Vergleich, Veränderung",
        "Differenz der Differenzen",
    ]
    heads, rows = cells(present.table(table, lang="en").to_html())
    assert dict(zip(heads, rows[-1], strict=True))["Term"] == "difference in differences"


def test_a_row_hidden_by_a_shared_decision_carries_the_label_once(demo):
    counts = pd.DataFrame({"is_lab": [False, True], "wave": [3, 3], "n": [587, 3]})
    decision = privacy.Disclosure(5)
    protected = decision.protect(counts, groups=["is_lab", "wave"])
    html = present.table(protected, demo).to_html()
    heads, rows = cells(html)
    notes = [dict(zip(heads, r, strict=True))["Anmerkung"] for r in rows]
    assert notes == ["", "unterdrückt (n < 5)"]
