/**
 * The non-streaming answers every benchmark upstream gives (bench/mock-upstream.ts and the nginx canned
 * upstream, `startCannedUpstream`): one Chat Completions and one Anthropic Messages answer, byte for byte the
 * same in both, so that a proxy does the same work whichever upstream it is measured against.
 */
export const openAIAnswer = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1767000000,
  model: 'gpt-bench',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello from the benchmark upstream.', refusal: null },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 250, completion_tokens: 9, total_tokens: 259, prompt_tokens_details: { cached_tokens: 0 } },
});

export const anthropicAnswer = JSON.stringify({
  id: 'msg_bench',
  type: 'message',
  role: 'assistant',
  model: 'claude-bench',
  content: [{ type: 'text', text: 'Hello from the benchmark upstream.' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 250, output_tokens: 9, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
});
