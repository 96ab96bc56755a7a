"""Read KoboToolbox forms (XLSForm workbook or form JSON) and their submissions (JSON or CSV).

``select_one`` questions become items whose answers are the position of the
choice in its list (1, 2, ...; a choice list of whole numbers keeps the
numbers); ``select_multiple`` questions become one 0/1 item per choice.
Other question types (numbers, text, dates, notes) are kept apart and never
reach the answers. Question codes are the XLSForm ``name``; submissions name
answers by their group path (``group/name``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from ogl_impact.imports.export import SurveyExport, answer_row, item_row


class KoboError(ValueError):
    """The files are not a KoboToolbox export this reader understands."""


def read_kobo(form: str | Path, submissions: str | Path | None = None) -> SurveyExport:
    """Read a KoboToolbox form and, if given, its submissions.

    Parameters
    ----------
    form : str or Path
        An XLSForm workbook (``.xlsx`` with ``survey`` and ``choices`` sheets)
        or a form JSON (``content`` with ``survey``, ``choices``,
        ``translations``; a ``submissions`` list in the same file is used).
    submissions : str or Path, optional
        Submissions as JSON (a list, or an object with ``results``) or as the
        CSV export (``;`` or ``,`` separated, group paths as column names).

    Returns
    -------
    SurveyExport

    Raises
    ------
    KoboError
        When a file is not a KoboToolbox export (the message names the file).
    """
    form = Path(form)
    if form.suffix.lower() in (".xlsx", ".xlsm"):
        survey, choices, languages = _xlsform(form)
        rows: list[dict[str, Any]] = []
    else:
        try:
            doc = json.loads(form.read_text(encoding="utf-8"))
            content = doc["content"]
            survey, choices = content["survey"], content.get("choices", [])
        except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise KoboError(
                f"{form.name}: not a KoboToolbox form JSON ({type(exc).__name__})"
            ) from None
        languages = tuple(_lang(t) for t in content.get("translations", [None]))
        rows = doc.get("submissions", []) if isinstance(doc, dict) else []
    if submissions is not None:
        rows = _submissions(Path(submissions))
    items, free = _items(survey, choices, languages)
    return SurveyExport(
        items=items, free_text=free, answers=_answers(rows, items), languages=languages
    )


def _lang(name: str | None) -> str:
    if not name:
        return "default"
    name = str(name)
    if "(" in name and name.endswith(")"):
        return name[name.rindex("(") + 1 : -1].strip().lower()
    return name.strip().lower()


def _xlsform(path: Path) -> tuple[list[dict], list[dict], tuple[str, ...]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken workbooks
        raise KoboError(
            f"{path.name}: not a readable XLSForm workbook ({type(exc).__name__})"
        ) from None
    sheets = {}
    for name in ("survey", "choices"):
        if name not in book.sheetnames:
            raise KoboError(f"{path.name}: the XLSForm has no '{name}' sheet")
        values = list(book[name].iter_rows(values_only=True))
        header = [str(h) if h is not None else "" for h in values[0]] if values else []
        sheets[name] = [dict(zip(header, row, strict=False)) for row in values[1:] if any(row)]
    label_cols = [
        h for h in (sheets["survey"][0] if sheets["survey"] else {}) if h.startswith("label")
    ]
    languages = tuple(_lang(h.split("::", 1)[1]) if "::" in h else "default" for h in label_cols)

    def convert(rows: list[dict]) -> list[dict]:
        out = []
        for row in rows:
            row = dict(row)
            row["label"] = [row.get(c) for c in label_cols]
            out.append(row)
        return out

    return convert(sheets["survey"]), convert(sheets["choices"]), languages


def _labels(row: dict, n: int) -> list[str]:
    label = row.get("label")
    if isinstance(label, list):
        return [str(x) if x is not None else "" for x in label] + [""] * (n - len(label))
    return [str(label or "")] * max(n, 1)


def _items(
    survey: list[dict], choices: list[dict], languages: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    lists: dict[str, list[dict]] = {}
    for choice in choices:
        lists.setdefault(str(choice.get("list_name")), []).append(choice)
    items, free, path = [], [], []
    for row in survey:
        kind = str(row.get("type") or "")
        list_name = row.get("select_from_list_name")
        if kind.startswith(("select_one ", "select_multiple ")):  # XLSForm style "select_one list"
            kind, list_name = kind.split(None, 1)
        name = str(row.get("name") or row.get("$autoname") or "")
        if kind in ("begin_group", "begin group", "begin_repeat", "begin repeat"):
            path.append(name)
            continue
        if kind in ("end_group", "end group", "end_repeat", "end repeat"):
            path = path[:-1]
            continue
        tool_code = "/".join([*path, name])
        wording = _labels(row, len(languages))
        if kind == "select_one":
            options = lists.get(str(list_name), [])
            names = [str(o.get("name")) for o in options]
            numeric = bool(names) and all(n.lstrip("-").isdigit() for n in names)
            codes = {n: (int(n) if numeric else i) for i, n in enumerate(names, start=1)}
            labels = {
                codes[str(o.get("name"))]: _labels(o, 1)[0] or str(o.get("name")) for o in options
            }
            items.append(
                _row(tool_code, name, kind, codes, labels, wording, languages, multiple=None)
            )
        elif kind == "select_multiple":
            for option in lists.get(str(list_name), []):
                choice = str(option.get("name"))
                text = [
                    f"{w} – {c}".strip(" –")
                    for w, c in zip(wording, _labels(option, len(languages)), strict=False)
                ]
                items.append(
                    _row(
                        tool_code,
                        f"{name}_{choice}",
                        kind,
                        {"1": 1, "0": 0},
                        {0: "nicht gewählt", 1: "gewählt"},
                        text,
                        languages,
                        multiple=choice,
                    )
                )
        elif name and kind not in ("start", "end", "note", "calculate", "deviceid", "today"):
            free.append({"tool_code": tool_code, "code": name, "question_type": kind})
    return pd.DataFrame(items), pd.DataFrame(free, columns=["tool_code", "code", "question_type"])


def _row(tool_code, code, kind, codes, labels, wording, languages, multiple) -> dict:
    """Return an item row; a select_multiple choice gets ``question::choice`` as tool code."""
    where = tool_code if multiple is None else f"{tool_code}::{multiple}"
    return item_row(where, code, kind, codes, labels, dict(zip(languages, wording, strict=False)))


def _submissions(path: Path) -> list[dict]:
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise KoboError(f"{path.name}: not readable JSON ({type(exc).__name__})") from None
        rows = doc.get("results", doc.get("submissions")) if isinstance(doc, dict) else doc
        if not isinstance(rows, list):
            raise KoboError(f"{path.name}: no list of submissions found")
        return rows
    head = (
        path.read_text(encoding="utf-8-sig", errors="replace").splitlines()[0]
        if path.stat().st_size
        else ""
    )
    sep = ";" if head.count(";") > head.count(",") else ","
    frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return frame.to_dict("records")


def _answers(rows: list[dict], items: pd.DataFrame) -> pd.DataFrame:
    out = []
    for number, sub in enumerate(rows, start=1):
        rid = str(sub.get("_uuid") or sub.get("meta/instanceID") or sub.get("_id") or number)
        for tool_code, codes in zip(
            items.get("tool_code", []), items.get("codes", []), strict=True
        ):
            if "::" in tool_code:  # one choice of a select_multiple
                question, choice = tool_code.split("::", 1)
                raw = sub.get(question, "")
                chosen = str(raw).split() if raw not in (None, "") else None
                value = None if chosen is None else float(choice in chosen)
                out.append(answer_row(rid, tool_code, raw, value))
            else:
                raw = "" if sub.get(tool_code) is None else str(sub.get(tool_code))
                code = codes.get(raw)
                out.append(answer_row(rid, tool_code, raw, code))
    return pd.DataFrame(out, columns=["response_id", "tool_code", "raw", "value"])
