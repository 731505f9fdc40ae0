"""Views: filters and an order over a result's records, written once for the report (rows), the
n-article report (groups) and the corpus (claim clusters).

A :class:`View` is an immutable list of :class:`Condition` (each remembers the option and value
it was made from, so a view can say what it shows) and an optional sort order. ``filter`` on a
result returns the same result seen through a narrower view; nothing is copied or recomputed.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

Record = TypeVar("Record")


@dataclass(frozen=True)
class Condition(Generic[Record]):
    """One filter condition: the option and value it was made from, and the test it applies."""

    option: str
    value: Any
    keeps: Callable[[Record], bool] = field(compare=False, repr=False)


@dataclass(frozen=True)
class View(Generic[Record]):
    """Conditions every shown record meets (all of them), and an order.

    Parameters
    ----------
    conditions : tuple of Condition
    order : tuple of (str, bool) or None
        (column, ascending); records without a value go last.
    """

    conditions: tuple[Condition[Record], ...] = ()
    order: tuple[str, bool] | None = None

    def narrowed(self, conditions: Iterable[Condition[Record]]) -> View[Record]:
        """A narrower view: these conditions and more."""
        return View((*self.conditions, *conditions), self.order)

    def sorted_by(self, column: str, ascending: bool) -> View[Record]:
        """The same conditions in another order."""
        return View(self.conditions, (column, bool(ascending)))

    def keeps(self, record: Record) -> bool:
        """Whether ``record`` meets every condition."""
        return all(c.keeps(record) for c in self.conditions)

    def apply(self, records: Iterable[Record], value: Callable[[Record, str], Any] | None = None) -> list[Record]:
        """The records this view shows, in its order (``value(record, column)``: the sort value,
        None when missing).
        """
        kept = [r for r in records if self.keeps(r)]
        if self.order is None or value is None:
            return kept
        column, ascending = self.order
        present = [r for r in kept if value(r, column) is not None]
        missing = [r for r in kept if value(r, column) is None]
        return sorted(present, key=lambda r: value(r, column), reverse=not ascending) + missing

    def given(self, options: Sequence[str]) -> dict[str, Any]:
        """The value given for each of ``options`` (None when not given; the last value when given
        twice), for the run record.
        """
        out: dict[str, Any] = dict.fromkeys(options)
        for c in self.conditions:
            out[c.option] = c.value
        return out

    def describe(self) -> str:
        """The conditions and order in words ("speaker Shamkhani, min_score 0.6"), "" for none."""
        parts = [f"{c.option} {c.value}" for c in self.conditions]
        if self.order is not None:
            parts.append(f"sorted by {self.order[0]} ({'ascending' if self.order[1] else 'descending'})")
        return ", ".join(parts)
