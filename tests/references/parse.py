"""Parsers of the committed reference outputs (one module for all stats tests).

Each function reads a file in tests/references as printed by R, Julia, Stata
(or written by statsmodels' R script, or worked by hand) and returns the
numbers in it; no expected value is retyped into a test. Sections: printed R
output of the reliability, effect-size and factor tests; mixed and ordinal
models; regression, panel and difference-in-differences transcripts.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_NUM = NUMBER


# ----------------------------------------------------------------------------
# Printed R output: htests, effectsize, psych, lavaan, semTools, hand-worked files
# ----------------------------------------------------------------------------


def text(name: str) -> str:
    """The file's text."""
    return (HERE / name).read_text(encoding="utf-8")


def r_htests(name: str) -> list[dict]:
    """Blocks of R ``t.test``/``wilcox.test`` print-outs: title and the numbers in them."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", text(name).strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        block: dict = {"title": lines[0]}
        for line in lines[1:]:
            for key, value in re.findall(rf"(\w[\w-]*) = ({NUMBER})", line):
                block[key] = float(value)
        for i, line in enumerate(lines):
            if "confidence interval" in line:
                low, high = re.findall(NUMBER, lines[i + 1])[:2]
                block["ci"] = (float(low), float(high))
        blocks.append(block)
    return blocks


def effectsize_tables(name: str) -> dict[str, tuple[float, float, float]]:
    """effectsize print-outs ``Name | 95% CI`` -> {name: (estimate, ci_low, ci_high)}."""
    out = {}
    lines = text(name).splitlines()
    for i, line in enumerate(lines):
        if "|" in line and "CI" in line:
            label = line.split("|")[0].strip()
            values = re.findall(NUMBER, lines[i + 2])
            out[label] = tuple(float(v) for v in values[:3])
    return out


def effectsize_expectations(name: str) -> dict[str, float]:
    """``expect_equal(x$CI_low, 1.008664, ...)`` lines of an effectsize test file.

    Only the first object checked (``x``) is read; keys are ``estimate``,
    ``CI_low`` and ``CI_high``.
    """
    out = {}
    for target, value in re.findall(rf"expect_equal\(x(\[\[1\]\]|\$\w+), ({NUMBER})", text(name)):
        out["estimate" if target == "[[1]]" else target[1:]] = float(value)
    return out


def sections(name: str) -> dict[str, pd.DataFrame]:
    """Files with ``[section]`` headers followed by a whitespace table with a header row."""
    out: dict[str, list[str]] = {}
    current = None
    for line in text(name).splitlines():
        if line.startswith("#") or not line.strip():
            continue
        m = re.fullmatch(r"\[(\w+)\]", line.strip())
        if m:
            current = m.group(1)
            out[current] = []
        elif current is not None:
            out[current].append(line.split())
    return {
        key: pd.DataFrame([[float(v) for v in r] for r in rows[1:]], columns=rows[0])
        for key, rows in out.items()
    }


def hand_worked_fdr(name: str) -> dict[str, float]:
    """The hand-worked two-stage FDR files: p-values, stage levels, rejections."""
    body = text(name)
    out: dict = {}
    m = re.search(r"^((?:0\.\d+ ){14}1\.0+)$", body, re.M)
    if m:
        out["p"] = [float(v) for v in m.group(1).split()]
    out["rejections"] = int(re.search(r"->\s+(\d+) rejections", body).group(1))
    out["stage2_level"] = float(re.search(rf"stage 2: BH at .*? = ({NUMBER})", body).group(1))
    first = re.search(rf"q' = q / \(1 \+ q\) = ({NUMBER})", body)
    if first:
        out["stage1_level"] = float(first.group(1))
    return out


def bh1995_rejections(name: str = "bh1995_fdr.txt") -> dict[str, int]:
    """Rejections at 0.05 named in words in bh1995_fdr.txt."""
    words = {"three": 3, "four": 4}
    body = text(name)
    fwer = re.search(r"\(Bonferroni, Holm, Hochberg\)\s+reject the\s+(\w+) smallest", body)
    fdr = re.search(r"the FDR procedure rejects the\s+(\w+) smallest", body)
    return {
        "bonferroni": words[fwer.group(1)],
        "holm": words[fwer.group(1)],
        "simes-hochberg": words[fwer.group(1)],
        "fdr_bh": words[fdr.group(1)],
    }


def lavaan_summary(name: str) -> dict:
    """A lavaan ``summary(fit, standardized = TRUE, fit.measures = TRUE)`` print-out.

    Returns ``{"fit": {section: {label: value}}, "parameters": DataFrame}`` with
    the parameter columns lhs, op, rhs, estimate, se, z, p, std_lv, std_all
    (NaN where lavaan prints nothing, e.g. for fixed loadings).
    """
    fit: dict[str, dict[str, float]] = {}
    rows = []
    section = None
    lhs = op = None
    for raw in text(name).splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        if not line.startswith(" "):
            section = line.rstrip(":").strip()
            continue
        if section in ("Latent Variables", "Covariances", "Variances"):
            head = re.fullmatch(r"\s+(\S+) (=~|~~)\s*", line)
            if head:
                lhs, op = head.group(1), head.group(2)
                continue
            if "Estimate" in line:
                continue
            parts = line.split()
            name_ = parts[0]
            values = [float(v) for v in parts[1:]]
            if section == "Variances":
                var = name_.lstrip(".")
                row = {"lhs": var, "op": "~~", "rhs": var}
            else:
                row = {"lhs": lhs, "op": op, "rhs": name_}
            if len(values) == 3:  # fixed parameter: estimate, std.lv, std.all
                values = [values[0], np.nan, np.nan, np.nan, values[1], values[2]]
            row.update(zip(["estimate", "se", "z", "p", "std_lv", "std_all"], values, strict=True))
            rows.append(row)
        elif section is not None:
            m = re.fullmatch(rf"\s+(.*?)\s{{2,}}({NUMBER})", line)
            if m:
                fit.setdefault(section, {})[m.group(1).strip()] = float(m.group(2))
    return {"fit": fit, "parameters": pd.DataFrame(rows)}


def r_lower_matrix(name: str, marker: str = "$cov") -> pd.DataFrame:
    """A lower-triangular matrix as R prints it, after the line ``marker``."""
    lines = text(name).splitlines()
    start = lines.index(marker) + 1
    names = lines[start].split()
    values = np.full((len(names), len(names)), np.nan)
    for i, line in enumerate(lines[start + 1 : start + 1 + len(names)]):
        parts = line.split()
        for j, v in enumerate(parts[1:]):
            values[i, j] = values[j, i] = float(v)
    return pd.DataFrame(values, index=names, columns=names)


def psych_alpha(name: str) -> dict:
    """psych ``alpha()`` print-out: the overall row and the 'if an item is dropped' table.

    Returns ``{"total": {column: value}, "dropped": DataFrame}``; the dropped
    table keeps psych's item labels (a trailing ``-`` marks a reversed item).
    """
    lines = text(name).splitlines()
    out: dict = {}
    for i, line in enumerate(lines):
        if line.strip().startswith("raw_alpha") and "total" not in out:
            out["total"] = dict(
                zip(line.split(), (float(v) for v in lines[i + 1].split()), strict=True)
            )
        if "Reliability if an item is dropped" in line:
            header = lines[i + 1].split()
            header = [*header[:5], "alpha_se", *header[7:]]  # "alpha se" is one column
            rows = []
            for row in lines[i + 2 :]:
                if not row.strip():
                    break
                parts = row.split()
                rows.append([parts[0], *map(float, parts[1:])])
            out["dropped"] = pd.DataFrame(rows, columns=["item", *header]).set_index("item")
    return out


def semtools_hand(name: str = "semtools_omega_hs_hand.txt") -> dict[str, dict[str, float]]:
    """The hand-worked omegas: {factor: {"omega": .., "omega2": .., "ave": .., "common": ..}}."""
    out: dict[str, dict[str, float]] = {}
    factor = None
    for line in text(name).splitlines():
        m = re.match(rf"\s+(\w+): sum\(lambda\) = .*? = ({NUMBER}); sum\(theta\)", line)
        if m:
            factor = m.group(1)
            out[factor] = {"common": float(m.group(2))}
            continue
        m = re.match(rf"\s+(omega2?|ave)\s+= .* = ({NUMBER})$", line)
        if m and factor:
            out[factor][m.group(1)] = float(m.group(2))
    return out


def psych_icc(name: str = "psych_icc_shrout_fleiss.txt") -> pd.DataFrame:
    """psych ``ICC`` print-out (both halves) indexed by type."""
    rows, upper = {}, {}
    for line in text(name).splitlines():
        parts = line.split()
        if len(parts) == 8 and re.fullmatch(r"ICC\dk?", parts[1]):
            rows[parts[0]] = [parts[1], *map(float, parts[2:])]
        elif len(parts) == 2 and parts[0] in rows:
            upper[parts[0]] = float(parts[1])
    cols = ["type", "ICC", "F", "df1", "df2", "p", "lower", "upper"]
    table = pd.DataFrame([[*v, upper[k]] for k, v in rows.items()], columns=cols)
    return table.set_index("type")


def alphaci(name: str = "alphaci_bfi.txt") -> dict[str, float]:
    """alphaci print-out: n, interval and the estimate."""
    body = text(name)
    n = int(re.search(r"\(n = (\d+)\)", body).group(1))
    lines = [line.replace("#>", "").split() for line in body.splitlines()]
    values = [v for v in lines if v and all(re.fullmatch(NUMBER, x) for x in v)]
    return {
        "n": n,
        "ci_low": float(values[1][0]),
        "ci_high": float(values[1][1]),
        "alpha": float(values[2][0]),
    }


def psych_omega(name: str) -> dict:
    """psych ``omega`` print-out: coefficients, str() values, Schmid-Leiman table.

    The loadings table blanks values below 0.2; those cells come back as NaN.
    Values are read under their column label (right-aligned as R prints).
    """
    lines = text(name).splitlines()
    out: dict = {"printed": {}, "str": {}}
    for line in lines:
        m = re.match(
            rf"(Alpha|G\.6|Omega Hierarchical|Omega H asymptotic|Omega Total):?\s+({NUMBER})$",
            line.strip(),
        )
        if m:
            out["printed"][m.group(1)] = float(m.group(2))
        m = re.match(rf"\s*\$ (\S+)\s*: num ({NUMBER})$", line)
        if m:
            out["str"][m.group(1)] = float(m.group(2))
        m = re.match(r"\s*\.\.\$ gloading : 'loadings' num \[1:3, 1\] (.*)$", line)
        if m:
            out["str"]["gloading"] = [float(v) for v in m.group(1).split()]
        m = re.match(r"\s*\.\.\$ phi\s+: num \[1:3, 1:3\] (.*) \.\.\.$", line)
        if m:
            out["str"]["phi"] = [float(v) for v in m.group(1).split()]
    start = next(
        i for i, line in enumerate(lines) if line.strip().startswith("g ") and "p2" in line
    )
    header = lines[start]
    labels = [(m.group(0), m.end()) for m in re.finditer(r"\S+", header)]
    rows = {}
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        name_ = line.split()[0]
        rows[name_] = [
            float(line[end - 4 : end]) if line[end - 4 : end].strip() else np.nan
            for _, end in labels
        ]
    out["loadings"] = pd.DataFrame.from_dict(
        rows, orient="index", columns=[lab for lab, _ in labels]
    )
    idx = next(i for i, line in enumerate(lines) if line.startswith("Input cards, first row"))
    out["first_row"] = [float(v) for v in lines[idx + 1].split()]
    return out


def cohen_power(name: str = "cohen1988_power.txt") -> dict[str, float]:
    """Cohen's (1988) table entry: ``d``, ``power`` and ``n`` per group."""
    m = re.search(rf"d = ({NUMBER}), power ({NUMBER}) needs n = (\d+) per group", text(name))
    return {"d": float(m.group(1)), "power": float(m.group(2)), "n": int(m.group(3))}


