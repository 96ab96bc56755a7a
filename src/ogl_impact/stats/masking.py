"""Small groups in per-group summaries: masked by default, raw only on request.

Every function of :mod:`ogl_impact.stats` that returns one row per group of
respondents (Likert summaries, reliability and change tables) takes
``min_n=`` (default 5): a group with fewer respondents keeps its labels, its
values and its n become missing and ``suppressed`` is true, and the result
says so in a note. ``min_n=None`` gives the raw values for analysts inside
the secure environment, with a :class:`UserWarning` naming the risk. The
report-wide decision (complementary suppression across figures) is
:class:`ogl_impact.privacy.Disclosure`; this module only applies the
threshold to one result.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ogl_impact.stats.errors import StatsInputError

MIN_N_DEFAULT = 5
MIN_N_FLOOR = 3
MASKED_SCORES = "masked_scores"
"""Key in ``DataFrame.attrs``: score columns whose small groups are masked (missing)."""
PANEL_MASKED = "panel_masked"
"""Key in ``DataFrame.attrs``: unit ids whose panel values (not their row) are masked."""

SUPPRESSED_LABEL = {"de": "unterdrückt (n < {k})", "en": "suppressed (n < {k})"}
"""The one label of a masked group, primary or complementary (the reports use the same)."""
SUPPRESSED_REASON = {
    "de": (
        "Gruppen unter {k} Befragten oder ergänzend unterdrückt, damit sich keine kleine "
        "Gruppe errechnen lässt"
    ),
    "en": (
        "groups below {k} respondents, or suppressed in addition so that no small group can "
        "be worked out"
    ),
}
"""Why values are missing, in the words of the reports' captions: never which reason applies."""

RAW_WARNING = (
    "min_n=None: Gruppen mit weniger als {k} Befragten werden ungeschützt ausgegeben; kleine "
    "Gruppen können Personen erkennbar machen. Nur in der gesicherten Umgebung verwenden, nie "
    "veröffentlichen / raw values: groups of fewer than {k} respondents can identify people; "
    "use inside the secure environment only, never publish."
)


BELOW_SAFE_WARNING = (
    "min_n = {k}: Gruppen ab {k} Befragten werden gezeigt, unter dem Standard {safe}; in den "
    "Berichten ist das nur mit --allow-k-below-5 erlaubt und wird in jeder Abbildung genannt "
    "/ min_n = {k} shows groups of {k} respondents, below the default of {safe}; reports "
    "need --allow-k-below-5 for it and state it on every figure."
)


class ThresholdBelowSafeWarning(UserWarning):
    """``min_n`` of 3 or 4: below the default of 5, which reports accept only with a flag.

    The reports take such a threshold only with ``--allow-k-below-5``.

    A subclass of :class:`UserWarning`, so that the report path, whose k has
    passed that gate already, can silence exactly this warning.
    """


def check_min_n(min_n: int | None) -> int | None:
    """Validate ``min_n``; warn for ``None`` (raw values) and for 3 or 4.

    Parameters
    ----------
    min_n : int or None
        Smallest group shown; ``None`` for raw values.

    Returns
    -------
    int or None

    Raises
    ------
    StatsInputError
        For a value below 3 or not a whole number.

    Warns
    -----
    UserWarning
        When ``min_n`` is None.
    ThresholdBelowSafeWarning
        When ``min_n`` is 3 or 4 (a :class:`UserWarning`): the reports accept
        such a threshold only with ``--allow-k-below-5``, and the library
        says so rather than showing groups of 3 or 4 silently.

    Notes
    -----
    The threshold rule of statistical disclosure control: a cell based on
    fewer than ``min_n`` contributors is not published; 3 is the floor below
    which no threshold protects anyone.

    References
    ----------
    .. [1] Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley,
       ch. 5 (threshold rule for frequency and magnitude tables).

    Examples
    --------
    >>> check_min_n(5)
    5
    """
    if min_n is None:
        warnings.warn(RAW_WARNING.format(k=MIN_N_DEFAULT), UserWarning, stacklevel=3)
        return None
    if isinstance(min_n, bool) or not float(min_n).is_integer() or int(min_n) < MIN_N_FLOOR:
        raise StatsInputError(
            f"min_n = {min_n!r}: erlaubt sind ganze Zahlen ab {MIN_N_FLOOR} oder None "
            f"(Rohwerte) / min_n must be a whole number of at least {MIN_N_FLOOR}, or None."
        )
    if int(min_n) < MIN_N_DEFAULT:
        warnings.warn(
            BELOW_SAFE_WARNING.format(k=int(min_n), safe=MIN_N_DEFAULT),
            ThresholdBelowSafeWarning,
            stacklevel=3,
        )
    return int(min_n)


