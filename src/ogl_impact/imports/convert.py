"""Turn a survey-tool export into the programme's codebook and survey-response tables.

The mapping table (CSV or XLSX, columns ``code``, ``item_id``, ``construct``,
optionally ``reverse_keyed``) attaches the tool's question codes to the
programme's item ids. Rows whose ``code`` starts with ``@`` are settings:

``@unit_id;brandis``
    every response belongs to one unit (lab or comparison commune); the
    same for ``@wave`` and ``@actor_group`` (all three are required).
``@unit_id;Q_ORT;1=brandis,2=bremen``
    the unit is the answer to question ``Q_ORT`` of the export, translated
    by the value map in the ``construct`` column (``code=value`` pairs
    separated by commas), so one export covering several labs, waves or
    actor groups is split; a response whose answer is not in the map is
    skipped (and reported).
``@panel_key;TOKEN``
    optional: the answer to ``TOKEN`` (a LimeSurvey token, a self-generated
    code) links a person across waves.
``@survey_id;panel2024``
    optional: the survey id used in the pseudonyms instead of the tool's own
    (so that the exports of two waves of one panel share it).

Respondent ids are replaced by keyed hashes (HMAC-SHA256 with a secret the
researcher keeps). Without a panel key the hash covers tool, survey id, unit,
wave and the tool's response id, so two responses of different surveys,
units or waves are never taken for one person; with a panel key it covers
tool, survey id and the normalised key, so the same person gets the same
pseudonym in every wave. Nobody without the secret can go back.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ogl_impact.imports.export import SurveyExport
from ogl_impact.io import RawTable, TableReadError, read_table
from ogl_impact.problems import Problem, make_problem
from ogl_impact.spelling import closest

SETTINGS = ("@unit_id", "@wave", "@actor_group")
OPTIONAL = ("@panel_key", "@survey_id")
_GERMAN = ("de", "deutsch", "german")
_ENGLISH = ("en", "english", "englisch")
_VERSION = "ogl-impact-pseudonym-v2"


@dataclass(frozen=True)
class Setting:
    """Where a response's unit, wave or actor group comes from.

    Attributes
    ----------
    name : str
        ``@unit_id``, ``@wave`` or ``@actor_group``.
    value : str
        The fixed value, or the question code when ``values`` is given.
    values : dict or None
        Answer code -> value for a setting read from a question.
    line : int
        Line of the mapping table.
    """

    name: str
    value: str
    values: dict[str, str] | None
    line: int

    def resolve(self, export: SurveyExport, ids: pd.Index, file: str = "mapping") -> pd.Series:
        """Return the setting for every response id ("" where the answer is not in the map).

        Raises
        ------
        MappingError
            When the question it names is not in the export (``file`` is the
            mapping's name, for the message).
        """
        if self.values is None:
            return pd.Series(self.value, index=ids, dtype=object)
        column = export.field(self.value)
        if column is None:
            raise MappingError(
                [
                    make_problem(
                        file,
                        "mapping_unknown_code",
                        line=self.line,
                        column="item_id",
                        value=self.value,
                        **meant(self.value, export),
                    )
                ]
            )
        raw = column.reindex(ids).fillna("").str.strip()
        return raw.map(lambda v: self.values.get(v, "")).astype(object)


@dataclass(frozen=True)
class Mapping:
    """A mapping table as read: item rows and the settings."""

    items: pd.DataFrame
    settings: dict[str, Setting]
    panel_key: Setting | None
    survey_id: str
    raw: RawTable

    @property
    def unit_id(self) -> str:
        """The fixed unit (empty when read from a question)."""
        return self.settings["@unit_id"].value if self.settings["@unit_id"].values is None else ""


class MappingError(ValueError):
    """The mapping table cannot be used; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the mapping")
        self.problems = problems


def parse_value_map(text: str) -> dict[str, str]:
    """Parse ``1=brandis,2=bremen`` (also ``;`` or ``|`` between pairs).

    Examples
    --------
    >>> parse_value_map("1=brandis, 2=bremen")
    {'1': 'brandis', '2': 'bremen'}

    Raises
    ------
    ValueError
        For a pair without ``=`` or a code given twice.
    """
    out: dict[str, str] = {}
    for part in text.replace("|", ",").replace(";", ",").split(","):
        if not part.strip():
            continue
        code, sep, value = part.partition("=")
        if not sep or not code.strip() or not value.strip():
            raise ValueError(f"'{part.strip()}' is not code=value")
        if code.strip() in out:
            raise ValueError(f"code '{code.strip()}' given twice")
        out[code.strip()] = value.strip()
    return out


def read_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping table.

    Raises
    ------
    MappingError
        For an unreadable table, missing columns, missing ``@`` settings or a
        value map that cannot be read.
    """
    try:
        raw = read_table(Path(path), "mapping", short_rows_ok=True)
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
    lines = list(raw.lines)
    settings: dict[str, Setting] = {}
    broken: set[str] = set()
    for i, (code, value, extra) in enumerate(
        zip(frame["code"], frame["item_id"], frame["construct"], strict=True)
    ):
        if not code.startswith("@"):
            continue
        if code not in SETTINGS + OPTIONAL:
            problems.append(
                make_problem(
                    file,
                    "import_unreadable",
                    line=lines[i],
                    column="code",
                    value=code,
                    detail="unbekannte Einstellung; bekannt sind / unknown setting; known: "
                    + ", ".join(SETTINGS + OPTIONAL),
                )
            )
            continue
        values = None
        if extra.strip() and code not in OPTIONAL:
            try:
                values = parse_value_map(extra)
            except ValueError as exc:
                broken.add(code)
                problems.append(
                    make_problem(
                        file,
                        "import_unreadable",
                        line=lines[i],
                        column="construct",
                        value=extra,
                        detail=f"Wertezuordnung „Code=Wert,…“ erwartet / value map expected: {exc}",
                    )
                )
                continue
        settings[code] = Setting(code, value.strip(), values, int(lines[i]))
    problems += [
        make_problem(file, "mapping_setting_missing", setting=s)
        for s in SETTINGS
        if s not in broken and (s not in settings or not settings[s].value)
    ]
    if problems:
        raise MappingError(problems)
    rows = frame[~frame["code"].str.startswith("@")].copy()
    rows["line"] = raw.lines[rows.index]
    if "reverse_keyed" not in rows.columns:
        rows["reverse_keyed"] = "false"
    twice = rows[rows["code"].duplicated()]
    if len(twice):
        raise MappingError(
            [
                make_problem(
                    file,
                    "import_unreadable",
                    line=int(r.line),
                    column="code",
                    value=r.code,
                    detail="Code zweimal zugeordnet / code mapped twice",
                )
                for r in twice.itertuples()
            ]
        )
    sid = settings.pop("@survey_id", None)
    return Mapping(
        rows,
        {k: v for k, v in settings.items() if k in SETTINGS},
        settings.get("@panel_key"),
        sid.value if sid else "",
        raw,
    )


def normalise_key(text: str) -> str:
    """Normalise a panel key: Unicode NFKC, case folded, without spaces, dashes and dots.

    Examples
    --------
    >>> normalise_key(" AB-12 c. ") == normalise_key("ab12C")
    True
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def pseudonym(
    secret: bytes,
    tool: str,
    survey_id: str,
    unit: str = "",
    wave: str = "",
    response_id: str = "",
    panel_key: str | None = None,
) -> str:
    """Return the keyed pseudonym of a respondent.

    Parameters
    ----------
    secret : bytes
        The key (never empty).
    tool, survey_id : str
        Where the response comes from.
    unit, wave, response_id : str
        Used when there is no panel key: the response stands for itself.
    panel_key : str, optional
        A key that links a person across waves; then only tool, survey id and
        the normalised key enter the hash.

    Returns
    -------
    str
        ``P`` and 19 base-32 characters (95 bits of the HMAC-SHA256).

    Examples
    --------
    >>> a = pseudonym(b"geheim", "limesurvey", "111", "brandis", "2", "1")
    >>> a == pseudonym(b"geheim", "limesurvey", "111", "brandis", "2", "1")
    True
    >>> a != pseudonym(b"geheim", "limesurvey", "222", "bremen", "1", "1")
    True
    >>> p1 = pseudonym(b"geheim", "sosci", "s", "brandis", "1", "7", panel_key="AB12")
    >>> p1 == pseudonym(b"geheim", "sosci", "s", "brandis", "2", "99", panel_key="ab 12")
    True
    """
    if panel_key is not None:
        parts = [_VERSION, "panel", tool, survey_id, normalise_key(panel_key)]
    else:
        parts = [_VERSION, "response", tool, survey_id, unit, wave, response_id]
    return "P" + _keyed(secret, parts)


def response_key(
    secret: bytes, tool: str, survey_id: str, response_id: str, given_id: str = ""
) -> str:
    """Return the keyed hash that stands for one response of a survey in the import register.

    The same HMAC-SHA256 as :func:`pseudonym`, over tool, the tool's survey
    id, the mapping's ``@survey_id`` and the response id only (not unit or
    wave): a response downloaded again in a later, cumulative export gets the
    same key, whatever wave or unit it is imported as. Nobody without the
    secret can go back to the id.

    Parameters
    ----------
    secret : bytes
        The key of the pseudonyms (never empty).
    tool, survey_id, response_id : str
        Where the response comes from (the tool's own survey id) and the
        tool's id of it.
    given_id : str
        The mapping's ``@survey_id`` (empty without): two surveys of one
        panel share it but not their response ids, and a survey whose
        response ids started anew (a LimeSurvey survey reactivated) is told
        apart from its first field phase by another one.

    Returns
    -------
    str
        ``R`` and 19 base-32 characters (95 bits of the HMAC-SHA256).

    Examples
    --------
    >>> a = response_key(b"geheim", "limesurvey", "111", "7")
    >>> a == response_key(b"geheim", "limesurvey", "111", "7"), a.startswith("R"), len(a)
    (True, True, 20)
    >>> a != response_key(b"geheim", "limesurvey", "222", "7")
    True
    """
    return "R" + _keyed(secret, [_VERSION, "register", tool, survey_id, given_id, response_id])


def secret_check(secret: bytes) -> str:
    """Return a check value of the secret, recorded with every import (``imports.csv``).

    An import with another secret than the folder's earlier ones gives its
    respondents other pseudonyms and its responses other keys: no answer
    imported before would be recognised, and a cumulative download would be
    counted twice. The check value tells such a secret apart without
    revealing it (an HMAC of a fixed text under the secret).

    Parameters
    ----------
    secret : bytes
        The key of the pseudonyms.

    Returns
    -------
    str
        ``S`` and 19 base-32 characters.

    Examples
    --------
    >>> secret_check(b"geheim") == secret_check(b"geheim") != secret_check(b"anders")
    True
    """
    return "S" + _keyed(secret, [_VERSION, "secret-check"])


def _is_free_text(export: SurveyExport, code: str) -> bool:
    """Whether ``code`` names a free-text question of the export (by code or column)."""
    frame = export.free_text
    if frame is None or not len(frame):
        return False
    names = {str(v) for c in ("code", "tool_code") if c in frame for v in frame[c]}
    return code in names


def _rekeyed(
    secret: bytes, tool: str, survey_id: str, ids: tuple[str, ...], unit: str, wave: str
) -> list[str]:
    """Pseudonyms of the responses ``ids`` had they been imported as ``unit`` and ``wave``."""
    return [pseudonym(secret, tool, survey_id, unit, wave, r) for r in ids]


def _keyed(secret: bytes, parts: list[str]) -> str:
    """19 base-32 characters of the HMAC-SHA256 of ``parts`` under ``secret``."""
    if not secret:
        raise ValueError("the pseudonymisation secret must not be empty")
    message = "\x1f".join(p.replace("\x1f", " ") for p in parts).encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:19]


