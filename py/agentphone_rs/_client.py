"""The two clients. Their resources and methods are generated from the operation table
(``_generated/``); this file holds what they share: settings, the calls into the native core,
iteration, and lifecycle.
"""

from __future__ import annotations

import os  # loaded at interpreter start-up already
import sys

TYPE_CHECKING = False

from . import _native
from ._generated.errors import AgentPhoneError
from ._recording import Recording
from ._generated.client_resources import AsyncRawResources, AsyncResources, RawResources, Resources

if TYPE_CHECKING:  # asyncio (~50 ms) and typing (several ms) load only for type checkers
    import asyncio
    from typing import Any, AsyncIterator, Dict, Iterator, Mapping, Optional, Tuple, Type, TypeVar, Union

    T = TypeVar("T")
    C = TypeVar("C", bound="_Client")

__all__ = ["AgentPhone", "AsyncAgentPhone"]


def _convert(reply: Tuple[Any, Optional[str], int, Any], model: Any) -> Any:
    """The typed answer of a native reply ``(answer, request_id, status, headers)``; the objects
    it answers carry the request id as ``_request_id``."""
    answer, request_id = reply[0], reply[1]
    if answer is None or model is None:
        return answer
    if model is Recording:
        content_type, content = answer
        return Recording(content, content_type)
    if isinstance(answer, list):
        items = [model(item) for item in answer]
        for item in items:
            item._request_id = request_id
        return items
    converted = model(answer)
    converted._request_id = request_id
    return converted


def _raw(reply: Tuple[Any, Optional[str], int, Any], model: Any) -> Any:
    from ._response import Headers, RawResponse

    return RawResponse(reply[2], Headers(reply[3]), reply[1], lambda: _convert(reply, model))


def _logging() -> Tuple[Optional[str], Any]:
    """The level and sink of request logging: the ``agentphone_rs`` logger of the ``logging``
    module, when ``AGENTPHONE_LOG`` names a level or the logger is enabled. An application that has
    not imported ``logging`` configured none: then logging is off and costs nothing."""
    wanted = os.environ.get("AGENTPHONE_LOG", "").strip().lower()
    if not wanted and "logging" not in sys.modules:
        return None, None
    import logging

    logger = logging.getLogger("agentphone_rs")
    if wanted in ("info", "debug"):
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.DEBUG if wanted == "debug" else logging.INFO)
        if not logger.hasHandlers():
            logger.addHandler(logging.StreamHandler())
    elif wanted:
        return wanted, None  # refused by name when the client is built
    if logger.isEnabledFor(logging.DEBUG):
        level = "debug"
    elif logger.isEnabledFor(logging.INFO):
        level = "info"
    else:
        return None, None

    def sink(record_level: str, message: str, fields: Dict[str, Any]) -> None:
        logger.log(logging.DEBUG if record_level == "debug" else logging.INFO, message, extra={"agentphone": fields})

    return level, sink


def _headers(extra_headers: Optional[Mapping[str, str]]) -> Optional[Dict[str, str]]:
    return dict(extra_headers) if extra_headers else None


class _Client:
    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        default_headers: Optional[Mapping[str, str]] = None,
        proxy: Optional[str] = None,
        ca_certificates: Union[str, "os.PathLike[str]", None] = None,
    ) -> None:
        """A client of the AgentPhone API.

        Args:
            api_key: Your API key; defaults to ``AGENTPHONE_API_KEY``.
            base_url: The API host; defaults to ``AGENTPHONE_BASE_URL``, then https://api.agentphone.ai
                (a trailing ``/v1`` is accepted; plain http only to localhost, e.g. the sandbox).
            timeout: Seconds a call may take in all: every attempt, backoff and Retry-After wait (default 30).
            max_retries: Retries of failed reads and of requests the server proves it did not act on
                (default 2). A send, call or purchase is never repeated once it may have taken effect.
            default_headers: Headers sent with every request (e.g. ``X-Sub-Account-Id``).
            proxy: A proxy for every request (``http://host:port``, credentials in the URL if needed);
                without it, ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``ALL_PROXY`` are used, except for ``NO_PROXY``'s hosts.
            ca_certificates: Certificate authorities to trust beside the system's (a corporate proxy's):
                PEM text, or the path of a PEM file.
        """
        self._connect(api_key, base_url, timeout, max_retries, default_headers, proxy, ca_certificates, anonymous=False)

    def _connect(
        self,
        api_key: Optional[str],
        base_url: Optional[str],
        timeout: Optional[float],
        max_retries: Optional[int],
        default_headers: Optional[Mapping[str, str]],
        proxy: Optional[str],
        ca_certificates: Union[str, "os.PathLike[str]", None],
        *,
        anonymous: bool,
    ) -> None:
        """The native client of these settings: one construction for ``__init__`` and ``for_sign_up``."""
        authorities = os.fspath(ca_certificates) if ca_certificates is not None else None
        log_level, log = _logging()
        self._native: Optional[_native.NativeClient] = _native.NativeClient(
            api_key, base_url, timeout, max_retries, _headers(default_headers), anonymous=anonymous, proxy=proxy, ca_certificates=authorities, log_level=log_level, log=log
        )
        self._base_url = self._native.base_url

    @classmethod
    def for_sign_up(
        cls: Type[C],
        *,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        default_headers: Optional[Mapping[str, str]] = None,
        proxy: Optional[str] = None,
        ca_certificates: Union[str, "os.PathLike[str]", None] = None,
    ) -> C:
        """A client without an API key, for the sign-up flow: ``client.signup.start(human_email=...)``
        emails the human a code, ``client.signup.verify(...)`` answers the new account's
        ``api_key``, which makes the real client. Any other call raises ``ConfigurationError``.
        The settings are the client's, but for the API key."""
        client = cls.__new__(cls)
        client._connect(None, base_url, timeout, max_retries, default_headers, proxy, ca_certificates, anonymous=True)
        return client

    @property
    def base_url(self) -> str:
        """The API host requests go to."""
        return self._base_url

    def _live(self) -> _native.NativeClient:
        if self._native is None:
            raise AgentPhoneError("this client is closed")
        return self._native

    def _raw_view(self, kind: Any) -> Any:
        """The client's ``with_raw_response``, made once."""
        view = self.__dict__.get("_with_raw_response")
        if view is None:
            view = self.__dict__["_with_raw_response"] = kind(self)
        return view

    def __repr__(self) -> str:
        state = "closed" if self._native is None else "open"
        return f"{type(self).__name__}(base_url={self._base_url!r}, {state})"


