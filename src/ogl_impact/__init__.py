"""ogl-impact: impact evaluation for programmes that open local government to civil society.

The package reads and validates the tables of the "Regionale
Open-Government-Labore" programme (and of programmes like it), and carries
them through impact-logic models and statistics into report figures.

Examples
--------
>>> import ogl_impact
>>> ds = ogl_impact.load_demo()
>>> sorted(ds.tables)[:3]
['codebook', 'comparison_communes', 'indicator_values']
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version

# a library's lines (what the safe writer cleaned up) reach only handlers the user or the
# command line set up, never stderr through logging's last resort
logging.getLogger(__name__).addHandler(logging.NullHandler())

try:
    __version__ = version("ogl-impact")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["DataValidationError", "Dataset", "__version__", "load", "load_demo"]


def __getattr__(name: str) -> object:
    # lazy: ``import ogl_impact`` stays fast for the command line
    if name in {"DataValidationError", "Dataset", "load", "load_demo", "demo_path"}:
        from ogl_impact import dataset

        return getattr(dataset, name)
    raise AttributeError(f"module 'ogl_impact' has no attribute {name!r}")
