"""Make Spyne 2.14, its last release, import on Python 3.11, 3.12 and 3.13 without a fork.

Two things stop it on newer Pythons:

- Spyne bundles its own copy of six (``spyne/util/six.py``). Its ``six.moves`` importer speaks
  only the finder protocol that Python 3.12 removed (``find_module``/``load_module``), so
  ``from spyne.util.six.moves... import ...`` fails and with it ``import spyne``. ``apply()``
  loads that one file by path, under its own name, before ``spyne`` runs, and gives the
  importer's class the current protocol (``find_spec``, ``create_module``, ``exec_module``).
- Python 3.13 removed ``cgi``, which Spyne imports; the ``legacy-cgi`` distribution (a
  dependency of this project on 3.13 only) provides it. On 3.11 and 3.12 importing ``cgi`` warns
  that it is deprecated: Spyne's import, not ours, so that one warning is silenced here.

The same path runs on every supported version, so 3.11 also loses the ImportWarning about the
missing ``find_spec``. ``soap_service/__init__.py`` calls ``apply()``, so importing any module of
the SOAP service applies it first; tests/soap/test_spyne_compat.py checks that nothing in the
project imports ``spyne`` any other way.
"""

from __future__ import annotations

import importlib.util
import sys
import warnings
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Any

SIX_MODULE = "spyne.util.six"

# Specs of real modules reached through a ``six.moves`` alias, between create and exec.
_OWN_SPECS: dict[str, ModuleSpec] = {}


def apply() -> None:
    """Prepare the interpreter for ``import spyne``; safe to call any number of times."""
    _import_cgi()
    six = sys.modules.get(SIX_MODULE) or _load_bundled_six()
    _give_spec_protocol(type(six._importer))


def _import_cgi() -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "'cgi' is deprecated", DeprecationWarning)
        try:
            import cgi  # noqa: F401
        except ModuleNotFoundError as exc:
            raise ModuleNotFoundError(
                "Spyne needs the cgi module, removed in Python 3.13: install legacy-cgi",
                name="cgi",
            ) from exc


def _load_bundled_six() -> ModuleType:
    """Run spyne/util/six.py as ``spyne.util.six`` without running ``spyne/__init__.py``.

    ``spyne.util`` later finds it in ``sys.modules`` (``from spyne.util import six``).
    """
    package = importlib.util.find_spec("spyne")
    if package is None or not package.submodule_search_locations:
        raise ModuleNotFoundError("No module named 'spyne'", name="spyne")
    path = Path(package.submodule_search_locations[0], "util", "six.py")
    spec = importlib.util.spec_from_file_location(SIX_MODULE, path)
    assert spec is not None and spec.loader is not None  # a .py path always has a loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[SIX_MODULE] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[SIX_MODULE]
        raise
    return module


def _give_spec_protocol(importer_class: Any) -> None:
    """Set on the class, so the instance six registered in ``sys.meta_path`` has them too."""
    importer_class.find_spec = _find_spec
    importer_class.create_module = _create_module
    importer_class.exec_module = _exec_module


def _find_spec(
    importer: Any, fullname: str, path: object = None, target: object = None
) -> ModuleSpec | None:
    """A spec whose loader is the importer itself, for the ``six.moves`` names it knows."""
    if fullname not in importer.known_modules:
        return None
    return importlib.util.spec_from_loader(fullname, importer)


def _create_module(importer: Any, spec: ModuleSpec) -> ModuleType:
    """The finished module, from the importer's own ``load_module``.

    A moved name resolves to a real module (``moves.collections_abc`` is ``collections.abc``);
    the import system will stamp it with this alias's spec, so its own is kept for
    ``exec_module`` to put back.
    """
    module = importer.load_module(spec.name)
    own_spec = getattr(module, "__spec__", None)
    if own_spec is not None:
        _OWN_SPECS[spec.name] = own_spec
    return module


def _exec_module(importer: Any, module: ModuleType) -> None:
    """Nothing to run (``create_module`` returned a finished module) but to restore its spec."""
    spec = module.__spec__
    if spec is not None and spec.name in _OWN_SPECS:
        module.__spec__ = _OWN_SPECS.pop(spec.name)
