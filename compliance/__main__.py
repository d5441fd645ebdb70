"""``python -m compliance`` runs the command-line tool."""

from compliance.cli.main import run

run()
