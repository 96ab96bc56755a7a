"""What a reader of the built figures still found (s30).

- The radar's ring numbers, with their white edge, were drawn over the lab's line and cut a gap
  into the profile.
- The trust figure's alt text quoted the wave with the statement („…, Welle 1“).
- The n of the radar and of the trust figure could not be traced to the CSV's n: the caption
  now says what n counts.
- "Zuvor belegt, in PB hell" listed a stage light since SB6 as if it had turned light in PB; the
  single period's staircase drew the same light cells without saying they were shown before.
- The key of the light tint in the staircase history wrapped to five lines, its swatch by the
  third.
- The captions of the attainment grid and the impact models defined statuses no cell had.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from ogl_impact.reports import draw

from .conftest import DEMO


def _raw(table: str) -> pd.DataFrame:
    return pd.read_csv(DEMO / f"{table}.csv", sep=";", comment="#")


# --- 1. the radar's ring numbers lie under the data lines ---------------------------------------


def _render(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)


@pytest.mark.parametrize("report", ["zb", "pb"])
def test_no_ring_number_covers_a_data_line(demo, report):
    # the pixels where a data line (lab or network) drawn alone has its full colour are the
    # same whether the ring numbers are drawn or not: no number, and no white edge of one,
    # lies on a line
    fig = draw(demo, report, "offenheit_radar", reps=99)[0].figure
    fig.set_dpi(150)
    panels = [ax for ax in fig.axes if ax.name == "polar" and ax.axison]
    rings = [t for ax in panels for t in ax.texts if t.get_gid() == "ring"]
    data = [ln for ax in panels for ln in ax.lines if ln.get_gid() in ("lab", "network")]
    assert len(rings) >= 4 * 10 and len(data) >= 2 * 10
    with_rings = _render(fig)
    for t in rings:
        t.set_visible(False)
    without = _render(fig)
    everything = [a for a in fig.findobj() if a is not fig and a is not fig.patch]
    shown = {a: a.get_visible() for a in everything}
    keep = {*data, *panels, *(ax.patch for ax in panels)}
    for a in everything:
        a.set_visible(a in keep)
    alone = _render(fig)
    for a, visible in shown.items():
        a.set_visible(visible)
    # a line's own colour (lab blue, network grey), not its antialiased rim
    colours = [np.array([int(ln.get_color()[i : i + 2], 16) for i in (1, 3, 5)]) for ln in data]
    core = np.zeros(alone.shape[:2], bool)
    for c in colours:
        core |= np.abs(alone - c).sum(axis=2) < 30
    assert core.sum() > 2000
    # the numbers do stand where lines run: a pixel of a number shares a place with a line
    inked = np.abs(with_rings - without).sum(axis=2) > 30
    assert inked.sum() > 100
    covered = core & inked
    assert not covered.any(), int(covered.sum())


# --- 2. the trust figure's alt text quotes only the statement -----------------------------------


@pytest.mark.parametrize("report", ["sb4", "zb", "pb"])
def test_the_trust_alt_text_quotes_the_statement_and_names_the_wave_after_it(demo, report):
    drawn = draw(demo, report, "vertrauen_likert", reps=99)[0]
    book = _raw("codebook")
    statements = set(book.loc[book["construct"] == "trust", "wording_de"])
    # the statements as the figure writes them (its bold headings)
    written = {t.get_text() for ax in drawn.figure.axes for t in ax.texts}
    quoted = re.findall(r"„([^“]*)“( – Welle \d+)?", drawn.alt_text)
    assert len(quoted) >= 2
    for statement, wave in quoted:
        assert statement in statements and statement in written, statement
        assert wave, statement
    assert "Welle" not in "".join(q for q, _ in quoted)


# --- 7. what n counts ---------------------------------------------------------------------------


def test_the_radar_caption_says_what_its_n_counts(demo):
    drawn = draw(demo, "pb", "offenheit_radar", reps=99)[0]
    responses, book = _raw("responses"), _raw("codebook")
    labs = set(_raw("labs")["lab_id"])
    items = book.loc[book["construct"].str.fullmatch(r"p\d"), "item_id"]
    wave = responses["wave"].max()
    answered = responses[
        responses["item_id"].isin(items)
        & responses["value"].notna()
        & (responses["wave"] == wave)
        & responses["unit_id"].isin(labs)
    ]
    n = answered["respondent_id"].nunique()
    assert n == drawn.n
    # more than the largest n of a perspective summed over the labs: said in words
    csv = drawn.table
    assert csv.groupby("unit_id")["n"].max().sum() < n
    said = f"n = {n:,}".replace(",", ".") + ": Befragte der Labore mit mindestens einer Antwort"
    assert said in drawn.caption
    assert f"Perspektive in Welle {wave}, jede Person einmal gezählt" in drawn.caption


def test_the_trust_caption_says_what_its_n_counts(demo):
    drawn = draw(demo, "sb4", "vertrauen_likert", reps=99)[0]
    responses, book = _raw("responses"), _raw("codebook")
    items = book.loc[book["construct"] == "trust", "item_id"]
    # SB4 (2021) has the waves 1 and 2 (field work 2020 and 2021), not wave 3 (autumn 2022)
    waves = _raw("waves").set_index("wave")["field_end"]
    shown = [w for w, end in waves.items() if end < "2021-12-31"]
    assert shown == [1, 2]
    answered = responses[
        responses["item_id"].isin(items)
        & responses["value"].notna()
        & responses["wave"].isin(shown)
    ]
    # a person answering in two waves is counted in each
    n = len(answered.drop_duplicates(["respondent_id", "wave"]))
    assert n > answered["respondent_id"].nunique()
    assert n == drawn.n
    largest = drawn.table.groupby(["wave", "item_id"])["n"].first().groupby("wave").max().sum()
    assert largest < n
    said = f"n = {n:,}".replace(",", ".") + ": Befragte mit mindestens einer Antwort"
    assert said in drawn.caption
    assert "je Welle gezählt" in drawn.caption


# --- 4./5. stages light before the last period, and the single period's staircase -------------


def _light(skipped) -> set[int]:
    return {int(x) for x in str(skipped).replace(" ", "").split(",") if x and x != "nan"}


def test_a_stage_light_since_an_earlier_period_says_since_when(demo):
    drawn = draw(demo, "pb", "wirkungstreppe_verlauf", reps=99)[0]
    csv = drawn.table.sort_values("period_end", kind="stable")
    names = {}
    checked = 0
    for lab, rows in csv.groupby("lab_id", sort=False):
        rows = rows.drop_duplicates("period_id")
        names[lab] = rows["lab_label"].iloc[0]
        for stage in _light(rows["skipped"].iloc[-1]):
            dark = [
                i
                for i, (reached, gaps) in enumerate(
                    zip(rows["stage"], rows["skipped"], strict=True)
                )
                if stage <= reached and stage not in _light(gaps)
            ]
            if not dark:
                continue
            since = rows["period_label"].iloc[dark[-1] + 1]
            shown = rows["period_label"].iloc[dark[-1]]
            head = f"„{names[lab]}“ Stufe {stage} (zuletzt belegt in {shown}"
            if since == "PB":
                assert head + ";" in drawn.caption
            else:
                assert head + f", seit {since} hell;" in drawn.caption
            checked += 1
    assert checked == 3
    # Bad Belzig's stage 3: dark in SB5, light in SB6 and PB
    assert "Stufe 3 (zuletzt belegt in SB5, seit SB6 hell; kein Wert gemeldet)" in drawn.caption


@pytest.mark.parametrize("report", ["sb6", "pb"])
def test_the_single_period_staircase_names_the_stages_shown_before(demo, report):
    history = draw(demo, "pb", "wirkungstreppe_verlauf", reps=99)[0].table
    one = draw(demo, report, "wirkungstreppe", reps=99)[0]
    label = report.upper()
    # the light cells of the report's period that were dark before it, from the history's CSV
    upto = history[
        history["period_end"] <= history.loc[history["period_id"] == report, "period_end"].iloc[0]
    ]
    expected = []
    for _, rows in upto.sort_values("period_end", kind="stable").groupby("lab_id", sort=False):
        rows = rows.drop_duplicates("period_id")
        for stage in _light(rows["skipped"].iloc[-1]):
            if any(
                stage <= r and stage not in _light(g)
                for r, g in zip(rows["stage"].iloc[:-1], rows["skipped"].iloc[:-1], strict=True)
            ):
                expected.append(f"„{rows['lab_label'].iloc[0]}“ Stufe {stage} (zuletzt belegt")
    assert expected
    for text in (one.caption, one.alt_text):
        assert f"Zuvor belegt, in {label} hell (kein Rückschritt belegt): " in text
        assert "kein Rückschritt belegt" in text
        for part in expected:
            assert part in text, part


def test_the_single_period_staircase_without_earlier_periods_says_nothing_of_them(demo):
    one = draw(demo, "sb1", "wirkungstreppe", reps=99)[0]
    assert "Zuvor belegt" not in one.caption and "Zuvor belegt" not in one.alt_text


# --- 6. captions name only the statuses drawn ---------------------------------------------------

# "erreicht" is left out: the captions use the verb ("ob das Ziel erreicht wurde")
NAMED = {"on_track": "im plan", "behind": "im verzug", "no_data": "keine daten"}


@pytest.mark.parametrize("report", ["sb1", "sb6", "pb"])
def test_status_captions_name_only_the_statuses_drawn(demo, report):
    drawn = draw(demo, report, "zielerreichung", reps=99)
    if report == "pb":
        drawn += draw(demo, report, "wirkungsmodelle", reps=99)
    seen = set()
    for one in drawn:
        statuses = set(one.table["status"])
        seen |= statuses
        caption = one.caption.lower()
        for status, words in NAMED.items():
            assert (words in caption) == (status in statuses), (one.name, status)
    # the build has figures with and without each of them
    assert {"on_track", "behind"} <= seen if report != "pb" else {"behind", "no_data"} <= seen


# --- 3. the key of the light tint ---------------------------------------------------------------


@pytest.mark.parametrize("report", ["zb", "pb"])
def test_the_light_key_is_short_and_its_swatch_stands_by_the_first_line(demo, report):
    fig = draw(demo, report, "wirkungstreppe_verlauf", reps=99)[0].figure
    fig.set_dpi(150)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (legend,) = [
        ax.get_legend()
        for ax in fig.axes
        if ax.get_legend() and ax.get_legend().get_title().get_text() == "Stufen in den Treppen"
    ]
    entries = dict(
        zip((t.get_text() for t in legend.get_texts()), legend.legend_handles, strict=True)
    )
    (label,) = [t for t in legend.get_texts() if "übersprungen" in t.get_text()]
    lines = label.get_text().split("\n")
    assert 2 <= len(lines) <= 3, lines
    assert "ohne bewertbaren Indikator" in " ".join(lines)
    # the swatch's middle lies within the label's first line
    box = label.get_window_extent(renderer)
    line = box.height / len(lines)
    swatch = entries[label.get_text()].get_window_extent(renderer)
    middle = (swatch.y0 + swatch.y1) / 2
    assert box.y1 - line <= middle <= box.y1, (middle, box.y1 - line, box.y1)
    # and the key stays inside the figure
    assert legend.get_window_extent(renderer).x1 <= fig.bbox.x1


def test_a_single_wave_trust_caption_does_not_speak_of_counting_twice(demo):
    # SB1 (2020) has wave 1 only: each person is counted once
    drawn = draw(demo, "sb1", "vertrauen_likert", reps=99)[0]
    responses, book = _raw("responses"), _raw("codebook")
    items = book.loc[book["construct"] == "trust", "item_id"]
    answered = responses[
        responses["item_id"].isin(items) & responses["value"].notna() & (responses["wave"] == 1)
    ]
    n = answered["respondent_id"].nunique()
    assert n == drawn.n
    assert (
        f"n = {n:,}".replace(",", ".") + ": Befragte mit mindestens einer Antwort" in drawn.caption
    )
    assert "zweimal" not in drawn.caption
