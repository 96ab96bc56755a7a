"""Docstring examples run, public functions are documented, and imports flow one way."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import warnings
from pathlib import Path

import pytest

import ogl_impact
from ogl_impact.stats.masking import ThresholdBelowSafeWarning

from .conftest import package_imports

SRC = Path(ogl_impact.__file__).parent
MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages([str(SRC)], prefix="ogl_impact.")
    if not m.name.endswith("__main__")
)

# lower layers never import higher ones (docs/architecture.md)
LAYERS = [
    {"ogl_impact.vocab", "ogl_impact.problems", "ogl_impact.procs", "ogl_impact.spelling"},
    {"ogl_impact.io"},
    {"ogl_impact.parse"},
    {
        "ogl_impact.schemas",
        "ogl_impact.schemas.fields",
        "ogl_impact.schemas.tables",
        "ogl_impact.schemas.crosscheck",
    },
    {"ogl_impact.validate"},
    {"ogl_impact.dataset"},
    {"ogl_impact.write", "ogl_impact.write.tables", "ogl_impact.write.target"},
    {"ogl_impact.process"},
    {
        "ogl_impact.stats.errors",
        "ogl_impact.stats.words",
        "ogl_impact.stats.outputs",
        "ogl_impact.stats.masking",
        "ogl_impact.stats.groups",
    },
    {
        "ogl_impact.stats.scales",
        "ogl_impact.stats.reliability",
        "ogl_impact.stats.factor",
        "ogl_impact.stats.efa",
        "ogl_impact.stats.likert",
        "ogl_impact.stats.effects",
        "ogl_impact.stats.mixed",
        "ogl_impact.stats.ordinal",
        "ogl_impact.stats.regression",
        "ogl_impact.stats.power",
    },
    {"ogl_impact.stats.did", "ogl_impact.stats.panel"},
    {"ogl_impact.stats", "ogl_impact.stats.survey"},
    {
        "ogl_impact.logic",
        "ogl_impact.logic.outputs",
        "ogl_impact.logic.attainment",
        "ogl_impact.logic.rollup",
        "ogl_impact.logic.model",
        "ogl_impact.logic.diagnostics",
        "ogl_impact.logic.programme",
        "ogl_impact.logic.evidence",
        "ogl_impact.logic.delivery",
    },
    {"ogl_impact.privacy"},
    {"ogl_impact.plots.style", "ogl_impact.plots.layout", "ogl_impact.plots.layer_order"},
    {
        "ogl_impact.plots",
        "ogl_impact.plots.likert",
        "ogl_impact.plots.openness",
        "ogl_impact.plots.staircase",
        "ogl_impact.plots.attainment",
        "ogl_impact.plots.forest",
        "ogl_impact.plots.programme",
        "ogl_impact.plots.model_diagram",
    },
    {"ogl_impact.reports.asof", "ogl_impact.reports.estimable"},
    {"ogl_impact.reports.figures.base"},
    {"ogl_impact.reports.figures.network"},
    {
        "ogl_impact.reports.figures.survey",
        "ogl_impact.reports.figures.programme",
        "ogl_impact.reports.figures.models",
        "ogl_impact.reports.figures.delivery",
    },
    {"ogl_impact.reports.figures"},
    {"ogl_impact.reports.textcounts", "ogl_impact.reports.audit"},
    {"ogl_impact.reports.registry", "ogl_impact.reports.render", "ogl_impact.reports.disclosure"},
    {"ogl_impact.reports", "ogl_impact.reports.build"},
    {"ogl_impact.present"},
    {
        "ogl_impact.imports",
        "ogl_impact.imports.export",
        "ogl_impact.imports.limesurvey",
        "ogl_impact.imports.sosci",
        "ogl_impact.imports.kobo",
        "ogl_impact.imports.convert",
        "ogl_impact.imports.merge",
        "ogl_impact.imports.register",
        "ogl_impact.imports.cli",
    },
    {"ogl_impact.delivery.cache"},
    {
        "ogl_impact.delivery.workbook",
        "ogl_impact.delivery.findings",
        "ogl_impact.delivery.tables",
    },
    {"ogl_impact.delivery.template", "ogl_impact.delivery.read", "ogl_impact.delivery.bulk"},
    {"ogl_impact.delivery.notes", "ogl_impact.delivery.unassigned"},
    {"ogl_impact.delivery.plausibility", "ogl_impact.delivery.feedback"},
    {"ogl_impact.delivery.check", "ogl_impact.delivery.csvout", "ogl_impact.delivery.keep"},
    {"ogl_impact.delivery.collect"},
    {"ogl_impact.delivery", "ogl_impact.delivery.cli"},
    {
        "ogl_impact.demo",
        "ogl_impact.demo.items",
        "ogl_impact.demo.simulate",
        "ogl_impact.demo.national",
        "ogl_impact.demo.cli",
    },
    {"ogl_impact.cli", "ogl_impact.cli.status"},
]


def layer_of(module: str) -> int:
    for i, layer in enumerate(LAYERS):
        if module in layer:
            return i
    raise LookupError(f"{module} is in no layer: add it to LAYERS and docs/architecture.md")


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str):
    module = importlib.import_module(name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
        result = doctest.testmod(module, optionflags=flags)
    assert result.failed == 0
    # an example with a threshold below 5 shows the warning it gives, or uses 5
    unsafe = [w for w in caught if issubclass(w.category, ThresholdBelowSafeWarning)]
    assert not unsafe, [str(w.message)[:60] for w in unsafe]


@pytest.mark.parametrize("name", MODULES)
def test_public_functions_have_docstrings(name: str):
    module = importlib.import_module(name)
    assert module.__doc__, name
    for attr, obj in vars(module).items():
        if attr.startswith("_") or getattr(obj, "__module__", None) != name:
            continue
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__, f"{name}.{attr}"


@pytest.mark.parametrize("name", [m for m in MODULES if m != "ogl_impact"])
def test_imports_point_down(name: str):
    path = SRC.joinpath(*name.split(".")[1:])
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    own = layer_of(name)
    for target in package_imports(path):
        if target == "ogl_impact" or target.startswith("ogl_impact.__"):
            continue
        try:
            other = layer_of(target)
        except LookupError:
            continue  # an attribute imported from a module, not a module
        assert other <= own, f"{name} (layer {own}) imports {target} (layer {other})"
