"""compliance: a sanctions and compliance exposure checker."""

__version__ = "0.1.0"
