"""agentphone_rs: the AgentPhone API (telephony for AI agents) for Python, on a Rust core.

    from agentphone_rs import AgentPhone

    client = AgentPhone()  # AGENTPHONE_API_KEY, AGENTPHONE_BASE_URL
    agent = client.agents.create(name="Support")
"""

from ._client import AgentPhone, AsyncAgentPhone
from ._errors import *  # noqa: F403
from ._errors import __all__ as _errors_all
from ._model import Model
from ._models import *  # noqa: F403
from ._models import __all__ as _models_all
from ._native import USER_AGENT, __version__, normalize_e164
from ._recording import Recording
from ._args import NOT_GIVEN, NotGiven
from .webhooks import WebhookEvent, construct_event, verify_webhook, voice_ndjson, voice_reply, voice_stream

__all__ = [
    "AgentPhone",
    "AsyncAgentPhone",
    "Model",
    "Recording",
    "NOT_GIVEN",
    "NotGiven",
    "USER_AGENT",
    "__version__",
    "normalize_e164",
    "WebhookEvent",
    "construct_event",
    "verify_webhook",
    "voice_reply",
    "voice_ndjson",
    "voice_stream",
    *_errors_all,
    *_models_all,
]
