"""``client.with_raw_response``: a call's typed answer with the status, headers and request id it
came with (the request id is on every answer as ``_request_id`` too)."""

from __future__ import annotations

# This module loads only when raw responses are asked for: typing's cost is paid then.
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from typing import Callable, Iterator, List, Optional, Tuple

T = TypeVar("T")


class Headers:
    """A response's headers: read by name in any case; ``get_list`` gives every value of a
    repeated header, ``items()`` every ``(name, value)`` as received (names in lowercase)."""

    __slots__ = ("_items",)

    def __init__(self, items: "List[Tuple[str, str]]") -> None:
        self._items = items

    def get(self, name: str, default: "Optional[str]" = None) -> "Optional[str]":
        """The value of header ``name``; a repeated header's values joined with ``, ``."""
        values = self.get_list(name)
        return ", ".join(values) if values else default

    def get_list(self, name: str) -> "List[str]":
        wanted = name.lower()
        return [value for key, value in self._items if key == wanted]

    def items(self) -> "List[Tuple[str, str]]":
        return list(self._items)

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.get_list(name))

    def __iter__(self) -> "Iterator[str]":
        return iter(dict.fromkeys(key for key, _ in self._items))

    def __len__(self) -> int:
        return len(dict.fromkeys(key for key, _ in self._items))

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"


class RawResponse(Generic[T]):
    """A call's answer with what came with it: ``status_code``, ``headers``, ``request_id``, and
    ``parse()`` for the typed result the method returns otherwise."""

    __slots__ = ("status_code", "headers", "request_id", "_parse")

    def __init__(self, status_code: int, headers: Headers, request_id: "Optional[str]", parse: "Callable[[], T]") -> None:
        self.status_code = status_code
        self.headers = headers
        self.request_id = request_id
        self._parse = parse

    def parse(self) -> "T":
        """The typed answer, as the method without ``with_raw_response`` returns it."""
        return self._parse()

    def __repr__(self) -> str:
        return f"RawResponse(status_code={self.status_code}, request_id={self.request_id!r})"