@dataclass
class QuestionCount:
    """What happened to the answers of one mapped question."""

    code: str
    item_id: str
    read: int = 0
    mapped: int = 0
    empty: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str, n: int = 1) -> None:
        """Count ``n`` answers skipped for ``reason``."""
        self.skipped[reason] = self.skipped.get(reason, 0) + n

    @property
    def n_skipped(self) -> int:
        """All skipped answers."""
        return sum(self.skipped.values())

    def line(self) -> str:
        """One line of the report (German / English)."""
        text = (
            f"{self.code} -> {self.item_id}: gelesen {self.read}, übernommen {self.mapped}, "
            f"leer {self.empty}, übersprungen {self.n_skipped} "
            f"/ read, mapped, empty, skipped"
        )
        for reason, n in sorted(self.skipped.items()):
            text += f"\n    übersprungen / skipped {n}: {reason}"
        return text


@dataclass
class Conversion:
    """Codebook, responses and the per-question report of one import.

    ``taken`` holds one row per response of the export with an answer taken
    in: ``response`` (:func:`response_key`, never the tool's id), ``wave``,
    ``unit_id`` and ``actor_group``; the import register records it.
    ``rekey(unit, wave)`` gives the pseudonyms these responses would have had
    imported as that unit and wave (``None`` when a panel key links persons
    across waves): their answers found under another wave or unit in
    ``responses.csv`` were imported before, whatever the register says.
    ``respondents`` holds ``respondent_id``, ``unit_id``, ``wave`` and
    ``actor_group`` of every response of the export given a pseudonym, also
    of those this mapping takes no answer of: the answers an earlier import
    of the same export took to other items are theirs.
    """

    codebook: pd.DataFrame
    responses: pd.DataFrame
    warnings: list[Problem]
    counts: list[QuestionCount]
    taken: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["response", "wave", "unit_id", "actor_group"], dtype=object
        )
    )
    rekey: Callable[[str, str], list[str]] | None = field(default=None, compare=False)
    respondents: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["respondent_id", "unit_id", "wave", "actor_group"], dtype=object
        ),
        compare=False,
    )

    @property
    def skipped(self) -> int:
        """Answers skipped in all questions."""
        return sum(c.n_skipped for c in self.counts)


