"""What every survey-tool reader returns: items and long answers in one shape."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ogl_impact.io import line_of_byte, physical_lines


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
    survey_id : str
        The tool's id of the survey (LimeSurvey sid, SoSci project, Kobo form
        id); empty when the export names none.
    fields : DataFrame, optional
        Every raw cell of the export as text, one row per response (index
        ``response_id``, one column per export column). The mapping's
        ``@unit_id``, ``@wave``, ``@actor_group`` and ``@panel_key`` rows
        read the questions they name from here.
    absent : tuple of str
        Question codes the survey's structure (LimeSurvey's survey, SoSci's
        R script, Kobo's form) declares whose column the response table
        lacks: deleted or renamed before the file was read (a column removed
        in Excel). Only told for tabular responses (CSV), whose columns do
        not depend on the answers.
    data_file : str
        Name of the file holding the responses (empty when the structure
        holds them), for the messages.
    twice : tuple of str
        Question codes whose column the response table (CSV) has more than
        once (a column copied in Excel): only one of them would be read.
    """

    items: pd.DataFrame
    free_text: pd.DataFrame
    answers: pd.DataFrame
    languages: tuple[str, ...]
    survey_id: str = ""
    fields: pd.DataFrame | None = None
    absent: tuple[str, ...] = ()
    data_file: str = ""
    twice: tuple[str, ...] = ()

    def field(self, code: str) -> pd.Series | None:
        """Return the raw answers to question ``code`` by response id (None when absent).

        ``code`` may be an export column or a question code of :attr:`items`
        or :attr:`free_text` (then the column is looked up by its tool code).

        Examples
        --------
        >>> fields = pd.DataFrame({"Q_ORT": ["1", "2"]}, index=pd.Index(["7", "8"]))
        >>> empty = pd.DataFrame(columns=["tool_code", "code"])
        >>> export = SurveyExport(empty, empty, empty, ("de",), "s1", fields)
        >>> export.field("Q_ORT").to_dict()
        {'7': '1', '8': '2'}
        """
        if self.fields is None:
            return None
        if code in self.fields.columns:
            return self.fields[code].astype(str)
        for frame in (self.free_text, self.items):
            if len(frame) and "code" in frame:
                hit = frame.loc[frame["code"] == code, "tool_code"]
                for tool_code in hit:
                    if tool_code in self.fields.columns:
                        return self.fields[tool_code].astype(str)
        return None


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


def repeated(header: list[str]) -> set[str]:
    """Return the column names a response file's ``header`` holds more than once.

    Examples
    --------
    >>> sorted(repeated(["id", "G02Q04", "Q00", "G02Q04"]))
    ['G02Q04']
    >>> repeated(["id", "G02Q04"])
    set()
    """
    seen: set[str] = set()
    out: set[str] = set()
    for name in header:
        (out if name in seen else seen).add(name)
    return out


def not_utf8(path: Path, exc: UnicodeDecodeError) -> str:
    """Say in German and English that a response file is not UTF-8, naming the line.

    A CSV saved by a German Excel as plain "CSV" is cp1252 ("ANSI"): its
    umlauts are single bytes UTF-8 cannot read.

    Parameters
    ----------
    path : Path
        The file.
    exc : UnicodeDecodeError
        What decoding its bytes raised (``start`` is the offset of the byte).

    Returns
    -------
    str
        ``<file>: Zeile N, Byte 0x..: nicht UTF-8-kodiert ...`` with what to do.
    """
    # the bytes decoded (after a byte-order mark "utf-8-sig" leaves out), up to the one refused
    line = line_of_byte(exc.object, exc.start)
    byte = exc.object[exc.start : exc.start + 1].hex() if isinstance(exc.object, bytes) else ""
    return (
        f"{path.name}: Zeile {line}, Byte 0x{byte}: die Datei ist nicht UTF-8-kodiert (in Excel "
        f"als „CSV (Trennzeichen-getrennt)“ gespeichert?); bitte den Export so importieren, wie "
        f"das Befragungswerkzeug ihn liefert, oder in Excel als „CSV UTF-8“ speichern / line "
        f"{line}: the file is not UTF-8 (saved by Excel?); import it as downloaded or save it "
        f"as CSV UTF-8"
    )


def csv_export(path: Path, error: type[ValueError], columns: str) -> tuple[str, str, str]:
    r"""Read a CSV export of a survey tool as text, refusing what no reader can read.

    Parameters
    ----------
    path : Path
        The export (UTF-8, a byte-order mark allowed).
    error : type of ValueError
        The reader's error, raised with a German and English message.
    columns : str
        What the header's columns are, in German after "die Spalten"
        ("der Antworten", "der Einreichungen").

    Returns
    -------
    text : str
        The whole file, without a byte-order mark.
    head : str
        Its first line, the header.
    sep : str
        ``";"`` when the header has more semicolons than commas, else ``","``.

    Raises
    ------
    ValueError
        (``error``) When the file is not UTF-8, is empty, or its first line is
        empty (the header must be line 1: a reader that skipped it would count
        every later line one too low).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = path.write_text("id;q1\n1;2\n", encoding="utf-8")
    >>> csv_export(path, ValueError, "der Antworten")[1:]
    ('id;q1', ';')
    >>> _ = path.write_text("\nid;q1\n1;2\n", encoding="utf-8")
    >>> try:
    ...     csv_export(path, ValueError, "der Antworten")
    ... except ValueError as exc:
    ...     print(str(exc)[:49])
    export.csv: Zeile 1 ist leer – die Kopfzeile muss
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(not_utf8(path, exc)) from None
    if not text.strip():
        raise error(
            f"{path.name}: Zeile 1: die Datei ist leer, keine Kopfzeile mit den Spalten {columns}; "
            "bitte den Export neu herunterladen / empty, no header line"
        )
    head = physical_lines(text)[0]
    if not head.strip():
        raise error(
            f"{path.name}: Zeile 1 ist leer – die Kopfzeile muss in Zeile 1 stehen; bitte die "
            "leeren Zeilen vor ihr löschen oder den Export neu herunterladen / line 1 is empty: "
            "the header must be line 1"
        )
    sep = ";" if head.count(";") > head.count(",") else ","
    return text, head, sep
