// What crosses into the native layer must be JSON of bounded depth: the addon's and the wasm
// build's converters recurse, so a cyclic object or a depth bomb would overflow the stack and
// take the process (or the wasm module) down. Such a value is refused here, naming the argument.
import { native } from '#backend';
import { ValidationError } from './generated/errors.js';

/** Deepest nesting a value may have: the core's own limit. */
export const MAX_DEPTH = native.maxDepth();

/** Throws a ValidationError naming `field` when `value` nests deeper than MAX_DEPTH (or contains itself). */
export function checkDepth(value, field, depth = 1) {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return;
  if (depth > MAX_DEPTH) {
    const problem = `nested deeper than ${MAX_DEPTH} levels (or it contains itself)`;
    throw new ValidationError(`invalid \`${field}\`: ${problem}`, { field, problem });
  }
  const items = Array.isArray(value) ? value : Object.values(value);
  for (const item of items) checkDepth(item, field, depth + 1);
}