def _wording(items: pd.DataFrame, languages: tuple[str, ...], wanted: tuple[str, ...]) -> pd.Series:
    for lang in languages:
        if lang in wanted and f"wording_{lang}" in items:
            return items[f"wording_{lang}"]
    return (
        items[f"wording_{languages[0]}"] if languages and f"wording_{languages[0]}" in items else ""
    )


def _declared_missing(codes: object, raw: str) -> bool:
    """Whether ``raw`` is a code the tool declares as missing (e.g. SoSci's -9)."""
    return isinstance(codes, dict) and raw in codes and codes[raw] is None


def meant(code: str, export: SurveyExport) -> dict[str, str]:
    """Name the question of the export a mapping's unknown ``code`` probably means.

    Parameters
    ----------
    code : str
        The question code as the mapping writes it (``g02q04``, ``G02Q4``).
    export : SurveyExport
        The export: its questions with answer codes are the names there are.

    Returns
    -------
    dict of str to str
        ``similar_de`` and ``similar_en``, the endings of the
        ``mapping_unknown_code`` message: `` Meinten Sie „G02Q04“?``, that
        the code is a free-text question of the export (in any capitals), or
        empty.
    """
    free_text = export.free_text
    free = {str(c) for c in free_text["code"]} if "code" in free_text and len(free_text) else set()
    text = {c.strip().lower(): c for c in free}.get(str(code).strip().lower())
    if text is not None:  # the question is there, as free text: no item is meant
        return {
            "similar_de": f" „{text}“ ist eine Freitextfrage; Freitext wird nicht übernommen.",
            "similar_en": f" '{text}' is a free-text question; free text is not imported.",
        }
    known = {str(c) for c in export.items["code"]} if len(export.items) else set()
    close = closest(code, sorted(known))
    if close is None or close == code:  # (an @-row naming an item whose column is absent)
        return {"similar_de": "", "similar_en": ""}
    return {"similar_de": f" Meinten Sie „{close}“?", "similar_en": f" Did you mean '{close}'?"}


