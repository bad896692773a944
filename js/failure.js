// What the native layer (addon or wasm) throws, as the package's errors: the core describes each
// error as JSON naming its class (see `agentphone::ffi::errors::describe_error`).
import { isTrap } from '#backend';
import * as classes from './generated/errors.js';

/** The package's error for what the native layer threw. */
export function toError(error) {
  // The wasm module aborts where the addon would have caught a panic.
  if (isTrap(error)) return new classes.AgentPhoneError(`internal error in agentphone-rs (please report it): ${error.message}`);
  let described;
  try {
    described = JSON.parse(error && error.message).agentphone;
  } catch {
    return error;
  }
  if (!described) return error;
  const Class = classes[described.class] ?? classes.AgentPhoneError;
  return new Class(described.message, described.attributes);
}
