"""Screening: the matching engine applied to the lists in the database."""
