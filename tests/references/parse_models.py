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


class Printed(float):
    """A number as printed: its value and the number of decimals shown."""

    decimals: int

    def __new__(cls, text: str) -> Printed:
        value = super().__new__(cls, float(text))
        mantissa = text.lower().split("e")[0]
        value.decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        if "e" in text.lower():
            value.decimals -= int(text.lower().split("e")[1])
        return value

    def agrees(self, ours: float) -> bool:
        """True when ``ours`` rounds to the printed value (half a unit in the last digit)."""
        return abs(ours - float(self)) <= 0.5 * 10.0 ** (-self.decimals) * (1 + 1e-9) + 1e-15


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
    intercept["reml"] = Printed(
        re.search(r"REML criterion at convergence: (" + _NUM + ")", first)[1]
    )
    for name in ("Subject  (Intercept)", "Residual"):
        m = re.search(re.escape(name) + r"\s+(" + _NUM + r")\s+(" + _NUM + ")", first)
        intercept["var"][name.split()[0]] = Printed(m[1])
    fixed = first.split("Fixed effects:")[1]
    for term in ("(Intercept)", "Days"):
        m = re.search(re.escape(term) + r"\s+(" + _NUM + r")\s+(" + _NUM + ")", fixed)
        intercept["fixed"][term] = (Printed(m[1]), Printed(m[2]))
    slope: dict = {"fixed": {}, "var": {}}
    slope["reml"] = Printed(re.search(r"REML criterion at convergence (" + _NUM + ")", second)[1])
    m = re.search(r"Subject\s+\(Intercept\)\s+(" + _NUM + r")\s+(" + _NUM + ")", second)
    slope["var"]["(Intercept)"] = Printed(m[1])
    m = re.search(r"\n\s+Days\s+(" + _NUM + r")\s+(" + _NUM + r")\s+(" + _NUM + ")", second)
    slope["var"]["Days"], slope["corr"] = Printed(m[1]), Printed(m[3])
    slope["var"]["Residual"] = Printed(re.search(r"Residual\s+(" + _NUM + ")", second)[1])
    for term in ("(Intercept)", "Days"):
        m = re.search(
            r"\n" + re.escape(term) + r"\s+(" + _NUM + r")\s+(" + _NUM + r")\s*(?:\n|$)", second
        )
        slope["fixed"][term] = (Printed(m[1]), Printed(m[2]))
    return {"intercept": intercept, "slope": slope}


def stata_spector(path: Path = HERE / "stata_spector.txt") -> dict[str, dict[str, object]]:
    """Stata logit/probit of the Spector data: params, bse (GPA TUCE PSI _cons), llf, aic, bic."""
    out: dict[str, dict[str, object]] = {}
    text = path.read_text(encoding="utf-8")
    for block in re.split(r"^\[(\w+)\]\s*$", text, flags=re.M)[1:]:
        if re.fullmatch(r"\w+", block):
            name = block
            out[name] = {}
            continue
        for attr, value in re.findall(r"obj\.(\w+) = (\[[^\]]*\]|\S+)", block):
            out[name][attr] = (
                np.array(ast.literal_eval(value), dtype=float)
                if value.startswith("[")
                else float(value)
            )
    return out


def stata_ologit(path: Path = HERE / "stata_ologit_mroz.txt") -> dict[str, object]:
    """Stata ologit table: {term: (coefficient, se)}, cut points as /cut1.. and log likelihood."""
    text = "\n".join(
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    )
    table = text.split("[95% conf. interval]")[1]
    rows = {
        term: (Printed(est), Printed(se))
        for term, est, se in re.findall(r"(/?\w+) \| (" + _NUM + r") (" + _NUM + ")", table)
    }
    loglik = Printed(re.search(r"Log likelihood = (" + _NUM + ")", text)[1])
    n = int(re.search(r"Number of obs = (\d+)", text)[1])
    return {"rows": rows, "log_lik": loglik, "n": n}


def ordinal_clm(path: Path = HERE / "ordinal_wine.txt") -> dict[str, object]:
    """Printed summary of ordinal::clm: {term: (estimate, se)}, logLik, AIC."""
    text = path.read_text(encoding="utf-8")
    rows = {
        term: (Printed(est), Printed(se))
        for term, est, se in re.findall(
            r"^##\s+(\S+)\s+(" + _NUM + r")\s+(" + _NUM + r")\s+" + _NUM, text, flags=re.M
        )
    }
    m = re.search(r"##\s+logit\s+flexible\s+(\d+)\s+(" + _NUM + r")\s+(" + _NUM + ")", text)
    return {"rows": rows, "n": int(m[1]), "log_lik": Printed(m[2]), "aic": Printed(m[3])}


