"""Field helpers shared by the table schemas: metadata in German and English."""

from __future__ import annotations

from typing import Any

import pandera.pandas as pa

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
