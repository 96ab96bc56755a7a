"""Rebuild the simulated panel of linearmodels' Stata comparisons (simulated-panel.dta).

linearmodels (github.com/bashtage/linearmodels, linearmodels/tests/panel/results/
generate-panel-data.py) draws, with NumPy's legacy RandomState(12345) (whose stream NumPy keeps
fixed): regressors x0..x6 ~ N(0, 1) of shape (7, T=3, N=1000) with x0 = 1, slopes 1/7 .. 7/7,
idiosyncratic errors (T, N), firm effects (1, N), weights chi2(10)/10 (drawn, unused here), then
for 5 % and 20 % missing values one ``choice(N*T, share*N*T)`` per variable y, x1..x5 in turn.
Rows are ordered by firm, then year. Checked against the .dta: equal to 4e-16.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def simulated_panel() -> pd.DataFrame:
    """The panel: firm, time, y, x1..x6 and the *_light / *_heavy copies with missing values."""
    rs = np.random.RandomState(12345)
    n, t, k = 1000, 3, 6
    x = rs.randn(k + 1, t, n)
    x[0] = 1
    beta = np.arange(1, k + 2) / (k + 1)
    y = (beta[:, None, None] * x).sum(0) + rs.randn(t, n)
    y += rs.randn(1, n)
    rs.chisquare(10, size=(1, n))  # the weights, kept for the random stream
    frame = pd.DataFrame({"firm": np.repeat(np.arange(n), t), "time": np.tile(np.arange(t), n)})
    for i in range(1, k + 1):
        frame[f"x{i}"] = x[i].T.ravel()
    frame["y"] = y.T.ravel()
    for share, suffix in ((0.05, "_light"), (0.20, "_heavy")):
        for v in ["y", "x1", "x2", "x3", "x4", "x5"]:
            locs = rs.choice(n * t, int(n * t * share))
            col = frame[v].copy()
            col.iloc[locs] = np.nan
            frame[v + suffix] = col
    return frame
