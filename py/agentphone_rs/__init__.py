"""agentphone_rs: the AgentPhone API (telephony for AI agents) for Python, on a Rust core.

    from agentphone_rs import AgentPhone

    client = AgentPhone()  # AGENTPHONE_API_KEY, AGENTPHONE_BASE_URL
    agent = client.agents.create(name="Support")

Models and webhook helpers load on first use, so importing the package stays fast.
"""

import atexit as _atexit
import os as _os
from importlib import import_module

# typing costs several ms to import; annotations are never evaluated here, so only type checkers load it.
TYPE_CHECKING = False

from . import _native
from ._args import NOT_GIVEN, NotGiven
from ._client import AgentPhone, AsyncAgentPhone
from ._generated import errors as _errors
from ._generated.errors import *  # noqa: F403
from ._generated.errors import __all__ as _errors_all
from ._generated.names import MODELS as _MODELS
from ._native import USER_AGENT, __version__, normalize_e164

# The native layer raises the package's exceptions; it is handed them here rather than importing
# the package back.
_native.bind(_errors)
# Before the interpreter finalizes, the native runtime stops: none of its threads may call into
# Python after that (it would abort the process).
_atexit.register(_native.shutdown)
# A forked child (gunicorn and celery workers) builds its own runtime and connections: the native
# layer learns of the fork here rather than asking the kernel for its pid on every call.
if hasattr(_os, "register_at_fork"):  # no fork on Windows
    _os.register_at_fork(after_in_child=_native.after_fork)

if TYPE_CHECKING:
    from typing import Any

    from ._model import Model as Model
    from ._generated.models import *  # noqa: F403
    from ._recording import Recording as Recording
    from ._response import Headers as Headers
    from ._response import RawResponse as RawResponse
    from .tools import AgentTools as AgentTools
    from .webhooks import WebhookEvent as WebhookEvent
    from .webhooks import construct_event as construct_event
    from .webhooks import verify_webhook as verify_webhook
    from .webhooks import voice_ndjson as voice_ndjson
    from .webhooks import voice_reply as voice_reply
    from .webhooks import voice_stream as voice_stream

_WEBHOOKS = ("WebhookEvent", "construct_event", "verify_webhook", "voice_reply", "voice_ndjson", "voice_stream")
_LAZY = {"AgentTools": ".tools", "Headers": "._response", "Model": "._model", "RawResponse": "._response", "Recording": "._recording", **{name: ".webhooks" for name in _WEBHOOKS}, **{name: "._generated.models" for name in _MODELS}}

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
    if name in ("webhooks", "tools"):  # submodules, as `agentphone_rs.webhooks.verify_webhook`
        return import_module(f".{name}", __name__)
    if name == "resources":  # the generated resource classes, as `agentphone_rs.resources.agents.AgentsResource`
        return import_module("._generated.resources", __name__)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'agentphone_rs' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value
