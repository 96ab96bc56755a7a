"""The one error type for input a statistics function cannot use.

Every public function of :mod:`ogl_impact.stats` raises
:class:`StatsInputError` (a :class:`ValueError`) for bad input: a missing
column, a value outside its range, a model that does not fit the data. The
message is German first, then English, and names the column, value and rule.

Examples
--------
>>> from ogl_impact.stats.errors import StatsInputError
>>> issubclass(StatsInputError, ValueError)
True
"""

from __future__ import annotations

__all__ = ["StatsInputError"]


class StatsInputError(ValueError):
    """Input a statistics function cannot use (German message first, then English)."""
