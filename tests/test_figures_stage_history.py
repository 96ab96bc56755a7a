"""The staircase figures read one stage history per report."""

from __future__ import annotations

import pandas as pd

import ogl_impact
from ogl_impact import logic
from ogl_impact.reports import FIGURES, context, find


def test_both_staircases_compute_the_stages_once_and_leave_the_history_alone(monkeypatch):
    ds = ogl_impact.load_demo()
    calls = []
    stages = logic.stages

    def counted(att: pd.DataFrame) -> pd.DataFrame:
        calls.append(1)
        return stages(att)

    monkeypatch.setattr(logic, "stages", counted)
    ctx = context(ds, find(ds.periods, "pb"), reps=99)
    stage = FIGURES["wirkungstreppe"].data(ctx)[0]
    history = FIGURES["wirkungstreppe_verlauf"].data(ctx)[0]
    assert len(calls) == 1
    # the single period's staircase passes over stages here, so it read the history too
    assert stage.frame["skipped"].ne("").any()
    # the history figure adds its columns to a frame of its own
    shared = ctx.cache["stage_history"]
    assert "period_label" not in shared.columns and "n" not in shared.columns
    assert list(history.frame.columns[-3:]) == ["period_label", "n", "lab_label"]
