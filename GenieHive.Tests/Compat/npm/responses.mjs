// Drives the openai SDK's Responses API against the facade: create, stream, and the errors the SDK raises.
// Usage: node responses.mjs BASE_URL KEY MODEL   (prints one JSON object with what happened)
import OpenAI from 'openai';

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 60_000 });
const result = {};

const created = await client.responses.create({ model, max_output_tokens: 6, instructions: 'Be brief.', input: 'hello' });
result.create = { text: created.output_text, status: created.status, usage: created.usage };

const stream = await client.responses.create({ model, max_output_tokens: 5, input: [{ role: 'user', content: 'hello' }], stream: true });
const events = [];
let streamedText = '';
let final = null;
for await (const event of stream) {
  events.push(event.type);
  if (event.type === 'response.output_text.delta') streamedText += event.delta;
  if (event.type === 'response.completed' || event.type === 'response.incomplete') final = event.response;
}
result.stream = { events, text: streamedText, final_status: final?.status ?? null, final_usage: final?.usage ?? null };

async function failure(run) {
  try {
    await run();
    return { raised: null };
  } catch (err) {
    return { raised: err.constructor.name, status: err.status ?? null, param: err.param ?? null };
  }
}

result.wrong_key = await failure(() => new OpenAI({ baseURL, apiKey: 'not-a-key', maxRetries: 0 }).responses.create({ model, input: 'hi' }));
result.unknown_model = await failure(() => client.responses.create({ model: 'no-such-model', input: 'hi' }));
result.stateful = await failure(() => client.responses.create({ model, input: 'hi', previous_response_id: 'resp_earlier' }));

console.log(JSON.stringify(result));
