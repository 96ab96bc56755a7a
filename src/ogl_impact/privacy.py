"""Small-cell suppression and identifier checks for every published frame.

Every frame on its way to a figure or table passes :func:`protect`:

1. **No identifiers, no free text.** Columns such as ``respondent_id`` or
   free-text answers raise :class:`PrivacyError`; they never leave the package.
2. **Primary suppression.** A group (one row) with fewer than ``k``
   respondents is masked: its values and its ``n`` become missing and
   ``suppressed`` is true. ``k`` defaults to 5 and is never below 3.
3. **Complementary suppression.** A masked cell must not be recoverable by
   subtraction. Within every margin - the rows that share all grouping
   values but one (e.g. all labs of one wave) - a single masked cell could
   be worked out from the margin total (which a network mean or a published
   total reveals) and the visible cells. So whenever a margin holds exactly
   one masked cell, the smallest visible cell of that margin is masked too;
   this repeats until no margin holds exactly one. If a total row is present
   (``total_label``), the total row itself is masked instead when masking
   another cell is impossible.

Plots draw masked rows as absent; tables show them as empty.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ogl_impact.stats.groups import GROUPS, RESPONDENT_COLUMNS

K_DEFAULT = 5
K_MINIMUM = 3
K_SAFE = 5
"""Thresholds below this need an explicit ``allow_below_5`` (``--allow-k-below-5``)."""
FORBIDDEN_COLUMNS = frozenset(
    {
        "respondent_id",
        "respondent",
        "response",  # imported_responses.csv: a keyed hash per response, never published
        "email",
        "name_respondent",
        "free_text",
        "text",
        "comment",
    }
)


class PrivacyError(ValueError):
    """A frame holds identifiers or free text, or a threshold is unsafe."""


def check_k(k: int, *, allow_below_5: bool = False) -> int:
    """Validate a suppression threshold.

    Parameters
    ----------
    k : int
        Minimum number of respondents per published group.
    allow_below_5 : bool, default False
        Accept 3 or 4 (``--allow-k-below-5``); a value below 3 is never accepted.

    Returns
    -------
    int
        ``k`` as an int.

    Raises
    ------
    PrivacyError
        When ``k`` is not a whole number, below 3, or below 5 without
        ``allow_below_5``; the message names the rule (German first).

    Examples
    --------
    >>> check_k(7)
    7
    >>> check_k(4, allow_below_5=True)
    4
    """
    if isinstance(k, bool) or not float(k).is_integer():
        raise PrivacyError(f"k = {k!r} ist keine ganze Zahl / k must be a whole number")
    k = int(k)
    if k < K_MINIMUM:
        raise PrivacyError(
            f"k = {k} ist zu klein: Gruppen unter {K_MINIMUM} Befragten werden nie "
            f"veröffentlicht (Mindestwert {K_MINIMUM}) / suppression threshold k={k} is below "
            f"the minimum of {K_MINIMUM}"
        )
    if k < K_SAFE and not allow_below_5:
        raise PrivacyError(
            f"k = {k} liegt unter dem Standard {K_SAFE}; nur mit --allow-k-below-5 (Python: "
            f"allow_below_5=True) erlaubt, und es wird in jeder Abbildung genannt / k={k} is "
            f"below the default of {K_SAFE}: pass --allow-k-below-5 to accept it"
        )
    return k


def suppressed_label(k: int, lang: str = "de") -> str:
    """Return the honest label of a suppressed group, e.g. "unterdrückt (n < 5)".

    Parameters
    ----------
    k : int
        The threshold in force.
    lang : {"de", "en"}
        Language.

    Returns
    -------
    str

    Examples
    --------
    >>> suppressed_label(5), suppressed_label(7, "en")
    ('unterdrückt (n < 5)', 'suppressed (n < 7)')
    """
    return f"unterdrückt (n < {k})" if lang == "de" else f"suppressed (n < {k})"


def no_data_label(lang: str = "de") -> str:
    """Return the label of a group that truly has no answers: "keine Daten".

    A group of 0 respondents identifies no one: it is not suppressed, and
    it never reads as if it were (see :func:`suppressed_label`).

    Parameters
    ----------
    lang : {"de", "en"}
        Language.

    Returns
    -------
    str

    Examples
    --------
    >>> no_data_label(), no_data_label("en")
    ('keine Daten', 'no data')
    """
    return "keine Daten" if lang == "de" else "no data"


def assert_no_identifiers(frame: pd.DataFrame) -> None:
    """Raise if a frame carries respondent ids or free text.

    Parameters
    ----------
    frame : DataFrame
        A frame about to be drawn or written.

    Raises
    ------
    PrivacyError
        Naming the offending columns.
    """
    bad = sorted(c for c in map(str, frame.columns) if c.lower() in FORBIDDEN_COLUMNS)
    if bad:
        raise PrivacyError(f"columns not allowed in an output: {', '.join(bad)}")


def protect(
    frame: pd.DataFrame,
    *,
    groups: Sequence[str],
    n: str = "n",
    k: int = K_DEFAULT,
    total_label: str | None = None,
    keep: Sequence[str] = (),
) -> pd.DataFrame:
    """Apply primary and complementary small-cell suppression.

    Parameters
    ----------
    frame : DataFrame
        One row per published group (cell), with the respondent count ``n``.
        Rows that repeat a group (e.g. one row per answer category of a
        group) share the group's fate.
    groups : sequence of str
        Columns that define a group (e.g. ``["unit_id", "wave"]``).
    n : str, default "n"
        Column with the number of respondents of the group.
    k : int, default 5
        Threshold; groups with fewer respondents are masked (never below 3).
    total_label : str, optional
        Value in a grouping column that marks a total row (e.g. ``"alle"``).
    keep : sequence of str
        Descriptive columns left visible in masked rows (e.g. item and
        category labels, so that a figure can still name what is missing).

    Returns
    -------
    DataFrame
        A copy with a boolean ``suppressed`` column; every other non-group
        column of a masked row is missing.

    Examples
    --------
    >>> f = pd.DataFrame({"lab": ["a", "b", "c"], "n": [2, 40, 50], "mean": [3.0, 3.5, 4.0]})
    >>> protect(f, groups=["lab"])[["lab", "suppressed"]].values.tolist()
    [['a', True], ['b', True], ['c', False]]
    """
    k = check_k(k, allow_below_5=True)  # the gate for k < 5 is at the entry points
    assert_no_identifiers(frame)
    groups = list(groups)
    missing = [c for c in [*groups, n] if c not in frame.columns]
    if missing:
        raise ValueError(f"columns {missing} not in the frame (have {list(frame.columns)})")
    out = frame.copy()
    cells = out[groups].astype(str).agg("\x1f".join, axis=1) if groups else pd.Series("", out.index)
    size = out.groupby(cells, sort=False)[n].max()
    masked = set(size.index[(size.fillna(0) < k)])
    keys = pd.DataFrame([c.split("\x1f") for c in size.index], columns=groups, index=size.index)
    is_total = pd.Series(False, keys.index)
    if total_label is not None:
        is_total = keys.eq(total_label).any(axis=1)
    changed = True
    while changed and len(groups) >= 1:
        changed = False
        for dim in groups:
            others = [g for g in groups if g != dim]
            margin = keys[others].agg("\x1f".join, axis=1) if others else pd.Series("", keys.index)
            for _, members in keys.groupby(margin, sort=False).groups.items():
                members = list(members)
                hidden = [m for m in members if m in masked]
                if len(hidden) != 1 or len(members) < 2:
                    continue
                visible = [m for m in members if m not in masked and not is_total[m]]
                if visible:
                    masked.add(min(visible, key=lambda m: (size[m], m)))
                else:
                    totals = [m for m in members if m not in masked]
                    masked.update(totals)
                changed = True
    out["suppressed"] = cells.isin(masked).to_numpy()
    value_cols = [c for c in out.columns if c not in {*groups, *keep, "suppressed"}]
    for col in value_cols:
        if out[col].dtype.kind in "biuf":
            out[col] = out[col].astype(float)
        out.loc[out["suppressed"], col] = np.nan
    return out


# --- one decision for a whole report ----------------------------------------------------------

RESPONDENT_DIMS = RESPONDENT_COLUMNS
"""Columns of a published table that define a group of respondents (see :class:`Disclosure`);
defined once in :data:`ogl_impact.stats.groups.RESPONDENT_COLUMNS`."""
VARIABLE_DIMS = ("perspective", "item_id", "construct")
"""Columns that name the variable a published value is about."""
TOTAL_COLUMNS = {"network_mean": "network_n"}
"""Totals drawn beside the cells: value column -> its n column (a total over ``unit_id``)."""
GROUPS_ATTR = GROUPS
"""Key of a frame's description of its groups in ``attrs`` (see :mod:`ogl_impact.stats.groups`)."""
NOTE_COLUMN = "note"
"""Column of a published table that labels suppressed rows (``suppressed_label``)."""

