"""The layout check: each rule fails on a crafted bad figure and passes its repaired twin.

The contrast values are checked against the WCAG 2 definition's fixed points
(black on white 21:1, equal colours 1:1) and against the figure the reader
measured (white on the vermilion "im Verzug" fill: 3.9:1).
"""

import matplotlib.pyplot as plt
import pytest
from matplotlib.patches import FancyArrowPatch, Rectangle
from matplotlib.transforms import Bbox

from ogl_impact.plots.layout import check_layout, contrast_ratio
from ogl_impact.plots.style import STATUS_COLOURS, house_style, text_colour_on


@pytest.fixture
def fig():
    with house_style():
        figure, ax = plt.subplots(figsize=(6.3, 3))
        figure.subplots_adjust(left=0.1, right=0.8, bottom=0.2, top=0.9)
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 10)
        yield figure
    plt.close(figure)


def _rules(figure, **kw):
    return [p.rule for p in check_layout(figure, **kw)]


def test_a_clean_figure_passes(fig):
    ax = fig.axes[0]
    ax.set_xlabel("Jahr")
    ax.text(2, 5, "links")
    ax.text(7, 5, "rechts")
    assert check_layout(fig) == []


def test_text_outside_the_canvas_fails(fig):
    ax = fig.axes[0]
    ax.text(2, 5, "innen")
    assert _rules(fig) == []
    ax.text(13.5, 5, "zu weit rechts")  # beyond the axes and the canvas
    problems = check_layout(fig)
    assert [(p.rule, p.text) for p in problems] == [("outside", "zu weit rechts")]
    assert "Text ragt aus der Abbildung" in str(problems[0])
    assert "text outside the canvas" in problems[0].message("en")


def test_a_saved_area_can_stand_for_the_canvas(fig):
    ax = fig.axes[0]
    ax.text(13.5, 5, "zu weit rechts")
    box = fig.get_tightbbox().padded(0.05)  # what savefig(bbox_inches="tight") keeps
    assert "outside" in _rules(fig)
    assert "outside" not in _rules(fig, bbox=box)


def test_overlapping_texts_fail_and_empty_texts_are_ignored(fig):
    ax = fig.axes[0]
    ax.text(5, 5, "Beteiligung", ha="center")
    ax.text(5, 5, "", ha="center")  # empty: ignored
    ax.text(5, 8, "Transparenz", ha="center")
    assert _rules(fig) == []
    ax.text(5.3, 5.1, "Vertrauen", ha="center")
    problems = check_layout(fig)
    assert [p.rule for p in problems] == ["overlap"]
    assert {problems[0].text, problems[0].detail} == {"Beteiligung", "mit 'Vertrauen'"}


def test_tick_labels_that_collide_are_found(fig):
    ax = fig.axes[0]
    ax.set_xticks([1, 1.2], ["Kommunalverwaltung", "Zivilgesellschaft"])
    assert "overlap" in _rules(fig)


def test_an_arrow_across_a_label_fails_but_not_across_its_own(fig):
    ax = fig.axes[0]
    ax.text(5, 5, "Workshop", ha="center", va="center")
    # an annotation points from its own label: allowed
    ax.annotate("Quelle", xy=(9, 2), xytext=(1, 1.5), arrowprops={"arrowstyle": "->"})
    assert _rules(fig) == []
    # a plain arrow straight through "Workshop"
    ax.add_patch(FancyArrowPatch((2, 5), (8, 5), arrowstyle="->", gid="a->b"))
    problems = check_layout(fig)
    assert [(p.rule, p.text, p.detail) for p in problems] == [
        ("arrow", "Workshop", "gekreuzt von a->b")
    ]


@pytest.mark.parametrize("rad,crossed", [(0.0, False), (-0.4, True), (0.4, True)])
def test_a_curved_annotation_arrow_across_another_label_fails(fig, rad, crossed):
    ax = fig.axes[0]
    # labels above and below the straight line; a curve bulges into one of them
    ax.text(5, 8.5, "oben", ha="center", va="center", fontsize=7)
    ax.text(5, 1.5, "unten", ha="center", va="center", fontsize=7)
    ax.annotate(
        "",
        xy=(9, 5),
        xytext=(1, 5),
        arrowprops={"arrowstyle": "->", "connectionstyle": f"arc3,rad={rad}"},
    )
    assert ("arrow" in _rules(fig)) is crossed


def test_an_arrow_passing_beside_a_label_is_fine(fig):
    ax = fig.axes[0]
    ax.text(5, 5, "Workshop", ha="center", va="center")
    ax.add_patch(FancyArrowPatch((2, 8), (8, 8), arrowstyle="->"))
    assert _rules(fig) == []


