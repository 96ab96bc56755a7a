"""Every figure with one panel, row or bar per lab shows the labs in the order of their names.

German order as in a dictionary: "Bad ..." under B, umlauts as their base letters, so
"Oberrhein" (id ``kehl``) stands under O, not between Bremen and Marburg as in labs.csv.
"""

from __future__ import annotations

import pytest

from ogl_impact.reports import draw

# the 13 short names as the figures show them, in German alphabetical order (written by hand)
NAMES = [
    "Bad Belzig und Wiesenburg/Mark",
    "Bad Berleburg und Partnerkommunen",
    "Bensheim und Partnerkommunen",
    "Brandis und Partheland-Kommunen",
    "Bremen",
    "Marburg-Biedenkopf, Bad Endbach und Breidenbach",
    "Merseburg, Schkopau und Saalekreis",
    "Merzenich und Kerpen",
    "Oberrhein",
    "Reallabor Niederrhein",
    "Rhein-Neckar und Heidelberg",
    "Verwaltungsrebellen",
    "Würzburg, Landkreis Würzburg und Gerbrunn",
]
IDS = [
    "bad_belzig",
    "bad_berleburg",
    "bensheim",
    "brandis",
    "bremen",
    "marburg_biedenkopf",
    "merseburg",
    "merzenich",
    "kehl",
    "moers",
    "rhein_neckar",
    "verwaltungsrebellen",
    "wuerzburg",
]


def _plain(text: str) -> str:
    """A drawn label as one line: wrapped lines joined, a hyphen at a line end removed."""
    return text.replace("-\n", "").replace("\n", " ")


def _in_order_of_first_appearance(values) -> list:
    return list(dict.fromkeys(values))


def test_the_names_are_in_german_order():
    def key(name: str) -> str:
        return name.lower().translate(str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"}))

    assert sorted(NAMES, key=key) == NAMES


@pytest.mark.parametrize(
    ("report", "name"),
    [
        ("pb", "offenheit_radar"),
        ("pb", "offenheit_punkte"),
        ("pb", "wirkungstreppe_verlauf"),
        ("zb", "offenheit_radar"),
    ],
)
def test_small_multiples_and_their_tables_follow_the_names(demo, report, name):
    drawn = draw(demo, report, name, reps=99)[0]
    titles = [_plain(ax.get_title()) for ax in drawn.figure.axes if ax.axison and ax.get_title()]
    assert titles == NAMES
    column = "lab_id" if "lab_id" in drawn.table.columns else "unit_id"
    if name == "wirkungstreppe_verlauf":  # one block of labs per period, in time order
        for period, block in drawn.table.groupby("period_id", sort=False):
            ids = list(block[column])
            assert ids == [x for x in IDS if x in set(ids)], period
        assert set(drawn.table[column]) == set(IDS)
    else:  # labs without answers in the wave have an empty panel and no rows
        ids = _in_order_of_first_appearance(drawn.table[column])
        assert ids == [x for x in IDS if x in set(ids)]
        assert len(ids) >= 10


@pytest.mark.parametrize("name", ["partner", "zielerreichung", "meilensteine", "wirkungstreppe"])
def test_lab_rows_and_their_tables_follow_the_names(demo, name):
    drawn = draw(demo, "pb", name, reps=99)[0]
    shown = _in_order_of_first_appearance(drawn.table["lab_label"])
    assert [x for x in shown if x in NAMES] == NAMES
    ax = drawn.figure.axes[0]
    rows = [_plain(t.get_text()) for t in ax.get_yticklabels()]
    assert [x for x in rows if x in NAMES] == NAMES, rows


def test_the_gallery_shows_the_impact_models_in_the_same_order(tmp_path):
    import re

    import ogl_impact
    from ogl_impact.reports import build

    ds = ogl_impact.load_demo()
    build(ds, tmp_path, report_ids=["pb"], formats=["svg"], jobs=1, reps=99)
    page = (tmp_path / "pb" / "index.html").read_text(encoding="utf-8")
    models = re.findall(r'<figure id="wirkungsmodell_([a-z_]+)"', page)
    assert models == IDS