def note(count: int, min_n: int | None, what: str = "Gruppen") -> str:
    """Say in a result's note how many groups are masked and why.

    Parameters
    ----------
    count : int
        Masked groups.
    min_n : int or None
        Threshold (None: raw values).
    what : str
        What a group is, in German plural (e.g. "Einheiten").

    Returns
    -------
    str

    Notes
    -----
    German first, English after the slash, as every message of the package.
    The wording is the reports' (:func:`suppressed_note`): one label for
    groups below ``min_n`` and groups masked in addition, so that the note
    stays true, and tells nothing, when a report-wide decision masks more
    rows of the same result.

    References
    ----------
    .. [1] Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley,
       ch. 5 (threshold rule for frequency and magnitude tables).

    Examples
    --------
    >>> note(2, 5)
    '2 Gruppen unterdrückt (n < 5): Gruppen unter 5 Befragten oder ergänzend ...'
    """
    if min_n is None:
        return "Rohwerte ohne Unterdrückung (min_n=None) / raw values, nothing masked."
    if not count:
        return f"Keine Gruppe unter {min_n} Befragten / no group below {min_n}."
    return suppressed_note(count, min_n, what, "group(s)")


def suppressed_note(
    count: int,
    min_n: int,
    what: str = "Gruppen",
    what_en: str = "groups",
    *,
    subject: tuple[str, str] | None = None,
    missing: str = "Werte und n fehlen, suppressed = True",
) -> str:
    """Say how many rows are masked, in the reports' words, without telling why each one is.

    For a result with complementary suppression (e.g.
    :func:`ogl_impact.stats.change_by_unit`): primary and complementary
    masking carry one label and one count, so that the note does not tell
    a reader how many of the hidden groups are small.

    Parameters
    ----------
    count : int
        Masked rows (primary and complementary together).
    min_n : int
        Threshold.
    what, what_en : str
        What a row is, in German and English plural (e.g. "Einheiten", "units").
    subject : (str, str), optional
        What is masked, in German and English, when it is more than a count
        of rows (e.g. "2 Einheiten und die Panelwerte (n_panel, d_z) von 1
        Einheit"); replaces ``count`` and ``what`` in the sentence.
    missing : str
        What a masked row lacks (German, in brackets).

    Returns
    -------
    str

    Notes
    -----
    Stating "2 below k, 1 in addition" lets a reader bound the hidden
    sizes: two hidden groups with 6 respondents together, one of them
    "in addition" (so at least k), leave 1 for the other.

    References
    ----------
    .. [1] Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley,
       ch. 4 (secondary cell suppression).

    Examples
    --------
    >>> suppressed_note(2, 5, "Einheiten", "units")[:52]
    '2 Einheiten unterdrückt (n < 5): Gruppen unter 5 Bef'
    >>> panels = ("die Panelwerte von 1 Einheit", "the panel values of 1 unit")
    >>> suppressed_note(0, 5, subject=panels, missing="Werte fehlen")[:48]
    'Die Panelwerte von 1 Einheit unterdrückt (n < 5)'
    """
    if not count and subject is None:
        return note(0, min_n, what)
    de, en = subject or (f"{count} {what}", f"{count} {what_en}")
    label = {lang: text.format(k=min_n) for lang, text in SUPPRESSED_LABEL.items()}
    reason = {lang: text.format(k=min_n) for lang, text in SUPPRESSED_REASON.items()}
    return (
        f"{de[:1].upper()}{de[1:]} {label['de']}: {reason['de']} ({missing}) "
        f"/ {en} {label['en']}: {reason['en']}."
    )