class AgentPhone(Resources, _Client):
    """The synchronous client: every method blocks, with the GIL released while it waits."""

    @property
    def with_raw_response(self) -> RawResources:
        """The same resources and methods, answering a ``RawResponse``: the status, headers and
        request id, and ``parse()`` for the typed result."""
        return self._raw_view(_RawView)  # type: ignore[no-any-return]

    def _request(self, operation: str, args: Dict[str, Any], model: Any, timeout: Optional[float], extra_headers: Optional[Mapping[str, str]], max_retries: Optional[int]) -> Any:
        return _convert(self._live().call(operation, args, timeout, _headers(extra_headers), max_retries), model)

    def _stream(self, operation: str, args: Dict[str, Any], model: Type[T], timeout: Optional[float], extra_headers: Optional[Mapping[str, str]], max_retries: Optional[int]) -> Iterator[T]:
        pages = self._live().pages(operation, args, timeout, _headers(extra_headers), max_retries)

        def items() -> Iterator[T]:
            while True:
                item = pages.next()
                if item is None:
                    return
                yield model(item)

        return items()

    def close(self) -> None:
        """Releases the connections; the client cannot be used afterwards."""
        self._native = None

    def __enter__(self) -> "AgentPhone":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncAgentPhone(AsyncResources, _Client):
    """The asyncio client: every method is awaitable, lists are async iterators."""

    @property
    def with_raw_response(self) -> AsyncRawResources:
        """The same resources and methods, answering a ``RawResponse``: the status, headers and
        request id, and ``parse()`` for the typed result."""
        return self._raw_view(_AsyncRawView)  # type: ignore[no-any-return]

    async def _request(self, operation: str, args: Dict[str, Any], model: Any, timeout: Optional[float], extra_headers: Optional[Mapping[str, str]], max_retries: Optional[int]) -> Any:
        return _convert(await self._live().call_async(operation, args, timeout, _headers(extra_headers), max_retries), model)

    def _stream(self, operation: str, args: Dict[str, Any], model: Type[T], timeout: Optional[float], extra_headers: Optional[Mapping[str, str]], max_retries: Optional[int]) -> AsyncIterator[T]:
        pages = self._live().pages(operation, args, timeout, _headers(extra_headers), max_retries)

        async def items() -> AsyncIterator[T]:
            while True:
                item = await pages.next_async()
                if item is None:
                    return
                yield model(item)

        return items()

    async def close(self) -> None:
        """Releases the connections; the client cannot be used afterwards."""
        self._native = None

    async def __aenter__(self) -> "AsyncAgentPhone":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class _RawView(RawResources):
    """``with_raw_response`` of a sync client: its resources, bound here, answer ``RawResponse``;
    item iterators (``list_all``, event streams) are the client's own."""

    def __init__(self, client: AgentPhone) -> None:
        self._client = client

    def _request(self, operation: str, args: Dict[str, Any], model: Any, timeout: Optional[float], extra_headers: Optional[Mapping[str, str]], max_retries: Optional[int]) -> Any:
        reply = self._client._live().call(operation, args, timeout, _headers(extra_headers), max_retries, with_headers=True)
        return _raw(reply, model)

    def _stream(self, *args: Any) -> Any:
        return self._client._stream(*args)


class _AsyncRawView(AsyncRawResources):
    """``with_raw_response`` of an async client (see ``_RawView``)."""

    def __init__(self, client: AsyncAgentPhone) -> None:
        self._client = client

    async def _request(self, operation: str, args: Dict[str, Any], model: Any, timeout: Optional[float], extra_headers: Optional[Mapping[str, str]], max_retries: Optional[int]) -> Any:
        reply = await self._client._live().call_async(operation, args, timeout, _headers(extra_headers), max_retries, with_headers=True)
        return _raw(reply, model)

    def _stream(self, *args: Any) -> Any:
        return self._client._stream(*args)
