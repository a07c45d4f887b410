"""One exception per fault of a fetch, each with the exit code the CLI returns for it (README, "Fetching")."""

from __future__ import annotations

EXIT_NETWORK = 3
EXIT_AUTH = 4
EXIT_NOT_FOUND = 5
EXIT_RATE_LIMITED = 6
EXIT_SERVER = 7
EXIT_BAD_RESPONSE = 8
EXIT_INCOMPLETE = 9


class FetchError(Exception):
    """A fetch that cannot complete; the message says what happened and what to do."""

    exit_code = 1


class NetworkError(FetchError):
    """No answer at all: offline, a name that does not resolve, a refused connection, a timeout."""

    exit_code = EXIT_NETWORK


class AuthError(FetchError):
    """401/403: the service wants a key, or refused the one given."""

    exit_code = EXIT_AUTH


class NotFoundError(FetchError):
    """404: the dataflow, endpoint or key does not exist."""

    exit_code = EXIT_NOT_FOUND


class RateLimitedError(FetchError):
    """429 on every attempt: the service kept asking us to wait."""

    exit_code = EXIT_RATE_LIMITED


class ServerError(FetchError):
    """5xx (or another unexpected status) on every attempt."""

    exit_code = EXIT_SERVER


class BadResponseError(FetchError):
    """A body that is truncated, malformed, or in a schema, unit, scale or frequency the parser does not know."""

    exit_code = EXIT_BAD_RESPONSE


class IncompleteError(FetchError):
    """A well-formed answer that lacks what was asked for: no rows at all, or some reporters missing."""

    exit_code = EXIT_INCOMPLETE


class SnapshotExistsError(FetchError):
    """Today's snapshot is already in place but was made with other options: it is never changed."""

    exit_code = 2
