// Run by deno.test.mjs under Deno: the package as a Deno app imports it (the `deno` condition, so
// the wasm build). It talks to the sandbox, checks a signed delivery from a web Request, answers
// a voice turn with a web Response, and prints what it saw as one JSON line.
import { AgentPhone, NotFoundError, APIError, BUILD, constructEvent, signWebhook, voiceStreamResponse } from 'agentphone-rs';

const [apiKey, baseUrl] = Deno.args;
const client = new AgentPhone({ apiKey, baseUrl });
const agent = await client.agents.create({ name: 'Deno agent' });
const number = await client.numbers.buy({ areaCode: '415' });
await client.agents.attachNumber(agent.id, { numberId: number.id });
const sent = await client.messages.send({ agentId: agent.id, toNumber: '+14155550123', body: 'Hello from Deno' });
for (const name of ['Second', 'Third']) await client.agents.create({ name });
const names = [];
for await (const each of client.agents.listAll({ limit: 2 })) names.push(each.name);
let caught = null;
try {
  await client.agents.get('agt_missing');
} catch (error) {
  caught = { notFound: error instanceof NotFoundError, apiError: error instanceof APIError, status: error.status, name: error.name };
}

const secret = 'whsec_deno';
const payload = JSON.stringify({ event: 'agent.message', channel: 'voice', data: { callId: 'call_1', transcript: 'Hours?' } });
const timestamp = Math.floor(Date.now() / 1000);
const request = new Request('https://agent.example/voice', {
  method: 'POST',
  headers: { 'x-webhook-signature': signWebhook(payload, { secret, timestamp }), 'x-webhook-timestamp': String(timestamp) },
  body: payload,
});
const event = constructEvent(await request.text(), request.headers, { secret });
const response = voiceStreamResponse([{ text: 'We open at nine.' }, { text: 'Anything else?' }]);
const reply = { contentType: response.headers.get('content-type'), lines: (await response.text()).trim().split('\n').map((l) => JSON.parse(l)) };

console.log(JSON.stringify({ build: BUILD, agentId: agent.id, number: number.phoneNumber, sent: sent.id, names, caught, voiceTurn: event.isVoiceTurn, reply }));
