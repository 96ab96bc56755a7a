"""Field helpers shared by the table schemas: metadata in German and English."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.compute as pc

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
"""Identifiers: lower-case letters, digits, '_' and '-'."""

ID_LIST_PATTERN = r"^[a-z0-9][a-z0-9_-]*(\|[a-z0-9][a-z0-9_-]*)*$"
"""A list of identifiers separated by '|'."""

DE_LAND_PATTERN = r"^DE-(BW|BY|BE|BB|HB|HH|HE|MV|NI|NW|RP|SL|SN|ST|SH|TH)$"
"""ISO 3166-2 codes of the sixteen German Länder."""

ISO_3166_2_PATTERN = r"^[A-Z]{2}-[A-Z0-9]{1,3}$"
"""Any ISO 3166-2 subdivision code (partners may lie across a border)."""


def field(label_de: str, description_de: str, description_en: str, **kwargs: Any) -> Any:
    """Return a pandera field whose metadata holds the German label and meaning.

    Parameters
    ----------
    label_de : str
        Short German column label, as used in figures and messages.
    description_de, description_en : str
        What the column means, in German and in English.
    **kwargs
        Passed on to :func:`pandera.pandas.Field` (checks, ``nullable``, ...).

    Returns
    -------
    pandera field
        The field, with ``metadata = {"label_de", "description_de", "description_en"}``.
    """
    metadata = {
        "label_de": label_de,
        "description_de": description_de,
        "description_en": description_en,
    }
    return pa.Field(metadata=metadata, **kwargs)


def category_matches(series: pd.Series, pattern: str) -> pd.Series:
    """Test a regular expression once per category of a Categorical, spread by the codes.

    Used as a vectorised pandera check on the survey answers: pandera's
    built-in ``str_matches`` goes through the pandas string accessor, here the
    per-category result is spread with one numpy take. Register it with
    :func:`check_kwargs` so that messages and ``datapackage.json`` see the
    built-in check's name, error text and statistics.

    Parameters
    ----------
    series : pandas.Series
        Categorical text (other dtypes are tested value by value).
    pattern : str
        Regular expression matched at the start of each value.

    Returns
    -------
    pandas.Series of bool
        True where the value matches or is missing.
    """
    if not isinstance(series.dtype, pd.CategoricalDtype):
        return series.astype("string").str.match(pattern).fillna(True).astype(bool)
    categories = pa_arrow.array(np.asarray(series.cat.categories, dtype=object), pa_arrow.string())
    try:  # RE2 in C++, one pass over the categories
        ok = pc.match_substring_regex(categories, pattern).to_numpy(zero_copy_only=False)
    except pa_arrow.ArrowInvalid:  # a pattern RE2 does not know
        regex = re.compile(pattern)
        ok = np.array([regex.match(c) is not None for c in categories.to_pylist()], dtype=bool)
    ok = np.asarray(ok, dtype=bool)
    return pd.Series(np.append(ok, True)[series.cat.codes.to_numpy()], index=series.index)


def category_isin(series: pd.Series, allowed: Iterable[str]) -> pd.Series:
    """Test membership once per category of a Categorical, spread by the codes.

    Parameters
    ----------
    series : pandas.Series
        Categorical text (other dtypes are tested value by value).
    allowed : iterable of str
        The allowed values.

    Returns
    -------
    pandas.Series of bool
        True where the value is allowed or missing.
    """
    values = list(allowed)
    if not isinstance(series.dtype, pd.CategoricalDtype):
        return series.isin(values) | series.isna()
    ok = series.cat.categories.isin(values)
    return pd.Series(np.append(ok, True)[series.cat.codes.to_numpy()], index=series.index)


def check_kwargs(name: str, **statistics: Any) -> dict[str, Any]:
    """Return keyword arguments of ``pa.check`` that make a custom check look built in.

    Parameters
    ----------
    name : {"str_matches", "isin"}
        The built-in check it stands for.
    **statistics
        ``pattern=...`` or ``allowed_values=[...]``, as the built-in check keeps them.

    Returns
    -------
    dict
        ``name``, ``error`` (the built-in check's text, which validation
        translates into a message) and ``statistics``.
    """
    (value,) = statistics.values()
    return {"name": name, "error": f"{name}({value!r})", "statistics": statistics}
