"""Rules between tables: references, one value per key, scales and the impact-model graph.

These run after each table has passed (or failed) its own schema, on the
typed frames. Rows whose keys are missing are skipped here: the table's own
schema has already reported them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import partial

import numpy as np
import pandas as pd

from ogl_impact import vocab
from ogl_impact.io import RawTable
from ogl_impact.problems import Problem, make_problem
from ogl_impact.schemas import TABLES
from ogl_impact.schemas.fields import ID_PATTERN
from ogl_impact.schemas.tables import sound_scale
from ogl_impact.spelling import closest

_SIMILAR_MAX = 5000  # beyond this many keys, looking for a similar one costs too much

# (child table, child columns, parent table, parent columns, list column?)
REFERENCES: tuple[tuple[str, tuple[str, ...], str, tuple[str, ...], bool], ...] = (
    ("perspectives", ("source",), "sources", ("source_id",), True),
    ("labs", ("source",), "sources", ("source_id",), True),
    ("partners", ("source",), "sources", ("source_id",), True),
    ("periods", ("source",), "sources", ("source_id",), True),
    ("partners", ("lab_id",), "labs", ("lab_id",), False),
    ("nodes", ("lab_id",), "labs", ("lab_id",), False),
    ("nodes", ("perspectives",), "perspectives", ("perspective_id",), True),
    ("indicators", ("lab_id", "node_id"), "nodes", ("lab_id", "node_id"), False),
    (
        "indicator_values",
        ("lab_id", "indicator_id"),
        "indicators",
        ("lab_id", "indicator_id"),
        False,
    ),
    ("indicator_values", ("period_id",), "periods", ("period_id",), False),
    ("responses", ("wave",), "waves", ("wave",), False),
    ("responses", ("item_id",), "codebook", ("item_id",), False),
    # the items a line of the import register names (its --replace marks rely on them)
    ("imports", ("items",), "codebook", ("item_id",), True),
    ("milestones", ("lab_id",), "labs", ("lab_id",), False),
    ("milestones", ("period_id",), "periods", ("period_id",), False),
    ("dac_ratings", ("lab_id",), "labs", ("lab_id",), False),
    ("submissions", ("lab_id",), "labs", ("lab_id",), False),
    ("submissions", ("period_id",), "periods", ("period_id",), False),
    ("revisions", ("lab_id",), "labs", ("lab_id",), False),
    ("revisions", ("period_id",), "periods", ("period_id",), False),
    # a revision names the workbook that brought it: a submission of the same lab and period
    (
        "revisions",
        ("lab_id", "period_id", "sha256"),
        "submissions",
        ("lab_id", "period_id", "sha256"),
        False,
    ),
)

# the rows a revision can change: table -> the parts of row_key (key without lab and period),
# and whether each part is an identifier (ID_PATTERN) or may be empty (a trailing empty part
# may also be left out: "i01" is "i01|", the total of indicator i01)
ROW_KEYS: dict[str, tuple[tuple[str, bool], ...]] = {
    "indicator_values": (("indicator_id", True), ("disaggregation_value", False)),
    "milestones": (("milestone_id", True),),
    "partners": (("partner_id", True),),
}


Memo = Callable[[str, tuple[str, ...], Callable[[], list[Problem]]], list[Problem]]
"""How :func:`check_cross_table` runs a rule: given its name, the tables it reads, its work."""


def check_cross_table(
    tables: Mapping[str, pd.DataFrame],
    raw: Mapping[str, RawTable],
    missing: Iterable[str] = (),
    memo: Memo | None = None,
) -> list[Problem]:
    """Check every rule that involves more than one table.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Typed tables by name.
    raw : mapping of str to RawTable
        The same tables as read (for file names, line numbers and original text).
    missing : iterable of str
        Tables that have no file; a reference to one of them is reported once.
    memo : callable, optional
        Called as ``memo(rule, inputs, compute)`` for each rule, in place of
        ``compute()``: the rule's name, the tables it reads, and what finds
        its problems. It may return problems it kept for the same inputs
        (a cache of checked tables does). None: every rule is computed.

    Returns
    -------
    list of Problem
    """
    missing = set(missing)

    def rule(
        name: str, inputs: tuple[str, ...], compute: Callable[[], list[Problem]]
    ) -> list[Problem]:
        return compute() if memo is None else memo(name, inputs, compute)

    problems: list[Problem] = []
    reported_missing: set[tuple[str, str]] = set()
    skipped: dict[tuple[str, str], list[str]] = {}

    def parent_missing(child: str, parent: str) -> bool:
        if parent in tables:
            return False
        if parent in missing and (child, parent) not in reported_missing:
            reported_missing.add((child, parent))
            problems.append(make_problem(raw[child].path.name, "table_missing", table=parent))
        return True

    def has(check: str, needs: Mapping[str, Iterable[str]]) -> bool:
        """Whether every table and column ``check`` needs is there; note what is lacking."""
        if not all(name in tables for name in needs):
            return False
        ok = True
        for name, cols in needs.items():
            for col in cols:
                if col not in tables[name].columns:
                    skipped.setdefault((name, col), []).append(check)
                    ok = False
        return ok

    for child, ccols, parent, pcols, is_list in REFERENCES:
        check = f"{child}.{'+'.join(ccols)} → {parent}"
        if child in tables and _optional_absent(child, ccols, tables[child]):
            continue  # a table of an older version: nothing refers, nothing is skipped
        if child not in tables or not has(check, {child: ccols}):
            continue
        if not tables[child][list(ccols)].notna().all(axis=1).any():
            continue  # nothing refers to the parent table
        if parent_missing(child, parent) or not has(check, {parent: pcols}):
            continue
        problems += rule(
            check,
            (child, parent),
            partial(
                _dangling, tables[child], raw[child], ccols, tables[parent], pcols, parent, is_list
            ),
        )

    if "responses" in tables:
        units = []
        check = "responses.unit_id → labs/comparison_communes"
        # without labs every lab's answers would dangle: the missing table is told instead
        if not parent_missing("responses", "labs") and has(check, {"labs": ["lab_id"]}):
            units.append(tables["labs"]["lab_id"])
            # optional: a survey may have no comparison group
            if "comparison_communes" in tables and has(check, {"comparison_communes": ["unit_id"]}):
                units.append(tables["comparison_communes"]["unit_id"])
        if units and has(check, {"responses": ["unit_id"]}):
            known = pd.concat(units, ignore_index=True).to_frame("unit_id")
            problems += rule(
                check,
                ("responses", "labs", *(("comparison_communes",) if len(units) > 1 else ())),
                lambda: _dangling(
                    tables["responses"],
                    raw["responses"],
                    ("unit_id",),
                    known,
                    ("unit_id",),
                    "labs/comparison_communes",
                    False,
                ),
            )
        if has(
            "respondent_consistency",
            {"responses": ["respondent_id", "wave", "unit_id", "actor_group"]},
        ):
            problems += rule(
                "respondent_consistency",
                ("responses",),
                lambda: _respondent_consistency(tables["responses"], raw["responses"]),
            )
        key = ("respondent_id", "wave", "item_id")
        if has("duplicate_key", {"responses": key}):
            problems += rule(
                "responses.duplicate_key",
                ("responses",),
                lambda: _unique_codes(tables["responses"], raw["responses"], key),
            )
        if has(
            "value_outside_scale",
            {"responses": ["item_id", "value"], "codebook": ["item_id", "scale_min", "scale_max"]},
        ):
            problems += rule(
                "value_outside_scale",
                ("responses", "codebook"),
                lambda: _responses_on_scale(
                    tables["responses"], raw["responses"], tables["codebook"]
                ),
            )
    if has("value_label_outside_scale", {"codebook": ["value_labels", "scale_min", "scale_max"]}):
        problems += rule(
            "value_label_outside_scale",
            ("codebook",),
            lambda: _value_labels_on_scale(tables["codebook"], raw["codebook"]),
        )
    if has(
        "codebook.construct → perspectives",
        {"codebook": ["construct"], "perspectives": ["perspective_id"]},
    ):
        problems += rule(
            "codebook.construct → perspectives",
            ("codebook", "perspectives"),
            lambda: _construct_perspectives(
                tables["codebook"], raw["codebook"], tables["perspectives"]
            ),
        )
    if has("graph", {"nodes": ["lab_id", "node_id", "level", "stage", "contributes_to"]}):
        problems += rule("graph", ("nodes",), lambda: _graph(tables["nodes"], raw["nodes"]))
    if has(
        "indicator_value_range",
        {
            "indicator_values": ["lab_id", "indicator_id", "value", "disaggregation_value"],
            "indicators": ["lab_id", "indicator_id", "measure", "disaggregation"],
        },
    ):
        problems += rule(
            "indicator_value_range",
            ("indicator_values", "indicators"),
            lambda: _indicator_values(
                tables["indicator_values"], raw["indicator_values"], tables["indicators"]
            ),
        )
    if has("revision_target", {"revisions": ["table", "row_key", "column"]}):
        problems += rule(
            "revision_target",
            ("revisions",),
            lambda: _revision_targets(tables["revisions"], raw["revisions"]),
        )
    if "submissions" in tables and has(
        "revision_workbook",
        {
            "revisions": ["lab_id", "period_id", "sha256", "revised"],
            "submissions": ["lab_id", "period_id", "sha256", "outcome", "received"],
        },
    ):
        problems += rule(
            "revision_workbook",
            ("revisions", "submissions"),
            lambda: _revision_workbooks(
                tables["revisions"], raw["revisions"], tables["submissions"]
            ),
        )
    if "imports" in tables and has(
        "answers_without_import",
        {"imports": REGISTER_GROUP, "responses": [*REGISTER_GROUP, "item_id"]},
    ):
        problems += rule(
            "answers_without_import",
            ("imports", "responses"),
            lambda: _unsourced_answers(
                tables["imports"], raw["imports"], tables["responses"], raw["responses"]
            ),
        )
    for (name, col), checks in skipped.items():
        problems.append(
            make_problem(
                raw[name].path.name,
                "check_skipped",
                line=raw[name].header_line,
                column=col,
                severity="warning",
                checks=", ".join(dict.fromkeys(checks)),
                **dict(zip(("checks_de", "checks_en"), _plain_checks(checks), strict=True)),
            )
        )
    return problems


def _optional_absent(table: str, cols: Iterable[str], frame: pd.DataFrame) -> bool:
    """Tell whether some of ``cols`` are absent from ``frame`` and all those absent are optional.

    Parameters
    ----------
    table : str
        Name of the table in :data:`ogl_impact.schemas.TABLES`.
    cols : iterable of str
        The columns a rule needs.
    frame : DataFrame
        The table as typed.

    Returns
    -------
    bool
        True when a column the rule needs is absent and the table's schema does
        not require it (``imports.items`` of a register of an older version).
    """
    absent = [col for col in cols if col not in frame.columns]
    if not absent or table not in TABLES:
        return False
    columns = TABLES[table].model.to_schema().columns
    return all(col in columns and not columns[col].required for col in absent)


REGISTER_GROUP = ["wave", "unit_id", "actor_group"]
"""The group of a line of the import register (``imports``) and of a stored answer."""


def register_items(items: object) -> frozenset[str] | None:
    """Return the items a line of the import register names (its ``items`` cell).

    Parameters
    ----------
    items : object
        The cell, items joined by ``|``.

    Returns
    -------
    frozenset of str or None
        ``None`` for a line naming none (an older version, or a cell emptied
        by hand): it stands for all items of its group.

    Examples
    --------
    >>> sorted(register_items("bild|farbe")), register_items(""), register_items(None)
    (['bild', 'farbe'], None, None)
    """
    if not isinstance(items, str) or not items.strip():
        return None
    return frozenset(items.split("|"))


def _marked(replaced: object) -> bool:
    """Whether a line's ``replaced`` cell holds a day (none of its answers is left)."""
    if isinstance(replaced, str):
        return bool(replaced.strip())
    return replaced is not None and not pd.isna(replaced)


