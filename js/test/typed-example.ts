// Checked with `tsc --noEmit --strict` in CI: every resource used the way a TypeScript program
// would, against the generated declarations.
import {
  AgentPhone,
  NotFoundError,
  RateLimitError,
  constructEvent,
  voiceReply,
  type Agent,
  type Call,
  type ResponseInfo,
  type WebhookEvent,
} from 'agentphone-rs';
import { startSandbox, SandboxError, type Project } from 'agentphone-rs/testing';

export async function tour(client: AgentPhone): Promise<string[]> {
  const agent: Agent = await client.agents.create({ name: 'Ava', voiceMode: 'hosted', voiceSpeed: 1.1 });
  const voices = await client.agents.listVoices();
  const number = await client.numbers.buy({ areaCode: '415', agentId: agent.id });
  await client.agents.attachNumber(agent.id, { numberId: number.id });
  const contact = await client.contacts.create({ name: 'Jo', phoneNumber: '+14155550100' });
  await client.contacts.update(contact.id, { email: null });
  const sent = await client.messages.send({ agentId: agent.id, toNumber: '+14155550100', body: 'Hi' });
  const conversation = await client.conversations.get(sent.conversationId ?? '', { messageLimit: 10 });
  await client.conversations.update(conversation.id, { metadata: { vip: true } });
  await client.webhooks.set({ url: 'https://example.com/hook', contextLimit: 5 });
  const usage = await client.usage.get();
  const call: Call = await client.calls.make({ agentId: agent.id, toNumber: '+14155550100' }, { timeout: 5000 });
  const ids: string[] = [];
  for await (const item of client.calls.listAll({ status: 'completed' })) ids.push(item.id);
  for await (const event of client.calls.streamTranscript(call.id)) ids.push(`${event.event} ${event.data?.role ?? ''} ${event.data?.content ?? ''} ${event.data?.durationSeconds ?? ''}`);
  const recording = await client.calls.getRecording(call.id);
  await recording.save('/tmp/call.wav');
  try {
    await client.agents.get('agt_missing');
  } catch (error) {
    if (error instanceof NotFoundError) ids.push(String(error.status));
    if (error instanceof RateLimitError) ids.push(String(error.retryAfter));
  }
  // Raw responses: the typed answer with its status, headers and request id; per-call retries.
  const { data: fetched, response } = await client.agents.get(agent.id, {}, { maxRetries: 0 }).withResponse();
  const info: ResponseInfo = response;
  const name: string | null | undefined = fetched.name;
  const requestId: string | null | undefined = response.headers.get('x-request-id') ?? fetched._requestId;
  const wire: Response = await client.usage.get().asResponse();
  ids.push(`${info.status} ${requestId} ${wire.status} ${name}`);
  const status: 'in-progress' | 'completed' | 'failed' | (string & {}) | null | undefined = call.status;
  return [...ids, voices.data[0]?.voiceId ?? '', String(usage.numbers?.used ?? 0), String(status)];
}

export function webhook(body: Buffer, headers: Record<string, string>, secret: string): string | undefined {
  const event: WebhookEvent = constructEvent(body, headers, { secret });
  // `isVoiceTurn` alone narrows the event to a message: its transcript is typed.
  if (event.isVoiceTurn) return voiceReply(`You said ${event.data.transcript ?? ''}`);
  return undefined;
}

export async function wrongFilter(): Promise<void> {
  // @ts-expect-error: 'ringing' is not a call status; the filter is as precise as the table.
  await client.calls.list({ status: 'ringing' });
  const agent = await client.agents.get('agt_1');
  // @ts-expect-error: models list their fields exactly (no catch-all): a misspelt one is an error.
  void agent.voicemode;
  const unknown: unknown = agent.extra?.['futureField'];
  void unknown;
  // @ts-expect-error: a status is a number.
  const status: string = (await client.agents.get('agt_1').withResponse()).response.status;
  void status;
}

export const client = new AgentPhone({ apiKey: 'sk_test_types', timeout: 10_000, maxRetries: 1 });

export async function sandboxed(): Promise<string> {
  await using sandbox = await startSandbox({ turnDelayMs: 10 });
  const project: Project = await sandbox.project();
  const agent = await project.client({ maxRetries: 0 }).agents.create({ name: 'Ava' });
  await project.addFault({ operation: 'list_agents', status: 503, retryAfterFormat: 'http_date' });
  const unused: number = await project.clearFaults();
  try {
    await sandbox.injectMessage({ to: '+14155550100', from: '+14155550101', body: 'hi' });
  } catch (error) {
    if (error instanceof SandboxError) return `${error.status}`;
  }
  return `${agent.id} ${unused} ${await sandbox.advanceClock(60)}`;
}
