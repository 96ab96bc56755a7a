"""Order the nodes within each level of a layered diagram so that few connectors cross.

The barycenter method of layered graph drawing (Sugiyama, Tagawa and Toda 1981):
sweeping from the first level to the last and back, each level's nodes are
sorted by the mean position of their neighbours in the level just placed; a
node without such neighbours keeps its place. Nodes sort only within their
group (in the impact models: a stage), so that the groups keep their order.
Of the orders met on the sweeps the one with the fewest crossings is kept
(the given order wins every tie), then neighbours of one group are swapped
while a swap lowers the count (adjacent exchange): the result is
deterministic and never has more crossings than the given order.

Crossings are counted on the abstract layout (:func:`crossings`): two
connectors between the same neighbouring levels cross when their ends stand
in opposite orders; two connectors within one level (drawn as loops on the
same side) cross when their spans interleave.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Sequence

SWEEPS = 4
"""Down-and-up sweeps tried (the order settles after one or two on the impact models)."""


def _centred(level: Sequence[str]) -> dict[str, float]:
    """Position of each node, 0 in the middle of its level (the levels are drawn centred)."""
    middle = (len(level) - 1) / 2
    return {node: row - middle for row, node in enumerate(level)}


def crossings(levels: Sequence[Sequence[str]], edges: Sequence[tuple[str, str]]) -> int:
    """Count the crossings of ``edges`` in the layout ``levels`` (top to bottom per level).

    Parameters
    ----------
    levels : sequence of sequences of str
        The nodes of each level, in drawing order.
    edges : sequence of (str, str)
        Connectors (source, target). Connectors between neighbouring levels
        and within one level are counted; those skipping a level (drawn along
        lanes under the boxes) are not.

    Returns
    -------
    int
        Pairs of connectors between the same two neighbouring levels whose
        ends stand in opposite orders, plus pairs within one level whose spans
        interleave. Connectors sharing an end never cross.

    Examples
    --------
    Two inputs feeding two activities crosswise cross once; put the other
    way up, not at all:

    >>> crossings([["a", "b"], ["c", "d"]], [("a", "d"), ("b", "c")])
    1
    >>> crossings([["b", "a"], ["c", "d"]], [("a", "d"), ("b", "c")])
    0
    """
    level_of = {node: i for i, level in enumerate(levels) for node in level}
    row = {node: r for level in levels for r, node in enumerate(level)}
    between: dict[int, list[tuple[int, int]]] = {}
    within: dict[int, list[tuple[int, int]]] = {}
    for source, target in edges:
        if source not in level_of or target not in level_of:
            continue
        a, b = level_of[source], level_of[target]
        if abs(a - b) == 1:
            upper, lower = (source, target) if a < b else (target, source)
            between.setdefault(min(a, b), []).append((row[upper], row[lower]))
        elif a == b:
            within.setdefault(a, []).append(tuple(sorted((row[source], row[target]))))
    count = 0
    for pairs in between.values():
        for (u1, v1), (u2, v2) in itertools.combinations(pairs, 2):
            count += (u1 - u2) * (v1 - v2) < 0
    for spans in within.values():
        for (a1, b1), (a2, b2) in itertools.combinations(spans, 2):
            count += a1 < a2 < b1 < b2 or a2 < a1 < b2 < b1
    return count


def barycenter_order(
    levels: Sequence[Sequence[str]],
    edges: Sequence[tuple[str, str]],
    group: dict[str, Hashable] | None = None,
    sweeps: int = SWEEPS,
) -> list[list[str]]:
    """Reorder the nodes within each level by the barycenter method.

    Parameters
    ----------
    levels : sequence of sequences of str
        The nodes of each level, in the given drawing order.
    edges : sequence of (str, str)
        Connectors (source, target); only those between neighbouring levels
        pull a node up or down.
    group : dict, optional
        A key per node: nodes move only among nodes of the same key, and the
        groups keep their places (default: one group per level).
    sweeps : int, default :data:`SWEEPS`
        Down-and-up sweeps.

    Returns
    -------
    list of lists of str
        The order with the fewest :func:`crossings` met, the given order on
        a tie.

    Examples
    --------
    >>> barycenter_order([["a", "b"], ["c", "d"]], [("a", "d"), ("b", "c")])
    [['a', 'b'], ['d', 'c']]
    """
    group = group or {}
    order = [list(level) for level in levels]
    neighbours: dict[str, set[str]] = {}
    level_of = {node: i for i, level in enumerate(order) for node in level}
    for source, target in edges:
        if source in level_of and target in level_of:
            if abs(level_of[source] - level_of[target]) == 1:
                neighbours.setdefault(source, set()).add(target)
                neighbours.setdefault(target, set()).add(source)
    best, fewest = [list(level) for level in order], crossings(order, edges)

    def place(i: int, fixed: int) -> None:
        reference = _centred(order[fixed])
        here = _centred(order[i])

        def key(node: str) -> float:
            near = [reference[n] for n in neighbours.get(node, ()) if n in reference]
            return sum(near) / len(near) if near else here[node]

        # within each group's slots: the slots keep their group, the nodes move among them
        slots: dict[Hashable, list[int]] = {}
        for row, node in enumerate(order[i]):
            slots.setdefault(group.get(node), []).append(row)
        placed = list(order[i])
        for rows in slots.values():
            members = sorted((order[i][r] for r in rows), key=lambda n: (key(n), here[n]))
            for r, node in zip(rows, members, strict=True):
                placed[r] = node
        order[i] = placed

    down = [(i, i - 1) for i in range(1, len(order))]
    up = [(i, i + 1) for i in range(len(order) - 2, -1, -1)]
    for _sweep in range(sweeps):
        for i, fixed in down + up:
            place(i, fixed)
            n = crossings(order, edges)
            if n < fewest:
                best, fewest = [list(level) for level in order], n
    return _exchange(best, edges, group, fewest)


def _exchange(
    order: list[list[str]],
    edges: Sequence[tuple[str, str]],
    group: dict[str, Hashable],
    fewest: int,
) -> list[list[str]]:
    """Swap neighbours of one group while a swap lowers the crossings (adjacent exchange).

    The barycenter does not move a node whose connectors all stay in its level
    (a stage's loops); a swap of two neighbours can untangle them.
    """
    better = True
    while better:
        better = False
        for level in order:
            for r in range(len(level) - 1):
                if group.get(level[r]) != group.get(level[r + 1]):
                    continue
                level[r], level[r + 1] = level[r + 1], level[r]
                n = crossings(order, edges)
                if n < fewest:
                    fewest, better = n, True
                else:
                    level[r], level[r + 1] = level[r + 1], level[r]
    return order
