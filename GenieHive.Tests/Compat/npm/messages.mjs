// Drives @anthropic-ai/sdk against the facade: create, stream, and the errors the SDK raises.
// Usage: node messages.mjs BASE_URL KEY MODEL   (prints one JSON object with what happened)
import Anthropic from '@anthropic-ai/sdk';

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new Anthropic({ baseURL, apiKey, maxRetries: 0, timeout: 60_000 });
const result = {};

const created = await client.messages.create({
  model, max_tokens: 6, system: 'Be brief.', messages: [{ role: 'user', content: 'hello' }],
});
result.create = { text: created.content.map((b) => b.text ?? '').join(''), stop_reason: created.stop_reason, usage: created.usage };

const stream = client.messages.stream({ model, max_tokens: 5, messages: [{ role: 'user', content: 'hello' }] });
const events = [];
let streamedText = '';
stream.on('streamEvent', (event) => events.push(event.type));
stream.on('text', (text) => { streamedText += text; });
const final = await stream.finalMessage();
result.stream = { events, text: streamedText, final_text: final.content.map((b) => b.text ?? '').join(''), stop_reason: final.stop_reason, usage: final.usage };

async function failure(run) {
  try {
    await run();
    return { raised: null };
  } catch (err) {
    return { raised: err.constructor.name, status: err.status ?? null, type: err.error?.error?.type ?? null };
  }
}

result.wrong_key = await failure(() => new Anthropic({ baseURL, apiKey: 'not-a-key', maxRetries: 0 })
  .messages.create({ model, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }));
result.unknown_model = await failure(() => client.messages.create({ model: 'no-such-model', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }));
result.dead_model = await failure(() => client.messages.create({ model: 'dead-model', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }));

console.log(JSON.stringify(result));
