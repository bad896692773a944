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
