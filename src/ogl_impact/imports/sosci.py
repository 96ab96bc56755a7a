"""Read SoSci Survey exports: the data file plus the R import script SoSci writes with it.

The R script carries the column names, the value labels (``factor(...,
levels=c(...), labels=c(...))`` and ``attr(data1$VAR, "code") = "label"``)
and the variable labels (``comment(data1$VAR) = "..."``). The script is read
with a small tokenizer for R string literals (double or single quotes,
backslash escapes), so labels holding parentheses, quotes or commas stay
whole. Every variable with value labels becomes an item; negative codes are
SoSci's missing codes (e.g. -9 not answered) and become missing answers.
Variables without value labels (times, free text, system variables) never
reach the answers.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from ogl_impact.imports.export import SurveyExport, repeated

STANDARD = ("CASE", "SERIAL", "REF", "QUESTNNR", "MODE", "STARTED")
_TOKEN = re.compile(
    r"""(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
    r"|(?P<comment>\#[^\n]*)"
    r"|(?P<name>[A-Za-z_.][\w.]*)"
    r"|(?P<num>-?\d+(?:\.\d*)?)"
    r"|(?P<assign><-)"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)",
    re.DOTALL,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}


class SosciError(ValueError):
    """The files are not a SoSci Survey export this reader understands."""