def mask(
    frame: pd.DataFrame,
    small: pd.Series | np.ndarray,
    *,
    keep: Sequence[str],
) -> pd.DataFrame:
    """Blank every column but ``keep`` in the rows marked ``small``; add ``suppressed``.

    Parameters
    ----------
    frame : DataFrame
        A per-group result.
    small : boolean array
        Rows to mask.
    keep : sequence of str
        Label columns that stay (group keys, item ids, category labels).

    Returns
    -------
    DataFrame
        A copy; numeric columns of masked rows are NaN (ints become floats
        when a row is masked), other columns missing.

    Notes
    -----
    Primary suppression only: labels stay, values and n go. Complementary
    suppression across outputs is :class:`ogl_impact.privacy.Disclosure`.

    References
    ----------
    .. [1] Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley,
       ch. 5 (threshold rule for frequency and magnitude tables).

    Examples
    --------
    >>> f = pd.DataFrame({"unit": ["a", "b"], "n": [3, 9], "mean": [2.0, 3.0]})
    >>> mask(f, f["n"] < 5, keep=["unit"]).to_dict("list")
    {'unit': ['a', 'b'], 'n': [nan, 9.0], 'mean': [nan, 3.0], 'suppressed': [True, False]}
    """
    out = frame.copy()
    small = np.asarray(small, dtype=bool)
    for col in out.columns:
        if col in keep:
            continue
        if not small.any():
            continue  # nothing masked: the column keeps its type
        if out[col].dtype.kind in "biuf":
            out[col] = out[col].astype(float)
        else:
            out[col] = out[col].astype(object)
        out.loc[small, col] = np.nan
    out["suppressed"] = small
    return out


