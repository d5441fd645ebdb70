"""The plain record every enforcement importer yields, and the table of action types.

``ActionRecord`` is what a parser reads from a file (or the CLI from its
options) before anything touches the database. Amounts are ``Decimal``, never
floats; ``amount`` is the whole amount imposed, *including* any part
suspended, and ``amount_suspended`` says how much of it was suspended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from compliance.normalize.text import basic_key

# The kinds of action we record: code -> what it means. The CSV/YAML column
# ``action_type`` takes one of these codes (docs/enforcement.md).
ACTION_TYPES: dict[str, str] = {
    "civil_penalty": "a civil monetary penalty imposed (assessed) by an authority",
    "settlement": "a settlement of (potential) civil liability, or of charges, for an amount",
    "guilty_plea": "a guilty plea in a criminal case (fine, forfeiture)",
    "denial_order": "an export-privileges denial order issued, activated, suspended or lifted",
    "entity_list_addition": "addition to a restricted-party list such as the BIS Entity List",
    "entity_list_removal": "removal from a restricted-party list such as the BIS Entity List",
    "finding_of_violation": "a finding that a violation occurred, without a monetary penalty",
    "deferred_prosecution": "a deferred (or non-) prosecution agreement with prosecutors",
    "other": "anything else: an indictment, a warning letter, a court ruling...",
}

# Respondent names that stand for nobody in particular: never linked to an entity.
ANONYMOUS_RESPONDENTS = frozenset(
    {"none", "individual", "individuals", "an individual", "unnamed individual", "n a", "unknown"}
)


@dataclass(frozen=True)
class ActionRecord:
    """One enforcement action as read from a file or typed by a user."""

    authority: str
    action_type: str  # a key of ACTION_TYPES
    action_date: date | None
    respondent: str
    dataset: str
    source_ref: str  # unique within the dataset: what makes a re-import an update
    amount: Decimal | None = None
    currency: str | None = None  # ISO 4217
    amount_suspended: Decimal | None = None
    program: str | None = None
    summary: str | None = None
    source_url: str | None = None
    country: str | None = None  # ISO 3166 alpha-2 of the respondent, when known (helps linking)
    raw: dict[str, Any] = field(default_factory=dict)  # the row as read, for the record

    @property
    def linkable(self) -> bool:
        """False for anonymous respondents ("An Individual", "None"), which name nobody."""
        return not anonymous(self.respondent)


def anonymous(respondent: str) -> bool:
    """Whether a respondent name stands for nobody in particular ("An Individual", "None")."""
    return not respondent.strip() or basic_key(respondent) in ANONYMOUS_RESPONDENTS