_COMPLEMENTARY = True  # switched off only by tests, to show what the audit catches
_ENABLED = True  # idem: False publishes every group as it is
_CONSISTENT = True  # idem: False lets a group be hidden in one variable and shown in another
_NOTEBOOK_DECISIONS: dict[tuple, Disclosure] = {}
"""The decisions of notebooks in this kernel (see :meth:`Disclosure.for_notebook`)."""

Node = tuple[tuple[tuple[str, str], ...], str]
"""A published group: its respondent dimensions (sorted ``(column, value)`` pairs) and variable."""


def node(dims: dict, variable: str = "") -> Node:
    """Make the key of a published group.

    Parameters
    ----------
    dims : dict
        Respondent dimensions, e.g. ``{"wave": 3, "unit_id": "lab01"}``.
    variable : str
        The variable the value is about (e.g. a perspective).

    Returns
    -------
    Node

    Examples
    --------
    >>> node({"wave": 3, "unit_id": "a"}, "trust")
    ((('unit_id', 'a'), ('wave', '3')), 'trust')
    """
    return tuple(sorted((str(c), _text(v)) for c, v in dims.items())), str(variable)


def _respondents(nd: Node) -> tuple[tuple[str, str], ...]:
    """Return the respondents of a group, whatever its variable (``is_lab`` follows a unit)."""
    dims = dict(nd[0])
    return tuple((c, v) for c, v in nd[0] if not (c == "is_lab" and "unit_id" in dims))


NESTED_DIMS = frozenset({"actor_group"})
"""Dimensions that split a group of respondents into subgroups hidden with it."""


def _within(group: tuple[tuple[str, str], ...], gone: set) -> bool:
    """Tell whether ``group`` is a hidden group or a subgroup of one (e.g. its actor groups).

    Subgroups by :data:`NESTED_DIMS` of a hidden group would add up to it.
    """
    if group in gone:
        return True
    inner = tuple(d for d in group if d[0] not in NESTED_DIMS)
    return len(inner) < len(group) and inner in gone


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (bool, np.bool_)):
        return "True" if value else "False"
    return str(value)


def describe_group(nd: Node, lang: str = "de") -> str:
    """Name a group for a message, e.g. "unit_id=kehl, wave=3 · trust".

    Parameters
    ----------
    nd : Node
        The group.
    lang : {"de", "en"}
        Language of the words for a group of no dimension ("alle Befragten").

    Returns
    -------
    str

    Examples
    --------
    >>> describe_group(node({"wave": 3, "unit_id": "kehl"}, "trust"))
    'unit_id=kehl, wave=3 · trust'
    """
    everyone = "alle Befragten" if lang == "de" else "all respondents"
    dims = ", ".join(f"{c}={v}" for c, v in nd[0]) or everyone
    variable = nd[1].replace("\x1f", " / ")
    return f"{dims} · {variable}" if variable else dims


