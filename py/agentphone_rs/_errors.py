"""The exceptions of agentphone_rs.

Every error is an ``AgentPhoneError``. Errors the server answered are ``APIError`` with a
subclass per status family; ``may_have_acted`` says whether the request may have taken effect
(a message sent, a call placed) even though it failed: check before repeating it.
"""

from __future__ import annotations

# typing costs several ms to import; annotations are strings here, so it loads only for type checkers.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional

__all__ = [
    "AgentPhoneError",
    "ConfigurationError",
    "ValidationError",
    "APIError",
    "BadRequestError",
    "AuthenticationError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APITimeoutError",
    "APIConnectionError",
    "APIResponseValidationError",
    "WebhookVerificationError",
]


class AgentPhoneError(Exception):
    """The root of every error raised by agentphone_rs."""

    may_have_acted: bool = False

    def __init__(self, text: str, /, **attributes: Any) -> None:
        super().__init__(text)
        self._text = text
        self.message = text
        self._attributes = attributes
        for name, value in attributes.items():
            setattr(self, name, value)

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), self._text, self._attributes))

    def __str__(self) -> str:
        return self._text


def _rebuild(cls: type, text: str, attributes: Dict[str, Any]) -> AgentPhoneError:
    error: AgentPhoneError = cls(text, **attributes)
    return error


class ConfigurationError(AgentPhoneError, ValueError):
    """The client is misconfigured: no API key, an insecure base URL, a bad header."""


class ValidationError(AgentPhoneError, ValueError):
    """An argument is invalid; nothing was sent. ``field`` names it, ``problem`` says what was allowed."""

    field: str
    problem: str


class APIError(AgentPhoneError):
    """The server answered with an error status."""

    operation: str
    status_code: int
    code: Optional[str]
    error_type: Optional[str]
    details: List[Dict[str, Optional[str]]]
    request_id: Optional[str]
    retry_after: Optional[float]
    body: str


class BadRequestError(APIError):
    """400."""


class AuthenticationError(APIError):
    """401: a missing or invalid API key."""


class PaymentRequiredError(APIError):
    """402: the balance is too low (``INSUFFICIENT_BALANCE``)."""


class PermissionDeniedError(APIError):
    """403."""


class NotFoundError(APIError):
    """404."""


class ConflictError(APIError):
    """409: a duplicate, or ``DELIVERY_UNCONFIRMED`` (the message may have been sent)."""


class UnprocessableEntityError(APIError):
    """422: the server rejected the arguments; ``details`` names the fields."""


class RateLimitError(APIError):
    """429: too many requests; ``retry_after`` says how long to wait."""


class InternalServerError(APIError):
    """5xx."""


class APITimeoutError(AgentPhoneError):
    """No complete answer within the timeout."""

    operation: str
    sent: bool


class APIConnectionError(AgentPhoneError):
    """The connection failed or broke; ``sent`` is false when nothing left this machine."""

    operation: str
    sent: bool


class APIResponseValidationError(AgentPhoneError):
    """A success status whose body could not be read; ``excerpt`` shows its start."""

    operation: str
    status_code: int
    excerpt: str


class WebhookVerificationError(AgentPhoneError, ValueError):
    """A webhook delivery failed verification (signature, timestamp, or payload)."""
