"""Validate programme tables: file, schema and cross-table rules, all at once.

:func:`validate_folder` reads every known table of a folder, converts its
cells, checks it against its pandera model (lazily, so every problem is
found) and then checks the rules between tables. It never raises for bad
input: everything wrong ends up as a :class:`~ogl_impact.problems.Problem`.
"""

from __future__ import annotations

import ast
import copy
import functools
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors

from ogl_impact import vocab
from ogl_impact.io import (
    TABLE_SUFFIXES,
    UNSUPPORTED_SUFFIXES,
    RawTable,
    TableReadError,
    read_table,
)
from ogl_impact.parse import column_kind, parse_table
from ogl_impact.problems import RULES, Problem, make_problem, sort_problems
from ogl_impact.schemas import TABLES, TableSpec
from ogl_impact.schemas.crosscheck import _combined_codes as combined_codes
from ogl_impact.schemas.crosscheck import check_cross_table
from ogl_impact.schemas.fields import (
    DE_LAND_PATTERN,
    ID_LIST_PATTERN,
    ID_PATTERN,
    ISO_3166_2_PATTERN,
)
from ogl_impact.schemas.tables import RESPONSE_KEY_PATTERN
from ogl_impact.spelling import closest

NOT_SUGGESTED = frozenset({"imports", "imported_responses"})
"""Tables only a command writes (``import``'s register): a file named like one (``import.csv``,
a mapping kept beside the tables) is the researcher's own, never a misnamed table."""
SIDE_FILES = frozenset({"delivery_notes"})
"""Files the package keeps beside the tables and never reads as data (no warning for them):
``delivery_notes.csv`` holds the labs' free-text remarks from their workbooks (``collect``)."""
SIDE_FILE_NOTES: dict[str, tuple[str, str]] = {
    "delivery_notes": (
        "{name}: Anmerkungen der Labore (Freitext, wörtlich aus den Arbeitsmappen) werden "
        "aufbewahrt, aber nicht geprüft; sie dürfen keine personenbezogenen Daten enthalten "
        "(Namen, Telefonnummern, E-Mail-Adressen).",
        "{name}: the labs' remarks (free text, verbatim from their workbooks) are kept but not "
        "checked; they must not hold personal data (names, phone numbers, e-mail addresses).",
    ),
}
"""What ``validate`` says of each side file it finds (one line, German and English)."""


# German and English descriptions of the formats the schemas demand
PATTERN_HINTS: dict[str, tuple[str, str]] = {
    ID_PATTERN: (
        "Kleinbuchstaben, Ziffern, _ und -",
        "lower-case letters, digits, _ and -",
    ),
    ID_LIST_PATTERN: (
        "Kennungen, durch | getrennt (z. B. a|b)",
        "identifiers separated by | (e.g. a|b)",
    ),
    DE_LAND_PATTERN: (
        "ISO-3166-2-Code eines Bundeslandes, z. B. DE-NW",
        "ISO 3166-2 code of a German Land, e.g. DE-NW",
    ),
    ISO_3166_2_PATTERN: ("ISO-3166-2-Code, z. B. DE-NW", "ISO 3166-2 code, e.g. DE-NW"),
    r"^p[1-9]$": ("p gefolgt von einer Ziffer, z. B. p3", "p followed by a digit, e.g. p3"),
    r"^p[1-9](\|p[1-9])*$": (
        "Perspektiven durch | getrennt, z. B. p1|p3",
        "perspectives separated by |, e.g. p1|p3",
    ),
    r"^[a-z][a-z0-9_]*$": (
        "Kleinbuchstaben, Ziffern und _ (z. B. trust)",
        "lower-case letters, digits and _ (e.g. trust)",
    ),
    r"^-?\d+=[^|]+(\|-?\d+=[^|]+)*$": (
        "Code=Label, durch | getrennt (z. B. 1=nie|2=selten)",
        "code=label separated by | (e.g. 1=never|2=rarely)",
    ),
    r"^[A-Za-z0-9_-]{6,64}$": (
        "pseudonyme Kennung aus 6 bis 64 Buchstaben, Ziffern, _ oder -",
        "pseudonymous identifier of 6 to 64 letters, digits, _ or -",
    ),
    RESPONSE_KEY_PATTERN: (
        "schlüsselabhängiger Prüfwert (HMAC), wie ogl-impact import ihn schreibt (R und 19 "
        "Großbuchstaben oder Ziffern 2-7), nie die Antwort-ID des Befragungswerkzeugs",
        "keyed hash as ogl-impact import writes it (R and 19 capitals or digits 2-7), never "
        "the survey tool's response id",
    ),
}

