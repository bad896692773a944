'use strict';
// The errors of agentphone-rs. Every error is an AgentPhoneError; answers of the server are
// APIError subclasses by status family; `mayHaveActed` says whether a failed request may still
// have taken effect (a message sent, a call placed): check before repeating it.

class AgentPhoneError extends Error {
  constructor(message, attributes = {}) {
    super(message);
    this.name = new.target.name;
    this.mayHaveActed = false;
    Object.assign(this, attributes);
  }
}
class ConfigurationError extends AgentPhoneError {}
class ValidationError extends AgentPhoneError {}
class APIError extends AgentPhoneError {}
class BadRequestError extends APIError {}
class AuthenticationError extends APIError {}
class PaymentRequiredError extends APIError {}
class PermissionDeniedError extends APIError {}
class NotFoundError extends APIError {}
class ConflictError extends APIError {}
class UnprocessableEntityError extends APIError {}
class RateLimitError extends APIError {}
class InternalServerError extends APIError {}
class APITimeoutError extends AgentPhoneError {}
class APIConnectionError extends AgentPhoneError {}
class APIResponseValidationError extends AgentPhoneError {}
class WebhookVerificationError extends AgentPhoneError {}

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
function toError(error) {
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

module.exports = {
  AgentPhoneError,
  ConfigurationError,
  ValidationError,
  APIError,
  BadRequestError,
  AuthenticationError,
  PaymentRequiredError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  APITimeoutError,
  APIConnectionError,
  APIResponseValidationError,
  WebhookVerificationError,
  toError,
};
