"""Read KoboToolbox forms (XLSForm workbook or form JSON) and their submissions (JSON or CSV).

``select_one`` questions become items whose answers are the position of the
choice in its list (1, 2, ...; a choice list of whole numbers keeps the
numbers); ``select_multiple`` questions become one 0/1 item per choice.
Other question types (numbers, text, dates, notes) are kept apart and never
reach the answers. Question codes are the XLSForm ``name``; submissions name
answers by their group path (``group/name``). A CSV export may head a column
as KoboToolbox's download options write it: the group path with ``/`` (the
default), with ``.`` ("group separator"), or the name alone ("include groups
in headers" off; taken only where no other question of the form has that
name). Such headers are read as the group path.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd

from ogl_impact.imports.export import SurveyExport, answer_row, csv_export, item_row, repeated


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
        CSV export (``;`` or ``,`` separated; group paths as column names, with
        ``/`` or ``.``, or the question names alone where they are unique).

    Returns
    -------
    SurveyExport

    Raises
    ------
    KoboError
        When a file is not a KoboToolbox export (the message names the file).
    """
    form = Path(form)
    _check_size(form)
    if form.suffix.lower() in (".xlsx", ".xlsm"):
        survey, choices, languages, survey_id = _xlsform(form)
        rows: list[dict[str, Any]] = []
    else:
        try:
            doc = json.loads(form.read_text(encoding="utf-8"))
            content = doc["content"]
            survey, choices = content["survey"], content.get("choices", [])
            if not isinstance(survey, list) or not isinstance(choices, list):
                raise TypeError("survey and choices must be lists")
            settings = content.get("settings") or {}
            if isinstance(settings, list):
                settings = settings[0] if settings else {}
            survey_id = str(
                doc.get("id_string")
                or doc.get("uid")
                or settings.get("id_string")
                or settings.get("form_id")
                or ""  # none named: the mapping's @survey_id, never the file's name
            )
            languages = tuple(_lang(t) for t in content.get("translations", [None]))
            rows = doc.get("submissions", [])
        except (
            json.JSONDecodeError,
            KeyError,
            TypeError,
            AttributeError,
            UnicodeDecodeError,
            RecursionError,
        ) as exc:
            raise KoboError(
                f"{form.name}: kein Formular-JSON von KoboToolbox "
                f"/ not a KoboToolbox form JSON ({type(exc).__name__})"
            ) from None
    header: list[str] | None = None  # the columns of a CSV export (JSON has none)
    if submissions is not None:
        _check_size(Path(submissions))
        rows = _submissions(Path(submissions))
        if Path(submissions).suffix.lower() != ".json":
            header = _header(Path(submissions))
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise KoboError(
            f"{form.name}: die Einreichungen sind keine Liste von Objekten "
            "/ submissions are not a list of objects"
        )
    try:
        items, free = _items(survey, choices, languages)
    except (AttributeError, TypeError, ValueError) as exc:
        raise KoboError(
            f"{form.name}: Formular nicht verstanden / form not understood "
            f"({type(exc).__name__}: {exc})"
        ) from None
    if header is not None:  # headers without the group path or with "." read as the path
        renamed = _paths(header, items, free)
        if renamed:
            header = [renamed.get(h, h) for h in header]
            rows = [{renamed.get(k, k): v for k, v in sub.items()} for sub in rows]
    ids = [response_id(sub, n) for n, sub in enumerate(rows, start=1)]
    if len(set(ids)) != len(ids):
        raise KoboError(
            f"{form.name}: Ids der Einreichungen (_uuid) kommen mehrfach vor "
            "/ submission ids (_uuid) are not unique"
        )
    fields = pd.DataFrame(
        [{k: "" if v is None else str(v) for k, v in sub.items()} for sub in rows],
        index=pd.Index(ids, dtype=object),
    ).fillna("")
    return SurveyExport(
        items=items,
        free_text=free,
        answers=_answers(rows, items),
        languages=languages,
        survey_id=survey_id,
        fields=fields,
        absent=() if header is None else _absent(header, items, free),
        data_file="" if submissions is None else Path(submissions).name,
        twice=() if header is None else _twice(header, items, free),
    )


