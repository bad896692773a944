// A Cloudflare-Workers-style voice agent: verifies each signed delivery, and answers the caller's
// turns with NDJSON streamed as it is produced. The secret comes from the worker's environment.
import { constructEvent, voiceStreamResponse, WebhookVerificationError, BUILD } from 'agentphone-rs';

export default {
  async fetch(request, env) {
    let event;
    try {
      event = constructEvent(await request.text(), request.headers, { secret: env.WEBHOOK_SECRET });
    } catch (error) {
      if (error instanceof WebhookVerificationError) return new Response(error.message, { status: 401 });
      throw error;
    }
    if (!event.isVoiceTurn) return new Response(null, { status: 204 });
    const said = event.data.transcript ?? '';
    async function* replies() {
      yield 'One moment.';
      yield { text: `The ${BUILD} worker heard: ${said}`, hangup: /bye/i.test(said) };
    }
    return voiceStreamResponse(replies());
  },
};
