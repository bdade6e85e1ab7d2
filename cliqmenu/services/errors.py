"""Errors the domain raises, each with a message fit to show the person who caused it."""


class DomainError(Exception):
    """A rule was broken; ``str(error)`` is the message for the user."""

    status_code = 400


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class NotSignedIn(Forbidden):
    """Nobody is signed in (no session, or it ended): screens send the caller to sign in."""


class Conflict(DomainError):
    """Someone else changed the thing first (a lost compare-and-set)."""

    status_code = 409


class NotTakingOrders(DomainError):
    """The truck exists but takes no orders (it was archived)."""

    status_code = 409
