// ESM entry: the same module instance as `require('agentphone-rs')`, so `instanceof` holds
// across ESM and CommonJS code in one program.
import cjs from './index.js';

export const {
  AgentPhone,
  Recording,
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
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  VOICE_JSON,
  VOICE_NDJSON,
  verifyWebhook,
  constructEvent,
  signWebhook,
  voiceReply,
  voiceNdjson,
  voiceStream,
  voiceReadableStream,
  USER_AGENT,
  operations,
} = cjs;
export default cjs;
