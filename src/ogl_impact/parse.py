"""Turn text tables into typed columns, the way German spreadsheets write them.

Each column's type comes from its pandera schema. Numbers accept a decimal
comma (and thousands points) in semicolon files; dates accept ISO
(``2020-10-30``) and German (``30.10.2020``) forms; booleans accept
ja/nein, wahr/falsch, true/false, 1/0. A cell that cannot be read becomes
missing and yields a :class:`~ogl_impact.problems.Problem` naming the value.

Numbers are refused rather than guessed: ``0.250`` in a semicolon file could
be 250 (German thousands point) or 0.25 (English decimal point) and is
reported as ambiguous; ``nan``, ``inf`` and magnitudes beyond
:data:`MAX_ABS_NUMBER` are reported too. A five-digit number in a date column
is named as the Excel date number it probably is.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ogl_impact.io import RawTable
from ogl_impact.problems import Problem, make_problem
from ogl_impact.vocab import FALSE_VALUES, TRUE_VALUES

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$")
# one point followed by three digits and no comma: 250 or 0.25?
_AMBIGUOUS = r"^[+-]?\d{1,3}\.\d{3}$"
_NOT_FINITE = r"^[+-]?(nan|inf|infinity)$"
_EXCEL_SERIAL = r"^\d{5}([.,]\d+)?$"  # 10000 (1927) to 99999 (2173)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")

MAX_ABS_NUMBER = 1e15
"""Largest magnitude accepted in a number column (a thousand times the federal budget in EUR)."""
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}(?:[ T]00:00(?::00)?)?$"
_DE_DATE = r"^\d{1,2}\.\d{1,2}\.\d{4}$"


def column_kind(dtype: object) -> str:
    """Map a pandera dtype to ``str``, ``category``, ``int``, ``float``, ``bool`` or ``date``."""
    text = str(dtype).lower()
    if "category" in text:
        return "category"
    if "datetime" in text:
        return "date"
    if "int" in text:
        return "int"
    if "float" in text:
        return "float"
    if "bool" in text:
        return "bool"
    return "str"


def parse_table(
    raw: RawTable, model: type[pa.DataFrameModel]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Convert the text cells of ``raw`` into the types its schema declares.

    Parameters
    ----------
    raw : RawTable
        The table as read.
    model : pandera DataFrameModel class
        The table's schema; columns it does not know are kept as text (the
        schema reports them).

    Returns
    -------
    frame : pandas.DataFrame
        Typed columns; empty cells and unreadable ones are missing.
    problems : list of Problem
        One per unreadable cell.
    """
    schema = model.to_schema()
    out: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    for col in raw.frame.columns:
        text = raw.frame[col]
        spec = schema.columns.get(col)
        kind = column_kind(spec.dtype) if spec is not None else "str"
        values, bad = _convert_categorical(text, kind, raw.decimal)
        out[col] = values
        if bad is not None:
            for pos in np.flatnonzero(bad != ""):
                value = str(text.iat[pos])
                problems.append(
                    make_problem(
                        raw.path.name,
                        str(bad[pos]),
                        line=int(raw.lines[pos]),
                        column=col,
                        value=value,
                        **_params(str(bad[pos]), value, raw.decimal, raw.path.suffix),
                    )
                )
    return pd.DataFrame(out, index=raw.frame.index, copy=False), problems


def _convert_categorical(
    text: pd.Series, kind: str, decimal: str
) -> tuple[pd.Series, np.ndarray | None]:
    """Convert a categorical text column by converting its categories once."""
    if not isinstance(text.dtype, pd.CategoricalDtype):
        text = text.astype("category")
    if kind == "category":
        return _as_category(text), None
    categories = pd.Series(text.cat.categories, dtype="str")
    codes = text.cat.codes.to_numpy()
    if len(codes) and codes.min() < 0:
        codes, categories = _missing_as_empty(codes, categories)
    values, bad = _convert(categories, kind, decimal)
    if bad is None:
        return _take(values, codes, text.index), None
    rules = bad.to_numpy(dtype=object)
    if not (rules != "").any():
        return _take(values, codes, text.index), None
    return _take(values, codes, text.index), rules[codes]


