"""What every survey-tool reader returns: items and long answers in one shape."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class SurveyExport:
    """A survey export in the shape of the programme tables.

    Attributes
    ----------
    items : DataFrame
        One row per item: ``tool_code`` (the response column, e.g. SGQA
        ``841748X3X3SQ001``), ``code`` (question code, ``Q00_SQ001`` for a
        sub-question), ``question_type``, ``scale_min``, ``scale_max``,
        ``value_labels`` (``1=…|2=…``), ``codes`` (answer code -> value) and
        ``wording_<language>`` for every survey language.
    free_text : DataFrame
        Free-text questions (``tool_code``, ``code``), kept apart.
    answers : DataFrame
        Long answers: ``response_id`` (the tool's id, to be pseudonymised),
        ``tool_code``, ``raw`` (the code as exported) and ``value`` (number or
        missing; a non-empty ``raw`` without ``value`` is a code without a label).
    languages : tuple of str
        Survey languages, base language first.
    """

    items: pd.DataFrame
    free_text: pd.DataFrame
    answers: pd.DataFrame
    languages: tuple[str, ...]


def item_row(
    tool_code: str, code: str, qtype: str, codes: dict, labels: dict, wording: dict
) -> dict:
    """Return one row of :attr:`SurveyExport.items`.

    Parameters
    ----------
    tool_code : str
        Where the answers stand in the export (column or path).
    code : str
        The question code a researcher sees in the tool.
    qtype : str
        The tool's question type.
    codes : dict
        Answer code as exported -> value.
    labels : dict
        Value -> label.
    wording : dict
        Language -> question text.

    Returns
    -------
    dict
    """
    values = sorted(labels)
    row = {
        "tool_code": tool_code,
        "code": code,
        "question_type": qtype,
        "scale_min": values[0] if values else None,
        "scale_max": values[-1] if values else None,
        "value_labels": "|".join(f"{v}={labels[v]}" for v in values),
        "codes": codes,
    }
    row.update({f"wording_{lang}": text for lang, text in wording.items()})
    return row


def answer_row(response_id: str, tool_code: str, raw: object, value: object) -> dict:
    """Return one row of :attr:`SurveyExport.answers` (``raw`` as text, ``value`` as float)."""
    return {
        "response_id": str(response_id),
        "tool_code": tool_code,
        "raw": "" if raw is None else str(raw),
        "value": None if value is None else float(value),
    }