# which column a row-level (dataframe) check is reported on; of several, the first empty one
_CHECK_COLUMN: dict[str, str | tuple[str, ...]] = {
    "partner_known_fields": ("lab_id", "land", "source"),
    "period_end_after_start": "end",
    "deadline_after_start": "deadline",
    "wave_end_after_start": "field_end",
    "stage_matches_level": "stage",
    "target_after_baseline": "target_date",
    "percentage_range": "target_value",
    "count_range": ("baseline_value", "target_value"),
    "scale_max_above_min": "scale_max",
    "replaced_after_import": "replaced",
    "indicator_scale": ("scale_min", "scale_max", "baseline_value", "target_value"),
    "complete_has_date": "achieved_date",
}

PAIRED_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "indicators": (("scale_min", "scale_max"),),
}
"""Optional columns that come in pairs: one without the other is one error of the header."""

_BOUNDS = {
    "greater_than_or_equal_to": "ge",
    "less_than_or_equal_to": "le",
    "greater_than": "gt",
    "less_than": "lt",
}


@dataclass
class ValidationReport:
    """What validation found in a folder of tables.

    Attributes
    ----------
    folder : Path
        The folder that was read.
    raw : dict of str to RawTable
        Every table that could be read, as text.
    tables : dict of str to pandas.DataFrame
        The same tables with typed columns (schema-checked where possible).
    problems : list of Problem
        Everything wrong, sorted by file, line and column.
    side_files : list of Path
        Files kept beside the tables and not checked (:data:`SIDE_FILES`).
    """

    folder: Path
    raw: dict[str, RawTable] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    side_files: list[Path] = field(default_factory=list)

    def side_file_lines(self, lang: str = "de") -> list[str]:
        """Return one line per side file: kept, not checked, and what it must not hold.

        Parameters
        ----------
        lang : {"de", "en"}
            Language.

        Returns
        -------
        list of str
        """
        pos = 0 if lang == "de" else 1
        return [
            SIDE_FILE_NOTES[p.stem][pos].format(name=p.name)
            for p in self.side_files
            if p.stem in SIDE_FILE_NOTES
        ]

    @property
    def errors(self) -> list[Problem]:
        """Problems of severity ``error``."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors


def find_tables(folder: Path) -> tuple[dict[str, Path], list[Problem]]:
    """Map table names to the files in ``folder`` that hold them.

    A file whose name is close to a table's name (``meilensteine.csv``,
    ``Labs.csv``, ``lab.csv``) while that table has no file is an error that
    names the expected file; other unknown tables are warnings. A table saved
    in a format that is not read (``labs.xls``, ``labs.ods``) is an error
    that says how to save it.

    Parameters
    ----------
    folder : Path
        Folder to look in (not recursively).

    Returns
    -------
    files : dict of str to Path
        One file per known table.
    problems : list of Problem
        Errors and warnings for unknown, misnamed, unsupported and duplicated tables.
    """
    found: dict[str, list[Path]] = {}
    unknown: list[Path] = []
    problems = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        suffix = path.suffix.lower()
        if suffix in UNSUPPORTED_SUFFIXES and _suggest(path.stem) is not None:
            problems.append(make_problem(path.name, "file_format_unsupported"))
            continue
        if suffix not in TABLE_SUFFIXES:
            continue
        if path.stem in SIDE_FILES:
            continue
        if path.stem not in TABLES:
            unknown.append(path)
            continue
        found.setdefault(path.stem, []).append(path)
    for path in unknown:
        guess = _suggest(path.stem)
        if guess is not None and guess not in found:
            suggestion = f"{guess}{path.suffix.lower()}"
            problems.append(make_problem(path.name, "file_unknown_similar", suggestion=suggestion))
        else:
            problems.append(
                make_problem(path.name, "file_unknown", severity="warning", known=", ".join(TABLES))
            )
    files = {}
    for name, paths in found.items():
        files[name] = paths[0]
        for other in paths[1:]:
            problems.append(
                make_problem(other.name, "file_duplicate", severity="warning", others=paths[0].name)
            )
    return files, problems


def _suggest(stem: str) -> str | None:
    """Return the table a file name probably means (by English name or German title), or None.

    Examples
    --------
    >>> _suggest("labs.csv"), _suggest("Kopie von labs"), _suggest("Labs - Kopie")
    ('labs', 'labs', 'labs')
    >>> _suggest("rev") is None, _suggest("sub") is None, _suggest("code") is None
    (True, True, True)
    """
    key = re.sub(r"(\.(csv|txt|tsv))+$", "", stem.strip().lower())  # labs.csv.csv
    key = re.sub(r"[\s_\-]+", "_", key)
    key = re.sub(r"(_?\(\d+\)|_?kopie|_?copy|_?final|_?neu|_?new|_?v\d+)$", "", key)
    key = re.sub(r"^(kopie_von_|copy_of_)", "", key)  # "Kopie von labs.csv"
    tables = {name: spec for name, spec in TABLES.items() if name not in NOT_SUGGESTED}
    names = {name: name for name in tables}
    for name, spec in tables.items():
        names[spec.title_de.lower().replace(" ", "_")] = name
        names[spec.title_de.lower().replace("-", "_").replace(" ", "_")] = name
    close = closest(key, names, prefix=False)  # rev.csv is a file of its own, not revisions
    return names[close] if close is not None else None


TableDone = Callable[[str, pd.DataFrame, list[Problem]], None]
"""Called with a table's name, typed frame and problems as soon as it is validated."""