def missing_columns(
    export: SurveyExport, mapping: Mapping, source: str = "export"
) -> list[Problem]:
    """Tell every column the mapping needs that the export's response file lacks.

    A question the survey's structure declares but the response table has
    no column for was deleted or renamed before the file was read (a column
    removed in Excel before saving as CSV): its answers would all be read as
    empty. Item rows as well as ``@unit_id``, ``@wave``, ``@actor_group``
    and ``@panel_key`` read from a question are checked.

    Parameters
    ----------
    export : SurveyExport
        What a reader returned (``absent`` names the missing columns,
        ``twice`` those the file has more than once).
    mapping : Mapping
        The mapping table.
    source : str
        Name of the export, used when the reader names no response file.

    Returns
    -------
    list of Problem
        One error per missing column and per column the file has more than
        once (only one of them would be read): the response file, its header
        line, the column, and the mapping's name and line in the message;
        empty when nothing the mapping needs is missing or repeated.
    """
    if not export.absent and not export.twice:
        return []
    absent = set(export.absent) | set(export.twice)
    wanted: list[tuple[str, int, str]] = [
        (str(r.code), int(r.line), f"{r.code} → Item {r.item_id}")
        for r in mapping.items.itertuples()
        if r.code in absent
    ]
    settings = [s for s in mapping.settings.values() if s.values is not None]
    if mapping.panel_key is not None:
        settings.append(mapping.panel_key)
    wanted += [
        (s.value, s.line, f"{s.name} aus Frage {s.value}") for s in settings if s.value in absent
    ]
    twice = [w for w in wanted if w[0] in set(export.twice)]
    wanted = [w for w in wanted if w[0] in set(export.absent)]
    doubled = [
        make_problem(
            export.data_file or source,
            "export_column_twice",
            line=1,
            column=code,
            mapping=mapping.raw.path.name,
            mapping_line=line,
            use=use,
        )
        for code, line, use in twice
    ]
    if not wanted:
        return doubled
    header: dict[str, str] = {}  # question code -> the column that holds its answers
    known: set[str] = set()
    for f in (export.items, export.free_text):
        if not len(f):
            continue
        for code, tool_code in zip(f["code"], f["tool_code"], strict=True):
            column = str(tool_code).split("::", 1)[0]  # a choice of a select_multiple
            header.setdefault(str(code), column)
            known.update((str(code), str(tool_code), column))
    strangers = [
        str(c)
        for c in (export.fields.columns if export.fields is not None else [])
        if not _tool_column(str(c), known)
    ]
    renamed = (
        f" In der Datei stehen Spalten, die der Fragebogen nicht kennt: {', '.join(strangers[:5])}."
        if strangers
        else ""
    )
    return [
        make_problem(
            export.data_file or source,
            "export_column_missing",
            line=1,
            column=code,
            mapping=mapping.raw.path.name,
            mapping_line=line,
            use=use,
            renamed=renamed,
            expected=_expected(header.get(code, code)),
            expected_en=_expected(header.get(code, code), "en"),
        )
        for code, line, use in wanted
    ] + doubled


