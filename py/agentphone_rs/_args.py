"""Arguments as the native layer takes them."""

from __future__ import annotations

# typing costs several ms to import; annotations are strings here, so it loads only for type checkers.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Tuple


class NotGiven:
    """The default of arguments that may be sent as null: "not given" is not the same as None."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> bool:
        return False


NOT_GIVEN = NotGiven()


def _args(values: Dict[str, Any], nullable: Tuple[str, ...] = ()) -> Dict[str, Any]:
    """Drops what was not given: None, except for arguments where None means "send null"."""
    return {k: v for k, v in values.items() if v is not NOT_GIVEN and (v is not None or k in nullable)}
