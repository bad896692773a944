"""The AgentPhone operations as tools for an LLM (function calling).

Schemas come from the operation table in the OpenAI or Anthropic tool format, and ``dispatch``
answers the model's tool call with JSON text: the result, or ``{"error": ...}`` written for the
model (which field, what was expected, whether the action may have happened), never a traceback.

    tools = AgentTools(client, exclude_world_acting=True)
    response = openai.chat.completions.create(model=..., messages=messages, tools=tools.openai())
    for call in response.choices[0].message.tool_calls or []:
        messages.append({"role": "tool", "tool_call_id": call.id,
                         "content": tools.dispatch(call.function.name, call.function.arguments)})
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional, Sequence, Union

from . import _native

if TYPE_CHECKING:
    from ._client import AgentPhone, AsyncAgentPhone

Arguments = Union[str, Mapping[str, Any], None]

__all__ = ["AgentTools", "Arguments"]


class AgentTools:
    """A subset of the tools, bound to a client (sync or async)."""

    def __init__(
        self,
        client: "Union[AgentPhone, AsyncAgentPhone]",
        *,
        resources: Optional[Sequence[str]] = None,
        read_only: bool = False,
        exclude_world_acting: bool = False,
    ) -> None:
        """``resources``: only these (``"messages"``, ``"calls"``, ..., ``"account"``); ``read_only``:
        only tools that read; ``exclude_world_acting``: none that text or call people, buy or
        release numbers. Unknown resources raise ``ValidationError`` naming the known ones."""
        self._client = client
        self._filter = {"resources": list(resources) if resources is not None else None, "read_only": read_only,
                        "exclude_world_acting": exclude_world_acting}
        self._openai: list[dict[str, Any]] = _native.tool_definitions("openai", self._filter)

    def openai(self) -> list[dict[str, Any]]:
        """The tools for OpenAI's Chat Completions ``tools``."""
        return self._openai

    def anthropic(self) -> list[dict[str, Any]]:
        """The tools for Anthropic's Messages ``tools``."""
        result: list[dict[str, Any]] = _native.tool_definitions("anthropic", self._filter)
        return result

    @property
    def names(self) -> list[str]:
        """The names of the tools offered."""
        return [tool["function"]["name"] for tool in self._openai]

    def dispatch(self, name: str, arguments: Arguments = None) -> str:
        """Runs the tool the model called (with a sync client) and returns JSON text for the model."""
        return self._client._live().call_tool(name, arguments, self._filter)

    async def dispatch_async(self, name: str, arguments: Arguments = None) -> str:
        """Runs the tool the model called (with an async client) and returns JSON text for the model."""
        result: str = await self._client._live().call_tool_async(name, arguments, self._filter)
        return result

    def __repr__(self) -> str:
        return f"AgentTools({len(self._openai)} tools)"