def _expected(column: str, lang: str = "de") -> str:
    """Name the headers read for a question in a group (KoboToolbox); empty for others.

    The problem's column names a question's code, the header itself where the
    question stands in no group. KoboToolbox heads a grouped question ``g/q1``,
    with the download option "group separator" ``.`` as ``g.q1`` and without
    "include groups in headers" as ``q1``; all three are read.

    Examples
    --------
    >>> _expected("q1")
    ''
    >>> _expected("g/q1")
    ' (erwartete Kopfzeile „g/q1“, „g.q1“ oder „q1“)'
    >>> _expected("g/q1", "en")
    " (header expected: 'g/q1', 'g.q1' or 'q1')"
    """
    if "/" not in column:
        return ""
    forms = (column, column.replace("/", "."), column.rsplit("/", 1)[-1])
    if lang == "en":
        return " (header expected: '{}', '{}' or '{}')".format(*forms)
    return " (erwartete Kopfzeile „{}“, „{}“ oder „{}“)".format(*forms)


def _tool_column(column: str, known: set[str]) -> bool:
    """Tell whether an export column is the form's own or the tool's, not an unknown one.

    Known are the questions' columns, a select_multiple split into one column
    per choice (``<column>/<choice>`` or ``<column>.<choice>``), the tool's
    columns (``_id``, ``meta/instanceID``, ``submitdate``, ...) and time
    columns (``…Time``).

    Examples
    --------
    >>> known = {"g/farben", "q1"}
    >>> split = ("g/farben/rot", "g.farben.rot", "farben/rot")
    >>> [_tool_column(c, known) for c in (*split, "meta/x", "_tags")]
    [True, True, True, True, True]
    >>> [_tool_column(c, known) for c in ("Bild", "q1x", "q1")]
    [False, False, True]
    """
    low = column.lower()
    if column in known or low in _TOOL_COLUMNS or column.endswith("Time"):
        return True
    if low.startswith(("_", "meta/", "meta.", "formhub/", "formhub.")):
        return True
    grouped = [k for k in known if "/" in k]  # also headed with "." or without the group path
    other = {k.replace("/", ".") for k in grouped} | {k.rsplit("/", 1)[-1] for k in grouped}
    for at, char in enumerate(column):
        if char in "/." and (column[:at] in known or column[:at] in other):
            return True
    return False


