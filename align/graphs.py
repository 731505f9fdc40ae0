"""Connected components (union-find), written once for the three places that group things:
claims of three or more articles (``align.multi``), same-event articles and claim clusters
(``align.corpus``).
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

Node = TypeVar("Node", bound=Hashable)


class UnionFind(Generic[Node]):
    """Disjoint sets of hashable nodes (path halving; the smaller root, by ``<``, is kept).

    Parameters
    ----------
    nodes : iterable of Node
        Nodes to start with, each in a set of its own (more are added by :meth:`find`).
    """

    def __init__(self, nodes: Iterable[Node] = ()):
        self.parent: dict[Node, Node] = {}
        for n in nodes:
            self.find(n)

    def __contains__(self, node: Node) -> bool:
        return node in self.parent

    def find(self, x: Node) -> Node:
        """The root of ``x``'s set (``x`` joins as a set of its own when it is new)."""
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def link(self, keep: Node, other: Node) -> None:
        """Join the set of root ``other`` into the set of root ``keep``."""
        if keep != other:
            self.parent[other] = keep

    def union(self, a: Node, b: Node) -> Node:
        """Join the sets of ``a`` and ``b``; returns the root kept (the smaller one)."""
        ra, rb = self.find(a), self.find(b)
        keep, other = (ra, rb) if ra <= rb else (rb, ra)
        self.link(keep, other)
        return keep

    def groups(self) -> dict[Node, list[Node]]:
        """Root -> its nodes, in the order the nodes were first seen."""
        out: dict[Node, list[Node]] = {}
        for node in list(self.parent):
            out.setdefault(self.find(node), []).append(node)
        return out


def components(nodes: Iterable[Node], edges: Iterable[tuple[Node, Node]]) -> list[list[Node]]:
    """The connected components of a graph, each in the order its nodes were first seen."""
    uf: UnionFind[Node] = UnionFind(nodes)
    for a, b in edges:
        uf.union(a, b)
    return list(uf.groups().values())