def _missing_as_empty(codes: np.ndarray, categories: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Give a missing cell (code -1) the code of the empty text, as the file readers give it.

    A table read from a file holds ``""`` for an empty cell; one built in
    code may hold a missing value instead, whose code -1 would otherwise
    index the last category. The empty text is added to the categories
    where it is not one.
    """
    empty = np.flatnonzero(categories.to_numpy(dtype=object) == "")
    if len(empty):
        at = int(empty[0])
    else:
        at = len(categories)
        categories = pd.concat([categories, pd.Series([""], dtype="str")], ignore_index=True)
    codes = codes.astype(np.int64)
    codes[codes < 0] = at
    return codes, categories


def _as_category(text: pd.Series) -> pd.Series:
    """Return the categorical text column with "" missing and plain object categories.

    Equal to ``text.cat.remove_categories([""]).cat.rename_categories(plain)``,
    built in one step from the codes: pandas would copy the codes of every row
    twice and check them again.
    """
    categories = text.cat.categories
    codes = text.cat.codes.to_numpy()
    # categories held as a plain object array: pandera's dtype check copies them into
    # a tuple, which is slow element by element on pyarrow- or python-backed strings
    plain = np.asarray(categories, dtype=object)
    empty = np.flatnonzero(plain == "")
    if len(empty):
        (pos,) = empty
        # old code -> new code; the last entry serves code -1 (missing) and code pos ("")
        lookup = np.arange(-1, len(plain), dtype=np.int64)
        lookup = np.roll(lookup, -1)
        lookup[pos] = -1
        lookup[pos + 1 : -1] -= 1
        codes = lookup.astype(codes.dtype)[codes]
        plain = np.delete(plain, pos)
    dtype = pd.CategoricalDtype(pd.Index(plain, dtype=object), ordered=text.cat.ordered)
    values = pd.Categorical.from_codes(codes, dtype=dtype, validate=False)
    return pd.Series(values, index=text.index, copy=False)


def _take(values: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """``values`` at positions ``codes``, with numpy indexing where the dtype allows.

    The arrays taken are new, so they are wrapped without the copy pandas
    makes by default (a second copy of every typed column of a large table).
    """
    if isinstance(values.dtype, pd.Int64Dtype | pd.BooleanDtype):
        missing = values.isna().to_numpy()
        # nothing missing (the usual case): a zeroed mask, no gather over every row
        mask = missing[codes] if missing.any() else np.zeros(len(codes), dtype=bool)
        if isinstance(values.dtype, pd.Int64Dtype):
            data = values.to_numpy(dtype="int64", na_value=0)[codes]
            return pd.Series(pd.arrays.IntegerArray(data, mask), index=index, copy=False)
        data = values.to_numpy(dtype="bool", na_value=False)[codes]
        return pd.Series(pd.arrays.BooleanArray(data, mask), index=index, copy=False)
    if isinstance(values.dtype, np.dtype):
        return pd.Series(values.to_numpy()[codes], index=index, dtype=values.dtype, copy=False)
    taken = values.take(codes)
    taken.index = index
    return taken


def _convert(text: pd.Series, kind: str, decimal: str) -> tuple[pd.Series, pd.Series | None]:
    """Convert unique text values; ``bad`` holds the rule each one breaks ("" when fine)."""
    empty = text == ""
    if kind == "str":
        return (text.where(~empty) if empty.any() else text), None
    if kind == "int":
        return _to_int(text, empty, decimal)
    if kind == "float":
        normal, ambiguous = _normalise_number(text, decimal)
        normal = normal.where(~empty)
        try:  # fast path: every cell a plain number (or empty)
            numbers = normal.astype("float64")
        except (ValueError, TypeError):
            numbers = pd.to_numeric(normal, errors="coerce").astype("float64")
        return _number_rules(text, numbers, empty, ambiguous, "type_float")
    if kind == "bool":
        lower = text.str.lower()
        is_true = lower.isin(TRUE_VALUES)
        is_false = lower.isin(FALSE_VALUES)
        values = pd.Series(
            pd.array(np.where(is_true, True, False), dtype="boolean"), index=text.index
        )
        values[~(is_true | is_false)] = pd.NA
        return values, _rule(~(is_true | is_false) & ~empty, "type_bool")
    if kind == "date":
        iso = text.str.match(_ISO_DATE)
        german = text.str.match(_DE_DATE)
        dates = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
        if iso.any():
            dates[iso] = pd.to_datetime(
                text[iso].str.slice(0, 10), format="%Y-%m-%d", errors="coerce"
            )
        if german.any():
            dates[german] = pd.to_datetime(text[german], format="%d.%m.%Y", errors="coerce")
        bad = _rule(dates.isna() & ~empty, "type_date")
        serial = text.str.match(_EXCEL_SERIAL) & (bad != "")
        return dates, bad.where(~serial, "type_date_excel")
    raise ValueError(f"unknown column kind {kind!r}")  # pragma: no cover


_DECIMAL_POINT = re.compile(r"^[+-]?\d+\.\d+$")
"""A number written with a decimal point (refused in a decimal-comma file)."""
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
"""A number written with a decimal comma (refused in a decimal-point file or as Excel text)."""


def _rule(mask: pd.Series, rule: str) -> pd.Series:
    """``rule`` where ``mask`` holds, else ""."""
    return pd.Series(np.where(mask.to_numpy(dtype=bool), rule, ""), index=mask.index, dtype=object)


def _number_rules(
    text: pd.Series, numbers: pd.Series, empty: pd.Series, ambiguous: pd.Series, type_rule: str
) -> tuple[pd.Series, pd.Series]:
    """Refuse unreadable, ambiguous, non-finite and absurdly large numbers (they become missing).

    Returns the numbers (refused ones missing) and the rule each value breaks.
    """
    finite = np.isfinite(numbers.to_numpy(dtype="float64", na_value=np.nan))
    not_finite = ~finite & numbers.notna().to_numpy()
    if (~finite).any():  # "nan" written as text reads as missing: look at those only
        suspect = ~finite
        not_finite[suspect] |= text[suspect].str.lower().str.match(_NOT_FINITE).to_numpy(dtype=bool)
    too_large = finite & (np.abs(numbers.to_numpy(dtype="float64", na_value=0.0)) > MAX_ABS_NUMBER)
    unreadable = numbers.isna().to_numpy() & ~empty.to_numpy() & ~not_finite
    rules = np.full(len(text), "", dtype=object)
    rules[unreadable] = type_rule
    rules[too_large] = "number_too_large"
    rules[not_finite & ~empty.to_numpy()] = "number_not_finite"
    rules[ambiguous.to_numpy(dtype=bool)] = "number_ambiguous"
    refused = rules != ""
    if refused.any():
        numbers = numbers.mask(pd.Series(refused, index=numbers.index))
    return numbers, pd.Series(rules, index=text.index, dtype=object)


def _params(rule: str, value: str, decimal: str = ",", suffix: str = ".csv") -> dict[str, object]:
    """Message parameters that depend on the offending value (and the file's kind)."""
    if rule == "number_too_large":
        return {"limit": f"{MAX_ABS_NUMBER:.0e}".replace("e+", "e")}
    if rule == "number_ambiguous":
        english = float(value)
        as_decimal = f"{english:g}"
        return {
            "thousands": value.replace(".", "").lstrip("+"),
            "decimal": as_decimal,
            "decimal_de": as_decimal.replace(".", ","),
        }
    if rule == "type_float":
        return _float_hint(value, decimal, suffix)
    if rule == "type_int":
        return _written_hint(value, decimal, suffix, whole=True)
    if rule == "type_date_excel":
        days = float(value.replace(",", "."))
        date = _EXCEL_EPOCH + pd.Timedelta(days=int(days))
        return {"date": f"{value} = {date.date().isoformat()}"}
    return {}


def _float_hint(value: str, decimal: str, suffix: str) -> dict[str, str]:
    """Say what to write instead of a value that is no number (empty where nothing is known)."""
    if decimal == "," and _DECIMAL_POINT.match(value):  # "31.7" where "31,7" is due
        written = value.replace(".", ",")
        return {"hint_de": f" – bitte {written} schreiben", "hint_en": f" – please write {written}"}
    if _DECIMAL_COMMA.match(value):
        if suffix.lower() in (".xlsx", ".xlsm"):  # a text cell: Excel stores "47,4" as text
            return {
                "hint_de": " – als Text eingetragen (Zellformat Text); bitte als Zahl eingeben",
                "hint_en": " – entered as text (cell format Text); please enter it as a number",
            }
        written = value.replace(",", ".")
        return {
            "hint_de": f" – Dezimalkomma nur in Semikolon-Dateien: hier {written} schreiben",
            "hint_en": f" – a decimal comma only in semicolon files: write {written} here",
        }
    return _written_hint(value, decimal, suffix)


_DASHES = "\u2212\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d"
"""Typographic minus, hyphens and dashes a word processor puts where ``-`` belongs."""
_SPACES = " \u00a0\u202f\u2007\u2009"
"""Space, then non-breaking, narrow non-breaking, figure and thin space (these look alike)."""
_GROUPED = re.compile(
    rf"(?P<sign>[+-]?)(?P<head>\d{{1,3}})(?P<sep>[{_SPACES}'’.,])"
    r"(?P<tail>\d{3}(?:(?P=sep)\d{3})*)(?:(?P<mark>[.,])(?P<frac>\d+))?"
)
"""A number with thousands separators: ``1 234,5``, ``1.234.567``, ``1,234.5``, ``12'345``."""
_WRITTEN_WHY = {
    "minus": (
        "mit dem Minus der Tastatur (-) statt „{dash}“",
        "with the keyboard minus (-) instead of '{dash}'",
    ),
    "percent": (
        "ohne Prozentzeichen, Prozentwerte als Zahl von 0 bis 100",
        "without the percent sign, percentages as a number from 0 to 100",
    ),
    "thousands": ("ohne Tausendertrennzeichen", "without thousands separators"),
    "thousands_nbsp": (
        "ohne Tausendertrennzeichen, hier ein geschütztes Leerzeichen",
        "without thousands separators, here a non-breaking space",
    ),
    "nbsp": ("ohne das geschützte Leerzeichen", "without the non-breaking space"),
    "space": ("ohne Leerzeichen", "without spaces"),
}
_NO_HINT = {"hint_de": "", "hint_en": ""}


def _written_hint(value: str, decimal: str, suffix: str, whole: bool = False) -> dict[str, str]:
    """Say how to write a number given with ``%``, a dash for minus or thousands separators.

    The value stays refused (a number is not guessed); the hint names the
    number as the file takes it (``1234,5`` in a semicolon file, ``1234.5``
    in a comma file) and, for a workbook's text cell, asks for a number. No
    hint when the value does not read as a number even so (``whole``: as a
    whole number) or could be read two ways (``1,234`` in a whole-number column).
    """
    why: list[str] = []
    dash = next((c for c in value if c in _DASHES), "")
    text = value.replace(dash, "-") if dash else value
    if dash:
        why.append("minus")
    if text.endswith("%"):
        text = text[:-1]
        why.append("percent")
    text = text.strip(_SPACES)
    grouped = _GROUPED.fullmatch(text)
    if grouped and grouped["sep"] != grouped["mark"]:
        sep = grouped["sep"]
        if sep in ".," and grouped["mark"] is None and len(grouped["tail"]) == 3:
            return _NO_HINT  # 1,234 or 1.234: a thousand or one and a bit
        text = grouped["sign"] + grouped["head"] + grouped["tail"].replace(sep, "")
        text += f".{grouped['frac']}" if grouped["mark"] else ""
        why.append("thousands" if sep in " '’.," else "thousands_nbsp")
    elif any(c in text for c in _SPACES):
        why.append("space" if " " in text else "nbsp")
        text = re.sub(f"[{_SPACES}]", "", text)
    if any(c in value for c in _SPACES[1:]) and "thousands_nbsp" not in why:
        why.append("nbsp")  # invisible in the message: name it
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    number = r"[+-]?\d+" if whole else r"[+-]?\d+(\.\d+)?"
    if not why or not re.fullmatch(number, text):
        return _NO_HINT
    de_why, en_why = ("; ".join(dict.fromkeys(_WRITTEN_WHY[w][i] for w in why)) for i in (0, 1))
    de_why, en_why = de_why.format(dash=dash), en_why.format(dash=dash)
    if suffix.lower() in (".xlsx", ".xlsm"):  # a text cell: typed as Excel's language has it
        return {
            "hint_de": " – als Text eingetragen; bitte als Zahl eingeben: "
            f"{text.replace('.', ',')} ({de_why})",
            "hint_en": f" – entered as text; please enter it as a number: {text} ({en_why})",
        }
    written = text.replace(".", ",") if decimal == "," else text
    return {
        "hint_de": f" – bitte {written} schreiben ({de_why})",
        "hint_en": f" – please write {written} ({en_why})",
    }


def _to_int(text: pd.Series, empty: pd.Series, decimal: str) -> tuple[pd.Series, pd.Series]:
    """Whole numbers, exactly (no detour through floats); ``3.0`` from workbooks is accepted."""
    if not empty.any():
        try:  # fast path: every cell a whole number within int64
            return text.astype("int64").astype("Int64"), _rule(empty, "type_int")
        except (ValueError, TypeError, OverflowError):
            pass
    short = text.str.fullmatch(r"[+-]?\d{1,18}")  # fits int64 whatever the digits
    values = pd.Series(pd.array([pd.NA] * len(text), dtype="Int64"), index=text.index)
    if short.all():
        return pd.to_numeric(text).astype("Int64"), _rule(~short, "type_int")
    if short.any():
        values[short] = pd.to_numeric(text[short]).astype("Int64")
    long = text.str.fullmatch(r"[+-]?\d{19,}")
    if long.any():
        ints = pd.Series([int(v) for v in text[long]], index=text[long].index, dtype=object)
        fits = ints.map(lambda v: -(2**63) <= v < 2**63).astype(bool)
        if fits.any():
            values[fits[fits].index] = pd.array(ints[fits].tolist(), dtype="Int64")
    plain = short | long
    rest = ~plain & ~empty
    rules = _rule(values.isna() & ~empty, "type_int")
    if rest.any():
        normal, ambiguous = _normalise_number(text[rest], decimal)
        numbers = pd.to_numeric(normal, errors="coerce").astype("float64")
        numbers, bad = _number_rules(text[rest], numbers, empty[rest], ambiguous, "type_int")
        whole = (bad == "") & numbers.notna() & (numbers == np.floor(numbers))
        values[whole[whole].index] = numbers[whole].astype("int64").to_numpy()
        rules[rest] = bad.where(bad != "", np.where(whole, "", "type_int"))
    return values, rules


def _normalise_number(text: pd.Series, decimal: str) -> tuple[pd.Series, pd.Series]:
    """Turn German number text into Python's form; also say which values are ambiguous.

    In a decimal-comma file ``1.000,5`` and ``1.000.000`` are read with
    thousands points, but ``0.250`` or ``1.000`` (one point, three digits, no
    comma) is ambiguous and marked; a point that is no thousands separator is
    an error (the value becomes unreadable).
    """
    no = pd.Series(False, index=text.index)
    if decimal != ",":
        return text, no
    has_comma_or_point = text.str.contains(r"[.,]", regex=True)
    if not has_comma_or_point.any():
        return text, no
    sub = text[has_comma_or_point]
    thousands = sub.str.match(_THOUSANDS.pattern)
    ambiguous = no.copy()
    if thousands.any():  # "0.250" is among the thousands forms: test those only
        ambiguous[thousands[thousands].index] = sub[thousands].str.match(_AMBIGUOUS)
    sub = sub.where(~thousands, sub.str.replace(".", "", regex=False))
    # in a decimal-comma file a point that is not a thousands separator is an error
    sub = sub.where(~sub.str.contains(".", regex=False), "\x00")
    sub = sub.str.replace(",", ".", regex=False)
    out = text.copy()
    out[has_comma_or_point] = sub
    return out, ambiguous