# ----------------------------------------------------------------------------
# Mixed and ordinal models: lme4, MixedModels.jl, ordinal, MASS, Stata, statsmodels' R2nparray
# ----------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------
# Regression, panel and DiD: R/Stata transcripts, sandwich, plm, wildboottests, Card-Krueger
# ----------------------------------------------------------------------------


def _float(token: str) -> float | None:
    try:
        return float(token)
    except ValueError:
        return None


def transcript(name: str) -> list[tuple[str, list[str]]]:
    """Split an R console transcript into (command, output lines) pairs.

    ``> `` starts a command, ``+ `` continues it; lines before the first
    command (the header naming the source) are skipped.
    """
    blocks: list[tuple[str, list[str]]] = []
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if line.startswith(">"):
            blocks.append((line[1:].strip(), []))
        elif line.startswith("+ ") and blocks and not blocks[-1][1]:
            blocks[-1] = (blocks[-1][0] + " " + line[2:].strip(), [])
        elif blocks:
            blocks[-1][1].append(line)
    return blocks


def output(name: str, command: str, occurrence: int = 0) -> list[str]:
    """Output lines of the ``occurrence``-th command containing ``command``."""
    hits = [out for cmd, out in transcript(name) if command in cmd]
    if len(hits) <= occurrence:
        raise LookupError(f"{command!r} not found {occurrence + 1} times in {name}")
    return hits[occurrence]


