"""Read SoSci Survey exports: the data file plus the R import script SoSci writes with it.

The R script carries the column names, the value labels (``factor(...,
levels=c(...), labels=c(...))`` and ``attr(data1$VAR, "code") = "label"``)
and the variable labels (``comment(data1$VAR) = "..."``). Every variable
with value labels becomes an item; negative codes are SoSci's missing
codes (e.g. -9 not answered) and become missing answers. Variables without
value labels (times, free text, system variables) never reach the answers.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ogl_impact.imports.export import SurveyExport

STANDARD = ("CASE", "SERIAL", "REF", "QUESTNNR", "MODE", "STARTED")
_STRING = r'"((?:[^"\\]|\\.)*)"'


class SosciError(ValueError):
    """The files are not a SoSci Survey export this reader understands."""


def _strings(text: str) -> list[str]:
    return [s.replace('\\"', '"') for s in re.findall(_STRING, text)]


def parse_r_script(script: str) -> tuple[list[str], dict[str, dict[str, str]], dict[str, str]]:
    """Return column names, value labels per variable and variable labels from a SoSci R script.

    Examples
    --------
    >>> script = chr(10).join([
    ...     'col.names = c("CASE","A01")',
    ...     'data1$A01 = factor(data1$A01, levels=c("1","2"), labels=c("nie","oft"))',
    ...     'comment(data1$A01) = "Häufigkeit"',
    ... ])
    >>> names, values, labels = parse_r_script(script)
    >>> names, values["A01"], labels["A01"]
    (['CASE', 'A01'], {'1': 'nie', '2': 'oft'}, 'Häufigkeit')
    """
    m = re.search(r"col\.names\s*=\s*c\((.*?)\)", script, flags=re.DOTALL)
    names = _strings(m.group(1)) if m else []
    values: dict[str, dict[str, str]] = {}
    factor = re.compile(
        r"data1\$(\w+)\s*=\s*factor\(data1\$\1,\s*levels=c\((.*?)\),\s*labels=c\((.*?)\)", re.DOTALL
    )
    for var, levels, labels in factor.findall(script):
        values.setdefault(var, {}).update(zip(_strings(levels), _strings(labels), strict=False))
    for var, code, label in re.findall(
        r"attr\(data1\$(\w+),\s*" + _STRING + r"\)\s*=\s*" + _STRING, script
    ):
        values.setdefault(var, {})[code] = label
    comments = {
        var: text for var, text in re.findall(r"comment\(data1\$(\w+)\)\s*=\s*" + _STRING, script)
    }
    return names, values, comments


def read_sosci(data: str | Path, script: str | Path) -> SurveyExport:
    """Read a SoSci Survey data export with its R import script.

    Parameters
    ----------
    data : str or Path
        The tab-separated data file (first line: variable names).
    script : str or Path
        The R script SoSci generated for that file.

    Returns
    -------
    SurveyExport
        ``items`` (one per labelled variable; ``wording_de`` holds the
        variable label), ``free_text`` (other variables), ``answers`` (long,
        ``response_id`` = CASE) and ``languages`` ``("de",)``.

    Raises
    ------
    SosciError
        When the files do not fit together (the message names the file).
    """
    data, script = Path(data), Path(script)
    names, values, comments = parse_r_script(script.read_text(encoding="utf-8", errors="replace"))
    if not names:
        raise SosciError(f"{script.name}: no col.names found; is this SoSci's R import script?")
    try:
        frame = pd.read_csv(
            data, sep="\t", dtype=str, keep_default_na=False, quotechar='"', encoding="utf-8"
        )
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise SosciError(f"{data.name}: not a SoSci data export ({type(exc).__name__})") from None
    missing = [c for c in STANDARD if c not in frame.columns]
    if missing:
        raise SosciError(f"{data.name}: standard SoSci columns missing: {', '.join(missing)}")
    items, free = [], []
    for var in frame.columns:
        if var in STANDARD:
            continue
        labels = values.get(var, {})
        valid = {
            code: label
            for code, label in labels.items()
            if code.lstrip("-").isdigit() and int(code) >= 0
        }
        if not valid:
            free.append({"tool_code": var, "code": var, "question_type": "unlabelled"})
            continue
        codes = {code: int(code) for code in valid}
        ordered = sorted(codes.values())
        items.append(
            {
                "tool_code": var,
                "code": var,
                "question_type": "labelled",
                "scale_min": ordered[0],
                "scale_max": ordered[-1],
                "value_labels": "|".join(f"{int(c)}={valid[c]}" for c in sorted(valid, key=int)),
                "codes": codes,
                "wording_de": comments.get(var, ""),
            }
        )
    item_frame = pd.DataFrame(items)
    long = frame.melt(
        id_vars=["CASE"],
        value_vars=list(item_frame["tool_code"]) if items else [],
        var_name="tool_code",
        value_name="raw",
    )
    mapping = dict(zip(item_frame["tool_code"], item_frame["codes"], strict=True)) if items else {}
    long["value"] = [
        float(mapping[c][r]) if r in mapping[c] else None
        for c, r in zip(long["tool_code"], long["raw"], strict=True)
    ]
    long = long.rename(columns={"CASE": "response_id"})[
        ["response_id", "tool_code", "raw", "value"]
    ]
    return SurveyExport(
        items=item_frame,
        free_text=pd.DataFrame(free, columns=["tool_code", "code", "question_type"]),
        answers=long,
        languages=("de",),
    )
