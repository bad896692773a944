// Types of agentphone-rs/testing: the sandbox in-process, for tests (native builds only).

import type { AgentPhone, ClientOptions } from './index.js';

/** A sandbox control request was refused (e.g. `to` is not a number of any project). */
export declare class SandboxError extends Error {
  readonly name: 'SandboxError';
  readonly status: number;
  /** The sandbox's answer, in the API's error shape. */
  readonly body: unknown;
}

export interface FaultOptions {
  /** The operation it hits: an id (`'send_message'`) or a route (`'POST /v1/messages'`); default any. */
  operation?: string;
  /** The status it answers (e.g. 500, 429). */
  status?: number;
  /** How many requests it hits (default 1). */
  count?: number;
  /** A `Retry-After` to send, in seconds. */
  retryAfter?: number;
  retryAfterFormat?: 'seconds' | 'http_date';
  /** Latency added before answering. */
  latencyMs?: number;
  /** Drop the connection instead of answering. */
  drop?: boolean;
  /** With `drop`: whether the request took effect first (default true). */
  acted?: boolean;
}

export interface ProjectStats {
  requests: Record<string, unknown>;
  project?: { requests: Record<string, number>; counts: Record<string, number> };
  [key: string]: unknown;
}

/** One isolated project of a sandbox: its API key, clients and project-scoped controls. */
export declare class Project {
  readonly apiKey: string;
  /** A client of this project. */
  client(options?: Omit<ClientOptions, 'apiKey' | 'baseUrl'>): AgentPhone;
  addFault(fault?: FaultOptions): Promise<void>;
  /** Forgets this project's faults; answers how many of their hits were never taken. */
  clearFaults(): Promise<number>;
  setBalance(cents: number): Promise<void>;
  stats(): Promise<ProjectStats>;
  reset(): Promise<void>;
}

export interface InboundMessage {
  /** A number of any project of this sandbox. */
  to: string;
  from: string;
  body?: string;
  channel?: 'sms' | 'mms' | 'imessage' | 'whatsapp';
  mediaUrls?: string[];
  /** A contact card shared with the number: the webhook gets `agent.contact_shared`. */
  sharedContact?: { name?: string; phoneNumbers?: string[]; emails?: string[]; organization?: string };
  /** Answer after the webhook delivery (and its redeliveries) finished. */
  wait?: boolean;
}

export interface InboundCall {
  to: string;
  from: string;
  /** What the caller says, turn by turn. */
  script?: string[];
}

/** A sandbox running in this process until `close()`. It is a project too (its first one). */
export declare class Sandbox extends Project {
  /** `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  /** A new, empty project with its own API key. */
  project(): Promise<Project>;
  injectMessage(message: InboundMessage): Promise<{ messageId: string; conversationId: string; delivered: unknown }>;
  injectCall(call: InboundCall): Promise<Record<string, unknown>>;
  /** The sandbox's clock (ISO 8601). */
  now(): Promise<string>;
  /** Moves the clock forward; answers the new time. */
  advanceClock(seconds: number): Promise<string>;
  /** A webhook endpoint inside the sandbox that records what it receives. */
  sinkUrl(name: string): string;
  sink(name: string): Promise<Array<Record<string, unknown>>>;
  /** Forgets every project and resets the clock. */
  resetAll(): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface SandboxOptions {
  /** Test timing (default true): calls and webhook redeliveries take milliseconds. */
  fast?: boolean;
  /** Real time between the turns of a simulated call. */
  turnDelayMs?: number;
  /** Starting balance of each project, in cents (default 10000). */
  balanceCents?: number;
  /** Active numbers a project may hold (default 10); with 0, signing up answers 503 (no number to give). */
  numberLimit?: number;
  /** Messages each project keeps (default 10000; the oldest go first). */
  messageCapacity?: number;
  /** Ended calls each project keeps (default 10000; the oldest go first). */
  callCapacity?: number;
  /**
   * Apply the API's published per-minute limits (default true: sign-up 10, its verification 20,
   * buying a number 20, phone verification 60 and 120; 429 with `Retry-After`).
   */
  rateLimits?: boolean;
}

/** Starts a sandbox on a free loopback port (native addon only; on the wasm build it throws). */
export declare function startSandbox(options?: SandboxOptions): Promise<Sandbox>;
