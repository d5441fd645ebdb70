"""news package."""
