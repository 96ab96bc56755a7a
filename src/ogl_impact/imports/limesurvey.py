"""Read LimeSurvey exports: structure (.lss or tab-separated .txt), responses (.lsr, CSV), archives.

The structure yields one item per question, or one per sub-question for
arrays and multiple choice, with the wording in every survey language and
the answer options as value labels. Answer codes become numbers: a code
that is a whole number keeps its value, any other code its position in the
answer order (1, 2, ...); a ticked multiple-choice option is 1, an unticked
one 0. Free-text questions are kept apart and never reach the answers table.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pandas as pd
from defusedxml import DefusedXmlException

from ogl_impact.imports.export import SurveyExport, answer_row, csv_export, item_row, repeated
from ogl_impact.io import ZipLimits, zip_breach

# LimeSurvey question types (https://manual.limesurvey.org, question object types)
CHOICE_TYPES = {"L", "!", "O", "5", "Y", "G"}  # one answer from a list
ARRAY_TYPES = {"F", "H", "A", "B", "C", "E", "1"}  # one answer per sub-question
MULTIPLE_TYPES = {"M", "P"}  # tick any number of options
TEXT_TYPES = {"S", "T", "U", "Q", ";", "X", "*", "|"}  # free text, display, equations, uploads
_FIXED = {
    "5": {str(i): str(i) for i in range(1, 6)},
    "A": {str(i): str(i) for i in range(1, 6)},
    "B": {str(i): str(i) for i in range(1, 11)},
    "Y": {"Y": "Ja", "N": "Nein"},
    "G": {"F": "weiblich", "M": "männlich"},
    "C": {"Y": "Ja", "U": "Unsicher", "N": "Nein"},
    "E": {"I": "Mehr", "S": "Gleich", "D": "Weniger"},
}


# Limits for hostile files, checked before anything is inflated or parsed.
MAX_FILE_BYTES = 512 * 1024**2  # a structure or response file, or a whole archive member
MAX_ARCHIVE_BYTES = 1024**3  # all members of a .lsa together, as declared
MAX_RATIO = 100  # declared size / compressed size of one member
RATIO_FLOOR = 1024**2  # members smaller than this are not held to MAX_RATIO
MAX_MEMBERS = 1000
ARCHIVE_LIMITS = ZipLimits(
    total=MAX_ARCHIVE_BYTES,
    member=MAX_FILE_BYTES,
    ratio=MAX_RATIO,
    ratio_floor=RATIO_FLOOR,
    members=MAX_MEMBERS,
)


class LimeSurveyError(ValueError):
    """The file is not a LimeSurvey export this reader understands."""


def read_limesurvey(structure: str | Path, responses: str | Path | None = None) -> SurveyExport:
    """Read a LimeSurvey survey structure and, if given or archived with it, its responses.

    Parameters
    ----------
    structure : str or Path
        A ``.lss`` file, a ``.lsa`` archive (its ``.lss`` and ``.lsr`` are
        used), or the tab-separated survey structure (``.txt``).
    responses : str or Path, optional
        The responses: a ``.lsr`` file, or LimeSurvey's CSV response export
        with question codes (or SGQA codes) as headings and answer codes as
        values. Not needed for a ``.lsa``, whose ``.lsr`` is used.

    Returns
    -------
    SurveyExport

    Raises
    ------
    LimeSurveyError
        When a file is not a LimeSurvey export (the message names the file).
    """
    structure = Path(structure)
    tsv = structure.suffix.lower() in (".txt", ".tsv")
    if tsv:
        lss_text, lsr_text = b"", None
    elif structure.suffix.lower() == ".lsa":
        lss_text, lsr_text = _unpack_archive(structure)
    else:
        lss_text, lsr_text = _read_bytes(structure), None
    csv_rows = None
    header: list[str] = []
    if responses is not None:
        responses = Path(responses)
        if responses.suffix.lower() == ".csv":
            _check_file(responses)
            header, csv_rows = _csv_rows(responses)
            lsr_text = None
        else:
            lsr_text = _read_bytes(responses)
    if tsv:
        languages, frames = _read_tsv(structure)
        items, free = _items_from(*frames, languages)
    else:
        root = _parse(lss_text, structure.name, "Survey")
        languages = tuple(e.text for e in root.findall("./languages/language") if e.text)
        items, free = _items(root, languages)
    sid = _survey_id(items, free)
    rows: list[dict[str, str]] = []
    if csv_rows is not None:
        rows = csv_rows
    elif lsr_text is not None:
        name = responses.name if responses is not None else structure.name
        rows = _response_rows(_parse(lsr_text, name, "Responses"))
    ids = [str(r.get("id", "")) for r in rows]
    if len(set(ids)) != len(ids):
        raise LimeSurveyError(
            f"{structure.name}: Antwort-Ids kommen mehrfach vor / response ids are not unique"
        )
    fields = pd.DataFrame(rows, dtype=str).fillna("") if rows else pd.DataFrame()
    if len(fields):
        fields.index = pd.Index(ids)
    return SurveyExport(
        items=items,
        free_text=free,
        answers=_answer_rows(rows, items),
        languages=languages,
        survey_id=sid,
        fields=fields,
        absent=_absent(header, items, free) if csv_rows is not None else (),
        data_file=responses.name if csv_rows is not None else "",
        twice=_twice(header, items, free),
    )


def _twice(header: list[str], items: pd.DataFrame, free: pd.DataFrame) -> tuple[str, ...]:
    """Question codes of the structure whose column a CSV response export's ``header`` repeats."""
    twice = repeated(header)
    return tuple(
        str(code)
        for frame in (items, free)
        if len(frame) and twice
        for tool_code, code in zip(frame["tool_code"], frame["code"], strict=True)
        if tool_code in twice or code in twice
    )


