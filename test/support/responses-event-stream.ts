/** Hand-written Responses API event streams for scripted mock replies (`MockUpstreamServer.enqueue({ sse })`). */
type JsonObject = Record<string, unknown>;

/** A completed assistant message item with one output_text part. */
export function assistantMessage(id: string, text: string): JsonObject {
  return {
    type: 'message',
    id,
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
  };
}

/** A Responses event stream, as OpenAI sends it, whose output is `items` (text streamed in one delta). */
export function responsesStream(id: string, model: string, items: JsonObject[]): string[] {
  let sequence = 0;
  const event = (type: string, data: JsonObject): string =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`;
  const response = { id, object: 'response', created_at: 1_790_000_000, model, output: [] as JsonObject[] };
  const events = [
    event('response.created', { response: { ...response, status: 'in_progress' } }),
    event('response.in_progress', { response: { ...response, status: 'in_progress' } }),
  ];
  items.forEach((item, outputIndex) => {
    if (item['type'] !== 'message') {
      events.push(event('response.output_item.added', { output_index: outputIndex, item }));
      events.push(event('response.output_item.done', { output_index: outputIndex, item }));
      return;
    }
    const part = (item['content'] as JsonObject[])[0] as JsonObject;
    const where = { item_id: item['id'], output_index: outputIndex, content_index: 0 };
    events.push(
      event('response.output_item.added', {
        output_index: outputIndex,
        item: { ...item, status: 'in_progress', content: [] },
      }),
      event('response.content_part.added', { ...where, part: { ...part, text: '' } }),
      event('response.output_text.delta', { ...where, delta: part['text'], logprobs: [] }),
      event('response.output_text.done', { ...where, text: part['text'], logprobs: [] }),
      event('response.content_part.done', { ...where, part }),
      event('response.output_item.done', { output_index: outputIndex, item }),
    );
  });
  const usage = {
    input_tokens: 1200,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 20,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 1220,
  };
  events.push(event('response.completed', { response: { ...response, status: 'completed', output: items, usage } }));
  return events;
}
