"""Parsers for the printed R output kept in tests/references (effects, reliability, factors).

Each function reads one file format as R printed it and returns plain numbers, so
that tests compare with the file, never with numbers typed into the test.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


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
