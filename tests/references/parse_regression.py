"""Parsers for the printed R/Julia output in this folder (regression, panel, DiD references).

Every expected value of tests/test_stats_regression.py and tests/test_stats_panel.py is read
from the committed output files with these functions, never retyped.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


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
