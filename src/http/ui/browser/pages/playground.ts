import { csrfHeaders, getJson, query } from '../api.ts';
import { errorMessage, field, formatMs, formatNumber, formatUsd, h, table } from '../dom.ts';
import type { Page } from './page.ts';

/** Reads an OpenAI chat-completions event stream, calling `onText` with each piece of content. */
async function readStream(body: ReadableStream<Uint8Array>, onText: (text: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of event.split('\n')) {
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') return;
        const chunk = JSON.parse(data) as {
          choices?: Array<{ delta?: { content?: string } }>;
          error?: { message?: string };
        };
        if (chunk.error !== undefined) throw new Error(chunk.error.message ?? 'The stream ended with an error.');
        const text = chunk.choices?.[0]?.delta?.content;
        if (text !== undefined) onText(text);
      }
      end = buffer.indexOf('\n\n');
    }
  }
}

interface Recorded {
  cost_usd: number | null;
  input_tokens: number;
  output_tokens: number;
  attempts: number;
  latency_ms: number;
  ttft_ms: number | null;
}

/**
 * What a stream's headers cannot say, since they go before the answer: its cost and tokens, read from the
 * request log once the gateway has written the row (in the background: up to a few seconds).
 */
async function showRecorded(requestId: string, into: HTMLElement): Promise<void> {
  for (let tries = 0; tries < 20; tries += 1) {
    const found = await getJson<{ data: Recorded[] }>(`/admin/logs${query({ request_id: requestId, limit: 1 })}`);
    const row = found.data[0];
    if (row !== undefined) {
      into.replaceChildren(
        h('h2', {}, 'Recorded'),
        table(
          ['Field', 'Value'],
          [
            ['Cost', formatUsd(row.cost_usd)],
            ['Tokens', `${formatNumber(row.input_tokens)} in, ${formatNumber(row.output_tokens)} out`],
            ['Attempts', String(row.attempts)],
            ['Latency', formatMs(row.latency_ms)],
            ['Time to first token', formatMs(row.ttft_ms)],
          ],
        ),
      );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Playground: pick a model, send a chat, watch it stream, see the gateway's headers. */
export const renderPlayground: Page = async (main) => {
  const models = (await getJson<{ data: Array<{ id: string }> }>('/v1/models')).data.map((model) => model.id);
  const model = h('input', {
    id: 'playground-model',
    list: 'playground-models',
    value: models[0] ?? '',
    required: true,
  });
  const options = h('datalist', { id: 'playground-models' }, ...models.map((id) => h('option', { value: id })));
  const message = h('textarea', { id: 'playground-message', required: true }, 'Say hello in five words.');
  const send = h('button', { type: 'submit' }, 'Send');
  const output = h('pre', { 'aria-live': 'polite', id: 'playground-output' });
  const headers = h('div', {});
  const recorded = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'card' },
    field('Model', model),
    options,
    field('Message', message),
    h('p', {}, send),
  );
  main.append(
    form,
    h('section', { class: 'card' }, h('h2', {}, 'Answer'), output, h('h2', {}, 'Gateway headers'), headers, recorded),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    send.disabled = true;
    output.textContent = '';
    headers.replaceChildren();
    recorded.replaceChildren();
    try {
      const response = await fetch('/v1/chat/completions', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { ...csrfHeaders, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: model.value,
          stream: true,
          messages: [{ role: 'user', content: message.value }],
        }),
      });
      const gateway = [...response.headers.entries()].filter(
        ([name]) => name.startsWith('x-llm-proxy-') || name === 'x-request-id',
      );
      headers.replaceChildren(
        table(
          ['Header', 'Value'],
          gateway.map(([name, value]) => [name, value]),
        ),
      );
      if (!response.ok || response.body === null) {
        const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
        throw new Error(body.error?.message ?? `${response.status} ${response.statusText}`);
      }
      await readStream(response.body, (text) => output.append(text));
      const requestId = response.headers.get('x-request-id');
      if (requestId !== null) await showRecorded(requestId, recorded);
    } catch (error) {
      output.after(errorMessage(error));
    } finally {
      send.disabled = false;
    }
  });
  return undefined;
};
