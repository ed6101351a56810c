import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rewriteBodyModel } from '../../../src/http/shared/rewrite-body-model.ts';

const rewrite = (text: string, prepend?: string) =>
  rewriteBodyModel(text, { model: 'alias', replacement: 'upstream-1', prepend });

describe('rewriteBodyModel', () => {
  it("replaces only the top-level model's value and keeps every other byte", () => {
    const text =
      '{ "messages" : [{"role":"user","content":"say \\"hi\\""}],\n  "model" :  "alias", "temperature": 1.0, "seed": 12345678901234567890, "top_p": 1e0 }';
    assert.equal(
      rewrite(text),
      '{ "messages" : [{"role":"user","content":"say \\"hi\\""}],\n  "model" :  "upstream-1", "temperature": 1.0, "seed": 12345678901234567890, "top_p": 1e0 }',
    );
  });

  it('adds a member at the front when asked', () => {
    const text = ' {"model":"alias","stream":true}';
    const rewritten = rewrite(text, '"stream_options":{"include_usage":true}');
    assert.equal(rewritten, ' {"stream_options":{"include_usage":true},"model":"upstream-1","stream":true}');
    assert.deepEqual(JSON.parse(rewritten ?? ''), {
      stream_options: { include_usage: true },
      model: 'upstream-1',
      stream: true,
    });
  });

  it('escapes the replacement as a JSON string', () => {
    assert.equal(rewriteBodyModel('{"model":"a"}', { model: 'a', replacement: 'x"y' }), '{"model":"x\\"y"}');
  });

  it('gives up whenever the top-level key cannot be told apart with certainty', () => {
    const cases = {
      // The key itself may be spelled with an escape; then the one literal "model" could be another.
      'a \\u escape anywhere': '{"mod\\u0065l":"alias","metadata":{"model":"alias"}}',
      'a nested key of the same name': '{"model":"alias","metadata":{"model":"alias"}}',
      'a string value spelled "model"': '{"model":"alias","messages":[{"role":"model"}]}',
      'an escaped quote before model in a string': '{"messages":[{"content":"a \\"model"}],"model":"alias"}',
      'a value with an escape in it': '{"model":"ali\\/as"}',
      'a value that is not the parsed one': '{"model":"other"}',
      'no model at all': '{"messages":[]}',
      // A request with no JSON body keeps `bodyText` at its default ''.
      'no text at all': '',
      'a value that is not a string': '{"model":12}',
    };
    for (const [name, text] of Object.entries(cases)) assert.equal(rewrite(text), undefined, name);
  });

  it('every rewrite parses to the body with only model changed', () => {
    const bodies = [
      { model: 'alias', messages: [{ role: 'user', content: 'model: "x" \n\t tab' }] },
      { messages: [{ role: 'user', content: 'é — ✓ 😀' }], max_tokens: 5, model: 'alias' },
      { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }], model: 'alias' },
    ];
    for (const body of bodies) {
      for (const text of [JSON.stringify(body), JSON.stringify(body, null, 2)]) {
        assert.deepEqual(JSON.parse(rewrite(text) ?? 'null'), { ...body, model: 'upstream-1' });
      }
    }
  });
});