def _clash_message(clash: list[Node]) -> str:
    groups = list(dict.fromkeys(describe_group((nd[0], "")) for nd in clash))  # any variable
    names = "; ".join(groups[:4])
    more = f" (und {len(groups) - 4} weitere)" if len(groups) > 4 else ""
    return (
        f"Diese Tabelle lässt sich nicht zeigen, ohne eine schon gezeigte Gruppe nachträglich "
        f"zu unterdrücken: {names}{more}. Sonst ließe sich aus ihr und der früheren Ausgabe "
        "eine Gruppe unter k errechnen. Abhilfe: die Übersicht (alle Einheiten, z. B. "
        "change_by_unit oder die Tabelle je Welle) vor den Tabellen einzelner Labore oder "
        "Gruppen zeigen und das Notebook neu von oben ausführen, oder diese Tabelle weglassen "
        "/ this table cannot be shown without hiding a group an earlier output already "
        f"showed ({names}); show the overview first and run the notebook again from the top."
    )


def _unplanned_message(groups: list[dict[str, str]]) -> str:
    names = "; ".join(describe_group((tuple(sorted(g.items())), "")) for g in groups[:4])
    more = f" (und {len(groups) - 4} weitere)" if len(groups) > 4 else ""
    return (
        f"Diese Tabelle müsste eine Gruppe unterdrücken, die der Plan der Unterdrückung nicht "
        f"vorsieht: {names}{more}. Alle Ausgaben beruhen auf denselben, einmal gefilterten "
        "Befragten; eine nachträglich unterdrückte Gruppe ergäbe sich aus dem Unterschied der "
        "Gesamtzahlen vorher und nachher. Abhilfe: die Gruppen dieser Tabelle in den Plan "
        "aufnehmen (dc.plan(...) in der Setup-Zelle, z. B. variables= oder answers=) und das "
        "Notebook neu von oben ausführen, oder diese Tabelle weglassen / this table would hide "
        f"a group the plan of the setup cell did not hide ({names}); add its groups to "
        "dc.plan(...) and run the notebook again from the top."
    )


def derivations(nodes: dict[Node, float], hidden: set[Node], k: int) -> list[tuple[Node, Node]]:
    """Find published totals that, minus their shown parts, leave fewer than ``k`` respondents.

    A total ``T`` (shown) and its parts (shown groups with the same variable
    and one more respondent dimension, e.g. the labs of a wave) give the
    sum of the rest: ``T - sum(shown parts)``. When that rest holds between
    1 and ``k - 1`` respondents, a group below ``k`` can be worked out.

    Parameters
    ----------
    nodes : dict
        Every published group and its n.
    hidden : set
        Groups not shown.
    k : int
        Threshold.

    Returns
    -------
    list of (Node, Node)
        ``(total, a hidden part)`` pairs, or ``(total, total)`` when the rest
        is not published at all.
    """
    found = []
    parts = parts_of(nodes)
    for total, by_dim in parts.items():
        if total in hidden:
            continue
        for kids in by_dim.values():
            shown = sum(nodes[c] for c in kids if c not in hidden)
            rest = nodes[total] - shown
            if 0 < rest < k:
                gone = [c for c in kids if c in hidden]
                found.append((total, gone[0] if gone else total))
    return found


def parts_of(nodes: dict[Node, float]) -> dict[Node, dict[str, list[Node]]]:
    """Map every group to its parts: groups with its variable and one more dimension.

    Parameters
    ----------
    nodes : dict
        Published groups and their n.

    Returns
    -------
    dict
        total -> {extra dimension -> [parts]}, only for groups that have parts.
    """
    by_var: dict[str, list[Node]] = {}
    for nd in nodes:
        by_var.setdefault(nd[1], []).append(nd)
    parts: dict[Node, dict[str, list[Node]]] = {}
    for members in by_var.values():
        sets = {nd: dict(nd[0]) for nd in members}
        for total in members:
            t = sets[total]
            for kid in members:
                d = sets[kid]
                if len(d) != len(t) + 1 or any(d.get(c) != v for c, v in t.items()):
                    continue
                extra = next(c for c in d if c not in t)
                parts.setdefault(total, {}).setdefault(extra, []).append(kid)
    return parts


class Disclosure:
    """One suppression decision shared by every output of a report.

    Every output registers the groups it shows (cells, totals such as a
    network mean, with their n) through :meth:`protect`. :meth:`decide`
    then hides, over all of them at once,

    1. every group below ``k`` (primary suppression), and
    2. one more shown group at a time wherever a shown total minus its
       shown parts - in the same or another output - leaves between 1 and
       ``k - 1`` respondents (complementary suppression); when no part is
       left to hide, the total itself is hidden;
    3. a group of respondents (e.g. a lab in a wave) hidden in one variable
       (a perspective, an item) in every variable that shows it: otherwise
       its n shown in one variable, subtracted from the rest a total leaves
       in another, gives away the other hidden groups. 2 and 3 repeat until
       nothing changes.

    The same group shown by two outputs is one group: hidden in one, hidden
    in all. :meth:`protect` applies the decision to a frame. A notebook,
    which shows its tables one after the other, uses :meth:`publish`
    instead (``present.table(frame, ds, disclosure=dc)``): what an earlier
    cell showed is never needed later as a complement, and a table that
    could only be protected by hiding it is refused with a
    :class:`PrivacyError` that names the group.

    Parameters
    ----------
    k : int, default 5
        Threshold (3 or 4 only with ``allow_below_5``).
    allow_below_5 : bool, default False
        Accept ``k`` of 3 or 4.
    lang : {"de", "en"}
        Language of the label of suppressed rows.

    Examples
    --------
    >>> d = Disclosure()
    >>> f = pd.DataFrame({"unit_id": ["a", "b", "c"], "n": [4, 10, 12], "score": [1.0, 3, 4],
    ...                   "network_mean": 3.0, "network_n": 26})
    >>> d.protect(f, groups=["unit_id"], fixed={"wave": 2})["suppressed"].tolist()
    [True, True, False]
    """

    def __init__(self, k: int = K_DEFAULT, *, allow_below_5: bool = False, lang: str = "de"):
        self.k = check_k(k, allow_below_5=allow_below_5)
        self.lang = lang
        self.nodes: dict[Node, float] = {}
        self.hidden: set[Node] = set()
        self.hidden_respondents: frozenset[tuple[tuple[str, str], ...]] = frozenset()
        """The groups of respondents of :attr:`hidden` holding somebody (set by :meth:`decide`)."""
        self.unknown: set[Node] = set()
        """Groups whose n was masked upstream (e.g. by a library ``min_n``): not nobody."""
        self.planned = False
        """Whether :meth:`plan` fixed the decision (later outputs may hide nothing new)."""
        self.plan_hidden: set[tuple[tuple[str, str], ...]] = set()
        """The groups of respondents the plan hid."""
        self.plan_values: dict[str, set[str]] = {}
        """The values of each respondent dimension in the planned data."""
        self.published: set[Node] = set()
        """Groups already shown by :meth:`publish` (a notebook's earlier cells)."""
        self.ties: list[tuple[frozenset[Node], frozenset[Node]]] = []
        """Groups of one table row: (whole row, parts of it); hidden together."""

    @property
    def label(self) -> str:
        """The label of a suppressed row, e.g. "unterdrückt (n < 5)"."""
        return suppressed_label(self.k, self.lang)

    @property
    def no_data(self) -> str:
        """The label of a group without any answer: "keine Daten"."""
        return no_data_label(self.lang)

    def register(self, groups: dict[Node, float]) -> None:
        """Add published groups (node -> n) and decide again over all of them.

        Parameters
        ----------
        groups : dict
            The groups one output shows.
        """
        for nd, n in groups.items():
            if pd.isna(n):  # masked upstream: some respondents, fewer than a threshold
                self.unknown.add(nd)
            n = 0.0 if pd.isna(n) else float(n)
            self.nodes[nd] = max(self.nodes.get(nd, 0.0), n)
        self.decide()

    def decide(self) -> set[Node]:
        """Decide primary and complementary suppression over every registered group.

        Returns
        -------
        set of Node
            The hidden groups (only ever grows as groups are added).
        """
        if not _ENABLED:
            return self.hidden
        hidden = set(self.hidden) | {nd for nd, n in self.nodes.items() if n < self.k}
        hidden |= self._linked(hidden)
        seen = self._seen()  # what earlier outputs published does not change while deciding
        while _COMPLEMENTARY:
            leaks = derivations(self.nodes, hidden, self.k)
            if not leaks:
                more = self._linked(hidden) - hidden
                if not more:
                    break
                hidden |= more
                continue
            total, _ = leaks[0]
            parts = parts_of(self.nodes)[total]
            shown = [
                c
                for kids in parts.values()
                if 0 < self.nodes[total] - sum(self.nodes[x] for x in kids if x not in hidden)
                for c in kids
                if c not in hidden
            ]
            # a group shown by an earlier output cannot be taken back: complements come
            # from the groups not yet published, else the total goes
            fresh = [c for c in shown if c not in self.published and _respondents(c) not in seen]
            if fresh:
                hidden.add(min(fresh, key=lambda c: (self.nodes[c], c)))
            elif (total not in self.published and _respondents(total) not in seen) or not shown:
                hidden.add(total)
            else:  # every way out hides a published group: publish() refuses the output
                hidden.add(min(shown, key=lambda c: (self.nodes[c], c)))
        self.hidden = hidden
        self.hidden_respondents = frozenset(_respondents(h) for h in hidden if self._somebody(h))
        return hidden

    def _seen(self) -> set[tuple[tuple[str, str], ...]]:
        """Return the groups of respondents published in any variable, and those they lie in."""
        seen = set()
        for nd in self.published:
            group = _respondents(nd)
            seen.add(group)
            seen.add(tuple(d for d in group if d[0] not in NESTED_DIMS))
        return seen

    def _linked(self, hidden: set[Node]) -> set[Node]:
        """Return the groups hidden with those in ``hidden``: same respondents, same table row."""
        more = set(hidden) | self._same_group(hidden)
        for whole, parts in self.ties:
            if any(nd in more and self._somebody(nd) for nd in whole):
                more |= whole | parts
        return more

    def _same_group(self, hidden: set[Node]) -> set[Node]:
        """Every group of respondents hidden in one variable, in all its variables.

        A lab hidden (primary or complementary) in one perspective of a wave
        and shown in another would give away, with the rest left by a shown
        total in the first, the n of the other hidden labs: nearly the same
        respondents answer every perspective. So a group hidden anywhere is
        hidden wherever it is shown, also in a variable nobody of it answered:
        a published 0 there would leave the complement alone in that
        variable's rest, and its n, subtracted in the other variables, would
        give the small group back.
        """
        if not _CONSISTENT:
            return set()
        gone = {_respondents(nd) for nd in hidden if self._somebody(nd)}
        return {nd for nd in self.nodes if _within(_respondents(nd), gone)}

    def _hidden_elsewhere(self, nd: Node) -> bool:
        """Tell whether the group of ``nd`` is hidden where somebody of it answered."""
        return _respondents(nd) in self.hidden_respondents

    def _somebody(self, nd: Node) -> bool:
        return self.nodes.get(nd, 0.0) > 0 or nd in self.unknown

    @classmethod
    def for_notebook(
        cls, key: object, k: int = K_DEFAULT, *, allow_below_5: bool = False, lang: str = "de"
    ) -> Disclosure:
        """Return the notebook's one decision, the same again when its setup cell runs again.

        A notebook's setup cell that made a new decision each time it ran
        would forget what the cells above and below had shown: outputs of the
        old decision stay on screen, and new ones decided afresh could be
        read beside them. Within one kernel, this returns the same object for
        the same ``key``, ``k``, ``allow_below_5`` and ``lang``; a different
        key (other data: pass the data folder and a fingerprint of the data)
        or another ``k`` gives a new decision. Restarting the kernel clears it
        (outputs on screen should then be cleared too: run from the top).

        Parameters
        ----------
        key : hashable
            What the decision is about, e.g. ``(notebook, DATA, fingerprint)``.
        k : int, default 5
            Threshold.
        allow_below_5 : bool, default False
            Accept ``k`` of 3 or 4.
        lang : {"de", "en"}
            Language of the label of suppressed rows.

        Returns
        -------
        Disclosure

        Examples
        --------
        >>> a = Disclosure.for_notebook(("4.0", "daten"), 5)
        >>> a is Disclosure.for_notebook(("4.0", "daten"), 5), a is Disclosure.for_notebook("x", 5)
        (True, False)
        """
        k = check_k(k, allow_below_5=allow_below_5)
        ident = (key, k, bool(allow_below_5), lang)
        if ident not in _NOTEBOOK_DECISIONS:
            _NOTEBOOK_DECISIONS[ident] = cls(k, allow_below_5=allow_below_5, lang=lang)
        return _NOTEBOOK_DECISIONS[ident]

    def plan(
        self,
        frame: pd.DataFrame,
        *,
        variables: Sequence[str] = (),
        answers: pd.DataFrame | None = None,
        item: str = "item_id",
        value: str = "value",
    ) -> list[dict[str, str]]:
        """Decide once, before anything is shown, over every unit x wave group of the data.

        A notebook that decides cell by cell, and drops the rows of the
        groups hidden so far before each output, shows outputs resting on
        different respondents: their totals differ by exactly the group a
        later cell hid. Planning first (as the reports do) registers every
        unit x wave group of ``frame`` (labs and communes; ``n`` =
        respondents) with the totals over the units of a kind in a wave
        (``is_lab`` x ``wave``, the overview a notebook shows), and decides
        primary and complementary suppression over all of them at once. The
        notebook then filters its data once with :meth:`shown_rows`; every
        later output rests on the same respondents.

        After the plan the decision is fixed: :meth:`publish` refuses an
        output that would hide a group of respondents the plan did not hide
        (a :class:`PrivacyError` naming the group), and :meth:`shown_rows`
        drops the planned groups only. Planning again with the same data
        changes nothing.

        Parameters
        ----------
        frame : DataFrame
            One row per respondent and wave with ``unit_id``, ``wave`` and
            ``is_lab`` (e.g. ``stats.score_table(..., min_n=None)``).
        variables : sequence of str
            Columns of ``frame`` (e.g. the constructs) whose non-missing
            count per group is registered too (a group may answer a scale
            with fewer respondents than it has).
        answers : DataFrame, optional
            Answers, one row per respondent and item (``unit_id``, ``wave``,
            ``item``, ``value``): the count of answers per item and group is
            registered too.
        item, value : str
            Columns of ``answers``.

        Returns
        -------
        list of dict
            The hidden groups of respondents (:meth:`hidden_groups`).

        Examples
        --------
        >>> f = pd.DataFrame({"unit_id": list("aaabbbbbbcccccc"), "wave": 1,
        ...                   "is_lab": [True] * 9 + [False] * 6})
        >>> Disclosure().plan(f)
        [{'unit_id': 'a', 'wave': '1'}, {'unit_id': 'b', 'wave': '1'}]
        """
        need = [c for c in ("unit_id", "wave", "is_lab") if c not in frame.columns]
        if need:
            raise PrivacyError(
                f"Spalten {need} fehlen für den Plan der Unterdrückung (vorhanden: "
                f"{', '.join(map(str, frame.columns))}) / columns {need} are missing."
            )
        kind = dict(zip(frame["unit_id"].map(_text), frame["is_lab"].map(_text), strict=True))
        groups: dict[Node, float] = {}

        def add(data: pd.DataFrame, variable: str) -> None:
            keys = pd.DataFrame(
                {"unit_id": data["unit_id"].map(_text), "wave": data["wave"].map(_text)}
            )
            keys["is_lab"] = keys["unit_id"].map(kind).fillna("False")
            for (unit, wave, lab), size in (
                keys.groupby(["unit_id", "wave", "is_lab"], sort=True).size().items()
            ):
                groups[node({"unit_id": unit, "wave": wave, "is_lab": lab}, variable)] = size
            for (wave, lab), size in keys.groupby(["wave", "is_lab"], sort=True).size().items():
                groups[node({"wave": wave, "is_lab": lab}, variable)] = size

        self.plan_values = {
            "unit_id": set(frame["unit_id"].map(_text)),
            "wave": set(frame["wave"].map(_text)),
            "is_lab": set(frame["is_lab"].map(_text)),
        }
        add(frame, "")
        for col in variables:
            add(frame[frame[col].notna()], str(col))
        if answers is not None:
            given = answers[answers[value].notna()] if value in answers else answers
            for name, part in given.groupby(given[item].map(_text), sort=True):
                add(part, name)
        self.planned = False
        self.register(groups)
        self.planned = True
        self.plan_hidden = {tuple(sorted(g.items())) for g in self.hidden_groups()}
        return self.hidden_groups()

    def _in_plan(self, group: dict[str, str]) -> bool:
        """Tell whether a group holds rows of the planned data (a panel "1+3" holds none)."""
        for col, value in group.items():
            if col == "scope":
                col, value = "unit_id", value.split(" in ", 1)[-1].split("+")
            else:
                value = [value]
            if col in self.plan_values and not set(value) & self.plan_values[col]:
                return False
        return True

    def hidden_groups(self) -> list[dict[str, str]]:
        """Return the groups of respondents hidden so far, as ``{column: value}`` (text).

        Only groups with respondents count (a group of nobody hides no one);
        the variable is ignored: the same respondents, whatever they were
        asked.
        """
        return [dict(g) for g in sorted(self.hidden_respondents)]

    def shown_rows(self, frame: pd.DataFrame, *, labs: Sequence[str] | None = None) -> pd.DataFrame:
        """Drop the rows of respondents of every group the decision hides so far.

        A grand total, a "missing" count, a model's n or estimate computed
        from all rows would rest on hidden groups too: minus the shown cells
        it leaves a hidden group (e.g. reliability n over all respondents
        minus the shown cells by wave = the 3 respondents of the one lab of
        a wave). A notebook therefore passes its answers or scores through
        this before every summary, figure or model after its overview table.

        A row belongs to a hidden group when its values match all respondent
        dimensions of the group (``wave``, ``unit_id``, ``is_lab``,
        ``actor_group``; the variable is ignored). A dimension the frame
        lacks matches every row (more is dropped, never less); a total over
        a chosen set of units matches those units.

        Parameters
        ----------
        frame : DataFrame
            Answers or scores, one row per respondent (and item or wave).
        labs : sequence of str, optional
            The lab units: gives ``is_lab`` to a frame without that column
            (the answers); without it, a hidden group named by ``is_lab``
            drops every row of its wave from such a frame.

        Returns
        -------
        DataFrame
            The rows of shown groups only (``attrs`` kept); ``attrs["hidden_rows"]``
            counts the rows dropped.

        Examples
        --------
        >>> d = Disclosure()
        >>> d.register({node({"wave": 3, "unit_id": "a"}): 3, node({"wave": 3, "unit_id": "b"}): 9})
        >>> f = pd.DataFrame({"unit_id": ["a", "b", "a"], "wave": [3, 3, 1]})
        >>> d.shown_rows(f)[["unit_id", "wave"]].values.tolist()
        [['b', 3], ['a', 1]]
        """
        drop = pd.Series(False, index=frame.index)
        text = {
            c: frame[c].astype(object).map(_text) for c in RESPONDENT_DIMS if c in frame.columns
        }
        if "unit_id" in frame.columns:
            text["scope"] = text["unit_id"]
            if "is_lab" not in text and labs is not None:
                chosen = {_text(u) for u in labs}
                text["is_lab"] = text["unit_id"].isin(chosen).map(_text)
        for group in self.hidden_groups():
            match = pd.Series(True, index=frame.index)
            for col, value in group.items():
                if col == "scope":
                    units = value.split(" in ", 1)[-1].split("+")
                    if "scope" in text:
                        match &= text["scope"].isin(units)
                elif col in text:
                    match &= text[col].eq(value)
            drop |= match
        out = frame.loc[~drop].copy()
        out.attrs = dict(frame.attrs)
        out.attrs["hidden_rows"] = int(drop.sum())
        return out

    def hides(self, **row: object) -> bool:
        """Tell whether the decision hides respondents with these values (e.g. a lab in a wave).

        The same rule as :meth:`shown_rows`: a row with these values would be
        dropped. A lab whose wave the plan hid is labelled "unterdrückt (n < k)";
        one the decision does not hide and that has no row reads "keine Daten".

        Parameters
        ----------
        **row
            Respondent dimensions, e.g. ``unit_id="kehl", wave=3, is_lab=True``.

        Returns
        -------
        bool

        Examples
        --------
        >>> d = Disclosure()
        >>> d.register({node({"wave": 3, "unit_id": "a"}): 3, node({"wave": 3, "unit_id": "b"}): 9})
        >>> d.hides(unit_id="a", wave=3), d.hides(unit_id="a", wave=1), d.hides(unit_id="c", wave=3)
        (True, False, False)
        """
        return self.shown_rows(pd.DataFrame([row])).empty

    def suppressed_count(self) -> int:
        """Count the hidden groups of the report (for the gallery line).

        Groups without any answer (n = 0) are not counted: they read "keine
        Daten", not "unterdrückt". A group whose n was masked upstream (n
        missing) is counted: it has respondents.
        """
        return len({nd[0] for nd in self.hidden if self._somebody(nd)})

    def protect(
        self,
        frame: pd.DataFrame,
        *,
        groups: Sequence[str],
        fixed: dict | None = None,
        variables: Sequence[str] = (),
        n: str = "n",
        keep: Sequence[str] = (),
        totals: dict[str, str] | None = None,
    ) -> pd.DataFrame:
        """Register a frame's groups, decide, and return the frame with the decision applied.

        Parameters
        ----------
        frame : DataFrame
            One row per shown group (rows repeating a group share its fate).
        groups : sequence of str
            Columns that define the respondent groups (e.g. ``["unit_id"]``).
        fixed : dict, optional
            Respondent dimensions shared by every row (e.g. ``{"wave": 3}``).
        variables : sequence of str
            Columns naming the variable of each row (e.g. ``["perspective"]``).
        n : str, default "n"
            Respondents per group.
        keep : sequence of str
            Descriptive columns left visible in suppressed rows.
        totals : dict, optional
            Totals drawn beside the cells, value column -> n column (a total
            over ``groups``); by default the :data:`TOTAL_COLUMNS` the frame has.

        Returns
        -------
        DataFrame
            A copy with the ``fixed`` dimensions as columns, ``suppressed``
            and ``note``; values and n of hidden groups, and hidden totals,
            are missing. A group with no answer at all (n = 0, not a missing
            n) is not suppressed: its note reads "keine Daten" and its n stays 0.
        """
        assert_no_identifiers(frame)
        fixed = dict(fixed or {})
        if totals is None:
            totals = {v: c for v, c in TOTAL_COLUMNS.items() if v in frame and c in frame}
        missing = [c for c in [*groups, *variables, n, *totals, *totals.values()] if c not in frame]
        if missing:
            raise ValueError(f"columns {missing} not in the frame (have {list(frame.columns)})")
        out = frame.copy()
        for position, (dim, value) in enumerate(fixed.items()):
            if dim not in out:  # the table names the group it shows (read by the audit)
                out.insert(position, dim, value)
        cell = [self._cell(row, groups, fixed, variables) for row in out.to_dict("records")]
        total = [node(fixed, nd[1]) for nd in cell]
        found: dict[Node, float] = {}
        for nd, size in zip(cell, out[n], strict=True):
            # a cell's missing n stays missing (masked upstream) unless the group shows one
            size = float(size) if pd.notna(size) else np.nan
            found[nd] = np.fmax(found.get(nd, np.nan), size)
        for n_col in totals.values():
            for nd, size in zip(total, out[n_col], strict=True):
                found[nd] = max(found.get(nd, 0.0), 0.0 if pd.isna(size) else float(size))
        self.register(found)
        # a group of nobody identifies no one: it reads "keine Daten", never "unterdrückt";
        # a missing n (masked upstream, e.g. by a library min_n) is no evidence of nobody
        counted = pd.to_numeric(out[n], errors="coerce").eq(0).to_numpy()
        hidden = np.array([nd in self.hidden for nd in cell], dtype=bool)
        nobody = counted & np.array([self.nodes.get(nd, 0.0) == 0 for nd in cell], dtype=bool)
        # nobody of a group hidden elsewhere answered: withheld too (the 0 would give it away)
        withheld = nobody & hidden & np.array([self._hidden_elsewhere(nd) for nd in cell])
        empty = nobody & ~withheld
        masked = hidden & ~empty
        out["suppressed"] = masked
        out[NOTE_COLUMN] = np.where(masked, self.label, np.where(empty, self.no_data, ""))
        protected = {*groups, *fixed, *variables, *keep, *totals, *totals.values()}
        for col in [c for c in out.columns if c not in protected | {"suppressed", NOTE_COLUMN}]:
            if out[col].dtype.kind in "biuf":
                out[col] = out[col].astype(float)
            out.loc[masked, col] = np.nan
        gone = np.array([nd in self.hidden for nd in total], dtype=bool)
        for value_col, n_col in totals.items():
            for col in (value_col, n_col):
                out[col] = out[col].astype(float)
                out.loc[gone, col] = np.nan
        out.attrs["k"] = self.k  # the threshold the labels name (read by present.table)
        return out

    def publish(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Show a described per-group result through the decision, in a notebook's order.

        The frame says which groups it shows in ``attrs["groups"]`` (written
        by the summaries of :mod:`ogl_impact.stats`, see
        :func:`ogl_impact.stats.groups.describe`). Its groups are registered,
        suppression is decided again over everything registered so far, and
        the frame comes back with the decision applied. What it shows is
        then *published*: a later output never needs it hidden. Complements
        are chosen among groups not yet published (else the total is
        hidden); a group hidden once stays hidden in every later output,
        whatever the variable (same respondents).

        Parameters
        ----------
        frame : DataFrame
            A per-group result with ``attrs["groups"]``.

        Returns
        -------
        DataFrame
            A copy: ``suppressed`` (the whole row hidden) and ``note``
            ("unterdrückt (n < k)" or "keine Daten"); values and n of hidden
            groups are missing. ``attrs`` are kept.

        Raises
        ------
        PrivacyError
            When the frame has no description (the message names its
            columns), a described column is missing, it holds identifiers,
            or protecting it would hide a group an earlier output already
            showed (the message names the group and what to do; nothing of
            this frame is registered then).
        """
        desc = frame.attrs.get(GROUPS_ATTR) if isinstance(frame, pd.DataFrame) else None
        if not isinstance(desc, dict):
            columns = ", ".join(map(str, getattr(frame, "columns", []))) or "keine"
            raise PrivacyError(
                "Diese Tabelle sagt nicht, welche Gruppen von Befragten sie zeigt "
                f"(attrs['groups'] fehlt; Spalten: {columns}). Gruppentabellen der Bibliothek "
                "(likert_summary, reliability_table, change_by_unit) bringen die Angabe mit; "
                "pd.concat verschiedener Tabellen verliert sie. Eigene Zählungen mit "
                "ogl_impact.stats.groups.describe(frame, dims=[...]) beschreiben; Tabellen ohne "
                "Befragtengruppen (Modellschätzungen) ohne disclosure= zeigen / the frame does "
                f"not describe its groups of respondents (columns: {columns})."
            )
        assert_no_identifiers(frame)
        dims, counts = list(desc["dims"]), dict(desc["counts"])
        variables, fixed = list(desc["variables"]), dict(desc["fixed"])
        partial, total = dict(desc["partial"]), dict(desc["total"])
        scope = dict(desc.get("scope", {}))
        constant = [desc["variable"]] if desc.get("variable") else []
        for c, cols in list(partial.items()):  # a part left out entirely is not shown
            if c not in frame.columns and not any(col in frame.columns for col in cols):
                del partial[c], counts[c]
        missing = [c for c in [*dims, *counts, *variables] if c not in frame.columns]
        if missing:
            raise PrivacyError(
                f"Spalten {missing} fehlen, die Tabelle nennt sie als ihre Gruppen oder n "
                f"(vorhanden: {', '.join(map(str, frame.columns))}); die n-Spalten beim "
                f"Auswählen behalten / columns {missing} of the description are missing."
            )
        labelled = dict(desc.get("rows", {}))
        missing = [c for c in labelled if c not in frame.columns]
        if missing:
            raise PrivacyError(
                f"Spalten {missing} fehlen, die die Zellen der Tabelle benennen (vorhanden: "
                f"{', '.join(map(str, frame.columns))}) / columns {missing} are missing."
            )
        depends = [node({**fixed, **d}, constant[0] if constant else "") for d in desc["depends"]]
        unknown = [nd for nd in depends if nd not in self.nodes]
        if unknown:
            raise PrivacyError(
                f"Diese Tabelle beruht auf Gruppen, die noch keine Tabelle gezeigt hat "
                f"({describe_group(unknown[0])}): zuerst die Tabelle der Zellen zeigen (z. B. "
                "lab_comparison(...).table) / show the table of cells first."
            )
        whole = [c for c in counts if c not in partial]
        rows: list[dict[str, Node]] = []
        derived: list[bool] = []
        found: dict[Node, float] = {}
        for row in frame.to_dict("records"):
            base = {**fixed, **{d: row[d] for d in dims}}
            cells = [m.get(row[c]) for c, m in labelled.items()]
            derived.append(bool(depends) or any(cell is None for cell in cells))
            if derived[-1]:
                rows.append({})
                continue
            for cell in cells:
                base.update(cell)
            for col, value in total.items():
                if col in base and _text(base[col]) == _text(value):
                    base.pop(col)
                    chosen = [_text(v) for v in scope.get(col, [])]
                    if len(chosen) == 1:  # the total over one unit is that unit
                        base[col] = chosen[0]
                    elif chosen:  # a total over a chosen set of units: a group of its own
                        base["scope"] = f"{col} in {'+'.join(sorted(chosen))}"
            variable = "\x1f".join([*constant, *(_text(row[v]) for v in variables)])
            nodes = {c: node({**base, **extra}, variable) for c, extra in counts.items()}
            for c, nd in nodes.items():
                size = float(row[c]) if pd.notna(row[c]) else np.nan
                found[nd] = np.fmax(found.get(nd, np.nan), size)
            rows.append(nodes)
        state = (
            dict(self.nodes),
            set(self.hidden),
            self.hidden_respondents,
            set(self.unknown),
            list(self.ties),
        )
        self.ties.extend(
            (frozenset(n[c] for c in whole), frozenset(n[c] for c in partial)) for n in rows if n
        )
        self.register(found)
        clash = sorted(nd for nd in self.published if self._masked(nd))
        if clash:
            (self.nodes, self.hidden, self.hidden_respondents, self.unknown, self.ties) = state
            raise PrivacyError(_clash_message(clash))
        if self.planned:
            new = [
                g
                for g in self.hidden_groups()
                if not _within(tuple(sorted(g.items())), self.plan_hidden) and self._in_plan(g)
            ]
            if new:
                (self.nodes, self.hidden, self.hidden_respondents, self.unknown, self.ties) = state
                raise PrivacyError(_unplanned_message(new))
        sources = depends + [nd for n in rows for nd in n.values()]
        # a change or an estimate goes with any of its cells
        out = self._apply(frame, rows, whole, partial, {*dims, *variables, *desc["keep"]})
        if any(derived) and any(self._masked(nd) for nd in sources):
            gone = np.asarray(derived, dtype=bool)
            values = [c for c in out.columns if c not in {*dims, *variables, *desc["keep"]}]
            for col in values:
                if col in ("suppressed", NOTE_COLUMN):
                    continue
                if out[col].dtype.kind not in "biuf":
                    out[col] = out[col].astype(object)
                out.loc[gone, col] = np.nan
            out.loc[gone, "suppressed"] = True
            out.loc[gone, NOTE_COLUMN] = self.label
        return out

    def _masked(self, nd: Node) -> bool:
        """Tell whether a group is shown as suppressed (not as "keine Daten")."""
        if nd not in self.hidden:
            return False
        return self._somebody(nd) or self._hidden_elsewhere(nd)

    def _apply(
        self,
        frame: pd.DataFrame,
        rows: list[dict[str, Node]],
        whole: list[str],
        partial: dict[str, list[str]],
        labels: set[str],
    ) -> pd.DataFrame:
        """Mask the hidden groups of a described frame and mark what it shows as published."""
        out = frame.copy()
        gone = np.array([any(self._masked(n[c]) for c in whole if c in n) for n in rows])
        gone = gone.astype(bool)
        counted = out[whole].apply(pd.to_numeric, errors="coerce") if whole else out.iloc[:, :0]
        nobody = counted.eq(0).all(axis=1).to_numpy() & bool(whole) & ~gone
        values = [c for c in out.columns if c not in labels | {"suppressed", NOTE_COLUMN}]
        only = {c for cols in partial.values() for c in cols} | set(partial)
        for col in values:
            if out[col].dtype.kind in "biuf":
                out[col] = out[col].astype(float)
            elif gone.any():
                out[col] = out[col].astype(object)
            if col not in only:
                out.loc[gone, col] = np.nan
        for c, cols in partial.items():
            hide = gone | np.array([c in n and self._masked(n[c]) for n in rows], dtype=bool)
            for col in [c, *cols]:
                if col in out.columns:
                    out.loc[hide, col] = np.nan
        out["suppressed"] = gone
        before = out[NOTE_COLUMN].fillna("").astype(str) if NOTE_COLUMN in out else ""
        out[NOTE_COLUMN] = np.where(gone, self.label, np.where(nobody, self.no_data, before))
        for nodes in rows:
            self.published |= {nd for nd in nodes.values() if not self._masked(nd)}
        return out

    @staticmethod
    def _cell(row: dict, groups: Sequence[str], fixed: dict, variables: Sequence[str]) -> Node:
        dims = {**fixed, **{g: row[g] for g in groups}}
        return node(dims, "\x1f".join(_text(row[v]) for v in variables))