HAPPENED: dict[str, dict[str, tuple[str, str]]] = {
    "imports": {
        "imported": ("der Import", "the import"),
        "replaced": ("das Ersetzen durch einen späteren Import", "the replacement"),
    },
    "submissions": {"received": ("der Eingang der Arbeitsmappe", "the workbook's arrival")},
    "revisions": {"revised": ("der Eingang der Korrektur", "the revision's arrival")},
    "milestones": {"achieved_date": ("das Erreichen des Meilensteins", "reaching the milestone")},
}
"""Date columns that record when something happened (German, English): never after today.

Planned days (deadlines, period ends, field times, milestones' ``planned_date``, indicators'
``target_date``) may lie ahead and are not listed."""


def future_dates(raw: RawTable, frame: pd.DataFrame, name: str, today: date) -> list[Problem]:
    """Tell every day of a "when it happened" column that lies after ``today``.

    A register day or the day something was received or reached cannot be
    known in advance: 2062 typed for 2026 is a typing error, not a plan.

    Parameters
    ----------
    raw : RawTable
        The table as read (for lines and the cells as written).
    frame : pandas.DataFrame
        The table as converted (dates as timestamps; unreadable ones missing).
    name : str
        The table's name (a key of :data:`HAPPENED`).
    today : datetime.date
        The day the check is made on.

    Returns
    -------
    list of Problem
        One error per day after ``today``, naming file, line, column and value.
    """
    out: list[Problem] = []
    day = pd.Timestamp(today)
    for col, (what, what_en) in HAPPENED.get(name, {}).items():
        if col not in frame.columns:
            continue
        when = pd.to_datetime(frame[col], errors="coerce")
        for idx in map(int, (when > day).to_numpy().nonzero()[0]):
            out.append(
                _cell_problem(
                    raw, "date_in_future", idx, col, today=f"{today:%d.%m.%Y}", what=what,
                    what_en=what_en,
                )
            )  # fmt: skip
    return out