def refuse_masked(
    data: pd.DataFrame,
    function: str,
    rows: pd.Series | None = None,
    *,
    columns: Sequence[str] | None = None,
    min_n: int = MIN_N_DEFAULT,
) -> None:
    """Refuse to estimate on a score table whose small groups are masked.

    A masked row (``suppressed`` true, scores missing) would drop out of an
    estimate without a word, and the estimate would describe other people
    than the analyst thinks. Where both marks are gone (a merge or concat
    drops ``attrs``, the ``suppressed`` column was selected away), the
    pattern masking leaves is looked for and warned about.

    Parameters
    ----------
    data : DataFrame
        Input of an estimating function, e.g. :func:`ogl_impact.stats.score_table`.
    function : str
        Name of the calling function, for the message.
    rows : boolean Series, optional
        The rows the function estimates on (default: all).
    columns : sequence of str, optional
        The score columns the function uses (default: every float column
        with a value somewhere in ``rows``); only for the pattern check.
    min_n : int, default 5
        Threshold of the masking looked for by the pattern check.

    Raises
    ------
    StatsInputError
        When a row in ``rows`` is marked ``suppressed``, or, with the column
        ``suppressed`` selected away, when ``data.attrs["masked_scores"]``
        (set by :func:`ogl_impact.stats.score_table` when it masks) is present
        and a row in ``rows`` has a missing score; the message says to use
        ``score_table(..., min_n=None)`` inside the secure environment.

    Warns
    -----
    UserWarning
        Without either mark, when a group of ``unit_id`` x ``wave`` (when the
        frame has them) has 1 to ``min_n`` - 1 rows in ``rows`` and a used
        score is missing in every one of them: what masking leaves. Only a
        warning, because the total nonresponse of a small group looks the
        same; the message names the unit, the wave and the fix.

    Notes
    -----
    The function's own result stays masked by its own ``min_n``: raw inputs
    inside the secure environment, protected outputs.

    References
    ----------
    .. [1] Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley,
       ch. 5 (threshold rule for frequency and magnitude tables).

    Examples
    --------
    >>> refuse_masked(pd.DataFrame({"trust": [3.0], "suppressed": [False]}), "lab_comparison")
    """
    if "suppressed" in data.columns:
        flags = data["suppressed"] if rows is None else data.loc[rows, "suppressed"]
        count = int(flags.fillna(False).astype(bool).sum())
        why = "suppressed = True"
    elif not data.attrs.get(MASKED_SCORES):
        _warn_masked_pattern(data, function, rows, columns, min_n)
        return
    else:
        count = _masked_by_attrs(data, rows)
        why = (
            "Spalte suppressed weggelassen, aber die Tabelle ist laut attrs['masked_scores'] "
            "maskiert, und diese Zeilen haben fehlende Skalenwerte"
        )
    if count:
        raise StatsInputError(
            f"{function}: die Skalenwerte enthalten {count} unterdrückte Zeile(n) ({why}: "
            "Werte fehlen, weil ihre Gruppe aus Einheit und Welle zu wenige Befragte hat); "
            "eine Schätzung ließe diese Befragten stillschweigend weg. In der gesicherten "
            "Umgebung die Rohwerte verwenden: score_table(..., min_n=None); das Ergebnis bleibt "
            f"durch das min_n von {function} geschützt / {function}: the score table has "
            f"{count} suppressed row(s); use score_table(..., min_n=None) inside the secure "
            "environment (the result stays masked by its own min_n)."
        )


def _warn_masked_pattern(
    data: pd.DataFrame,
    function: str,
    rows: pd.Series | None,
    columns: Sequence[str] | None,
    min_n: int,
) -> None:
    """Warn about unit x wave groups of 1..min_n-1 rows whose score is missing in every row.

    That is what :func:`ogl_impact.stats.score_table` leaves of a small
    group; ``merge`` and ``concat`` with a frame without ``attrs`` drop the
    mark that says so, and ``drop(columns="suppressed")`` the other one.
    """
    keys = [c for c in ("unit_id", "wave") if c in data.columns]
    if not keys:
        return
    used = data if rows is None else data.loc[rows]
    if used.empty:
        return
    if columns is None:
        columns = [
            c
            for c in used.columns
            if c not in keys and used[c].dtype.kind == "f" and used[c].notna().any()
        ]
    else:
        columns = [c for c in columns if c in used.columns]
    if not columns:
        return
    missing = used[columns].isna()
    grouped = missing.groupby([used[k] for k in keys], observed=True, dropna=False)
    size = grouped.size()
    empty = grouped.all()
    hit = empty[size.between(1, min_n - 1).reindex(empty.index).to_numpy()]
    found = [
        (group if isinstance(group, tuple) else (group,), [c for c in columns if hit.at[group, c]])
        for group in hit.index
        if hit.loc[group].any()
    ]
    if not found:
        return
    named = "; ".join(
        ", ".join(f"{k} {v!r}" for k, v in zip(keys, group, strict=True))
        + f" ({int(size.at[group if len(keys) > 1 else group[0]])} Zeilen, fehlend: "
        + ", ".join(cols)
        + ")"
        for group, cols in found[:5]
    )
    more = f" und {len(found) - 5} weitere" if len(found) > 5 else ""
    warnings.warn(
        f"{function}: {len(found)} Gruppe(n) aus Einheit und Welle mit weniger als {min_n} "
        f"Zeilen haben in jeder Zeile keinen Skalenwert – so sieht eine mit "
        f"score_table(min_n={min_n}) maskierte Gruppe aus, deren Markierung (Spalte "
        f"suppressed, attrs) bei merge/concat verloren ging: {named}{more}. Die Schätzung "
        "ließe sie stillschweigend weg. In der gesicherten Umgebung die Rohwerte verwenden: "
        "score_table(..., min_n=None); ist es echte Nichtbeantwortung, diese Warnung "
        f"ignorieren / {function}: {len(found)} unit x wave group(s) below {min_n} rows have "
        "no score in any row, as masking leaves them; use score_table(..., min_n=None) "
        "inside the secure environment.",
        UserWarning,
        stacklevel=3,
    )


def _masked_by_attrs(data: pd.DataFrame, rows: pd.Series | None) -> int:
    """Rows with a missing score in a frame that ``attrs`` marks as masked.

    pandas keeps ``attrs`` through column selection, boolean filtering,
    ``query`` and ``assign``, where the ``suppressed`` column may be lost. A
    missing score cannot be told from a masked one there, so every missing
    score counts; when the score columns were renamed away, every missing
    value does.
    """
    scores = data.attrs.get(MASKED_SCORES)
    if not scores:
        return 0
    used = data if rows is None else data.loc[rows]
    columns = [c for c in scores if c in used.columns] or list(used.columns)
    return int(used[columns].isna().any(axis=1).sum())


def shown_respondents(
    answers: pd.DataFrame,
    published: pd.DataFrame,
    *,
    groups: Sequence[str],
    count: Sequence[str] = ("respondent_id", "wave"),
) -> int:
    r"""Count the respondents behind the groups of a result that are shown.

    The n printed with a figure or table: respondents of masked groups
    (``suppressed`` true in ``published``) are not counted, so that the n
    minus the n of the groups shown never gives a masked group's size.

    Parameters
    ----------
    answers : DataFrame
        The answers the result was computed from (e.g. ``responses`` of the
        items drawn), with ``groups`` and ``count`` columns.
    published : DataFrame
        The protected result, with ``groups`` and a boolean ``suppressed``.
    groups : sequence of str
        Columns that define a group of the result (e.g. ``["wave", "item_id"]``).
    count : sequence of str, default ("respondent_id", "wave")
        What is counted once: a respondent in a wave.

    Returns
    -------
    int

    Raises
    ------
    StatsInputError
        When a column is missing.

    Notes
    -----
    :math:`n = |\{(i, w) : i \text{ answered in a group } g \text{ with }
    \neg\,\text{suppressed}_g\}|`; groups are matched on their labels as
    text, so categorical and plain columns match.

    References
    ----------
    .. [1] Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley,
       ch. 5 (a published total must not reveal a suppressed cell).

    Examples
    --------
    >>> answers = pd.DataFrame({"respondent_id": ["a", "b", "c", "a"], "wave": [1, 1, 2, 2]})
    >>> published = pd.DataFrame({"wave": [1, 2], "suppressed": [False, True]})
    >>> shown_respondents(answers, published, groups=["wave"])
    2
    """
    groups, count = list(groups), list(count)
    for frame, columns, name in (
        (answers, [*groups, *count], "answers"),
        (published, [*groups, "suppressed"], "published"),
    ):
        absent = [c for c in columns if c not in frame.columns]
        if absent:
            raise StatsInputError(
                f"Spalte {absent[0]!r} fehlt in {name}; vorhandene Spalten: "
                f"{', '.join(map(str, frame.columns))} / column missing."
            )
    shown = published.loc[~published["suppressed"].fillna(True).astype(bool), groups]
    if shown.empty:
        return 0
    keys = pd.MultiIndex.from_frame(shown.astype(str).drop_duplicates())
    rows = pd.MultiIndex.from_frame(answers[groups].astype(str)).isin(keys)
    return int(answers.loc[rows, count].drop_duplicates().shape[0])
