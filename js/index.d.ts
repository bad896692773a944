// Types of agentphone-rs. Models, parameters and resources are generated from the operation
// table (generated/index.d.ts), the errors from spec/errors.toml (generated/errors.d.ts); the client and
// webhook helpers are declared here.

import type { Readable } from 'node:stream';
import type { Resources, CallEndedData, ContactSharedEventData, MessageEventData, ReactionEventData, HistoryItem, VoiceReply } from './generated/index.js';

export * from './generated/index.js';

/** Which build is running: the native addon (Node) or the wasm module (browsers, Deno, workers). */
export declare const BUILD: 'native' | 'wasm';

/** Settings of a client. */
export interface ClientOptions {
  /** API key; default `process.env.AGENTPHONE_API_KEY`. */
  apiKey?: string;
  /** API host; default `process.env.AGENTPHONE_BASE_URL`, then https://api.agentphone.ai (plain http only to localhost). */
  baseUrl?: string;
  /** Milliseconds a call may take in all: every attempt, backoff and `Retry-After` wait (default 30000). */
  timeout?: number;
  /** Retries of failed reads, and of requests the server proves it did not act on (default 2). */
  maxRetries?: number;
  /** Headers sent with every request, e.g. `X-Sub-Account-Id`. */
  defaultHeaders?: Record<string, string>;
  /**
   * A proxy for every request (`http://host:port`, credentials in the URL if needed); without it,
   * `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` are used, except for `NO_PROXY`'s hosts. Native builds
   * only (on wasm the runtime chooses).
   */
  proxy?: string;
  /** Certificate authorities to trust beside the system's: PEM text, or a PEM file's path. Native builds only. */
  caCertificates?: string;
  /**
   * Where each request attempt is logged (console-compatible: `info` and `debug` are called with a
   * message and the record's fields). Native builds only. Default: none, unless `AGENTPHONE_LOG`
   * names a level (then `console`).
   */
  logger?: Pick<Console, 'info' | 'debug'> | { info(message: string, fields: LogRecord): void; debug?(message: string, fields: LogRecord): void };
  /** `info` (a line per attempt; the default with a logger) or `debug` (with the bodies, secrets redacted). */
  logLevel?: 'info' | 'debug';
}

/** One request attempt, as logged. */
export interface LogRecord {
  level: 'info' | 'debug';
  message: string;
  operation: string;
  method: string;
  path: string;
  attempt: number;
  status: number | null;
  elapsedMs: number;
  requestId: string | null;
  error: string | null;
  requestBody: string | null;
  responseBody: string | null;
}

/** Settings of one call. */
export interface RequestOptions {
  /** Milliseconds this call may take in all, retries and waits included. */
  timeout?: number;
  /** Retries after the first attempt for this call (the client's `maxRetries` otherwise; 0: none). */
  maxRetries?: number;
  /** Headers for this call. */
  headers?: Record<string, string>;
  /** Cancels the call: its request stops and nothing more is sent (one already sent may still take effect). */
  signal?: AbortSignal;
}

/** The status, headers and request id of a successful answer. */
export interface ResponseInfo {
  status: number;
  headers: Headers;
  /** `X-Request-Id`: what the API's support asks for. */
  requestId: string | null;
}

/** An answer that is an object carries the id of the request that answered it (not enumerable). */
export type WithRequestId<T> = T extends object ? T & { readonly _requestId?: string | null } : T;

/** What every method returns: a Promise of the typed answer that can also give what came with it. */
export interface APIPromise<T> extends Promise<WithRequestId<T>> {
  /** The typed answer with its status, headers and request id. */
  withResponse(): Promise<{ data: WithRequestId<T>; response: ResponseInfo; requestId: string | null }>;
  /** `{ data, rawResponse }`, as the official SDK's `withRawResponse()`. */
  withRawResponse(): Promise<{ data: WithRequestId<T>; rawResponse: ResponseInfo }>;
  /** The answer as a fetch `Response`: its body the JSON as received (or a recording's bytes). */
  asResponse(): Promise<Response>;
}

/** A call recording. */
export declare class Recording {
  readonly contentType: string;
  /** The audio (a Buffer on the native build, which is a Uint8Array). */
  readonly data: Uint8Array;
  save(path: string): Promise<string>;
}

export interface AgentPhone extends Resources {}
/** The AgentPhone API client. */
export declare class AgentPhone {
  constructor(options?: ClientOptions);
  readonly baseUrl: string;
  /**
   * A client without an API key, for the sign-up flow (`signup.start`, then `signup.verify`,
   * whose `api_key` makes the real client); any other call throws ConfigurationError.
   */
  static forSignUp(options?: Omit<ClientOptions, 'apiKey'>): AgentPhone;
}

export * from './generated/errors.js';

export type HeadersLike = Record<string, string | string[] | undefined> | { get(name: string): string | null };
/** The raw body: a Buffer or Uint8Array (Node), an ArrayBuffer, or the text (`await request.text()`). */
export type Payload = Uint8Array | ArrayBuffer | string;