def _wave(value: object) -> str:
    """Return a wave as the import compares it (:func:`ogl_impact.imports.merge.wave_key`).

    Examples
    --------
    >>> _wave(1), _wave("01"), _wave(" 2 ")
    ('1', '1', '2')
    """
    text = str(value).strip()
    return str(int(text)) if re.fullmatch(r"\+?\d+", text) else text


def unsourced(register: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    """Return the stored answers whose import lines are all marked replaced, per group and item.

    The rule the imports keep (:func:`ogl_impact.imports.register.register_text`):
    every answer an import left in ``responses`` keeps a line of its group
    (wave, unit, actor group) in the register that names its item, or names
    none (an older version: all items of its group, :func:`register_items`),
    and is not marked ``replaced``. Answers to an item that lines of their
    group name (or stand for), all of them marked replaced, break it: the
    register says they are gone, and nothing tells any more which export they
    came from (a ``replaced`` day typed by hand, a line copied from another
    folder). Answers to items no line of their group names came before the
    register (the embedded data, a folder imported into by an older version)
    and are not asked about.

    Parameters
    ----------
    register : DataFrame
        ``imports`` as typed (``items`` and ``replaced`` may be absent).
    responses : DataFrame
        ``responses`` as typed.

    Returns
    -------
    DataFrame
        ``wave``, ``unit_id``, ``actor_group``, ``item_id`` (as text),
        ``answers`` (how many), ``first`` (the position of the first such
        answer in ``responses``) and ``lines`` (positions in ``register`` of
        the replaced lines naming the item), one row per group and item, in
        the order of ``first``.

    Examples
    --------
    >>> reg = pd.DataFrame({"wave": [1, 1], "unit_id": ["a", "a"],
    ...     "actor_group": ["staff", "staff"], "items": ["q1|q2", "q2"],
    ...     "replaced": ["2026-05-04", None]})
    >>> resp = pd.DataFrame({"wave": [1, 1, 1, 2], "unit_id": ["a"] * 4,
    ...     "actor_group": ["staff"] * 4, "item_id": ["q1", "q2", "q3", "q1"]})
    >>> unsourced(reg, resp)[["wave", "item_id", "answers", "lines"]].to_dict("records")
    [{'wave': '1', 'item_id': 'q1', 'answers': 1, 'lines': [0]}]
    """
    columns = [*REGISTER_GROUP, "item_id", "answers", "first", "lines"]
    need = [*REGISTER_GROUP, "item_id"]
    if register.empty or responses.empty or not set(need) <= set(responses.columns):
        return pd.DataFrame(columns=columns)
    if not set(REGISTER_GROUP) <= set(register.columns):
        return pd.DataFrame(columns=columns)
    none = pd.Series(None, index=register.index, dtype=object)
    cells = register["items"] if "items" in register else none
    days = register["replaced"] if "replaced" in register else none
    claims: dict[tuple[str, ...], list[tuple[int, frozenset[str] | None, bool]]] = {}
    groups = register[REGISTER_GROUP].itertuples(index=False, name=None)
    for pos, (group, cell, day) in enumerate(zip(groups, cells, days, strict=True)):
        if not any(pd.isna(v) for v in group):
            key = (_wave(group[0]), str(group[1]), str(group[2]))
            claims.setdefault(key, []).append((pos, register_items(cell), _marked(day)))
    # grouped as stored (a million answers: Categoricals), the few groups and items made text
    position = pd.Series(np.arange(len(responses)), index=responses.index)
    counted = position.groupby([responses[c] for c in need], sort=False, observed=True).agg(
        ["size", "min"]
    )
    rows = []
    for (wave, unit, actor, item), answers, first in zip(
        counted.index, counted["size"], counted["min"], strict=True
    ):
        group, item = (_wave(wave), str(unit), str(actor)), str(item)
        lines = claims.get(group)
        if lines is None:  # no line of the register: answers from before it
            continue
        naming = [(pos, marked) for pos, named, marked in lines if named is None or item in named]
        if naming and all(marked for _, marked in naming):
            rows.append([*group, item, int(answers), int(first), [pos for pos, _ in naming]])
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values("first", kind="stable").reset_index(drop=True)


def _unsourced_answers(
    register: pd.DataFrame, register_raw: RawTable, responses: pd.DataFrame, raw: RawTable
) -> list[Problem]:
    """Warn once per group and item of :func:`unsourced`, at its first answer in ``responses``."""
    found = unsourced(register, responses)
    out = []
    for row in found.itertuples(index=False):
        n, lines = int(row.answers), [int(register_raw.lines[p]) for p in row.lines]
        many, listed = len(lines) > 1, ", ".join(map(str, lines))
        out.append(
            _at(
                raw, int(row.first), "item_id", "answers_without_import", severity="warning",
                wave=row.wave, unit=row.unit_id, actor=row.actor_group, item=row.item_id,
                count_de=f"{n} Antwort{'en' if n != 1 else ''}",
                count_en=f"{n} answer{'s' if n != 1 else ''}",
                have_de="haben" if n != 1 else "hat", have_en="have" if n != 1 else "has",
                lines_de=f"{register_raw.path.name}, Zeile{'n' if many else ''} {listed}",
                lines_en=f"{register_raw.path.name}, line{'s' if many else ''} {listed}",
            )
        )  # fmt: skip
    return out


_CHECK_WORDS = {
    "respondent_consistency": (
        "ob eine befragte Person in einer Welle bei einer Einheit und Akteursgruppe bleibt",
        "whether a respondent keeps one unit and actor group within a wave",
    ),
    "duplicate_key": (
        "doppelte Antworten (dieselbe Person, Welle und dasselbe Item zweimal)",
        "duplicate answers (the same respondent, wave and item twice)",
    ),
    "value_outside_scale": (
        "ob die Antworten auf der Skala ihres Items liegen",
        "whether the answers lie on their item's scale",
    ),
    "value_label_outside_scale": (
        "ob die Wertelabels auf der Skala liegen",
        "whether the value labels lie on the scale",
    ),
    "graph": (
        "das Wirkungsmodell (Beiträge zu höheren Ebenen, keine Kreise)",
        "the impact model (contributions to higher levels, no cycles)",
    ),
    "indicator_value_range": (
        "ob die Indikatorwerte zur Messart ihres Indikators passen (z. B. Prozent von 0 bis 100)",
        "whether the indicator values fit their indicator's measure (e.g. percent from 0 to 100)",
    ),
    "revision_target": (
        "ob jede Korrektur eine Zeile und eine Wertspalte ihrer Tabelle nennt",
        "whether each revision names a row and a value column of its table",
    ),
    "answers_without_import": (
        "ob jede Antwort eine nicht ersetzte Zeile im Register imports.csv hat",
        "whether every answer keeps a line of the register imports.csv not marked replaced",
    ),
    "revision_workbook": (
        "ob die Arbeitsmappe jeder Korrektur als Korrektur angenommen wurde",
        "whether each revision's workbook was accepted as a revision",
    ),
}
_REFERENCE_CHECK = re.compile(r"(?P<child>\w+)\.(?P<cols>[\w+]+) → (?P<parent>[\w/]+)")


def _plain_checks(checks: Iterable[str]) -> tuple[str, str]:
    """Say the skipped checks in words, German and English (``partners.lab_id → labs``: refs).

    References with the same columns and target are told together.

    Examples
    --------
    >>> _plain_checks(["nodes.lab_id → labs", "milestones.lab_id → labs", "graph"])[0]
    'Verweise aus nodes und milestones (Spalte lab_id) auf labs; das Wirkungsmodell (Beiträge zu höheren Ebenen, keine Kreise)'
    >>> _plain_checks(["responses.unit_id → labs/comparison_communes"])[1]
    'references from responses (column unit_id) to labs or comparison_communes'
    """  # noqa: E501
    refs: dict[tuple[str, str], list[str]] = {}  # (columns, target) -> the tables referring
    order: list[tuple[str, str] | str] = []
    for check in dict.fromkeys(checks):
        match = _REFERENCE_CHECK.fullmatch(check)
        if match is None:
            order.append(check)
            continue
        key = (match["cols"], match["parent"])
        if key not in refs:
            refs[key] = []
            order.append(key)
        refs[key].append(match["child"])
    de, en = [], []
    for item in order:
        if isinstance(item, str):
            words = _CHECK_WORDS.get(item, (item, item))
            de.append(words[0])
            en.append(words[1])
            continue
        cols, parent = item[0].split("+"), item[1].split("/")
        children, listed = refs[item], "/".join(cols)
        many = len(cols) > 1
        de.append(
            f"Verweise aus {_and(children, 'und')} (Spalte{'n' if many else ''} {listed}) "
            f"auf {' oder '.join(parent)}"
        )
        en.append(
            f"references from {_and(children, 'and')} (column{'s' if many else ''} {listed}) "
            f"to {' or '.join(parent)}"
        )
    return "; ".join(de), "; ".join(en)


def _and(names: list[str], word: str) -> str:
    """Join names as a sentence does: ``a``, ``a und b``, ``a, b und c``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"


def _key_frame(frame: pd.DataFrame, cols: tuple[str, ...]) -> pd.DataFrame:
    return frame[list(cols)].astype("string")


def _dangling(
    child: pd.DataFrame,
    raw: RawTable,
    ccols: tuple[str, ...],
    parent: pd.DataFrame,
    pcols: tuple[str, ...],
    parent_name: str,
    is_list: bool,
) -> list[Problem]:
    target = f"{parent_name}." + "+".join(pcols)
    if is_list:
        (col,) = ccols
        items = _split_lists(child[col].dropna().astype("string")).explode()
        known = set(parent[pcols[0]].dropna().astype(str))
        bad = items[~items.isin(known)]
        similar = _similar_map(bad.astype(str), known)
        return [
            _missing(raw, int(pos), col, str(ref), target, similar.get(str(ref)))
            for pos, ref in bad.items()
        ]
    if len(ccols) == 1:
        values = child[ccols[0]]
        known = pd.Index(parent[pcols[0]].dropna().unique())
        bad = values.notna().to_numpy() & ~_isin(values, known)
        positions = np.flatnonzero(bad)
        refs = [str(values.iat[pos]) for pos in positions]
        similar = _similar_map(refs, known)
        return [
            _missing(raw, int(pos), ccols[0], ref, target, similar.get(ref))
            for pos, ref in zip(positions, refs, strict=True)
        ]
    # each distinct key once (a national values table repeats ~200,000 keys 2 million times)
    distinct, which = _distinct_rows(child, list(ccols), raw)
    keys = distinct.astype("string")
    complete = keys.notna().all(axis=1).to_numpy()
    parent_keys = parent[list(pcols)].astype("string").dropna().drop_duplicates()
    parent_keys.columns = list(ccols)
    found = pd.MultiIndex.from_frame(keys).isin(pd.MultiIndex.from_frame(parent_keys))
    # report each dangling key at its first column that has no match (a wrong lab_id is
    # reported at lab_id, a wrong indicator_id of a known lab at indicator_id)
    culprit = np.full(len(keys), len(ccols) - 1)
    for k in range(len(ccols) - 2, -1, -1):
        prefix = list(ccols[: k + 1])
        known = pd.MultiIndex.from_frame(parent_keys[prefix].drop_duplicates())
        culprit[~pd.MultiIndex.from_frame(keys[prefix]).isin(known)] = k
    dangling = complete & ~found
    meant = _meant_keys(keys, np.flatnonzero(dangling), culprit, parent_keys)
    out = []
    for pos in np.flatnonzero(dangling[which]):
        key = which[pos]
        ref = "/".join(str(keys[c].iat[key]) for c in ccols)
        out.append(_missing(raw, int(pos), ccols[culprit[key]], ref, target, meant.get(key)))
    return out


def _meant_keys(
    keys: pd.DataFrame, dangling: np.ndarray, culprit: np.ndarray, parent_keys: pd.DataFrame
) -> dict[int, str]:
    """Return for dangling keys of several columns the known key most like each (by position).

    The column that has no match is compared with what the parent holds
    under the columns before it (a lab's own indicators for a mistyped
    indicator id, every lab for a mistyped lab id); what is given is the
    value meant for that column, as the cell named holds it. Where more than
    :data:`_SIMILAR_MAX` keys dangle, none is looked for.
    """
    if not 0 < len(dangling) <= _SIMILAR_MAX:  # nothing dangles: the parent is not read
        return {}
    cols = list(keys.columns)
    # the distinct values of each column under each prefix (a dict keeps them in order)
    under: dict[tuple[int, tuple[str, ...]], dict[str, None]] = {}
    for row in parent_keys.astype(str).itertuples(index=False):
        for k in range(len(cols)):
            under.setdefault((k, tuple(row[:k])), {})[row[k]] = None
    out = {}
    for key in dangling.tolist():
        k = int(culprit[key])
        parts = [str(keys[c].iat[key]) for c in cols]
        known = under.get((k, tuple(parts[:k])), {})
        if len(known) > _SIMILAR_MAX:
            continue
        best = closest(parts[k], known)
        if best is not None:
            out[key] = best
    return out


def _split_lists(items: pd.Series) -> pd.Series:
    """``items.str.split("|")`` for a column without missing values, each distinct text split once.

    Lists repeat (every node of a lab names the same few targets), so a
    national table of 150,000 rows holds a few hundred distinct texts.
    """
    codes, uniques = pd.factorize(items)
    parts = [str(text).split("|") for text in uniques]
    return pd.Series([parts[c] for c in codes], index=items.index, dtype=object)


def _distinct_rows(
    frame: pd.DataFrame, cols: list[str], raw: RawTable | None = None
) -> tuple[pd.DataFrame, np.ndarray]:
    """Return the distinct rows of ``frame[cols]`` and, for every row, the place of its own.

    The distinct rows are the first of each kind, in the order of the
    frame (index reset); ``frame[cols]`` equals ``distinct.iloc[which]``
    value for value. A rule on keys then works once per distinct key.
    With ``raw`` (the same table as read, row for row) rows are told apart
    by the codes of its categorical text where it has them: a typed cell
    is made from its text alone, so equal texts give equal values, and
    the codes spare hashing millions of typed strings.
    """
    if len(frame) == 0:
        return frame[cols].reset_index(drop=True), np.zeros(0, dtype=np.intp)
    text = raw.frame if raw is not None and len(raw.frame) == len(frame) else None
    source = pd.DataFrame(
        {c: _key_text(frame[c], text[c] if text is not None and c in text else None) for c in cols},
        copy=False,
    )
    which, _ = pd.factorize(_combined_codes(source, cols))
    # factorize numbers the kinds in the order they appear: a row is the first of its
    # kind where its number exceeds every number before it
    seen = np.maximum.accumulate(which)
    first = np.flatnonzero(np.r_[True, seen[1:] > seen[:-1]])
    return frame[cols].iloc[first].reset_index(drop=True), which


def _key_text(typed: pd.Series, text: pd.Series | None) -> pd.Series:
    """Return what tells a key column's rows apart, as the rules compare them (as text).

    The column as read where it is categorical (its codes); a typed
    categorical column (its codes: one category per value); else the typed
    values as text, so that 1, 1.0 and True stay three keys, as they are
    three texts to the rules.
    """
    if text is not None and isinstance(text.dtype, pd.CategoricalDtype):
        return text.reset_index(drop=True)
    if isinstance(typed.dtype, pd.CategoricalDtype):
        return typed.reset_index(drop=True)
    return typed.astype("string").reset_index(drop=True)


def _missing(
    raw: RawTable, pos: int, col: str, ref: str, target: str, similar: str | None = None
) -> Problem:
    extra = {"similar": similar} if similar else {}
    extra["meant_de"] = f" Meinten Sie „{similar}“?" if similar else ""
    extra["meant_en"] = f" Did you mean '{similar}'?" if similar else ""
    where_de, where_en = _plain_target(target)
    return _at(
        raw,
        pos,
        col,
        "key_missing",
        ref=ref,
        target=target,
        where_de=where_de,
        where_en=where_en,
        **extra,
    )


def _plain_target(target: str) -> tuple[str, str]:
    """Say where a reference was looked for in words, German and English.

    Examples
    --------
    >>> _plain_target("indicators.lab_id+indicator_id")[0]
    'indicators (Spalten lab_id/indicator_id)'
    >>> _plain_target("nodes.node_id (moers)")[1]
    'nodes (column node_id) of lab moers'
    >>> _plain_target("labs/comparison_communes.unit_id")[0]
    'labs oder comparison_communes'
    """
    tables, _, columns = target.partition(".")
    columns, _, lab = columns.partition(" (")
    lab = lab.rstrip(")")
    if "/" in tables:  # one of several tables, each with its own column name
        names = tables.split("/")
        return " oder ".join(names), " or ".join(names)
    cols = columns.split("+")
    de = f"{tables} (Spalte{'n' if len(cols) > 1 else ''} {'/'.join(cols)})"
    en = f"{tables} (column{'s' if len(cols) > 1 else ''} {'/'.join(cols)})"
    if lab:
        de, en = f"{de} des Labors {lab}", f"{en} of lab {lab}"
    return de, en


def _similar_map(refs: Iterable[str], known: Iterable[object]) -> dict[str, str | None]:
    """Return for each dangling reference the known key most like it (a typo in either table)."""
    names = [str(k) for k in known]
    refs = set(refs)
    if len(names) > _SIMILAR_MAX or len(refs) > _SIMILAR_MAX:
        return {}
    out = {}
    for ref in refs:
        out[ref] = closest(ref, names)
    return out


def _at(raw: RawTable, pos: int, col: str, rule: str, **params: object) -> Problem:
    """Return a problem at row position ``pos`` and column ``col`` of a table."""
    value = raw.frame[col].iat[pos] if col in raw.frame.columns else None
    return make_problem(
        raw.path.name, rule, line=int(raw.lines[pos]), column=col, value=value, **params
    )


_CODE_SPAN = 2**62
"""Combined codes stay below this (int64): beyond it they are renumbered densely first."""


def _combined_codes(frame: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """One int64 per row that is equal exactly when the rows agree on ``cols``.

    Each column's codes are packed in as digits of a number; where the next
    column would carry it past :data:`_CODE_SPAN` (three columns of millions
    of categories each), the rows' numbers so far are renumbered 0, 1, 2 ...
    first, so two keys never wrap onto one number.
    """
    combined = np.zeros(len(frame), dtype=np.int64)
    span = 1  # the numbers so far lie in [0, span)
    for col in cols:
        codes, shift, size = _column_codes(frame[col])
        if span * (size + 1) >= _CODE_SPAN:  # Python integers: this product never wraps
            dense, uniques = pd.factorize(combined)
            combined, span = dense.astype(np.int64), max(len(uniques), 1)
        combined *= size + 1  # in place: no new array of a million rows per column
        combined += codes
        combined += shift
        span *= size + 1
    return combined


def _column_codes(series: pd.Series) -> tuple[np.ndarray, int, int]:
    """Codes that are equal exactly when the values are: ``codes + shift`` lies in ``[0, size)``.

    Categoricals bring their codes (missing: -1); whole numbers of a small
    range (the survey wave) are their own codes, which spares hashing
    millions of rows; anything else is factorised.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):  # codes are there already
        return series.cat.codes.to_numpy(), 1, len(series.cat.categories) + 1
    small = _small_int_range(series)
    if small is not None:
        values, missing, low, high = small
        if missing.any():
            values[missing] = low - 1
        return values, 1 - low, high - low + 2
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    return codes, 0, len(uniques)


def _small_int_range(series: pd.Series) -> tuple[np.ndarray, np.ndarray, int, int] | None:
    """Whole numbers of a small range as int64, with their missing mask, min and max.

    Missing values are set to the minimum. None when the column is not of whole
    numbers, holds nothing, or spans a range wider than its length.
    """
    if not pd.api.types.is_integer_dtype(series.dtype) or len(series) == 0:
        return None
    missing = series.isna().to_numpy()
    if missing.all():
        return None
    values = series.to_numpy(dtype=np.int64, na_value=0)
    present = values[~missing] if missing.any() else values
    low, high = int(present.min()), int(present.max())
    if high - low > len(series):
        return None
    if missing.any():  # a copy already (the array holds the zeros put in for missing)
        values[missing] = low
    return values, missing, low, high


def _isin(values: pd.Series, known: pd.Index) -> np.ndarray:
    """``values.isin(known)`` as a boolean array, tested once per distinct value where cheap."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        hit = values.cat.categories.isin(known)
        return np.append(hit, False)[values.cat.codes.to_numpy()]  # code -1: missing
    small = _small_int_range(values)
    if small is not None:
        data, missing, low, high = small
        table = pd.RangeIndex(low, high + 1).isin(known)
        return table[data - low] & ~missing
    texts = _arrow_isin(values, known)
    if texts is not None:
        return texts
    return values.isin(known).to_numpy(dtype=bool)


def _arrow_isin(values: pd.Series, known: pd.Index) -> np.ndarray | None:
    """``values.isin(known)`` for pyarrow-backed text and text ``known``; None: not that case.

    pandas turns each of ``known`` into a pyarrow scalar first, one at a
    time: for the 10,800 labs of a national roll-out 0.15 s, where pyarrow's
    ``is_in`` with the same value set needs 0.005 s. A missing value is
    never found (``known`` holds only texts).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arrow = getattr(values.array, "_pa_array", None)
    kind = getattr(arrow, "type", None)
    if kind is None or not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return None
    texts = known.tolist()
    if not all(type(v) is str for v in texts):
        return None
    found = pc.is_in(arrow, value_set=pa.array(texts, type=kind))
    return pc.fill_null(found, False).to_numpy(zero_copy_only=False)


def _unique_codes(frame: pd.DataFrame, raw: RawTable, key: tuple[str, ...]) -> list[Problem]:
    """Check that ``key`` identifies one row (every duplicated row is reported)."""
    if not set(key) <= set(frame.columns):
        return []
    combined = _combined_codes(frame, list(key))
    order = np.argsort(combined, kind="stable")
    ordered = combined[order]
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return []
    dup = np.zeros(len(frame), dtype=bool)
    dup[order[1:][same]] = True
    dup[order[:-1][same]] = True
    text = ", ".join
    return [
        _at(
            raw,
            int(pos),
            key[0],
            "duplicate_key",
            key=text(f"{c}={raw.frame[c].iat[pos]}" for c in key),
        )
        for pos in np.flatnonzero(dup)
    ]


def _respondent_consistency(responses: pd.DataFrame, raw: RawTable) -> list[Problem]:
    """Check that a respondent belongs to one unit and one actor group within a wave."""
    cols = ["respondent_id", "wave", "unit_id", "actor_group"]
    if not set(cols) <= set(responses.columns):
        return []
    person = _combined_codes(responses, cols[:2])
    combo = _combined_codes(responses, cols[2:])
    if len(person) and person.max() > 4 * len(person):  # make person numbers dense
        person = np.unique(person, return_inverse=True)[1]
    # the first unit/group seen for each person
    first = np.full(int(person.max()) + 1 if len(person) else 0, -1, dtype=np.int64)
    first[person[::-1]] = combo[::-1]  # the last write wins, so this keeps the first one
    differs = combo != first[person]
    if not differs.any():
        return []
    people = np.unique(person[differs])
    rows = np.flatnonzero(np.isin(person, people))
    _, firsts = np.unique(person[rows], return_index=True)
    return [_at(raw, int(rows[i]), "respondent_id", "respondent_inconsistent") for i in firsts]


