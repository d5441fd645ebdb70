"""Fixture strategy: real SQLite files (``sqlite_db``) and the real OFAC files
(``shared_lists``); entities are written straight into the database with the
one-line factory ``make_entity`` (the entity service is another issue's)."""