def coefficients(lines: list[str]) -> dict[str, tuple[float, float, float]]:
    """Rows of an R coefficient table: term -> (estimate, std. error, t/z value)."""
    start = next(i for i, line in enumerate(lines) if "Estimate" in line and "Std. Error" in line)
    out = {}
    for line in lines[start + 1 :]:
        if not line.strip() or line.startswith("---"):
            break
        tokens = line.split()
        out[tokens[0]] = tuple(float(t) for t in tokens[1:4])
    return out


def matrix(lines: list[str]) -> tuple[list[str], np.ndarray]:
    """A printed R matrix: row names and values (row names may contain spaces)."""
    names, rows = [], []
    for line in lines:
        tokens = line.split()
        numbers: list[float] = []
        while tokens and _float(tokens[-1]) is not None:
            numbers.insert(0, float(tokens.pop()))
        if numbers and tokens:
            names.append(" ".join(tokens))
            rows.append(numbers)
    return names, np.array(rows)


def value(lines: list[str] | str, key: str) -> float:
    """The number after ``key`` followed by ``:`` or ``=`` (e.g. ``chisq = 2.33``)."""
    text = lines if isinstance(lines, str) else "\n".join(lines)
    match = re.search(re.escape(key) + r"\s*[:=]\s*(" + NUMBER + ")", text)
    if match is None:
        raise LookupError(f"{key!r} not found")
    return float(match.group(1))