export interface VerifyOptions {
  /** The webhook secret, or several during a rotation. */
  secret: string | string[];
  signature?: string;
  timestamp?: string;
  /** Seconds the timestamp may be off, either way (default 300; null skips the check). */
  tolerance?: number | null;
  /** Unix seconds to check against (tests). */
  now?: number;
}

export interface ConstructOptions extends VerifyOptions {
  /** The delivery's id; default the `X-Webhook-ID` header. */
  deliveryId?: string;
}

/** Where a receiver remembers the deliveries it processed (a shared store across processes). */
export interface DeliveryStore {
  /** Records `deliveryId`; true when it was new, false when seen before. */
  claim(deliveryId: string): boolean | Promise<boolean>;
}

/** A `DeliveryStore` in this process's memory: the last `capacity` ids (default 10000). */
export declare class MemoryDeliveryStore implements DeliveryStore {
  constructor(capacity?: number);
  claim(deliveryId: string): boolean;
}

/**
 * True the first time `store` (default: one in this process's memory) sees this delivery, false
 * for a redelivery already processed. Without a `deliveryId` every delivery counts as first.
 */
export declare function firstDelivery(event: WebhookEvent, store?: DeliveryStore): Promise<boolean>;

/**
 * An event; `kind` says what `data` is, and only a message can be a voice turn, so checking
 * `isVoiceTurn` (or `kind`) narrows it.
 */
export type WebhookEvent =
  | (WebhookEventBase & { kind: 'message'; data: MessageEventData; isVoiceTurn: boolean })
  | (WebhookEventBase & { kind: 'call_ended'; data: CallEndedData; isVoiceTurn: false })
  | (WebhookEventBase & { kind: 'reaction'; data: ReactionEventData; isVoiceTurn: false })
  | (WebhookEventBase & { kind: 'contact_shared'; data: ContactSharedEventData; isVoiceTurn: false })
  | (WebhookEventBase & { kind: 'other'; data: unknown; isVoiceTurn: false });

export interface WebhookEventBase {
  event: 'agent.message' | 'agent.call_ended' | 'agent.reaction' | 'agent.contact_shared' | (string & {});
  channel: string | null;
  timestamp: string | null;
  agentId: string | null;
  conversationState: Record<string, unknown> | null;
  recentHistory: HistoryItem[];
  test: boolean;
  raw: Record<string, unknown>;
  /** A caller's turn on a live call (a message on the voice channel): answer with `voiceReply` or `voiceStream`. */
  isVoiceTurn: boolean;
  /** The delivery's `X-Webhook-ID`, the same on each redelivery (see `firstDelivery`). */
  deliveryId: string | undefined;
}

export type ReplyInput = string | VoiceReply;

export declare const SIGNATURE_HEADER: string;
export declare const TIMESTAMP_HEADER: string;
export declare const DELIVERY_ID_HEADER: string;
export declare const VOICE_JSON: string;
export declare const VOICE_NDJSON: string;
export declare const USER_AGENT: string;
export declare function verifyWebhook(payload: Payload, headers: HeadersLike | undefined, options: VerifyOptions): void;
export declare function constructEvent(payload: Payload, headers: HeadersLike | undefined, options: ConstructOptions): WebhookEvent;
export declare function signWebhook(payload: Payload, options: { secret: string; timestamp: number }): string;
export declare function voiceReply(text?: string, options?: { hangup?: boolean; action?: 'transfer' | 'hangup'; digits?: string }): string;
export declare function voiceNdjson(replies: ReplyInput[]): string;
export declare function voiceStream(replies: Iterable<ReplyInput> | AsyncIterable<ReplyInput>): Readable;
export declare function voiceReadableStream(replies: Iterable<ReplyInput> | AsyncIterable<ReplyInput>): ReadableStream<Uint8Array>;
/** A voice reply as a web `Response` (JSON), for fetch-style handlers (Workers, Deno, Bun). */
export declare function voiceResponse(text?: string, options?: { hangup?: boolean; action?: 'transfer' | 'hangup'; digits?: string }): Response;
/** Replies as they come, streamed as an NDJSON web `Response`. */
export declare function voiceStreamResponse(replies: Iterable<ReplyInput> | AsyncIterable<ReplyInput>): Response;
export declare function operations(): Array<{ id: string; resource: string; method: string; isList: boolean }>;

/** Which tools to offer a model. */
export interface AgentToolsOptions {
  /** Only tools of these resources ('messages', 'calls', ..., 'account'). */
  resources?: string[];
  /** Only tools that read. */
  readOnly?: boolean;
  /** Leave out the tools that reach people or the carrier, or spend money. */
  excludeWorldActing?: boolean;
}

/** An OpenAI Chat Completions function tool. */
export interface OpenAITool {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/** An Anthropic Messages tool. */
export interface AnthropicTool {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

/** The operations as tools for an LLM, and a dispatcher that answers the model's calls with JSON text. */
export declare class AgentTools {
  constructor(client: AgentPhone, options?: AgentToolsOptions);
  openai(): OpenAITool[];
  anthropic(): AnthropicTool[];
  readonly names: string[];
  /** The result as JSON text, or `{"error": ...}` written for the model; never rejects for the model's mistakes. */
  dispatch(name: string, args?: string | Record<string, unknown> | null): Promise<string>;
}