def _absent(header: list[str], items: pd.DataFrame, free: pd.DataFrame) -> tuple[str, ...]:
    """Question codes of the structure with no column in a CSV response export's ``header``."""
    have = set(header)
    return tuple(
        str(code)
        for frame in (items, free)
        if len(frame)
        for tool_code, code in zip(frame["tool_code"], frame["code"], strict=True)
        if tool_code not in have and code not in have
    )


def _survey_id(items: pd.DataFrame, free: pd.DataFrame) -> str:
    """Return the survey id (``sid``), the part before the first ``X`` of the SGQA codes."""
    codes = [*items.get("tool_code", []), *free.get("tool_code", [])]
    sids = {c.split("X", 1)[0] for c in codes if "X" in c}
    return sids.pop() if len(sids) == 1 else ""


def _check_file(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise LimeSurveyError(
            f"{path.name}: {size} Bytes, mehr als die Grenze von {MAX_FILE_BYTES} Bytes "
            f"/ larger than the limit"
        )


def _read_bytes(path: Path) -> bytes:
    _check_file(path)
    return path.read_bytes()


def _read_tsv(path: Path) -> tuple[tuple[str, ...], tuple[pd.DataFrame, ...]]:
    """Read LimeSurvey's tab-separated survey structure (the .txt export) into section frames."""
    try:
        frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise LimeSurveyError(
            f"{path.name}: keine tabulatorgetrennte Umfragestruktur "
            f"/ not a tab-separated survey ({type(exc).__name__})"
        ) from None
    needed = {"id", "class", "type/scale", "name", "text", "language"}
    if not needed <= set(frame.columns):
        raise LimeSurveyError(
            f"{path.name}: keine tabulatorgetrennte LimeSurvey-Umfragestruktur "
            "/ not a LimeSurvey tab-separated survey structure"
        )
    settings = dict(
        zip(
            frame.loc[frame["class"] == "S", "name"],
            frame.loc[frame["class"] == "S", "text"],
            strict=True,
        )
    )
    sid = settings.get("sid", "0")
    languages = tuple(
        x
        for x in [settings.get("language", ""), *settings.get("additional_languages", "").split()]
        if x
    )
    questions, subs, l10n, answers, answer_l10n = [], [], [], [], []
    gid, qid, q_order, order = "0", None, 0, {}
    for row in frame.itertuples(index=False):
        kind = row[frame.columns.get_loc("class")]
        rid, name, text, lang = row.id, row.name, row.text, row.language
        if kind == "G":
            gid = rid
        elif kind == "Q":
            qid = rid
            if not any(q["qid"] == rid for q in questions):
                q_order += 1
                questions.append(
                    {
                        "qid": rid,
                        "parent_qid": "0",
                        "sid": sid,
                        "gid": gid,
                        "type": row[frame.columns.get_loc("type/scale")],
                        "title": name,
                        "question_order": str(q_order),
                    }
                )
            l10n.append({"qid": rid, "language": lang, "question": text})
        elif kind == "SQ" and qid is not None:
            if not any(q["qid"] == rid for q in subs):
                order[qid] = order.get(qid, -1) + 1
                subs.append(
                    {
                        "qid": rid,
                        "parent_qid": qid,
                        "title": name,
                        "question_order": str(order[qid]),
                    }
                )
            l10n.append({"qid": rid, "language": lang, "question": text})
        elif kind == "A" and qid is not None:
            aid = f"{qid}:{name}"
            if not any(a["aid"] == aid for a in answers):
                answers.append(
                    {
                        "aid": aid,
                        "qid": qid,
                        "code": name,
                        "sortorder": str(sum(a["qid"] == qid for a in answers)),
                    }
                )
            answer_l10n.append({"aid": aid, "language": lang, "answer": text})
    frames = (
        pd.DataFrame(
            questions,
            columns=["qid", "parent_qid", "sid", "gid", "type", "title", "question_order"],
        ),
        pd.DataFrame(subs, columns=["qid", "parent_qid", "title", "question_order"]),
        pd.DataFrame(l10n, columns=["qid", "language", "question"]),
        pd.DataFrame(answers, columns=["aid", "qid", "code", "sortorder"]),
        pd.DataFrame(answer_l10n, columns=["aid", "language", "answer"]),
    )
    return languages, frames


def check_archive(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse an archive whose declared sizes or compression ratios exceed the limits.

    Only the central directory is read; nothing is inflated.

    Raises
    ------
    LimeSurveyError
        Naming the archive, the member and the limit (``MAX_FILE_BYTES``,
        ``MAX_ARCHIVE_BYTES``, ``MAX_RATIO``, ``MAX_MEMBERS``).
    """
    breach = zip_breach(archive.infolist(), ARCHIVE_LIMITS)
    if breach is None:
        return
    name = path.name
    if breach.kind == "members":
        raise LimeSurveyError(
            f"{name}: {breach.value:.0f} Dateien im Archiv, mehr als {MAX_MEMBERS} "
            f"/ more members than allowed"
        )
    if breach.kind == "member":
        raise LimeSurveyError(
            f"{name}: {breach.member} wäre entpackt {breach.value:.0f} Bytes groß, mehr "
            f"als {MAX_FILE_BYTES}; nicht entpackt / member too large, not inflated"
        )
    if breach.kind == "ratio":
        raise LimeSurveyError(
            f"{name}: {breach.member} ist {breach.value:.0f}-fach komprimiert, mehr als "
            f"{MAX_RATIO}-fach (Zip-Bombe?); nicht entpackt / compression ratio above the "
            f"limit, not inflated"
        )
    raise LimeSurveyError(
        f"{name}: entpackt {breach.value:.0f} Bytes, mehr als {MAX_ARCHIVE_BYTES}; nicht "
        f"entpackt / archive too large, not inflated"
    )


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """Read a member, never more than its declared size (which :func:`check_archive` bounds)."""
    info = archive.getinfo(name)
    with archive.open(info) as handle:
        data = handle.read(info.file_size + 1)
    return data[: info.file_size]


def _unpack_archive(path: Path) -> tuple[bytes, bytes | None]:
    _check_file(path)
    try:
        with zipfile.ZipFile(path) as archive:
            check_archive(path, archive)
            names = archive.namelist()
            lss = [n for n in names if n.endswith(".lss")]
            lsr = [n for n in names if n.endswith(".lsr")]
            if not lss:
                raise LimeSurveyError(
                    f"{path.name}: das Archiv enthält keine Umfragestruktur (.lss) "
                    "/ the archive holds no .lss survey structure"
                )
            return _read_member(archive, lss[0]), _read_member(archive, lsr[0]) if lsr else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise LimeSurveyError(
            f"{path.name}: kein lesbares LimeSurvey-Archiv (eine .lsa ist eine ZIP-Datei) "
            f"/ not a readable LimeSurvey archive (.lsa is a zip file; {type(exc).__name__})"
        ) from None
    except (RuntimeError, ValueError) as exc:  # encrypted members, bad CRC, bad headers
        if isinstance(exc, LimeSurveyError):
            raise
        raise LimeSurveyError(
            f"{path.name}: Archiv nicht lesbar / archive cannot be read ({exc})"
        ) from None


def _parse(data: bytes, name: str, doc_type: str) -> ET.Element:
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise LimeSurveyError(
            f"{name}: XML mit DTD, Entitäten oder externen Verweisen wird nicht gelesen "
            f"/ XML with a DTD, entities or external references is refused ({type(exc).__name__})"
        ) from None
    except ET.ParseError as exc:
        raise LimeSurveyError(f"{name}: kein lesbares XML / not readable XML ({exc})") from None
    kind = root.findtext("LimeSurveyDocType")
    if kind != doc_type:
        found_de, found_en = (f"„{kind}“", f"'{kind}'") if kind else ("keiner", "none")
        raise LimeSurveyError(
            f"{name}: kein LimeSurvey-Dokument vom Typ {doc_type} (Typ: {found_de}) "
            f"/ expected a LimeSurvey {doc_type} document, found {found_en}"
        )
    return root


def _section(root: ET.Element, name: str) -> pd.DataFrame:
    rows = root.findall(f"./{name}/rows/row")
    return pd.DataFrame([{child.tag: child.text or "" for child in row} for row in rows])


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """Return the text of an HTML fragment, with white space folded.

    Examples
    --------
    >>> plain_text("<p>Wie <b>zufrieden</b> sind Sie?</p>")
    'Wie zufrieden sind Sie?'
    """
    parser = _Text()
    parser.feed(html or "")
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()


def _items(root: ET.Element, languages: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _items_from(
        _section(root, "questions"),
        _section(root, "subquestions"),
        _section(root, "question_l10ns"),
        _section(root, "answers"),
        _section(root, "answer_l10ns"),
        languages,
    )


def _items_from(
    questions: pd.DataFrame,
    subs: pd.DataFrame,
    l10n: pd.DataFrame,
    answers: pd.DataFrame,
    answer_l10n: pd.DataFrame,
    languages: tuple[str, ...],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    text = {(r.qid, r.language): plain_text(r.question) for r in l10n.itertuples()}
    answer_text = {(r.aid, r.language): plain_text(r.answer) for r in answer_l10n.itertuples()}
    base = languages[0] if languages else "en"

    items, free = [], []
    questions = questions.assign(_order=questions["question_order"].astype(int)).sort_values(
        ["gid", "_order"]
    )
    for q in questions.itertuples():
        sgqa = f"{q.sid}X{q.gid}X{q.qid}"
        if q.type in TEXT_TYPES:
            free.append({"tool_code": sgqa, "code": q.title, "question_type": q.type})
            continue
        wording = {lang: text.get((q.qid, lang), "") for lang in languages}
        if q.type in MULTIPLE_TYPES | ARRAY_TYPES:
            mine = subs[subs["parent_qid"] == q.qid] if len(subs) else subs
            mine = mine.assign(_order=mine["question_order"].astype(int)).sort_values("_order")
            codes = {"Y": 1, "": 0} if q.type in MULTIPLE_TYPES else None
            labels = {0: "nicht gewählt", 1: "gewählt"} if codes else None
            if codes is None:
                codes, labels = _answer_codes(q, answers, answer_text, base)
            for sq in mine.itertuples():
                items.append(
                    item_row(
                        f"{sgqa}{sq.title}",
                        f"{q.title}_{sq.title}",
                        q.type,
                        codes,
                        labels,
                        {
                            lang: f"{wording[lang]} – {text.get((sq.qid, lang), '')}".strip(" –")
                            for lang in languages
                        },
                    )
                )
        elif q.type in CHOICE_TYPES:
            codes, labels = _answer_codes(q, answers, answer_text, base)
            items.append(item_row(sgqa, q.title, q.type, codes, labels, wording))
        else:  # numbers, dates, rankings: not on a codebook scale
            free.append({"tool_code": sgqa, "code": q.title, "question_type": q.type})
    return pd.DataFrame(items), pd.DataFrame(free, columns=["tool_code", "code", "question_type"])


def _answer_codes(q, answers: pd.DataFrame, answer_text: dict, base: str) -> tuple[dict, dict]:
    if q.type in _FIXED:
        fixed = _FIXED[q.type]
        codes = {c: (int(c) if c.isdigit() else i) for i, c in enumerate(fixed, start=1)}
        return codes, {codes[c]: label for c, label in fixed.items()}
    mine = answers[answers["qid"] == q.qid] if len(answers) else answers
    mine = mine.assign(_order=mine["sortorder"].astype(int)).sort_values("_order")
    numeric = all(c.lstrip("-").isdigit() for c in mine["code"])
    codes = {c: (int(c) if numeric else i) for i, c in enumerate(mine["code"], start=1)}
    labels = {codes[r.code]: answer_text.get((r.aid, base)) or r.code for r in mine.itertuples()}
    return codes, labels


def _csv_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Headings and rows of a LimeSurvey response export (CSV, question codes or SGQA).

    Question-code headings name sub-questions as ``Q00[SQ001]``; they are
    renamed to the item codes used here (``Q00_SQ001``). The headings are
    returned as the file has them (renamed so), a repeated one repeated.
    """
    text, head, sep = csv_export(path, LimeSurveyError, "der Antworten")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise LimeSurveyError(
            f"{path.name}: kein Antwortexport / not a response export ({exc})"
        ) from None
    if "id" not in frame.columns:
        raise LimeSurveyError(
            f"{path.name}: keine Spalte 'id'; bitte die Antworten mit ihr exportieren "
            "/ no 'id' column; export the responses with it"
        )
    frame.columns = [re.sub(r"^(\w+)\[(\w+)\]$", r"\1_\2", c) for c in frame.columns]
    header = next(csv.reader(io.StringIO(head), delimiter=sep), [])  # as written, not de-duplicated
    header = [re.sub(r"^(\w+)\[(\w+)\]$", r"\1_\2", c) for c in header]
    return header, frame.to_dict("records")


def _response_rows(root: ET.Element) -> list[dict[str, str]]:
    return [
        {child.tag.lstrip("_"): child.text or "" for child in row}
        for row in root.findall("./responses/rows/row")
    ]


def _answer_rows(rows: list[dict[str, str]], items: pd.DataFrame) -> pd.DataFrame:
    """Long answers from response rows keyed by SGQA or by question code."""
    codes = dict(zip(items["tool_code"], items["codes"], strict=True)) if len(items) else {}
    by_code = dict(zip(items["tool_code"], items["code"], strict=True)) if len(items) else {}
    out = []
    for cells in rows:
        rid = str(cells.get("id", ""))
        for tool_code, mapping in codes.items():
            raw = cells.get(tool_code, cells.get(by_code[tool_code], ""))
            raw = "" if raw is None else str(raw)
            value = mapping.get(raw)  # "" maps to 0 for multiple choice, to nothing otherwise
            out.append(answer_row(rid, tool_code, raw, value))
    return pd.DataFrame(out, columns=["response_id", "tool_code", "raw", "value"])
