import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nativeCall } from '../../../src/providers/gemini/gemini-native-call.ts';

describe('nativeCall (a Gemini caller’s body to a Gemini upstream)', () => {
  it('puts the model in the path and leaves the body untouched', () => {
    const contents = [{ role: 'user', parts: [{ text: 'hi' }] }];
    assert.deepEqual(
      nativeCall({ operation: 'chat', surface: 'gemini', stream: true, body: { model: 'gemini-2.5-flash', contents } }),
      { path: '/models/gemini-2.5-flash:streamGenerateContent?alt=sse', body: { contents } },
    );
    assert.equal(
      nativeCall({ operation: 'chat', stream: false, body: { model: 'gemini-2.5-flash', contents } }).path,
      '/models/gemini-2.5-flash:generateContent',
    );
  });

  it('rewrites the model an alias named inside batch embeddings and a counted generateContentRequest', () => {
    const batch = nativeCall({
      operation: 'embeddings',
      stream: false,
      body: { model: 'gemini-embedding-001', requests: [{ model: 'models/my-alias', content: { parts: [] } }] },
    });
    assert.equal(batch.path, '/models/gemini-embedding-001:batchEmbedContents');
    assert.deepEqual(batch.body, {
      requests: [{ model: 'models/gemini-embedding-001', content: { parts: [] } }],
    });
    const counted = nativeCall({
      operation: 'count-tokens',
      stream: false,
      body: { model: 'gemini-2.5-pro', generateContentRequest: { model: 'models/my-alias', contents: [] } },
    });
    assert.deepEqual(counted, {
      path: '/models/gemini-2.5-pro:countTokens',
      body: { generateContentRequest: { model: 'models/gemini-2.5-pro', contents: [] } },
    });
    assert.equal(
      nativeCall({ operation: 'embeddings', stream: false, body: { model: 'e', content: { parts: [] } } }).path,
      '/models/e:embedContent',
    );
  });
});
