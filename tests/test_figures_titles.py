"""One rule for the titles of all report figures: every image carries a short title.

The title is the figure's name as the gallery heads it, then after a dash what tells the
panel apart (period, waves, lab); the caption under it in the gallery carries the full
sentence. Checked on every figure of one report build (pb: all kinds, 13 impact models).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

import ogl_impact
from ogl_impact.reports import build

# what tells the panels of pb apart, written by hand from the embedded data
SUBJECTS = {
    "wirkungstreppe": "PB, Nov. 2022",
    "zielerreichung": "PB, Nov. 2022",
    "meilensteine": "PB, Nov. 2022",
    "offenheit_radar": "Welle 3",
    "offenheit_punkte": "Welle 3",
    "effekte": "Welle 1 → 3",
    "wirkungsmodell_bremen": "Bremen",
    "wirkungsmodell_kehl": "Oberrhein",
    "wirkungsmodell_bad_belzig": "Bad Belzig und Wiesenburg/Mark",
}
NO_SUBJECT = {"fortschritt", "partner", "vertrauen_likert", "wirkungstreppe_verlauf"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("titles")
    build(ogl_impact.load_demo(), out, report_ids=["pb"], formats=["svg"], reps=99)
    return out / "pb"


def _drawn_texts(svg: str) -> list[str]:
    """The texts drawn in an SVG (matplotlib writes each as a comment beside its glyphs)."""
    return [html.unescape(t) for t in re.findall(r"<!-- (.*?) -->", svg, re.S)]


def test_every_figure_of_a_build_carries_its_short_title(built):
    page = (built / "index.html").read_text(encoding="utf-8")
    names = re.findall(r'<figure id="([a-z_0-9]+)"', page)
    assert len(names) >= 20 and sum(n.startswith("wirkungsmodell_") for n in names) == 13
    assert set(SUBJECTS) | NO_SUBJECT <= set(names)
    for name in names:
        svg = (built / f"{name}.svg").read_text(encoding="utf-8")
        heading = html.unescape(re.search(r"<title>(.*?)</title>", svg, re.S).group(1))
        texts = _drawn_texts(svg)
        if name.startswith("wirkungsmodell_"):  # one of the group: the image names one model
            heading = "Wirkungsmodell"
        titled = [t for t in texts if t.split("\n")[0].startswith(heading + " – ")]
        titled = titled or [t for t in texts if t.split("\n")[0] == heading]
        assert len(titled) == 1, (name, heading, texts[:5])
        first_line = titled[0].split("\n")[0]
        if name in SUBJECTS:
            assert first_line == f"{heading} – {SUBJECTS[name]}", name
        elif name in NO_SUBJECT:
            assert first_line == heading, name
        else:  # every other figure: the name, perhaps with its subject
            assert re.fullmatch(re.escape(heading) + r"( – .+)?", first_line), name


def test_the_title_stands_at_the_top_left_above_everything(demo):
    from ogl_impact.reports import draw

    for name in ("partner", "offenheit_radar", "wirkungsmodelle", "fortschritt"):
        drawn = draw(demo, "pb", name, reps=99)[0]
        fig = drawn.figure
        renderer = fig.canvas.get_renderer()
        title = fig._suptitle
        named = "Wirkungsmodell – " if name == "wirkungsmodelle" else drawn.title
        assert title is not None and title.get_text().startswith(named), name
        box = title.get_window_extent(renderer)
        others = [ax.get_tightbbox(renderer) for ax in fig.axes if ax.get_visible()]
        assert all(box.y0 >= other.y1 - 1 for other in others if other is not None), name
        assert box.x0 <= 0.05 * fig.bbox.width, name