def _header(path: Path) -> list[str]:
    """Return the column names of a CSV export of submissions."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        head = handle.readline().rstrip("\r\n")  # the header only, not the whole export again
    sep = ";" if head.count(";") > head.count(",") else ","
    return next(csv.reader(io.StringIO(head), delimiter=sep), [])


def _paths(header: list[str], items: pd.DataFrame, free: pd.DataFrame) -> dict[str, str]:
    """Map the headers of a CSV export that name a question otherwise to its group path.

    KoboToolbox writes ``group/name`` by default; with the download option
    "group separator" ``.`` it writes ``group.name``, and without "include
    groups in headers" ``name`` alone. A header that is itself a question's
    path is never renamed; the name alone is taken only when no other
    question of the form has that name.

    Parameters
    ----------
    header : list of str
        The export's column names.
    items, free : DataFrame
        The form's items and free-text questions (``tool_code``).

    Returns
    -------
    dict of str to str
        Header as written -> group path, for the headers to rename only.

    Examples
    --------
    >>> items = pd.DataFrame({"tool_code": ["g/q1::a", "g/q1::b", "g/q2"]})
    >>> free = pd.DataFrame({"tool_code": ["name"]})
    >>> _paths(["name", "q1", "g.q2"], items, free)
    {'q1': 'g/q1', 'g.q2': 'g/q2'}
    """
    paths = list(dict.fromkeys(_columns(items, free)))
    known = set(paths)
    last = [p.rsplit("/", 1)[-1] for p in paths]
    have = set(header)
    out: dict[str, str] = {}
    for path, name in zip(paths, last, strict=True):
        if path in have:
            continue
        forms = [path.replace("/", "."), name if last.count(name) == 1 else None]
        for form in forms:
            if form and form in have and form not in known and form not in out:
                out[form] = path
                break
    return out


def _columns(items: pd.DataFrame, free: pd.DataFrame) -> list[str]:
    """Return the group path of every question, once per choice of a select_multiple."""
    return [
        str(tool_code).split("::", 1)[0]  # a choice of a select_multiple: its question
        for frame in (items, free)
        if len(frame)
        for tool_code in frame["tool_code"]
    ]


def _twice(header: list[str], items: pd.DataFrame, free: pd.DataFrame) -> tuple[str, ...]:
    """Question codes of the form whose column a CSV export of submissions repeats."""
    twice = repeated(header)
    out: list[str] = []
    for frame in (items, free):
        if not len(frame) or not twice:
            continue
        for tool_code, code in zip(frame["tool_code"], frame["code"], strict=True):
            if str(tool_code).split("::", 1)[0] in twice and code not in out:
                out.append(str(code))
    return tuple(out)


def _absent(header: list[str], items: pd.DataFrame, free: pd.DataFrame) -> tuple[str, ...]:
    """Question codes of the form whose column a CSV export of submissions lacks."""
    have = set(header)
    out: list[str] = []
    for frame in (items, free):
        if not len(frame):
            continue
        for tool_code, code in zip(frame["tool_code"], frame["code"], strict=True):
            column = str(tool_code).split("::", 1)[0]  # a choice of a select_multiple
            if column not in have and code not in out:
                out.append(str(code))
    return tuple(out)


MAX_BYTES = 512 * 1024**2  # a form or submissions file larger than this is refused unread


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise KoboError(
            f"{path.name}: {size} Bytes, mehr als die Grenze von {MAX_BYTES} Bytes "
            f"/ larger than the limit"
        )


def _lang(name: str | None) -> str:
    if not name:
        return "default"
    name = str(name)
    if "(" in name and name.endswith(")"):
        return name[name.rindex("(") + 1 : -1].strip().lower()
    return name.strip().lower()


def _xlsform(path: Path) -> tuple[list[dict], list[dict], tuple[str, ...], str]:
    import zipfile

    import openpyxl  # parses the workbook's XML with defusedxml when installed (it is)

    from ogl_impact.imports.limesurvey import LimeSurveyError, check_archive

    try:
        with zipfile.ZipFile(path) as archive:
            check_archive(path, archive)
    except LimeSurveyError as exc:
        raise KoboError(str(exc)) from None
    except zipfile.BadZipFile:
        raise KoboError(
            f"{path.name}: keine lesbare XLSForm-Arbeitsmappe (keine ZIP-Datei) "
            "/ not a readable XLSForm workbook (no zip file)"
        ) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken workbooks
        raise KoboError(
            f"{path.name}: keine lesbare XLSForm-Arbeitsmappe "
            f"/ not a readable XLSForm workbook ({type(exc).__name__})"
        ) from None
    sheets = {}
    for name in ("survey", "choices"):
        if name not in book.sheetnames:
            raise KoboError(
                f"{path.name}: der XLSForm fehlt das Blatt '{name}' "
                f"/ the XLSForm has no '{name}' sheet"
            )
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

    survey_id = ""  # none named: the mapping's @survey_id, never the file's name
    if "settings" in book.sheetnames:
        values = list(book["settings"].iter_rows(values_only=True))
        if len(values) > 1:
            settings = dict(zip(values[0], values[1], strict=False))
            survey_id = str(settings.get("form_id") or settings.get("id_string") or survey_id)
    return convert(sheets["survey"]), convert(sheets["choices"]), languages, survey_id


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
            row = _row(tool_code, name, kind, codes, labels, wording, languages, multiple=None)
            row["aliases"] = _aliases(options, codes, len(languages))
            items.append(row)
        elif kind == "select_multiple":
            for option in lists.get(str(list_name), []):
                choice = str(option.get("name"))
                text = [
                    f"{w} – {c}".strip(" –")
                    for w, c in zip(wording, _labels(option, len(languages)), strict=False)
                ]
                row = _row(
                    tool_code,
                    f"{name}_{choice}",
                    kind,
                    {"1": 1, "0": 0},
                    {0: "nicht gewählt", 1: "gewählt"},
                    text,
                    languages,
                    multiple=choice,
                )
                options = lists.get(str(list_name), [])
                names = {str(o.get("name")): str(o.get("name")) for o in options}
                row["aliases"] = _aliases(options, names, len(languages))
                items.append(row)
        elif name and kind not in ("start", "end", "note", "calculate", "deviceid", "today"):
            free.append({"tool_code": tool_code, "code": name, "question_type": kind})
    return pd.DataFrame(items), pd.DataFrame(free, columns=["tool_code", "code", "question_type"])


def _norm(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def _aliases(options: list[dict], codes: dict, n: int) -> dict:
    """Choice labels in every language (normalised) -> what the choice's name stands for.

    A label that two choices share in some language is left out: it names no
    choice for sure.
    """
    found: dict[str, set] = {}
    for option in options:
        target = codes[str(option.get("name"))]
        for label in _labels(option, n):
            if label:
                found.setdefault(_norm(label), set()).add(target)
    return {label: next(iter(t)) for label, t in found.items() if len(t) == 1}


def _row(tool_code, code, kind, codes, labels, wording, languages, multiple) -> dict:
    """Return an item row; a select_multiple choice gets ``question::choice`` as tool code."""
    where = tool_code if multiple is None else f"{tool_code}::{multiple}"
    return item_row(where, code, kind, codes, labels, dict(zip(languages, wording, strict=False)))


def _submissions(path: Path) -> list[dict]:
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise KoboError(
                f"{path.name}: kein lesbares JSON / not readable JSON ({type(exc).__name__})"
            ) from None
        rows = doc.get("results", doc.get("submissions")) if isinstance(doc, dict) else doc
        if not isinstance(rows, list):
            raise KoboError(
                f"{path.name}: keine Liste von Einreichungen gefunden "
                "/ no list of submissions found"
            )
        return rows
    text, _, sep = csv_export(path, KoboError, "der Einreichungen")
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, encoding="utf-8"
        )
    except pd.errors.ParserError as exc:
        raise KoboError(
            f"{path.name}: keine Tabelle von Einreichungen / not a submissions table ({exc})"
        ) from None
    return frame.to_dict("records")


def _chosen(raw: str, aliases: dict) -> list[str] | None:
    """Names ticked in a select_multiple answer given as names or as labels (any language)."""
    names = set(aliases.values())
    parts = raw.split()
    if all(p in names for p in parts):
        return parts
    for sep in (";", ",", "|"):  # labels may hold spaces; labelled exports join them
        labels = [_norm(p) for p in raw.split(sep) if p.strip()]
        if labels and all(label in aliases for label in labels):
            return [aliases[label] for label in labels]
    if _norm(raw) in aliases:
        return [aliases[_norm(raw)]]
    return None


def _answers(rows: list[dict], items: pd.DataFrame) -> pd.DataFrame:
    out = []
    aliases_of = items.get("aliases", pd.Series([{}] * len(items)))
    for number, sub in enumerate(rows, start=1):
        rid = response_id(sub, number)
        for tool_code, codes, aliases in zip(
            items.get("tool_code", []), items.get("codes", []), aliases_of, strict=True
        ):
            if "::" in tool_code:  # one choice of a select_multiple
                question, choice = tool_code.split("::", 1)
                raw = "" if sub.get(question) is None else str(sub.get(question))
                chosen = _chosen(raw, aliases) if raw.strip() else []
                value = None if chosen is None or not raw.strip() else float(choice in chosen)
                out.append(answer_row(rid, tool_code, raw, value))
            else:
                raw = "" if sub.get(tool_code) is None else str(sub.get(tool_code))
                code = codes.get(raw)
                if code is None and raw.strip():
                    code = aliases.get(_norm(raw))
                out.append(answer_row(rid, tool_code, raw, code))
    return pd.DataFrame(out, columns=["response_id", "tool_code", "raw", "value"])


def response_id(submission: dict, number: int) -> str:
    """Return the id of a submission: ``_uuid``, ``meta/instanceID``, ``_id`` or its position."""
    return str(
        submission.get("_uuid")
        or submission.get("meta/instanceID")
        or submission.get("_id")
        or number
    )
