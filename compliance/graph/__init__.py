"""Ownership and control: the pure graph computations (no database, no printing).

``model`` holds the edges and the graph, ``ownership`` OFAC's 50% rule and
control ties, ``navigate`` trees and neighbourhoods for display and deal
assessment.
"""

from compliance.graph.model import Edge, InvalidEdgeError, OwnershipGraph
from compliance.graph.navigate import Neighbourhood, Relative, TreeNode, neighbourhood, tree
from compliance.graph.ownership import (
    THRESHOLD,
    BlockedClosure,
    Chain,
    ControlTie,
    Gap,
    Intermediary,
    Link,
    RuleResult,
    blocked_closure,
    control_ties,
    fifty_percent_rule,
)

__all__ = [
    "THRESHOLD",
    "BlockedClosure",
    "Chain",
    "ControlTie",
    "Edge",
    "Gap",
    "Intermediary",
    "InvalidEdgeError",
    "Link",
    "Neighbourhood",
    "OwnershipGraph",
    "Relative",
    "RuleResult",
    "TreeNode",
    "blocked_closure",
    "control_ties",
    "fifty_percent_rule",
    "neighbourhood",
    "tree",
]