def _responses_on_scale(
    responses: pd.DataFrame, raw: RawTable, codebook: pd.DataFrame
) -> list[Problem]:
    """Check that answers lie on the item's scale: whole numbers from scale_min to scale_max.

    The verdict depends only on the item and the answer, so it is worked out
    once per pair of item and answer text and spread to the rows by their
    codes; the item's codes come from its Categorical, the answer's from the
    text column it was converted from (each text converted once, see
    :mod:`ogl_impact.parse`).
    """
    if not {"item_id", "value"} <= set(responses.columns):
        return []
    book = codebook.drop_duplicates("item_id").set_index("item_id")
    item = responses["item_id"]
    if isinstance(item.dtype, pd.CategoricalDtype):  # the codes are there already
        codes, items = item.cat.codes.to_numpy(), pd.Index(item.cat.categories)
    else:
        codes, items = pd.factorize(item)
    # position 0 stands for a missing item (code -1)
    low = np.append(np.nan, book["scale_min"].reindex(items).to_numpy("float64", na_value=np.nan))
    high = np.append(np.nan, book["scale_max"].reindex(items).to_numpy("float64", na_value=np.nan))
    value = responses["value"].to_numpy("float64", na_value=np.nan)
    answers = _answer_codes(raw, value)
    if answers is None:  # no text codes to share: row by row
        rows = codes.astype(np.int64) + 1
        outside, fractional = _off_scale(value, low[rows], high[rows])
    else:
        answer_codes, answer_values = answers
        outside_t, fractional_t = _off_scale(answer_values[None, :], low[:, None], high[:, None])
        pair = (codes.astype(np.int32) + 1) * len(answer_values) + answer_codes
        outside, fractional = outside_t.ravel()[pair], fractional_t.ravel()[pair]
    out = []
    for pos in np.flatnonzero(outside):
        row = int(codes[pos]) + 1
        out.append(
            _at(
                raw,
                int(pos),
                "value",
                "value_outside_scale",
                low=int(low[row]),
                high=int(high[row]),
            )
        )
    for pos in np.flatnonzero(fractional):
        out.append(_at(raw, int(pos), "value", "value_not_on_scale"))
    return out