def test_contrast_ratio_follows_wcag():
    assert contrast_ratio("black", "white") == pytest.approx(21.0)
    assert contrast_ratio("#123456", "#123456") == pytest.approx(1.0)
    # white on the vermilion status fill: the 3.9:1 a reader measured
    assert contrast_ratio("white", STATUS_COLOURS["behind"]) == pytest.approx(3.9, abs=0.05)
    assert contrast_ratio(text_colour_on(STATUS_COLOURS["behind"]), "#D55E00") >= 4.5


def test_low_contrast_on_a_bar_fails_and_the_chosen_colour_passes(fig):
    ax = fig.axes[0]
    ax.add_patch(Rectangle((1, 4), 8, 2, facecolor=STATUS_COLOURS["behind"]))
    label = ax.text(5, 5, "im Verzug", ha="center", va="center", color="white")
    problems = check_layout(fig)
    assert [p.rule for p in problems] == ["contrast"]
    assert problems[0].detail == "3,9:1, mindestens 4,5:1"
    label.set_color(text_colour_on(STATUS_COLOURS["behind"]))
    assert _rules(fig) == []


def test_light_grey_text_on_the_white_axes_fails(fig):
    ax = fig.axes[0]
    ax.text(5, 5, "Netzwerk-Mittel", color="#9E9E9E")  # the old GREY
    assert _rules(fig) == ["contrast"]


def test_text_on_a_pcolormesh_cell_is_measured_against_that_cell(fig):
    ax = fig.axes[0]
    ax.pcolormesh([0, 5, 10], [0, 10], [[0, 1]], cmap="Greys", vmin=0, vmax=1)
    ax.text(2.5, 5, "hell", ha="center", color="black")  # on white: fine
    ax.text(7.5, 5, "dunkel", ha="center", color="black")  # on black: fails
    problems = check_layout(fig)
    assert [(p.rule, p.text) for p in problems] == [("contrast", "dunkel")]


def test_translucent_fill_is_blended(fig):
    ax = fig.axes[0]
    ax.add_patch(Rectangle((1, 4), 8, 2, facecolor="black", alpha=0.1))
    ax.text(5, 5, "fast weiß", ha="center", va="center", color="black")
    assert _rules(fig) == []  # 10 % black over white is still light


def test_small_fonts_fail_at_print_size(fig):
    ax = fig.axes[0]
    ax.text(5, 5, "klein", fontsize=5)
    ax.text(5, 2, "lesbar", fontsize=6)
    problems = check_layout(fig)
    assert [(p.rule, p.text) for p in problems] == [("font", "klein")]
    assert problems[0].detail == "5,0 pt gedruckt, mindestens 6,0"


def test_a_figure_wider_than_the_page_is_scaled_down():
    with house_style():
        wide, ax = plt.subplots(figsize=(32 / 2.54, 3))  # 32 cm, printed at 16 cm
        ax.set_xticks([])
        ax.set_yticks([])
        ax.text(0.1, 0.5, "Achsentitel", fontsize=10)
        ax.text(0.6, 0.5, "Zahl", fontsize=14)
        problems = check_layout(wide)
    plt.close(wide)
    # 10 pt becomes 5 pt on paper; 14 pt becomes 7 pt
    assert [(p.rule, p.text) for p in problems] == [("font", "Achsentitel")]


def test_invisible_and_hidden_axes_texts_are_not_checked(fig):
    ax = fig.axes[0]
    ax.text(5, 5, "verborgen", fontsize=4).set_visible(False)
    ax.axis("off")
    assert check_layout(fig) == []


def test_rotated_labels_are_compared_by_their_own_rectangles(fig):
    ax = fig.axes[0]
    # side by side at 45 degrees: the boxes around them overlap, the labels do not
    for x in (3, 3.8):
        ax.text(x, 5, "Berichtszeitraum", rotation=45, ha="center", va="center", fontsize=7)
    assert _rules(fig) == []
    # one crossing the other does overlap
    ax.text(3.4, 5, "Berichtszeitraum", rotation=-45, ha="center", va="center", fontsize=7)
    assert set(_rules(fig)) == {"overlap"}


def test_a_saved_area_wider_than_the_page_shrinks_the_print(fig):
    ax = fig.axes[0]
    ax.text(5, 5, "Beschriftung", fontsize=6.5)
    assert _rules(fig) == []
    wide = Bbox.from_bounds(0, 0, 20 / 2.54, 3)  # 20 cm saved, printed at 16 cm
    assert "font" in _rules(fig, bbox=wide)  # 6.5 pt * 16/20 = 5.2 pt
