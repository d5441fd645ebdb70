"""Entities: the parties officers look at, from the lists and recorded in-house.

``service`` adds, shows, searches, merges and unmerges entities; ``importer``
reads CSV and YAML files of entities; ``resolution`` links the entries of
several lists that name the same real-world party.
"""