def validate_folder(
    folder: str | Path, *, on_table: TableDone | None = None, today: date | None = None
) -> ValidationReport:
    """Read and validate every programme table in a folder.

    Files are read one after the other in a background thread while the
    tables already read are converted and checked (pyarrow's reader releases
    the interpreter lock); the report is the same as reading and checking one
    table after the other.

    Parameters
    ----------
    folder : str or Path
        A folder of CSV or XLSX files named after the tables (``labs.csv``, ...).
    on_table : callable, optional
        Called in the calling thread with ``(name, frame, problems)`` for each
        table as soon as its own checks are done, before the cross-table rules
        (``process`` starts writing it then). ``problems`` are the table's own.
    today : datetime.date, optional
        The day the check is made on (default: today): a day after it in a
        column of :data:`HAPPENED` is an error.

    Returns
    -------
    ValidationReport
        Typed tables and every problem found; never raises for bad data.
    """
    folder = Path(folder)
    report = ValidationReport(folder=folder)
    if not folder.is_dir():
        report.problems.append(make_problem(str(folder), "folder_missing"))
        return report
    files, problems = find_tables(folder)
    report.problems.extend(problems)
    report.side_files = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.stem in SIDE_FILES and p.suffix.lower() in TABLE_SUFFIXES
    )
    if not files:
        report.problems.append(make_problem(str(folder), "folder_empty"))
        return report
    names = [name for name in TABLES if name in files]
    for name, raw in _read_ahead(names, files):
        if isinstance(raw, TableReadError):
            report.problems.append(raw.problem)
            continue
        report.raw[name] = raw
        if raw.frame.empty:
            report.problems.append(
                make_problem(
                    raw.path.name, "table_no_rows", line=raw.header_line, severity="warning"
                )
            )
        frame, problems = validate_table(raw, TABLES[name])
        problems += future_dates(raw, frame, name, today or date.today())
        report.tables[name] = frame
        report.problems.extend(problems)
        if on_table is not None:
            on_table(name, frame, problems)
    report.problems.extend(
        check_cross_table(report.tables, report.raw, missing=set(TABLES) - set(files))
    )
    report.problems = sort_problems(report.problems)
    return report


def _read_ahead(
    names: list[str], files: dict[str, Path]
) -> Iterator[tuple[str, RawTable | TableReadError]]:
    """Yield each table as read (or the refusal of its file), in order, reading ahead.

    One background thread reads the files one after the other; the caller
    works on a table while the next ones are read. Any other exception is
    raised where the table is taken, as a plain read would raise it. The
    thread only reads; it is a daemon, so an interrupted run (Ctrl-C) ends
    without waiting for a large file to be read to the end.
    """

    def read(name: str) -> RawTable | TableReadError:
        try:
            return read_table(files[name], name)
        except TableReadError as exc:
            return exc

    if len(names) < 2:
        for name in names:
            yield name, read(name)
        return
    results: dict[str, Future[RawTable | TableReadError]] = {name: Future() for name in names}

    def work() -> None:
        for name in names:
            future = results[name]
            if not future.set_running_or_notify_cancel():
                continue  # the caller stopped
            try:
                future.set_result(read(name))
            except BaseException as exc:  # handed to the caller, raised there
                future.set_exception(exc)

    threading.Thread(target=work, name="ogl-read-ahead", daemon=True).start()
    try:
        for name in names:
            yield name, results[name].result()
    finally:  # stopped early (an error): read nothing more
        for future in results.values():
            future.cancel()


def validate_table(raw: RawTable, spec: TableSpec) -> tuple[pd.DataFrame, list[Problem]]:
    """Convert and schema-check one table.

    Parameters
    ----------
    raw : RawTable
        The table as read from its file.
    spec : TableSpec
        Its entry in :data:`ogl_impact.schemas.TABLES`.

    Returns
    -------
    frame : pandas.DataFrame
        Typed frame (validated and coerced when the schema passed).
    problems : list of Problem
    """
    frame, problems = parse_table(raw, spec.model)
    problems += _half_pairs(raw)
    schema = spec.model.to_schema()
    if _key_text_unique(raw, schema):  # pandera's own check of the key would find nothing
        schema = _without_unique(spec.model)
    try:
        frame = schema.validate(frame, lazy=True, inplace=True)
    except pandera.errors.SchemaErrors as exc:
        bad_cells = {(p.line, p.column) for p in problems}
        bad_lines = {p.line for p in problems}
        for problem in _translate(exc.failure_cases, raw, spec):
            if (problem.line, problem.column) in bad_cells:
                continue
            if problem.rule in _CHECK_COLUMN and problem.line in bad_lines:
                continue
            problems.append(problem)
    return frame, problems


