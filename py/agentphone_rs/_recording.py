"""Call recordings."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing and pathlib cost ms to import; only type checkers and save() need them
    import os
    from pathlib import Path
    from typing import Union


class Recording:
    """A call recording: ``content`` (bytes) and its ``content_type`` (``audio/wav``)."""

    __slots__ = ("content", "content_type")

    def __init__(self, content: bytes, content_type: str) -> None:
        self.content = content
        self.content_type = content_type

    def save(self, path: Union[str, "os.PathLike[str]"]) -> Path:
        """Writes the recording to ``path``; returns the path."""
        from pathlib import Path

        target = Path(path)
        target.write_bytes(self.content)
        return target

    def __len__(self) -> int:
        return len(self.content)

    def __repr__(self) -> str:
        return f"Recording(content_type={self.content_type!r}, size={len(self.content)})"