def printed_vector(lines: list[str]) -> float:
    """The value of an R ``[1] x`` line."""
    line = next(line for line in lines if line.startswith("[1]"))
    return float(line.split()[1])


def row(lines: list[str], label: str) -> list[float]:
    """Numbers on the line starting with ``label`` (e.g. an ``Effects:`` row of plm)."""
    line = next(line for line in lines if line.strip().startswith(label))
    return [float(t) for t in re.findall(NUMBER, line.strip()[len(label) :])]


def summary_row(lines: list[str], header: str) -> dict[str, float]:
    """An R ``summary()`` of numbers: the line below ``header`` (Min. 1st Qu. ...)."""
    i = next(i for i, line in enumerate(lines) if line.strip().startswith(header))
    keys = re.findall(r"Min\.|1st Qu\.|Median|Mean|3rd Qu\.|Max\.", lines[i])
    values = [float(t) for t in lines[i + 1].split()]
    return dict(zip(keys, values, strict=True))


def petersen_published(name: str = "sandwich_petersen.txt") -> dict[str, tuple[float, float]]:
    """Petersen's published SEs (intercept, x) per clustering, from the comment block."""
    out = {}
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        match = re.match(r"#\s+(clustered firm|clustered year|firm and year)\s+(\S+)\s+(\S+)", line)
        if match:
            out[match.group(1)] = (float(match.group(2)), float(match.group(3)))
    return out


