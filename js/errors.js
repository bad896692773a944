// The errors of agentphone-rs. Every error is an AgentPhoneError; answers of the server are
// APIError subclasses by status family; `mayHaveActed` says whether a failed request may still
// have taken effect (a message sent, a call placed): check before repeating it.

export class AgentPhoneError extends Error {
  constructor(message, attributes = {}) {
    super(message);
    this.name = new.target.name;
    this.mayHaveActed = false;
    Object.assign(this, attributes);
  }
}
export class ConfigurationError extends AgentPhoneError {}
export class ValidationError extends AgentPhoneError {}
export class APIError extends AgentPhoneError {}
export class BadRequestError extends APIError {}
export class AuthenticationError extends APIError {}
export class PaymentRequiredError extends APIError {}
export class PermissionDeniedError extends APIError {}
export class NotFoundError extends APIError {}
export class ConflictError extends APIError {}
export class UnprocessableEntityError extends APIError {}
export class RateLimitError extends APIError {}
export class InternalServerError extends APIError {}
export class APITimeoutError extends AgentPhoneError {}
export class APIConnectionError extends AgentPhoneError {}
export class APIResponseValidationError extends AgentPhoneError {}
export class WebhookVerificationError extends AgentPhoneError {}

const BY_KIND = {
  Validation: ValidationError,
  BadRequest: BadRequestError,
  Authentication: AuthenticationError,
  InsufficientBalance: PaymentRequiredError,
  PermissionDenied: PermissionDeniedError,
  NotFound: NotFoundError,
  Conflict: ConflictError,
  UnprocessableEntity: UnprocessableEntityError,
  RateLimit: RateLimitError,
  Server: InternalServerError,
  Api: APIError,
  Timeout: APITimeoutError,
  Connection: APIConnectionError,
  Decode: APIResponseValidationError,
  Config: ConfigurationError,
  WebhookVerification: WebhookVerificationError,
};

/** The package's error for what the native layer threw. */
export function toError(error) {
  // A trap in the wasm module (it aborts where the addon would have caught a panic).
  if (typeof WebAssembly !== 'undefined' && error instanceof WebAssembly.RuntimeError) {
    return new AgentPhoneError(`internal error in agentphone-rs (please report it): ${error.message}`);
  }
  let described;
  try {
    described = JSON.parse(error && error.message).agentphone;
  } catch {
    return error;
  }
  if (!described) return error;
  const Class = BY_KIND[described.kind] || AgentPhoneError;
  const { apiMessage, ...attributes } = described.attributes || {};
  const converted = new Class(described.message, attributes);
  if (apiMessage !== undefined) converted.apiMessage = apiMessage;
  return converted;
}

