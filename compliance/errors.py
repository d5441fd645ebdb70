"""One root error for everything a user can cause or meet.

Each subclass carries structured fields and builds its own one-line message,
written for a compliance officer. The CLI prints ``str(error)`` and, when set,
``error.hint`` to stderr and exits with ``error.exit_code``; it never shows a
traceback for these.
"""

from __future__ import annotations


class ComplianceError(Exception):
    """Root of every error the tool reports to its user."""

    exit_code = 1
    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class ConfigError(ComplianceError):
    """A setting or a configuration file is wrong."""

    exit_code = 2


class UsageError(ComplianceError):
    """The user asked for something that cannot be done as asked."""

    exit_code = 2


class NotFoundError(ComplianceError):
    """A named thing (source, entity, snapshot...) does not exist."""

    def __init__(self, kind: str, key: str, *, hint: str | None = None) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"No {kind} called {key!r}.", hint=hint)


class DatabaseError(ComplianceError):
    """The database cannot be reached or is not at the expected version."""

    exit_code = 3


class ListDataError(ComplianceError):
    """A list file cannot be used: malformed, truncated, wrong kind of file.

    ``where`` names the file (and row or element when known).
    """

    exit_code = 4

    def __init__(self, where: str, problem: str, *, hint: str | None = None) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}", hint=hint)


class CountAssertionError(ListDataError):
    """A load produced fewer or more records than the source's YAML allows."""

    def __init__(self, source: str, count: int, minimum: int | None, maximum: int | None) -> None:
        self.source = source
        self.count = count
        self.minimum = minimum
        self.maximum = maximum
        bounds = []
        if minimum is not None:
            bounds.append(f"at least {minimum:,}")
        if maximum is not None:
            bounds.append(f"at most {maximum:,}")
        super().__init__(
            source,
            f"the file gave {count:,} entries but this list must have {' and '.join(bounds)}; "
            "nothing was changed",
            hint="If the file is a deliberate excerpt, load it with --partial.",
        )


class FetchError(ComplianceError):
    """A download failed (network, HTTP status, interrupted transfer)."""

    exit_code = 5

    def __init__(self, url: str, problem: str, *, hint: str | None = None) -> None:
        self.url = url
        self.problem = problem
        super().__init__(f"Download of {url} failed: {problem}", hint=hint)


class ChecksumError(FetchError):
    def __init__(self, url: str, actual: str, expected: str) -> None:
        self.actual = actual
        self.expected = expected
        super().__init__(url, f"checksum {actual[:12]}… does not match the expected {expected[:12]}…")


class LockedError(ComplianceError):
    """Another refresh holds the lock."""

    exit_code = 6

    def __init__(self, holder: str) -> None:
        self.holder = holder
        super().__init__(
            f"Another list refresh is already running ({holder}); this one did nothing.",
            hint="Wait for it to finish; scheduled runs will pick up any list still due.",
        )