_TOOL_COLUMNS = frozenset(
    {
        "id", "submitdate", "lastpage", "startlanguage", "seed", "token", "startdate",
        "datestamp", "ipaddr", "refurl", "interviewtime", "_id", "_uuid", "_submission_time",
        "_index", "_status", "_submitted_by", "_validation_status", "_notes", "_tags",
        "_version_", "__version__", "start", "end", "today", "deviceid", "meta/instanceid",
        "formhub/uuid", "_xform_id_string", "_attachments", "_geolocation",
        "instanceid", "uuid",  # meta/instanceID and formhub/uuid without groups in headers
    }
)  # fmt: skip
"""Columns the tools add to every export (LimeSurvey, Kobo), not questions of the survey."""


def to_programme_tables(
    export: SurveyExport, mapping: Mapping, secret: bytes, tool: str, source: str = "export"
) -> Conversion:
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
    Conversion
        ``codebook`` and ``responses`` in the programme's columns (respondent
        ids pseudonymised, free text never included, only answers with a
        value), ``warnings`` (questions without a mapping, mapped codes the
        export lacks) and ``counts`` (per mapped question: answers read,
        mapped, empty, skipped with the reason).

    Raises
    ------
    MappingError
        When a setting names a question the export lacks, or no survey id is
        known (neither the export's nor ``@survey_id``).
    """
    file = mapping.raw.path.name
    survey_id = mapping.survey_id or export.survey_id
    if not survey_id:
        raise MappingError([make_problem(file, "mapping_setting_missing", setting="@survey_id")])
    gone = missing_columns(export, mapping, source)
    if gone:
        raise MappingError(gone)
    items = export.items.copy()
    if not len(items):
        items = pd.DataFrame(
            columns=["tool_code", "code", "codes", "scale_min", "scale_max", "value_labels"]
        )
    items["wording_de"] = _wording(items, export.languages, _GERMAN)
    items["wording_en"] = _wording(items, export.languages, _ENGLISH)
    joined = items.merge(mapping.items, on="code", how="inner")
    warnings = [
        make_problem(
            file,
            "mapping_unknown_code",
            line=int(r.line),
            column="code",
            value=r.code,
            severity="warning",
            **meant(str(r.code), export),
        )
        for r in mapping.items.itertuples()
        if r.code not in set(items["code"])
    ]
    warnings += [
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
    ).reset_index(drop=True)

    ids = pd.Index(pd.unique(export.answers["response_id"].astype(str)), dtype=object)
    who = pd.DataFrame(index=ids)
    for name, setting in mapping.settings.items():
        who[name[1:]] = setting.resolve(export, ids, file)
    if mapping.panel_key is not None:
        column = export.field(mapping.panel_key.value)
        if column is None:
            raise MappingError(
                [
                    make_problem(
                        file,
                        "mapping_unknown_code",
                        line=mapping.panel_key.line,
                        column="item_id",
                        value=mapping.panel_key.value,
                        **meant(mapping.panel_key.value, export),
                    )
                ]
            )
        who["panel_key"] = column.reindex(ids).fillna("").map(normalise_key)
    else:
        who["panel_key"] = None
    who["respondent_id"] = [
        ""
        if not (r.unit_id and r.wave and r.actor_group) or r.panel_key == ""
        else pseudonym(secret, tool, survey_id, r.unit_id, r.wave, rid, panel_key=r.panel_key)
        for rid, r in zip(ids, who.itertuples(), strict=True)
    ]
    why = pd.Series("", index=ids, dtype=object)
    for name, setting in reversed(list(mapping.settings.items())):
        if setting.values is not None:
            raw = export.field(setting.value).reindex(ids).fillna("").str.strip()
            bad = who[name[1:]] == ""
            # a free-text answer is never shown (it may name the respondent), only counted
            shown = (
                raw[bad].map(lambda v: f"„{v}“")
                if not _is_free_text(export, setting.value)
                else pd.Series(
                    "(Freitext, nicht gezeigt / free text, not shown)", index=raw[bad].index
                )
            )
            why[bad] = [
                f"{name} aus Frage {setting.value}: Antwort {v} nicht in der Wertezuordnung "
                f"(Zuordnung Zeile {setting.line}) / answer not in the value map"
                for v in shown
            ]
    if mapping.panel_key is not None:
        why[(who["panel_key"] == "") & (why == "")] = (
            f"kein Panel-Schlüssel in Frage {mapping.panel_key.value} / no panel key"
        )

    answers = export.answers.copy()
    answers["response_id"] = answers["response_id"].astype(str)
    answers = answers.merge(
        joined[["tool_code", "code", "item_id", "codes"]], on="tool_code", how="inner"
    )
    answers = answers.join(who, on="response_id")
    answers["why"] = answers["response_id"].map(why)
    raw = answers["raw"].astype(str).str.strip()
    declared = [_declared_missing(c, r) for c, r in zip(answers["codes"], raw, strict=True)]
    has_value = answers["value"].notna()
    # empty: not answered (LimeSurvey's unticked option "" is an answer: 0)
    empty = ((raw == "") & ~has_value) | pd.Series(declared, index=answers.index, dtype=bool)
    skip_who = (answers["why"] != "") & ~empty
    skip_code = ~empty & ~has_value & ~skip_who
    keep = has_value & ~skip_who & ~empty

    counts = []
    for r in mapping.items.itertuples():
        if r.code not in set(joined["code"]):
            continue
        mine = answers["code"] == r.code
        count = QuestionCount(r.code, r.item_id, read=int(mine.sum()))
        count.mapped = int((mine & keep).sum())
        count.empty = int((mine & empty).sum())
        for reason, n in answers.loc[mine & skip_who, "why"].value_counts().items():
            count.skip(str(reason), int(n))
        for code, n in raw[mine & skip_code].value_counts().items():
            count.skip(
                f"Antwortcode „{code}“ ohne Wertelabel (Zuordnung Zeile {int(r.line)}) "
                f"/ answer code without a value label",
                int(n),
            )
        counts.append(count)

    kept = answers[keep]
    responses = pd.DataFrame(
        {
            "respondent_id": kept["respondent_id"].to_numpy(),
            "unit_id": kept["unit_id"].to_numpy(),
            "wave": kept["wave"].to_numpy(),
            "actor_group": kept["actor_group"].to_numpy(),
            "item_id": kept["item_id"].to_numpy(),
            "value": kept["value"].astype(float).to_numpy(),
        }
    )
    # the responses taken in, for the register: keyed by the tool's own survey id and the
    # mapping's (two surveys of one panel share @survey_id, not their response ids)
    first = kept.drop_duplicates("response_id")
    given = mapping.survey_id
    taken = pd.DataFrame(
        {
            "response": [
                response_key(secret, tool, export.survey_id, r, given) for r in first["response_id"]
            ],
            "wave": first["wave"].astype(str).to_numpy(),
            "unit_id": first["unit_id"].astype(str).to_numpy(),
            "actor_group": first["actor_group"].astype(str).to_numpy(),
        }
    )
    rekey = None
    # a panel pseudonym is the same in every wave; a mapping's @survey_id may be shared by other
    # surveys (one mapping for every lab), whose response ids would then look like these
    if mapping.panel_key is None and not mapping.survey_id:
        rids = tuple(first["response_id"].astype(str))
        rekey = functools.partial(_rekeyed, secret, tool, survey_id, rids)
    named = who[who["respondent_id"] != ""]
    respondents = named[["respondent_id", "unit_id", "wave", "actor_group"]].astype(str)
    return Conversion(
        codebook, responses, warnings, counts, taken, rekey, respondents.reset_index(drop=True)
    )