def _key_text_unique(raw: RawTable, schema: pandera.DataFrameSchema) -> bool:
    """Whether the text of the schema's joint key differs between every two rows.

    pandera checks the key on the typed frame (``DataFrame.duplicated``,
    which hashes every row's values: 0.25-0.65 s for the 2 million rows of a
    national ``indicator_values``). Where every key column is text read
    as categorical text without a missing cell (the readers give an empty
    text instead), typing maps distinct texts to distinct values, so the
    rows' keys repeat exactly when their category codes do, which numpy
    answers from the codes. True only when that proves no key repeats;
    otherwise (a repeat, another kind of column, a column not read as
    categories, a missing cell) pandera's check runs and reports as before.
    """
    key = schema.unique
    if not key or not all(isinstance(c, str) for c in key):
        return False
    for col in key:
        column = schema.columns.get(col)
        text = raw.frame[col] if col in raw.frame.columns else None
        if (
            column is None
            or column_kind(column.dtype) != "str"  # a category could map texts to missing
            or text is None
            or not isinstance(text.dtype, pd.CategoricalDtype)
        ):
            return False
        if not pd.Index(text.cat.categories).astype(str).is_unique:  # 1 and "1": joined
            return False
        if (text.cat.codes.to_numpy() < 0).any():  # a missing cell (never from the readers)
            return False
    combined = combined_codes(raw.frame, list(key))
    if not len(combined):
        return True
    if int(combined.max()) < max(4 * len(combined), 1 << 20):  # the usual case: count them
        return int(np.bincount(combined).max()) <= 1
    combined.sort()
    return not (combined[1:] == combined[:-1]).any()


@functools.cache
def _without_unique(model: type) -> pandera.DataFrameSchema:
    """Return the model's schema without its joint key rule (see :func:`_key_text_unique`)."""
    schema = copy.copy(model.to_schema())
    schema.unique = None
    return schema


def _half_pairs(raw: RawTable) -> list[Problem]:
    """Tell a column of :data:`PAIRED_COLUMNS` whose partner is in the header (once)."""
    have = set(raw.frame.columns)
    return [
        make_problem(
            raw.path.name,
            "column_missing_pair",
            line=raw.header_line,
            column=b if a in have else a,
            present=a if a in have else b,
            missing=b if a in have else a,
        )
        for a, b in PAIRED_COLUMNS.get(raw.name, ())
        if (a in have) != (b in have)
    ]


def _translate(cases: pd.DataFrame, raw: RawTable, spec: TableSpec) -> list[Problem]:
    file = raw.path.name
    out: list[Problem] = []
    schema = spec.model.to_schema()
    cases = cases.copy()
    cases["check"] = cases["check"].astype(str)
    for check, group in cases.groupby("check", sort=False):
        name, args = _split_check(check)
        if name == "column_in_dataframe":
            for col in group["failure_case"].astype(str).unique():
                out.append(make_problem(file, "column_missing", line=raw.header_line, column=col))
        elif name == "column_in_schema":
            for col in group["failure_case"].astype(str).unique():
                out.append(
                    make_problem(
                        file,
                        "column_extra",
                        line=raw.header_line,
                        column=col,
                        allowed=", ".join(schema.columns),
                    )
                )
        elif name == "multiple_fields_uniqueness":
            out.extend(_duplicate_keys(group, raw, spec))
        elif name in _CHECK_COLUMN:
            for idx in _indices(group):
                out.append(_cell_problem(raw, name, idx, _check_column(raw, name, idx)))
        else:
            rule, params = _rule_for(name, args)
            for col, rows in group.groupby("column", sort=False):
                col = str(col)
                cell_rule, cell_params = rule, params
                if rule.startswith("type_") and col in schema.columns:
                    cell_rule = "type_" + column_kind(schema.columns[col].dtype)
                    if cell_rule not in RULES:  # text has no type rule: the check, by name
                        cell_rule, cell_params = "check_failed", {"check": check}
                for idx in _indices(rows):
                    out.append(_cell_problem(raw, cell_rule, idx, col, **cell_params))
    return out