def _off_scale(
    value: np.ndarray, low: np.ndarray, high: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Answers outside ``[low, high]`` and answers inside that are not whole numbers.

    A missing answer or a missing scale (unknown item) is neither.
    """
    with np.errstate(invalid="ignore"):
        known = ~np.isnan(value) & ~np.isnan(low)
        outside = known & ((value < low) | (value > high))
        fractional = known & ~outside & (value != np.floor(value))
    return outside, fractional


def _answer_codes(raw: RawTable, value: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Codes of the answers' text (0 for none) and the number each code was converted to.

    The typed answers are the text categories converted once and spread by the
    text codes, so one row per code tells the number of every row with that
    code. None when the text column is not there to share.
    """
    text = raw.frame["value"] if "value" in raw.frame.columns else None
    if text is None or not isinstance(text.dtype, pd.CategoricalDtype) or len(text) != len(value):
        return None
    codes = text.cat.codes.to_numpy().astype(np.int32) + 1  # missing text: -1 -> 0
    numbers = np.full(len(text.cat.categories) + 1, np.nan)
    numbers[codes] = value
    return codes, numbers


def parse_value_labels(text: str) -> dict[int, str]:
    """Parse ``"1=nie|2=selten"`` into ``{1: "nie", 2: "selten"}``.

    Parameters
    ----------
    text : str
        Value labels as the codebook writes them.

    Returns
    -------
    dict of int to str

    Examples
    --------
    >>> parse_value_labels("1=stimme nicht zu|5=stimme zu")
    {1: 'stimme nicht zu', 5: 'stimme zu'}
    """
    pairs = (part.split("=", 1) for part in text.split("|"))
    return {int(code): label.strip() for code, label in pairs}


def _value_labels_on_scale(codebook: pd.DataFrame, raw: RawTable) -> list[Problem]:
    out = []
    for pos, (labels, low, high) in enumerate(
        zip(codebook["value_labels"], codebook["scale_min"], codebook["scale_max"], strict=True)
    ):
        if pd.isna(labels) or pd.isna(low) or pd.isna(high):
            continue
        try:
            codes = parse_value_labels(labels)
        except ValueError:
            continue  # the schema's format rule has reported it
        for code in codes:
            if not low <= code <= high:
                out.append(
                    _at(
                        raw,
                        pos,
                        "value_labels",
                        "value_label_outside_scale",
                        code=code,
                        low=low,
                        high=high,
                    )
                )
    return out


def _construct_perspectives(
    codebook: pd.DataFrame, raw: RawTable, perspectives: pd.DataFrame
) -> list[Problem]:
    """Check that a construct written like a perspective id (p1 ...) is one."""
    looks = codebook["construct"].astype("string").str.fullmatch(r"p\d+").fillna(False).astype(bool)
    known = set(perspectives["perspective_id"].dropna().astype(str))
    bad = looks & ~codebook["construct"].isin(known)
    return [
        _missing(
            raw,
            int(pos),
            "construct",
            str(codebook["construct"].iat[pos]),
            "perspectives.perspective_id",
        )
        for pos in np.flatnonzero(bad.to_numpy())
    ]


def _graph(nodes: pd.DataFrame, raw: RawTable) -> list[Problem]:
    """Check per lab that contributions point to existing nodes on a higher level, without cycles.

    A contribution points higher when the target's IOOI level ranks higher,
    or, on the same level, when both nodes have Wirkungstreppe stages and the
    target's is higher. Such edges strictly climb, so every cycle contains an
    edge that does not: cycles are searched only in labs that have one.
    """
    if not {"lab_id", "node_id", "level", "stage", "contributes_to"} <= set(nodes.columns):
        return []
    edges = nodes[["lab_id", "node_id", "contributes_to"]].dropna()
    edges = edges.assign(target=_split_lists(edges["contributes_to"].astype(str))).explode("target")
    edges["pos"] = edges.index
    info = nodes[["lab_id", "node_id", "level", "stage"]].assign(
        rank=nodes["level"].map(dict(vocab.LEVEL_RANK))
    )
    info = info.dropna(subset=["lab_id", "node_id"]).drop_duplicates(["lab_id", "node_id"])
    merged = edges.merge(
        info.rename(
            columns={"node_id": "target", "level": "t_level", "stage": "t_stage", "rank": "t_rank"}
        ),
        on=["lab_id", "target"],
        how="left",
        indicator=True,
    ).merge(info, on=["lab_id", "node_id"], how="left")
    out: list[Problem] = []
    dangling = merged[merged["_merge"] == "left_only"]
    for pos, target, lab in zip(
        dangling["pos"], dangling["target"], dangling["lab_id"], strict=True
    ):
        out.append(_missing(raw, int(pos), "contributes_to", str(target), f"nodes.node_id ({lab})"))
    found = merged[merged["_merge"] == "both"]
    up = _points_up_all(found["rank"], found["stage"], found["t_rank"], found["t_stage"])
    down = found[~up]
    for row in down.itertuples(index=False):
        out.append(
            _at(
                raw,
                int(row.pos),
                "contributes_to",
                "edge_not_upward",
                target=row.target,
                level=row.level,
                target_level=row.t_level,
            )
        )
    for lab in sorted(set(down["lab_id"])):
        lab_edges: dict[str, list[str]] = {}
        for src, target in zip(
            found["node_id"][found["lab_id"] == lab],
            found["target"][found["lab_id"] == lab],
            strict=True,
        ):
            lab_edges.setdefault(src, []).append(target)
        cycle = _find_cycle(lab_edges)
        if cycle:
            where = nodes.index[(nodes["lab_id"] == lab) & (nodes["node_id"] == cycle[0])][0]
            out.append(
                _at(raw, int(where), "contributes_to", "graph_cycle", cycle=" → ".join(cycle))
            )
    return out


def _points_up_all(
    rank: pd.Series, stage: pd.Series, target_rank: pd.Series, target_stage: pd.Series
) -> np.ndarray:
    """:func:`_points_up` for every edge at once (levels and stages are small whole numbers)."""
    r, s, tr, ts = (
        np.asarray(x.astype("float64").to_numpy(na_value=np.nan), dtype="float64")
        for x in (rank, stage, target_rank, target_stage)
    )
    with np.errstate(invalid="ignore"):
        unknown = np.isnan(r) | np.isnan(tr)
        same_level_up = ~np.isnan(s) & ~np.isnan(ts) & (ts > s)
        return unknown | np.where(tr != r, tr > r, same_level_up)


def _points_up(rank: object, stage: object, target_rank: object, target_stage: object) -> bool:
    if pd.isna(rank) or pd.isna(target_rank):
        return True  # unknown level: reported by the schema
    if target_rank != rank:
        return bool(target_rank > rank)
    return not (pd.isna(stage) or pd.isna(target_stage)) and bool(target_stage > stage)


def _find_cycle(edges: dict[str, list[str]]) -> list[str] | None:
    """Return one cycle (as a closed path of node ids) or None, by depth-first search."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    for start in sorted(edges):
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = [start]
        state[start] = 1
        while stack:
            node, i = stack[-1]
            targets = edges.get(node, [])
            if i < len(targets):
                stack[-1] = (node, i + 1)
                nxt = targets[i]
                if state.get(nxt) == 1:
                    return [*path[path.index(nxt) :], nxt]
                if not state.get(nxt):
                    state[nxt] = 1
                    stack.append((nxt, 0))
                    path.append(nxt)
            else:
                state[node] = 2
                stack.pop()
                path.pop()
    return None


_MEASURE_RULES = {
    "percentage": (lambda v: v.between(0, 100), "0 bis 100", "0 to 100"),
    "count": (lambda v: (v >= 0) & (v == np.floor(v)), "ganze Zahl ab 0", "whole number from 0"),
}


def _indicator_values(
    values: pd.DataFrame, raw: RawTable, indicators: pd.DataFrame
) -> list[Problem]:
    """Values fit their indicator's measure; only disaggregated indicators carry a breakdown."""
    ind = indicators.drop_duplicates(["lab_id", "indicator_id"]).set_index(
        ["lab_id", "indicator_id"]
    )
    distinct, which = _distinct_rows(values, ["lab_id", "indicator_id"], raw)
    key = pd.MultiIndex.from_frame(distinct.astype("string"))
    ind.index = pd.MultiIndex.from_frame(ind.index.to_frame().astype("string"))
    # the rules are worked out once per distinct (lab, indicator) and taken to the rows
    found = ind.index.get_indexer(key)  # each key's indicator (-1: none)
    known = found >= 0

    def by_key(column: pd.Series) -> pd.Series:
        """Return the indicator's ``column`` for each distinct key (missing where there is none)."""
        return pd.Series(column.reset_index(drop=True).reindex(found).to_numpy(), copy=False)

    measure = by_key(ind["measure"])
    v = values["value"].astype("float64")
    given = v.notna().to_numpy()
    out = []
    for name, (rule, de, en) in _MEASURE_RULES.items():
        of_measure = (known & (measure == name).to_numpy())[which]
        bad = of_measure & given & ~rule(v).fillna(True).to_numpy(dtype=bool)
        out += [_off_measure(raw, int(pos), name, de, en) for pos in np.flatnonzero(bad)]
    out += _values_on_scale(ind, by_key, (known, which), v, measure, raw)
    undivided = (known & by_key(ind["disaggregation"]).isna().to_numpy())[which]
    unexpected = undivided & values["disaggregation_value"].notna().to_numpy()
    for pos in np.flatnonzero(unexpected):
        out.append(_at(raw, int(pos), "disaggregation_value", "disaggregation_unexpected"))
    return out


def _values_on_scale(
    ind: pd.DataFrame,
    by_key: Callable[[pd.Series], pd.Series],
    keys: tuple[np.ndarray, np.ndarray],
    v: pd.Series,
    measure: pd.Series,
    raw: RawTable,
) -> list[Problem]:
    """Values of an indicator with a scale (an ordinal one) are whole numbers on it.

    ``by_key`` gives an indicator column for each distinct (lab, indicator)
    of the values, ``measure`` is the measure so given, and ``keys`` holds
    whether each distinct key has an indicator and, for every value, the
    place of its key.

    Indicators without ``scale_min`` and ``scale_max`` (a table of an older
    version, a scale left empty) or with a broken one (the maximum not above
    the minimum, not whole numbers) are not checked here; the indicators' own
    schema asks an ordinal indicator for its scale where the columns exist,
    and refuses a broken scale.
    """
    if "scale_min" not in ind or "scale_max" not in ind:
        return []
    known, which = keys
    low_by_key = by_key(ind["scale_min"].astype("float64"))
    high_by_key = by_key(ind["scale_max"].astype("float64"))
    # a broken scale (max not above min, not whole) is the indicators' own error
    # (indicator_scale), said once there rather than once per value measured against it
    sound = sound_scale(low_by_key, high_by_key).to_numpy(dtype=bool)
    # only a rated indicator has a scale; one typed into a count, unit or percentage is
    # likewise the indicators' own error (indicator_scale), not one of each of its values
    rated = measure.isin(vocab.RATED_MEASURES).to_numpy(dtype=bool)
    scaled = (known & sound & rated)[which] & v.notna().to_numpy()
    low = low_by_key.to_numpy(dtype="float64")[which]
    high = high_by_key.to_numpy(dtype="float64")[which]
    x = v.to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        on_scale = (x >= low) & (x <= high) & (x == np.floor(x))
    out = []
    for pos in np.flatnonzero(scaled & ~on_scale):
        lo, hi = f"{low[pos]:g}", f"{high[pos]:g}"
        de, en = (
            f"ganze Zahl der Skala von {lo} bis {hi}",
            f"whole number on the scale from {lo} to {hi}",
        )
        out.append(_off_measure(raw, int(pos), str(measure.iat[which[pos]]), de, en))
    return out


def _off_measure(raw: RawTable, pos: int, measure: str, de: str, en: str) -> Problem:
    """Return the problem of a value off its indicator's measure (rule ``de``/``en``)."""
    return _at(
        raw,
        pos,
        "value",
        "indicator_value_range",
        measure=measure,
        measure_de=vocab.MEASURES.get(measure, (measure,))[0],
        rule_de=de,
        rule_en=en,
    )


def _revision_targets(revisions: pd.DataFrame, raw: RawTable) -> list[Problem]:
    """Check that a revision names a row (``row_key``) and a value column of its table."""
    out = []
    ident = re.compile(ID_PATTERN)
    for pos, (table, row_key, column) in enumerate(
        zip(revisions["table"], revisions["row_key"], revisions["column"], strict=True)
    ):
        if pd.isna(table) or table not in ROW_KEYS:
            continue  # the schema has reported it
        parts_spec = ROW_KEYS[table]
        if pd.notna(row_key):
            parts = str(row_key).split("|")
            required = sum(1 for _, is_id in parts_spec if is_id)
            fits = required <= len(parts) <= len(parts_spec) and all(
                ident.match(part)
                for part, (_, is_id) in zip(parts, parts_spec, strict=False)
                if is_id
            )
            if not fits:
                shape = "|".join(name for name, _ in parts_spec)
                out.append(_at(raw, pos, "row_key", "row_key_format", table=table, shape=shape))
        if pd.notna(column):
            spec = TABLES[table]
            allowed = [c for c in spec.model.to_schema().columns if c not in spec.key]
            if column not in allowed:
                out.append(
                    _at(
                        raw,
                        pos,
                        "column",
                        "revision_column_unknown",
                        table=table,
                        allowed=", ".join(allowed),
                    )
                )
    return out


def _revision_workbooks(
    revisions: pd.DataFrame, raw: RawTable, submissions: pd.DataFrame
) -> list[Problem]:
    """Check that a revision's workbook was accepted as a revision on the day it says."""
    key = ["lab_id", "period_id", "sha256"]
    known = submissions.dropna(subset=key)
    # the same bytes may be registered as refused and later as accepted: the revision row counts
    later = (known["outcome"].astype(str) != "revision").to_numpy()
    register = (
        known.iloc[np.argsort(later, kind="stable")]
        .drop_duplicates(key)
        .set_index(key)[["outcome", "received"]]
    )
    out = []
    for pos, (lab, period, sha, revised) in enumerate(
        zip(
            revisions["lab_id"],
            revisions["period_id"],
            revisions["sha256"],
            revisions["revised"],
            strict=True,
        )
    ):
        if (lab, period, sha) not in register.index:
            continue  # dangling: reported as key_missing
        outcome, received = register.loc[(lab, period, sha)]
        if outcome != "revision":
            out.append(_at(raw, pos, "sha256", "revision_not_accepted", outcome=outcome))
        elif pd.notna(revised) and pd.notna(received) and revised != received:
            day = pd.Timestamp(received).date().isoformat()
            out.append(_at(raw, pos, "revised", "revision_date_differs", received=day))
    return out
