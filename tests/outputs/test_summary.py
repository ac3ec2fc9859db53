"""The verify summary names every theorem label a row counts, not only the first one."""

from __future__ import annotations

from types import SimpleNamespace

from boundkit.outputs.summary import _theorems


def _group(*labels: str) -> list[SimpleNamespace]:
    return [SimpleNamespace(theorem=label) for label in labels]


def test_one_label_is_kept_as_is() -> None:
    assert _theorems(_group("thm3.3/convex", "thm3.3/convex")) == "thm3.3/convex"


def test_both_parities_are_named() -> None:
    odd = "thm3.2 vs thm3.3 (ratio grows in f, n - f odd)"
    even = "thm3.2 vs thm3.3 (ratio grows in f, n - f even)"
    assert _theorems(_group(odd, even, odd)) == (
        "thm3.2 vs thm3.3 (ratio grows in f, n - f {odd, even})"
    )


def test_differences_are_cut_at_word_boundaries() -> None:
    labels = _group("thm3.1/convex >= tailored >= (none)", "thm3.1/convex >= tailored >= thm3.2")
    assert _theorems(labels) == "thm3.1/convex >= tailored >= {(none), thm3.2}"
    assert _theorems(_group("thm3.1 x", "thm3.3 x")) == "{thm3.1, thm3.3} x"