def r_string(literal: str) -> str:
    r"""Return the value of an R string literal (with its quotes).

    Examples
    --------
    >>> print(r_string('"Graduate degree (MA, \\"MSc\\")"'))
    Graduate degree (MA, "MSc")
    >>> print(r_string("'Caf\\u00e9'"))
    Café
    """
    body, out, i = literal[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            m = re.match(r"\{?([0-9a-fA-F]{1,8})\}?", body[i + 2 :]) if nxt in "uU" else None
            if m and int(m.group(1), 16) <= 0x10FFFF:
                out.append(chr(int(m.group(1), 16)))
                i += 2 + m.end()
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _tokens(script: str) -> list[tuple[str, str]]:
    out = []
    for m in _TOKEN.finditer(script):
        kind = m.lastgroup or "other"
        if kind in ("space", "comment"):
            continue
        text = m.group()
        if kind == "assign":
            kind, text = "other", "="
        if kind == "other" and text in "\"'":
            line = script.count("\n", 0, m.start()) + 1
            raise ValueError(f"Zeile {line}: Zeichenkette ohne Ende / unterminated string")
        out.append((kind, r_string(text) if kind == "str" else text))
    return out


def _call_strings(tokens: list[tuple[str, str]], i: int) -> tuple[list[str], int]:
    """Strings inside the call whose "(" stands at ``i``; return them and the index after ")"."""
    depth, out = 0, []
    while i < len(tokens):
        kind, text = tokens[i]
        if kind == "other" and text == "(":
            depth += 1
        elif kind == "other" and text == ")":
            depth -= 1
            if depth == 0:
                return out, i + 1
        elif kind == "str":
            out.append(text)
        i += 1
    return out, i


def _var_at(tokens: list[tuple[str, str]], i: int) -> str | None:
    """Return the variable of ``data1$VAR`` starting at ``i`` (None when there is none)."""
    if (
        i + 2 < len(tokens)
        and tokens[i][0] == "name"
        and tokens[i + 1] == ("other", "$")
        and tokens[i + 2][0] in ("name", "str")
    ):
        return tokens[i + 2][1]
    return None


def parse_r_script(script: str) -> tuple[list[str], dict[str, dict[str, str]], dict[str, str]]:
    r"""Return column names, value labels per variable and variable labels from a SoSci R script.

    Examples
    --------
    >>> script = chr(10).join([
    ...     'col.names = c("CASE","A01")',
    ...     'data1$A01 = factor(data1$A01, levels=c("1","2"),',
    ...     '  labels=c("nie (0)","oft, \\"sehr\\""))',
    ...     'comment(data1$A01) = "Häufigkeit (pro Woche)"',
    ... ])
    >>> names, values, labels = parse_r_script(script)
    >>> names, values["A01"], labels["A01"]
    (['CASE', 'A01'], {'1': 'nie (0)', '2': 'oft, "sehr"'}, 'Häufigkeit (pro Woche)')
    """
    tokens = _tokens(script)
    names: list[str] = []
    values: dict[str, dict[str, str]] = {}
    comments: dict[str, str] = {}
    i = 0
    n = len(tokens)
    while i < n:
        kind, text = tokens[i]
        if (
            kind == "name"
            and text == "col.names"
            and tokens[i + 1 : i + 4]
            == [
                ("other", "="),
                ("name", "c"),
                ("other", "("),
            ]
        ):
            names, i = _call_strings(tokens, i + 3)
            continue
        var = _var_at(tokens, i)
        if var is not None and tokens[i + 3 : i + 6] == [
            ("other", "="),
            ("name", "factor"),
            ("other", "("),
        ]:
            i, levels, labels = _factor(tokens, i + 5)
            values.setdefault(var, {}).update(zip(levels, labels, strict=False))
            continue
        if (
            kind == "name"
            and text in ("attr", "comment")
            and tokens[i + 1 : i + 2] == [("other", "(")]
        ):
            var = _var_at(tokens, i + 2)
            if var is not None:
                args, j = _call_strings(tokens, i + 1)
                if j + 1 < n and tokens[j] == ("other", "=") and tokens[j + 1][0] == "str":
                    if text == "comment" and not args:
                        comments[var] = tokens[j + 1][1]
                    elif text == "attr" and len(args) == 1:
                        values.setdefault(var, {})[args[0]] = tokens[j + 1][1]
                    i = j + 2
                    continue
        i += 1
    return names, values, comments


def _factor(tokens: list[tuple[str, str]], i: int) -> tuple[int, list[str], list[str]]:
    """Read ``factor(x, levels=c(...), labels=c(...), ...)`` from its "(" at ``i``."""
    depth, found = 0, {"levels": [], "labels": []}
    while i < len(tokens):
        kind, text = tokens[i]
        if kind == "other" and text == "(":
            depth += 1
        elif kind == "other" and text == ")":
            depth -= 1
            if depth == 0:
                return i + 1, found["levels"], found["labels"]
        elif (
            depth == 1
            and kind == "name"
            and text in found
            and tokens[i + 1 : i + 4] == [("other", "="), ("name", "c"), ("other", "(")]
        ):
            found[text], i = _call_strings(tokens, i + 3)
            continue
        i += 1
    return i, found["levels"], found["labels"]


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
        When the files do not fit together, the script has an unterminated
        string or the data repeat a CASE (the message names the file).
    """
    data, script = Path(data), Path(script)
    _check_size(script)
    _check_size(data)
    text = script.read_text(encoding="utf-8", errors="replace")
    try:
        names, values, comments = parse_r_script(text)
    except ValueError as exc:
        raise SosciError(f"{script.name}: {exc}") from None
    if not names:
        raise SosciError(
            f"{script.name}: kein col.names gefunden; ist das das R-Importskript von SoSci? "
            "/ no col.names found; is this SoSci's R import script?"
        )
    try:
        frame = pd.read_csv(
            data, sep="\t", dtype=str, keep_default_na=False, quotechar='"', encoding="utf-8"
        )
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError) as exc:
        raise SosciError(
            f"{data.name}: kein SoSci-Datenexport / not a SoSci data export ({type(exc).__name__})"
        ) from None
    missing = [c for c in STANDARD if c not in frame.columns]
    other = [s for s in ";," if len(frame.columns) == 1 and s in str(frame.columns[0])]
    if missing and other:  # the columns are there, split by another separator (Excel's "CSV")
        raise SosciError(
            f"{data.name}: die Spalten sind durch „{other[0]}“ getrennt, nicht durch Tabulatoren "
            f"wie im Datenexport von SoSci (in Excel gespeichert?); bitte die Datei so "
            f"importieren, wie SoSci sie liefert / columns separated by '{other[0]}', not by "
            f"tabs as in SoSci's data export (saved by Excel?); import the file as downloaded"
        )
    if missing:
        raise SosciError(
            f"{data.name}: Standardspalten von SoSci fehlen / standard SoSci columns missing: "
            f"{', '.join(missing)}"
        )
    doubled = repeated(_header(data))
    copies = [c for c in frame.columns if c not in set(names) and c.rsplit(".", 1)[0] in doubled]
    frame = frame.drop(columns=copies)  # pandas' "TR02_01.1": a column the file repeats
    foreign = [c for c in frame.columns if c not in set(names)]
    absent = tuple(n for n in names if n not in set(frame.columns) and n not in STANDARD)
    if foreign and absent and len(foreign) <= len(absent):
        raise SosciError(
            f"{data.name}: Spalte{'n' * (len(foreign) != 1)} {', '.join(foreign[:5])} kennt das "
            f"R-Skript nicht, dafür fehl{'en' if len(absent) != 1 else 't'} "
            f"{', '.join(absent[:5])}: in der Tabellenkalkulation umbenannt? Bitte den "
            f"Datenexport so importieren, wie SoSci ihn liefert (Spalten nicht umbenennen oder "
            f"löschen) / columns unknown to the R script, others missing: renamed? Import the "
            f"data export as downloaded"
        )
    if foreign:
        raise SosciError(
            f"{script.name}: das R-Skript gehört nicht zu {data.name}; Spalten ohne Eintrag in "
            f"col.names: {', '.join(foreign[:5])} / the script does not belong to the data"
        )
    if frame["CASE"].duplicated().any():
        twice = frame.loc[frame["CASE"].duplicated(), "CASE"].iloc[0]
        raise SosciError(f"{data.name}: CASE {twice} kommt zweimal vor / appears twice")
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
        codes: dict[str, int | None] = {code: int(code) for code in valid}
        # SoSci's negative codes (-9 not answered, -1 not applicable) are declared missing
        # (with or without a label in the script)
        seen = {c.strip() for c in frame[var].unique()}
        codes.update(
            {c: None for c in labels.keys() | seen if c.startswith("-") and c[1:].isdigit()}
        )
        ordered = sorted(int(c) for c in valid)
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
        None if mapping[c].get(r.strip()) is None else float(mapping[c][r.strip()])
        for c, r in zip(long["tool_code"], long["raw"], strict=True)
    ]
    long = long.rename(columns={"CASE": "response_id"})[
        ["response_id", "tool_code", "raw", "value"]
    ]
    project = _project(text) or "|".join(sorted(set(frame["QUESTNNR"]) - {""}))
    return SurveyExport(
        items=item_frame,
        free_text=pd.DataFrame(free, columns=["tool_code", "code", "question_type"]),
        answers=long,
        languages=("de",),
        survey_id=project,
        fields=frame.set_index("CASE"),
        absent=absent,
        data_file=data.name,
        twice=tuple(n for n in names if n in doubled and n not in STANDARD),
    )


def _header(data: Path) -> list[str]:
    """Return the column names of a SoSci data export as written (a repeated one repeated)."""
    with data.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        head = handle.readline().rstrip("\r\n")
    return next(csv.reader(io.StringIO(head), delimiter="\t", quotechar='"'), [])


MAX_BYTES = 512 * 1024**2  # a SoSci export larger than this is refused unread


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise SosciError(
            f"{path.name}: {size} Bytes, mehr als die Grenze von {MAX_BYTES} Bytes "
            f"/ larger than the limit"
        )


def _project(script: str) -> str:
    """Return the project name of ``attr(data1, "project") = "..."`` (empty when absent)."""
    tokens = _tokens(script)
    for i in range(len(tokens) - 7):
        if (
            tokens[i] == ("name", "attr")
            and tokens[i + 3] == ("other", ",")
            and tokens[i + 4] == ("str", "project")
            and tokens[i + 6] == ("other", "=")
            and tokens[i + 7][0] == "str"
        ):
            return tokens[i + 7][1]
    return ""