def lme4_dietox(path: Path = HERE / "lme4_dietox.txt") -> dict[tuple[str, str], dict]:
    """lme4 numbers of statsmodels' dietox tests, keyed by (model, method).

    model is ``intercept`` (``(1 | Pig)``) or ``slope`` (``(1 + Time | Pig)``), method
    ``reml`` or ``ml``; values: coef, se, scale, cov_re, loglike (as Printed numbers).
    """
    text = path.read_text(encoding="utf-8")
    targets = {
        "result.fe_params": "coef",
        "result.bse[0:2]": "se",
        "result.scale": "scale",
        "result.cov_re": "cov_re",
        "result.cov_re.values.ravel()": "cov_re",
        "model.loglike(result.params_object)": "loglike",
    }
    out: dict[tuple[str, str], dict] = {}
    for model, body in (
        ("intercept", text.split("def test_dietox(self):")[1].split("def test_dietox_slopes")[0]),
        ("slope", text.split("def test_dietox_slopes(self):")[1]),
    ):
        for method, part in zip(("reml", "ml"), re.split(r"# ML\n", body), strict=True):
            values: dict[str, object] = {}
            for target, numbers in re.findall(
                r"assert_allclose\(\s*([\w.\[\]:()]+),\s*(np\.r_\[[^\]]*\]|" + _NUM + ")", part
            ):
                found = re.findall(_NUM, numbers.removeprefix("np.r_"))
                values[targets[target]] = [Printed(v) for v in found]
            out[(model, method)] = values
    return out


def polr_ucla(path: Path = HERE / "polr_ologit_ucla.txt") -> dict[str, dict[str, list[Printed]]]:
    """MASS::polr results: {"logit"|"probit": {coefficients_val, coefficients_stdE, thresholds}}."""
    out: dict[str, dict[str, list[Printed]]] = {}
    for model, attr, values in re.findall(
        r"^res_ord_(\w+)\.(\w+) = np\.array\(\[([^\]]*)\]\)",
        path.read_text(encoding="utf-8"),
        flags=re.M,
    ):
        out.setdefault(model, {})[attr] = [Printed(v) for v in re.findall(_NUM, values)]
    return out


def lme4_summary(path: Path = HERE / "lme4_sleepstudy_slopes_summary.txt") -> dict[str, object]:
    """Read an lme4 ``summary(lmer(...))`` printout (knitr's ``#>`` prefixes allowed).

    Returns
    -------
    dict
        ``reml`` (REML criterion), ``random`` (list of dicts: group, name,
        variance, sd, corr or None), ``fixed`` (name -> dict estimate, se,
        t), ``fixed_corr`` (list of the printed correlations of fixed
        effects), ``n_obs`` and ``n_groups``; every number a :class:`Printed`.
    """
    lines = [
        re.sub(r"^#>\s?", "", line.rstrip())
        for line in path.read_text(encoding="utf-8").split("---- verbatim ----")[1].splitlines()
    ]
    text = "\n".join(lines)
    out: dict[str, object] = {
        "reml": Printed(re.search(rf"REML criterion at convergence: ({_NUM})", text)[1])
    }
    counts = re.search(r"Number of obs: (\d+), groups:\s+\S+, (\d+)", text)
    out["n_obs"], out["n_groups"] = int(counts[1]), int(counts[2])
    block = text.split("Random effects:")[1].split("Number of obs")[0].splitlines()[2:]
    random, group = [], None
    for line in block:
        if not line.strip():
            continue
        if line.startswith(" ") and line[1] != " ":  # a new group in the first column
            group = line.split()[0]
            rest = line.split()[1:]
        else:
            rest = line.split()
        if group == "Residual" or rest[0][0].isdigit():
            name, numbers = "", rest
        else:
            name, numbers = rest[0], rest[1:]
        random.append(
            {
                "group": group,
                "name": name,
                "variance": Printed(numbers[0]),
                "sd": Printed(numbers[1]),
                "corr": Printed(numbers[2]) if len(numbers) > 2 else None,
            }
        )
    out["random"] = random
    fixed = {}
    for line in text.split("Fixed effects:")[1].split("Correlation")[0].splitlines()[2:]:
        if line.strip():
            name, est, se, t = line.split()
            fixed[name] = {"estimate": Printed(est), "se": Printed(se), "t": Printed(t)}
    out["fixed"] = fixed
    corr_block = text.split("Correlation of Fixed Effects:")[1].splitlines()[2:]
    out["fixed_corr"] = [Printed(v) for line in corr_block for v in re.findall(_NUM, line)]
    return out
