"""Errors a service raises for the view to show beside the field."""
from __future__ import annotations


class ServiceError(Exception):
    """A refusal with a user-facing (translated) message; nothing was changed."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationErrors(ServiceError):
    """Several field errors at once: {field: message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors
