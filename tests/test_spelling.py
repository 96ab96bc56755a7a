"""One rule for "meinten Sie …?" (ogl_impact.spelling.closest) and the messages that use it."""

from __future__ import annotations

import shutil

import pytest

from ogl_impact import stats
from ogl_impact.problems import format_text
from ogl_impact.spelling import CUTOFF, closest
from ogl_impact.stats.errors import StatsInputError
from ogl_impact.validate import validate_folder
from tests.conftest import DEMO

LABS = ["bad_belzig", "brandis", "kehl", "moers"]
PERIODS = ["sb1", "sb2", "sb3", "sb4", "sb5", "sb6"]


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        ("brandiss", "brandis"),  # one letter too many
        ("moerz", "moers"),  # one letter wrong in five
        ("bad-belzig", "bad_belzig"),
        ("bad_belzg", "bad_belzig"),  # one letter missing
    ],
)
def test_a_typo_means_the_known_name(given, meant):
    assert closest(given, LABS) == meant


ALL_LABS = [
    "bad_belzig", "bad_berleburg", "brandis", "bensheim", "bremen", "kehl", "marburg_biedenkopf",
    "merzenich", "merseburg", "moers", "rhein_neckar", "verwaltungsrebellen", "wuerzburg",
]  # fmt: skip


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        ("marburg", "marburg_biedenkopf"),  # merseburg is more alike (0.75), another lab
        ("Marburg", "marburg_biedenkopf"),
        ("merse", "merseburg"),  # moers is more alike, another lab
        ("rhein", "rhein_neckar"),
        ("verwaltung", "verwaltungsrebellen"),
    ],
)
def test_the_beginning_of_one_name_means_that_name(given, meant):
    # a lab named by its first word was told "meinten Sie merseburg?": a workbook for
    # another lab if followed
    assert closest(given, ALL_LABS) == meant


@pytest.mark.parametrize("given", ["bad", "me", "b", "mer", "bad_be"])
def test_the_beginning_of_several_names_means_none_of_them(given):
    # "mer" was told "meinten Sie moers?", "bad_be" "bad_belzig?" (bad_berleburg begins so too)
    assert closest(given, ALL_LABS) is None


@pytest.mark.parametrize("given", ["sb", "SB", "sb "])
def test_the_beginning_of_every_period_means_none(given):
    assert closest(given, PERIODS) is None  # was sb6, the last of six equally alike


@pytest.mark.parametrize("given", ["Brandis", "BRANDIS", " brandis ", "Kehl"])
def test_capitals_and_spaces_around_mean_the_name_itself(given):
    assert closest(given, LABS) == given.strip().lower()


def test_the_name_is_returned_as_known_spells_it():
    assert closest("ab-12", ["AB-12", "CD-34"]) == "AB-12"
    assert closest("milestone", ["Milestones", "Nodes"]) == "Milestones"


@pytest.mark.parametrize(
    ("given", "known", "meant"),
    [
        ("sc6", PERIODS, "sb6"),  # likeness 2/3, below the cutoff
        ("sb", ["sa", "sc"], "sc"),  # ties go to the later name, as difflib decides them
        ("p4", ["q4", "w1"], "q4"),  # likeness 1/2
        ("kehk", LABS, "kehl"),
    ],
)
def test_a_short_name_with_one_character_wrong_is_meant(given, known, meant):
    assert closest(given, known) == meant


@pytest.mark.parametrize(
    ("given", "known"),
    [
        ("xx", PERIODS),  # nothing alike
        ("sb77", ["sb1"]),  # two characters off a short name
        ("ab", ["xy"]),  # short, but two characters wrong
        ("wiesenburg", LABS),
        ("", LABS),
        ("   ", LABS),
        ("brandis", []),
        (None, LABS),
        (3, PERIODS),
    ],
)
def test_nothing_close_means_nothing(given, known):
    assert closest(given, known) is None


@pytest.mark.parametrize(
    ("given", "known"),
    [
        ("sb7", PERIODS),  # a period not yet in periods.csv, not a typo of sb6
        ("sb0", ["sb1"]),
        ("p4", ["p1", "w1"]),
        ("sb16", ["sb15", "sb26"]),  # likeness 0.75 would reach the cutoff
        ("welle2027", ["welle2026"]),
        ("sb1", ["sb10"]),  # the beginning of sb10, but period 1 is not period 10
        ("welle1", ["welle10", "welle2"]),
        ("sb10", ["sb1"]),  # one digit more: likeness 0.86
        ("SB1", ["sb10", "sb11", "sb12"]),
    ],
)
def test_a_name_differing_only_in_its_digits_is_another_id(given, known):
    assert closest(given, known) is None


@pytest.mark.parametrize(
    ("given", "known", "meant"),
    [
        ("welle", ["welle10", "xy"], "welle10"),  # a beginning without a number still begins it
        ("projekt1", ["projekt1_kehl", "projekt2"], "projekt1_kehl"),  # the number is whole
        ("sb06", ["sb6", "sb5"], "sb6"),  # the same number written with a zero
    ],
)
def test_a_beginning_that_ends_a_number_still_means_the_name(given, known, meant):
    assert closest(given, known) == meant


