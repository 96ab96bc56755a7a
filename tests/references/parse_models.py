"""Parsers for the reference outputs of the mixed and ordinal model tests.

Each function reads a committed reference file as printed by R, Julia, Stata or
written by statsmodels' R script, and returns the numbers in it; no number is
retyped into a test.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def r2nparray(path: Path) -> dict[str, np.ndarray]:
    """Read ``name = np.array([...]).reshape(r, c, order="F")`` assignments (R2nparray output).

    The file is parsed with :mod:`ast`, never executed.
    """
    out: dict[str, np.ndarray] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Call):
            continue
        name = node.targets[0].id
        call = node.value
        shape = None
        if isinstance(call.func, ast.Attribute) and call.func.attr == "reshape":
            shape = tuple(ast.literal_eval(a) for a in call.args)
            call = call.func.value
        values = np.asarray(ast.literal_eval(call.args[0]), dtype=float)
        out[name] = values.reshape(shape, order="F") if shape else values
    return out


def lme4_sleepstudy(path: Path = HERE / "lme4_sleepstudy.txt") -> dict[str, dict]:
    """The two sleepstudy fits: fixed (estimate, se), variances, REML criterion."""
    text = path.read_text(encoding="utf-8")
    first, second = text.split("# Random slopes")
    intercept: dict = {"fixed": {}, "var": {}}
    intercept["reml"] = float(re.search(r"REML criterion at convergence: (" + _NUM + ")", first)[1])
    for name in ("Subject  (Intercept)", "Residual"):
        m = re.search(re.escape(name) + r"\s+(" + _NUM + r")\s+(" + _NUM + ")", first)
        intercept["var"][name.split()[0]] = float(m[1])
    fixed = first.split("Fixed effects:")[1]
    for term in ("(Intercept)", "Days"):
        m = re.search(re.escape(term) + r"\s+(" + _NUM + r")\s+(" + _NUM + ")", fixed)
        intercept["fixed"][term] = (float(m[1]), float(m[2]))
    slope: dict = {"fixed": {}, "var": {}}
    slope["reml"] = float(re.search(r"REML criterion at convergence (" + _NUM + ")", second)[1])
    m = re.search(r"Subject\s+\(Intercept\)\s+(" + _NUM + r")\s+(" + _NUM + ")", second)
    slope["var"]["(Intercept)"] = float(m[1])
    m = re.search(r"\n\s+Days\s+(" + _NUM + r")\s+(" + _NUM + r")\s+(" + _NUM + ")", second)
    slope["var"]["Days"], slope["corr"] = float(m[1]), float(m[3])
    slope["var"]["Residual"] = float(re.search(r"Residual\s+(" + _NUM + ")", second)[1])
    for term in ("(Intercept)", "Days"):
        m = re.search(
            r"\n" + re.escape(term) + r"\s+(" + _NUM + r")\s+(" + _NUM + r")\s*(?:\n|$)", second
        )
        slope["fixed"][term] = (float(m[1]), float(m[2]))
    return {"intercept": intercept, "slope": slope}