def _check_column(raw: RawTable, check: str, idx: int) -> str:
    candidates = _CHECK_COLUMN[check]
    if isinstance(candidates, str):
        return candidates
    present = [c for c in candidates if c in raw.frame.columns]
    if check == "count_range":  # the value that is negative or not whole
        bad = [c for c in present if not _whole_from_zero(raw.frame[c].iat[idx], raw.decimal)]
        return (bad or present or list(candidates))[0]
    if check == "indicator_scale":  # the bound missing or wrong, else the value off the scale
        return _off_scale_column(raw, idx)
    empty = [c for c in present if raw.frame[c].iat[idx] == ""]
    return (empty or present or list(candidates))[0]


def _cell_number(raw: RawTable, column: str, idx: int) -> float | None:
    """Read a cell as a number (None when the column is missing, the cell empty or unreadable)."""
    if column not in raw.frame.columns:
        return None
    text = str(raw.frame[column].iat[idx]).strip()
    if raw.decimal == ",":
        text = text.replace(".", "").replace(",", ".")
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _off_scale_column(raw: RawTable, idx: int) -> str:
    """Return the column of an indicator's row that breaks ``indicator_scale``."""
    low, high = (_cell_number(raw, c, idx) for c in ("scale_min", "scale_max"))
    measure = str(raw.frame["measure"].iat[idx]).strip() if "measure" in raw.frame else ""
    if measure not in (*vocab.RATED_MEASURES, "") and (low is not None or high is not None):
        return "scale_min" if low is not None else "scale_max"  # a scale where none belongs
    if low is None or not low.is_integer():
        return "scale_min"
    if high is None or not high.is_integer() or high <= low:
        return "scale_max"
    for column in ("baseline_value", "target_value"):
        value = _cell_number(raw, column, idx)
        if value is not None and not (low <= value <= high and value.is_integer()):
            return column
    return "scale_min"


def _whole_from_zero(text: str, decimal: str) -> bool:
    """Whether a cell reads as a whole number from 0 (empty and unreadable cells pass)."""
    text = str(text)
    if decimal == ",":
        text = text.replace(".", "").replace(",", ".")
    try:
        value = float(text) if text else 0.0
    except ValueError:
        return True
    return value >= 0 and value.is_integer()


def _indices(group: pd.DataFrame) -> list[int]:
    idx = pd.to_numeric(group["index"], errors="coerce").dropna().astype(int)
    return sorted(set(idx.tolist()))


def _cell_problem(raw: RawTable, rule: str, idx: int, col: str | None, **params: object) -> Problem:
    value = raw.frame[col].iat[idx] if col in raw.frame.columns else None
    return make_problem(
        raw.path.name, rule, line=int(raw.lines[idx]), column=col, value=value, **params
    )


def _duplicate_keys(group: pd.DataFrame, raw: RawTable, spec: TableSpec) -> list[Problem]:
    out = []
    cols = [c for c in spec.key if c in raw.frame.columns]
    for idx in _indices(group):
        key = ", ".join(f"{c}={raw.frame[c].iat[idx]}" for c in cols)
        out.append(
            make_problem(
                raw.path.name,
                "duplicate_key",
                line=int(raw.lines[idx]),
                column=cols[0],
                value=raw.frame[cols[0]].iat[idx],
                key=key,
            )
        )
    return out


def _split_check(check: str) -> tuple[str, str]:
    m = re.fullmatch(r"([A-Za-z_]+)\((.*)\)", check, flags=re.DOTALL)
    if m:
        return m.group(1), m.group(2)
    return check, ""


def _rule_for(name: str, args: str) -> tuple[str, dict[str, object]]:
    if name == "not_nullable":
        return "not_nullable", {}
    if name == "field_uniqueness":
        return "unique", {}
    if name in ("coerce_dtype", "dtype"):
        return "type_str", {}
    if name == "isin":
        allowed = ast.literal_eval(args)
        return "isin", {"allowed": ", ".join(str(a) for a in allowed)}
    if name == "str_matches":
        pattern = args[1:-1]  # str(check) prints the pattern quoted, unescaped
        hint_de, hint_en = PATTERN_HINTS.get(pattern, (pattern, pattern))
        return "str_matches", {"hint": hint_de, "hint_en": hint_en}
    if name in _BOUNDS:
        return _BOUNDS[name], {"bound": args}
    if name in RULES:
        return name, {}
    return "check_failed", {"check": name}


__all__ = ["TableDone", "ValidationReport", "find_tables", "validate_folder", "validate_table"]