@pytest.mark.parametrize(
    ("given", "known"),
    [
        ("rev", ["revisions", "submissions"]),
        ("sub", ["revisions", "submissions"]),
        ("code", ["codebook", "labs"]),
        ("mil", ["milestones", "labs"]),
    ],
)
def test_without_prefix_a_beginning_means_nothing(given, known):
    assert closest(given, known)  # the beginning of exactly one name means it ...
    assert closest(given, known, prefix=False) is None  # ... not for a file found beside them


def test_without_prefix_a_typo_is_still_meant():
    assert closest("revisons", ["revisions", "labs"], prefix=False) == "revisions"
    assert closest("Labs", ["revisions", "labs"], prefix=False) == "labs"


def test_the_cutoff_decides_for_longer_names():
    # "abcdefgh" / "abcdwxyz": 4 of 8 characters alike, likeness 0.5
    assert CUTOFF > 0.5
    assert closest("abcdefgh", ["abcdwxyz"]) is None
    assert closest("abcdefgh", ["abcdwxyz"], cutoff=0.5) == "abcdwxyz"
    # 7 of 8 alike: likeness 0.875
    assert closest("abcdefgh", ["abcdefgx"]) == "abcdefgx"


def test_the_most_alike_name_wins():
    assert closest("brandi", ["brand", "brandis"]) == "brandis"


@pytest.mark.parametrize(
    ("given", "meant"),
    [("holms", "holm"), ("Holm", "holm"), ("BH", "fdr_bh"), ("fdr-bh", "fdr_bh")],
)
def test_adjust_pvalues_names_the_method_meant(given, meant):
    with pytest.raises(StatsInputError, match=f"meinten Sie '{meant}'"):
        stats.adjust_pvalues([0.01, 0.02], method=given)


def test_adjust_pvalues_suggests_nothing_for_a_strange_method():
    with pytest.raises(StatsInputError) as caught:
        stats.adjust_pvalues([0.01, 0.02], method="zauberei")
    assert "meinten Sie" not in str(caught.value)


@pytest.mark.parametrize("method", [None, 3, ["holm"]])
def test_adjust_pvalues_refuses_a_method_that_is_no_name(method):
    with pytest.raises(StatsInputError, match="Unbekannte Korrekturmethode") as caught:
        stats.adjust_pvalues([0.01, 0.02], method=method)
    assert "meinten Sie" not in str(caught.value)


def _edited_copy(tmp_path, table: str, edits: dict[int, tuple[str, str]]):
    """A copy of the embedded data whose ``table`` has the start of some lines replaced.

    ``edits`` maps a line number (1-based, as messages count) to the start
    the line has and the start it gets instead.
    """
    folder = tmp_path / "daten"
    shutil.copytree(DEMO, folder)
    path = folder / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    for number, (before, after) in edits.items():
        assert lines[number - 1].startswith(before), lines[number - 1]
        lines[number - 1] = after + lines[number - 1].removeprefix(before)
    path.write_text("\n".join(lines), encoding="utf-8")
    return folder


def test_a_mistyped_part_of_a_key_of_two_columns_is_told_the_part_meant(tmp_path):
    # a value's (lab, indicator): the column without a match is compared with what the
    # indicators hold under the columns before it (the lab's own indicators)
    folder = _edited_copy(
        tmp_path,
        "indicator_values",
        {
            3: ("bad_belzig;i01;", "bad_belzig;I01;"),
            4: ("bad_belzig;", "bad_belzgi;"),
            5: ("bad_belzig;i01;", "bad_belzig;zz9;"),
        },
    )
    problems = validate_folder(folder).problems
    said = format_text(problems)
    assert (
        "indicator_values.csv, Zeile 3, Spalte „indicator_id“, Wert „I01“: Verweis ins Leere: "
        "„bad_belzig/I01“ gibt es in indicators (Spalten lab_id/indicator_id) nicht. "
        "Meinten Sie „i01“?"
    ) in said, said
    assert (
        "indicator_values.csv, Zeile 4, Spalte „lab_id“, Wert „bad_belzgi“: Verweis ins Leere: "
        "„bad_belzgi/i01“ gibt es in indicators (Spalten lab_id/indicator_id) nicht. "
        "Meinten Sie „bad_belzig“?"
    ) in said, said
    (none,) = [line for line in said.splitlines() if "Zeile 5," in line]
    assert "Wert „zz9“" in none and "Meinten" not in none, none
    assert "Did you mean 'i01'?" in format_text(problems, lang="en")


def test_a_single_dangling_key_is_told_the_key_meant(tmp_path):
    # the suggestion stood only in the summary of three or more rows alike
    folder = _edited_copy(
        tmp_path,
        "milestones",
        {3: ("bad_belzig;", "Bad_Belzig;"), 4: ("bad_belzig;", "marburg;")},
    )
    said = format_text(validate_folder(folder).problems)
    assert (
        "milestones.csv, Zeile 3, Spalte „lab_id“, Wert „Bad_Belzig“: Verweis ins Leere: "
        "„Bad_Belzig“ gibt es in labs (Spalte lab_id) nicht. Meinten Sie „bad_belzig“?"
    ) in said, said
    assert "Wert „marburg“" in said and "nicht. Meinten Sie „marburg_biedenkopf“?" in said, said