def sandwich_petersen_table(name: str = "sandwich_petersen.txt") -> dict[str, dict[str, float]]:
    """The ``cbind(classical, HC-cluster)`` table printed by R: column -> term -> SE."""
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    i = next(i for i, line in enumerate(lines) if line.split() == ["classical", "HC-cluster"])
    cols = lines[i].split()
    out: dict[str, dict[str, float]] = {c: {} for c in cols}
    for line in lines[i + 1 : i + 3]:
        term, *vals = line.split()
        for c, v in zip(cols, vals, strict=True):
            out[c][term] = float(v)
    return out


def wildboottests(name: str = "wildboottests_petersen.txt") -> tuple[float, float, float]:
    """p-value and confidence interval printed by Julia's WildBootTests.jl."""
    text = (HERE / name).read_text(encoding="utf-8")
    p = float(re.search(r"^p\s*=\s*(" + NUMBER + ")", text, re.M).group(1))
    low, high = re.search(r"CI = Float32\[(" + NUMBER + r")\s+(" + NUMBER + r")\]", text).groups()
    return p, float(low), float(high)


def card_krueger(name: str = "card_krueger_table3.txt") -> dict[str, object]:
    """Card & Krueger (1994) Table 3 rows 1-2 (mean, se for PA and NJ) and the DiD of row 3."""
    text = (HERE / name).read_text(encoding="utf-8")
    cells = {}
    for when in ("before", "after"):
        m = re.search(
            r"FTE "
            + when
            + r"\s+("
            + NUMBER
            + r") \(("
            + NUMBER
            + r")\)\s+("
            + NUMBER
            + r") \(("
            + NUMBER
            + r")\)",
            text,
        )
        pa_m, pa_s, nj_m, nj_s = (float(g) for g in m.groups())
        cells[f"comparison, {when}"] = (pa_m, pa_s)
        cells[f"treated, {when}"] = (nj_m, nj_s)
    did = float(re.search(r"Difference NJ-PA, row 3 \(change\):\s+(" + NUMBER + ")", text).group(1))
    return {"cells": cells, "did": did}


def stata_estout(name: str, section: str) -> dict[str, object]:
    """One ``#####!section!#####`` block of linearmodels' Stata estout output.

    Returns ``coef`` (term -> (b, t, p)), ``stats`` (e() scalars that are set) and ``V``
    (row names, matrix).
    """
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if f"!{section}!" in line)
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].startswith("#################!")),
        len(lines),
    )
    block = lines[start + 1 : end]
    coef: dict[str, tuple[float, float, float]] = {}
    stats: dict[str, float] = {}
    i = block.index("\tb/t/p") + 1
    while i < len(block) and not block[i].startswith("*"):
        parts = block[i].split("\t")
        if parts[0] and len(parts) == 2 and parts[1] and _float(parts[1]) is not None:
            if block[i + 1].startswith("\t"):  # a coefficient: b, then t and p lines
                coef[parts[0]] = (
                    float(parts[1]),
                    float(block[i + 1].strip()),
                    float(block[i + 2].strip()),
                )
                i += 3
                continue
            stats[parts[0]] = float(parts[1])
        i += 1
    v_start = next(j for j, line in enumerate(block) if line.startswith("\tV"))
    names, values = matrix([line.replace("\t", "  ") for line in block[v_start + 2 :]])
    return {"coef": coef, "stats": stats, "V": (names, values)}
