// The AgentPhone operations as tools for an LLM (function calling): schemas in the OpenAI or
// Anthropic format, and `dispatch`, which answers the model's tool call with JSON text: the
// result, or `{"error": ...}` written for the model (which field, what was expected, whether the
// action may have happened), never a thrown error.
import { native } from '#backend';
import { checkDepth } from './depth.js';
import { toError } from './failure.js';
import { clientCore } from './client.js';

export class AgentTools {
  /**
   * @param {import('./index.js').AgentPhone} client
   * @param {object} [options] `resources` (only these: 'messages', 'calls', ..., 'account'),
   *   `readOnly` (only tools that read), `excludeWorldActing` (none that text or call people,
   *   buy or release numbers).
   */
  constructor(client, { resources, readOnly = false, excludeWorldActing = false } = {}) {
    this._client = client;
    this._filter = { resources: resources ?? null, readOnly, excludeWorldActing };
    try {
      checkDepth(resources, 'resources');
      this._openai = native.toolDefinitions('openai', this._filter);
    } catch (error) {
      throw toError(error);
    }
  }

  /** The tools for OpenAI's Chat Completions `tools`. */
  openai() {
    return this._openai;
  }

  /** The tools for Anthropic's Messages `tools`. */
  anthropic() {
    return native.toolDefinitions('anthropic', this._filter);
  }

  /** The names of the tools offered. */
  get names() {
    return this._openai.map((tool) => tool.function.name);
  }

  /** Runs the tool the model called; `args` is its JSON text or an object. Resolves to JSON text. */
  async dispatch(name, args) {
    try {
      checkDepth(args, 'arguments');
      return await clientCore(this._client).callTool(name, args ?? null, this._filter);
    } catch (error) {
      throw toError(error);
    }
  }
}
