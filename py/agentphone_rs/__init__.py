"""agentphone_rs: the AgentPhone API (telephony for AI agents) for Python, on a Rust core.

    from agentphone_rs import AgentPhone

    client = AgentPhone()  # AGENTPHONE_API_KEY, AGENTPHONE_BASE_URL
    agent = client.agents.create(name="Support")

Models and webhook helpers load on first use, so importing the package stays fast.
"""

from importlib import import_module

# typing costs several ms to import; annotations are never evaluated here, so only type checkers load it.
TYPE_CHECKING = False

from ._args import NOT_GIVEN, NotGiven
from ._client import AgentPhone, AsyncAgentPhone
from ._errors import *  # noqa: F403
from ._errors import __all__ as _errors_all
from ._names import MODELS as _MODELS
from ._native import USER_AGENT, __version__, normalize_e164

if TYPE_CHECKING:
    from typing import Any

    from ._model import Model as Model
    from ._models import *  # noqa: F403
    from ._recording import Recording as Recording
    from .tools import AgentTools as AgentTools
    from .webhooks import WebhookEvent as WebhookEvent
    from .webhooks import construct_event as construct_event
    from .webhooks import verify_webhook as verify_webhook
    from .webhooks import voice_ndjson as voice_ndjson
    from .webhooks import voice_reply as voice_reply
    from .webhooks import voice_stream as voice_stream

_WEBHOOKS = ("WebhookEvent", "construct_event", "verify_webhook", "voice_reply", "voice_ndjson", "voice_stream")
_LAZY = {"AgentTools": ".tools", "Model": "._model", "Recording": "._recording", **{name: ".webhooks" for name in _WEBHOOKS}, **{name: "._models" for name in _MODELS}}

__all__ = [
    "AgentPhone",
    "AsyncAgentPhone",
    "NOT_GIVEN",
    "NotGiven",
    "USER_AGENT",
    "__version__",
    "normalize_e164",
    *_errors_all,
    *_LAZY,
]


def __getattr__(name: str) -> "Any":
    if name in ("webhooks", "resources", "tools"):  # submodules, as `agentphone_rs.webhooks.verify_webhook`
        return import_module(f".{name}", __name__)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'agentphone_rs' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value
