"""The base of every response model: attribute access over the payload as received.

Fields are read lazily from the raw JSON (wire names), so decoding costs only what is used;
unknown fields stay in ``raw``; open enums are plain strings.
"""

from __future__ import annotations

# typing costs several ms to import; annotations are strings here, so it loads only for type checkers.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar, Dict, FrozenSet, List, Mapping, Optional, Tuple

_REPR_FIELDS = 6


class Model:
    """A response object. ``raw`` is the payload; ``to_dict()`` gives snake_case keys;
    ``_request_id`` is the id of the request that answered it (``None`` for nested objects)."""

    # `_request_id` is set on the objects a call answers; nested ones leave it unset (see __getattr__).
    __slots__ = ("_raw", "_request_id")
    _request_id: Optional[str]
    # snake_case name -> (wire name, model class of the value or of its items)
    _fields: ClassVar[Dict[str, Tuple[str, Optional[type]]]] = {}
    # Fields that hold secrets: never shown by repr() or str(); the attribute still reads them.
    _secrets: ClassVar[FrozenSet[str]] = frozenset()

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw if isinstance(raw, dict) else dict(raw)

    def __getattr__(self, name: str) -> Any:
        if name == "_request_id":
            return None
        try:
            wire, nested = type(self)._fields[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}") from None
        value = self._raw.get(wire)
        if nested is None or value is None:
            return value
        if isinstance(value, list):
            return [nested(item) if isinstance(item, dict) else item for item in value]
        return nested(value) if isinstance(value, dict) else value

    @property
    def raw(self) -> Dict[str, Any]:
        """The payload as received (wire names, unknown fields included)."""
        return self._raw

    def to_dict(self) -> Dict[str, Any]:
        """The fields by their Python names, nested models included; unknown fields keep their wire names."""
        by_wire = {wire: name for name, (wire, _) in type(self)._fields.items()}
        out: Dict[str, Any] = {}
        for key, value in self._raw.items():
            name = by_wire.get(key)
            if name is None:
                out[key] = value
                continue
            value = getattr(self, name)
            if isinstance(value, Model):
                value = value.to_dict()
            elif isinstance(value, list):
                value = [item.to_dict() if isinstance(item, Model) else item for item in value]
            out[name] = value
        return out

    def to_json(self, **options: Any) -> str:
        """``to_dict()`` as JSON text; ``options`` go to ``json.dumps`` (``indent=2``, ...)."""
        import json

        return json.dumps(self.to_dict(), **options)

    def __dir__(self) -> List[str]:
        # The fields are read on demand, not stored: list them for completion in REPLs and editors.
        return sorted(set(super().__dir__()) | set(type(self)._fields))

    def __repr__(self) -> str:
        shown = []
        for name, (wire, nested) in type(self)._fields.items():
            value = self._raw.get(wire)
            if value is None:
                continue
            if name in type(self)._secrets:
                text = "'[REDACTED]'"
            elif isinstance(value, list):
                text = f"[{len(value)} items]"
            elif nested is not None:
                text = f"{nested.__name__}(...)"
            else:
                text = repr(value)
                if len(text) > 60:
                    text = text[:57] + "...'"
            shown.append(f"{name}={text}")
        more = ", ..." if len(shown) > _REPR_FIELDS else ""
        return f"{type(self).__name__}({', '.join(shown[:_REPR_FIELDS])}{more})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._raw == self._raw  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, repr(sorted(self._raw.items(), key=lambda kv: kv[0]))))

    def __getstate__(self) -> Tuple[Dict[str, Any], Optional[str]]:
        return self._raw, self._request_id

    def __setstate__(self, state: Tuple[Dict[str, Any], Optional[str]]) -> None:
        self._raw, self._request_id = state
