"""Load ByzFL's aggregators (PyPI ``byzfl`` 0.0.11) without running ``byzfl/__init__.py``.

Benchmark code only: boundkit itself never imports ByzFL.

``import byzfl`` imports its training code, which needs torchvision, and PyPI's torchvision
does not import beside this machine's CPU torch (``operator torchvision::nms does not
exist``).  The aggregators only need numpy, torch and scipy, so we register a bare package
module named ``byzfl`` whose ``__path__`` is the installed folder and import
``byzfl.aggregators.aggregators`` from it.

Install (ByzFL 0.0.11 needs torch; load only its aggregators)::

    pip install torch==2.13.0          # the local CPU wheel; no other torch
    pip install scipy
    pip install byzfl==0.0.11 --no-deps

:func:`load_smea` returns ``(SMEA, None)`` or ``(None, reason)``; it never raises.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import types
from typing import Any

INSTALL_HINT = (
    "pip install torch==2.13.0 && pip install scipy && pip install byzfl==0.0.11 --no-deps"
)


def _register_bare_package() -> None:
    """Put a ``byzfl`` package module with the installed ``__path__`` in ``sys.modules``."""
    if "byzfl" in sys.modules:
        return
    # find_spec on a top-level name locates the package without executing __init__.py.
    spec = importlib.util.find_spec("byzfl")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the 'byzfl' package is not installed")
    module = types.ModuleType("byzfl")
    module.__path__ = list(spec.submodule_search_locations)
    module.__file__ = spec.origin
    module.__spec__ = importlib.machinery.ModuleSpec("byzfl", None, is_package=True)
    module.__spec__.submodule_search_locations = module.__path__
    sys.modules["byzfl"] = module


def load_aggregators() -> tuple[Any | None, str | None]:
    """``(byzfl.aggregators.aggregators module, None)`` or ``(None, reason)``."""
    registered_here = "byzfl" not in sys.modules
    try:
        _register_bare_package()
        module = importlib.import_module("byzfl.aggregators.aggregators")
    except Exception as error:  # noqa: BLE001 - reported, never raised
        if registered_here:
            for name in [m for m in sys.modules if m == "byzfl" or m.startswith("byzfl.")]:
                del sys.modules[name]
        return None, f"ByzFL not loadable ({type(error).__name__}: {error}); {INSTALL_HINT}"
    return module, None


def load_smea() -> tuple[Any | None, str | None]:
    """``(byzfl SMEA class, None)`` or ``(None, reason)``."""
    module, reason = load_aggregators()
    if module is None:
        return None, reason
    return module.SMEA, None


def byzfl_version() -> str | None:
    try:
        from importlib.metadata import version

        return version("byzfl")
    except Exception:  # noqa: BLE001
        return None


if __name__ == "__main__":
    smea_class, why = load_smea()
    print(f"byzfl {byzfl_version()}: SMEA = {smea_class!r}" if smea_class else why)
