"""Every public stats function documents its formula, its references and an example.

The examples run as doctests in tests/test_docs_and_layout.py::test_doctests;
here we check that they exist, with the numpydoc sections Notes, References
and Examples (the references name the paper and the R/Stata function matched).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import ogl_impact.stats as S

MODULES = sorted(f"ogl_impact.stats.{m.name}" for m in pkgutil.iter_modules(S.__path__))
# methods that only format what was computed
FORMATTING = {"summary", "to_html"}


def _public_callables():
    for name in MODULES:
        module = importlib.import_module(name)
        for attr, obj in vars(module).items():
            if attr.startswith("_") or getattr(obj, "__module__", None) != name:
                continue
            if inspect.isfunction(obj):
                yield f"{name}.{attr}", obj
            elif inspect.isclass(obj):
                for meth, fn in vars(obj).items():
                    if (
                        inspect.isfunction(fn)
                        and not meth.startswith("_")
                        and (meth not in FORMATTING)
                    ):
                        yield f"{name}.{attr}.{meth}", fn


CALLABLES = dict(_public_callables())


def test_there_is_something_to_check():
    assert len(CALLABLES) > 40


@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_numpydoc_sections(name):
    doc = inspect.getdoc(CALLABLES[name]) or ""
    missing = [
        section
        for section in ("Notes", "References", "Examples")
        if f"\n{section}\n{'-' * len(section)}" not in doc
    ]
    assert not missing, f"{name} lacks {missing}"
    assert ">>> " in doc.split("Examples\n--------")[1], f"{name}: Examples without code"


def test_a_function_without_references_is_caught():
    def undocumented(data):
        """Do something.

        Examples
        --------
        >>> 1
        1
        """

    doc = inspect.getdoc(undocumented)
    assert "\nReferences\n----------" not in doc
