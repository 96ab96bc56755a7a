"""Turn a survey-tool export into the programme's codebook and survey-response tables.

A mapping table (CSV or XLSX, columns ``code``, ``item_id``, ``construct``,
optionally ``reverse_keyed``) attaches the tool's question codes to the
programme's item ids; three rows whose ``code`` starts with ``@`` give the
export's ``@unit_id`` (lab or comparison commune), ``@wave`` and
``@actor_group`` in the ``item_id`` column. Respondent ids of the tool are
replaced by keyed hashes (HMAC-SHA256 with a secret the researcher keeps),
so the same person gets the same pseudonym in every wave and nobody without
the secret can go back.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ogl_impact.imports.export import SurveyExport
from ogl_impact.io import RawTable, TableReadError, read_table
from ogl_impact.problems import Problem, make_problem

SETTINGS = ("@unit_id", "@wave", "@actor_group")
_GERMAN = ("de", "deutsch", "german")
_ENGLISH = ("en", "english", "englisch")


@dataclass(frozen=True)
class Mapping:
    """A mapping table as read: item rows and the export's unit, wave and actor group."""

    items: pd.DataFrame
    unit_id: str
    wave: str
    actor_group: str
    raw: RawTable


class MappingError(ValueError):
    """The mapping table cannot be used; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the mapping")
        self.problems = problems


def read_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping table.

    Raises
    ------
    MappingError
        For an unreadable table, missing columns or missing ``@`` settings.
    """
    try:
        raw = read_table(Path(path), "mapping")
    except TableReadError as exc:
        raise MappingError([exc.problem]) from None
    frame = raw.frame.astype(str)
    file = raw.path.name
    problems = [
        make_problem(file, "column_missing", line=raw.header_line, column=c)
        for c in ("code", "item_id", "construct")
        if c not in frame.columns
    ]
    if problems:
        raise MappingError(problems)
    settings = {
        c: v for c, v in zip(frame["code"], frame["item_id"], strict=True) if c.startswith("@")
    }
    missing = [s for s in SETTINGS if not settings.get(s)]
    if missing:
        raise MappingError(
            [make_problem(file, "mapping_setting_missing", setting=s) for s in missing]
        )
    rows = frame[~frame["code"].str.startswith("@")].copy()
    rows["line"] = raw.lines[rows.index]
    if "reverse_keyed" not in rows.columns:
        rows["reverse_keyed"] = "false"
    return Mapping(rows, settings["@unit_id"], settings["@wave"], settings["@actor_group"], raw)


def pseudonym(secret: bytes, tool: str, response_id: str) -> str:
    """Return the keyed pseudonym of a tool's respondent id.

    Examples
    --------
    >>> pseudonym(b"geheim", "limesurvey", "1") == pseudonym(b"geheim", "limesurvey", "1")
    True
    >>> pseudonym(b"geheim", "limesurvey", "1") != pseudonym(b"anders", "limesurvey", "1")
    True
    """
    if not secret:
        raise ValueError("the pseudonymisation secret must not be empty")
    digest = hmac.new(secret, f"{tool}:{response_id}".encode(), hashlib.sha256).digest()
    return "P" + base64.b32encode(digest).decode()[:19]


def _wording(items: pd.DataFrame, languages: tuple[str, ...], wanted: tuple[str, ...]) -> pd.Series:
    for lang in languages:
        if lang in wanted and f"wording_{lang}" in items:
            return items[f"wording_{lang}"]
    return (
        items[f"wording_{languages[0]}"] if languages and f"wording_{languages[0]}" in items else ""
    )


def to_programme_tables(
    export: SurveyExport, mapping: Mapping, secret: bytes, tool: str, source: str = "export"
) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """Build the codebook and responses tables from an export and a mapping.

    Parameters
    ----------
    export : SurveyExport
        What a reader (LimeSurvey, SoSci, Kobo) returned.
    mapping : Mapping
        The mapping table.
    secret : bytes
        Key of the pseudonyms.
    tool : str
        Name of the tool (part of the pseudonym's input).
    source : str
        Name of the export file, for the report.

    Returns
    -------
    codebook, responses : DataFrame
        Tables in the programme's columns (respondent ids pseudonymised, free
        text never included).
    report : list of Problem
        Warnings: questions without a mapping, mapped codes the export lacks,
        answer codes without a label.
    """
    file = mapping.raw.path.name
    items = export.items.copy()
    items["wording_de"] = _wording(items, export.languages, _GERMAN)
    items["wording_en"] = _wording(items, export.languages, _ENGLISH)
    joined = items.merge(mapping.items, on="code", how="inner")
    report = [
        make_problem(
            file,
            "mapping_unknown_code",
            line=int(r.line),
            column="code",
            value=r.code,
            severity="warning",
        )
        for r in mapping.items.itertuples()
        if r.code not in set(items["code"])
    ]
    report += [
        make_problem(source, "unmapped_question", column="code", value=code, severity="warning")
        for code in items["code"]
        if code not in set(mapping.items["code"])
    ]
    codebook = pd.DataFrame(
        {
            "item_id": joined["item_id"],
            "construct": joined["construct"],
            "wording_de": joined["wording_de"],
            "wording_en": joined["wording_en"],
            "scale_min": joined["scale_min"],
            "scale_max": joined["scale_max"],
            "value_labels": joined["value_labels"],
            "reverse_keyed": joined["reverse_keyed"].str.lower().isin(["true", "ja", "1", "yes"]),
        }
    )
    answers = export.answers.merge(joined[["tool_code", "item_id"]], on="tool_code", how="inner")
    unlabelled = answers[(answers["raw"] != "") & answers["value"].isna()]
    for (code, raw), n in unlabelled.groupby(["tool_code", "raw"]).size().items():
        report.append(
            make_problem(
                file, "code_without_label", column=code, value=raw, severity="warning", count=n
            )
        )
    responses = pd.DataFrame(
        {
            "respondent_id": [pseudonym(secret, tool, str(r)) for r in answers["response_id"]],
            "unit_id": mapping.unit_id,
            "wave": mapping.wave,
            "actor_group": mapping.actor_group,
            "item_id": answers["item_id"],
            "value": answers["value"],
        }
    )
    return codebook.reset_index(drop=True), responses, report
