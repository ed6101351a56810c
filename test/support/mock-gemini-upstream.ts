import type { ServerResponse } from 'node:http';
import { MockUpstreamServer, type RecordedRequest, sendJson } from './mock-upstream-server.ts';

type JsonObject = Record<string, unknown>;

/** What the mock model answers next. */
export interface GeminiTurn {
  text?: string;
  thought?: string;
  functionCalls?: Array<{ name: string; args: JsonObject }>;
  finishReason?: string;
}

/** Keys a `Part` may carry; exactly one data field must be set. */
const dataFields = [
  'text',
  'inlineData',
  'fileData',
  'functionCall',
  'functionResponse',
  'executableCode',
  'codeExecutionResult',
];
const metadataFields = new Set(['thought', 'thoughtSignature', 'videoMetadata', 'mediaResolution', 'partMetadata']);
/** JSON Schema keywords the `Schema` type has no field for: the real API answers 400 "Unknown name". */
const unknownSchemaKeywords = ['additionalProperties', '$schema', '$ref', '$defs', 'strict', 'const', 'oneOf', 'allOf'];

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A loopback Gemini API (`v1beta`), strict where a gateway goes wrong: `x-goog-api-key` (a wrong key is
 * a 400 `API_KEY_INVALID`, as the real API answers), roles only `user`/`model`, one data field per part,
 * a `functionResponse` only after a model turn calling that function, tool schemas without keywords the
 * `Schema` type lacks, and — for `gemini-3*` models — every `functionCall` in the history carrying the
 * `thoughtSignature` it was issued with. Streams are `alt=sse` with `\r\n\r\n` separators and no
 * `[DONE]`. Without a queued turn it answers "You said: <last user text>", or after a function
 * response "Tool said: <its result>".
 * @see ../../../shared/specs/WIRE-FORMATS.md §3, ../../../shared/specs/gemini/openapi.json
 */
export class MockGeminiUpstream extends MockUpstreamServer {
  readonly turns: GeminiTurn[] = [];
  readonly apiKey: string;
  /** Every thoughtSignature issued, in order. */
  readonly issuedSignatures: string[] = [];

  constructor(apiKey: string) {
    super((request, response) => this.#route(request, response));
    this.apiKey = apiKey;
  }

  get baseUrl(): string {
    return `${this.origin}/v1beta`;
  }

  queueTurn(...turns: GeminiTurn[]): void {
    this.turns.push(...turns);
  }

  #route(request: RecordedRequest, response: ServerResponse) {
    if (request.headers['x-goog-api-key'] !== this.apiKey)
      return sendJson(response, 400, {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
            },
          ],
        },
      });
    const match =
      /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|batchEmbedContents|embedContent|countTokens)(\?.*)?$/.exec(
        request.path,
      );
    if (request.method !== 'POST' || match === null)
      return error(response, 404, `Method not found: ${request.method} ${request.path}`, 'NOT_FOUND');
    const model = decodeURIComponent(match[1] ?? '');
    if (match[2] === 'batchEmbedContents') return this.#embed(request.body, model, response);
    if (match[2] === 'embedContent') {
      const body = request.body;
      if (!isObject(body) || !isObject(body['content']))
        return error(response, 400, 'content is required', 'INVALID_ARGUMENT');
      return sendJson(response, 200, { embedding: { values: [0.5, 0.25, 0.125] } });
    }
    if (match[2] === 'countTokens') {
      const body = request.body;
      if (!isObject(body) || (!Array.isArray(body['contents']) && !isObject(body['generateContentRequest'])))
        return error(response, 400, 'contents or generateContentRequest is required', 'INVALID_ARGUMENT');
      return sendJson(response, 200, { totalTokens: JSON.stringify(body).length });
    }
    const stream = match[2] === 'streamGenerateContent';
    if (stream && !/[?&]alt=sse/.test(match[3] ?? ''))
      return error(response, 400, 'this mock only streams with alt=sse', 'INVALID_ARGUMENT');
    const problem = this.#validate(request.body, model);
    if (problem !== undefined) return error(response, 400, problem, 'INVALID_ARGUMENT');
    const body = request.body as JsonObject;
    const turn = this.turns.shift() ?? this.#defaultTurn(body);
    const parts = this.#parts(turn);
    const usageMetadata = {
      promptTokenCount: 12,
      candidatesTokenCount: 7,
      thoughtsTokenCount: turn.thought ? 3 : 0,
      totalTokenCount: 22,
    };
    if (!stream) {
      sendJson(response, 200, {
        candidates: [{ content: { role: 'model', parts }, finishReason: turn.finishReason ?? 'STOP', index: 0 }],
        usageMetadata,
        modelVersion: model,
        responseId: 'resp-mock-1',
      });
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunks: JsonObject[][] = [];
    for (const part of parts) {
      if (typeof part['text'] === 'string' && part['thought'] !== true) {
        const text = part['text'];
        for (let at = 0; at < text.length; at += 5) chunks.push([{ text: text.slice(at, at + 5) }]);
      } else chunks.push([part]);
    }
    chunks.forEach((chunkParts, index) => {
      const last = index === chunks.length - 1;
      const event: JsonObject = {
        candidates: [
          {
            content: { role: 'model', parts: chunkParts },
            index: 0,
            ...(last ? { finishReason: turn.finishReason ?? 'STOP' } : {}),
          },
        ],
        usageMetadata: last ? usageMetadata : { promptTokenCount: 12 },
        modelVersion: model,
        responseId: 'resp-mock-1',
      };
      response.write(`data: ${JSON.stringify(event)}\r\n\r\n`);
    });
    response.end();
  }

  #embed(body: unknown, model: string, response: ServerResponse) {
    const requests = isObject(body) ? body['requests'] : undefined;
    if (!Array.isArray(requests) || requests.length === 0)
      return error(response, 400, 'requests is required', 'INVALID_ARGUMENT');
    for (const item of requests) {
      if (!isObject(item) || item['model'] !== `models/${model}`)
        return error(response, 400, 'Each request model must match the URL model', 'INVALID_ARGUMENT');
      const content = item['content'];
      if (!isObject(content) || !Array.isArray(content['parts']))
        return error(response, 400, 'content is required', 'INVALID_ARGUMENT');
    }
    const size = (item: JsonObject) =>
      typeof item['outputDimensionality'] === 'number' ? item['outputDimensionality'] : 3;
    return sendJson(response, 200, {
      embeddings: (requests as JsonObject[]).map((item, index) => ({
        values: Array.from({ length: size(item) }, (_, at) => (index + 1) / 10 + at / 100),
      })),
    });
  }

  #defaultTurn(body: JsonObject): GeminiTurn {
    const contents = body['contents'] as Array<{ role: string; parts: JsonObject[] }>;
    const last = contents.at(-1);
    const functionResponse = last?.parts.find((part) => isObject(part['functionResponse']))?.['functionResponse'];
    if (isObject(functionResponse)) {
      const answer = functionResponse['response'];
      return { text: `Tool said: ${isObject(answer) ? String(answer['result'] ?? answer['error']) : ''}` };
    }
    const text = last?.parts.map((part) => (typeof part['text'] === 'string' ? part['text'] : '')).join('') ?? '';
    return { text: `You said: ${text}` };
  }

  #parts(turn: GeminiTurn): JsonObject[] {
    const parts: JsonObject[] = [];
    if (turn.thought !== undefined) parts.push({ text: turn.thought, thought: true });
    if (turn.text !== undefined) parts.push({ text: turn.text });
    (turn.functionCalls ?? []).forEach((call, index) => {
      const part: JsonObject = { functionCall: { name: call.name, args: call.args } };
      // With parallel calls only the first carries the signature.
      if (index === 0) {
        const signature = Buffer.from(`signature-${this.issuedSignatures.length + 1}-${'x'.repeat(40)}`).toString(
          'base64',
        );
        this.issuedSignatures.push(signature);
        part['thoughtSignature'] = signature;
      }
      parts.push(part);
    });
    return parts;
  }

  #validate(body: unknown, model: string): string | undefined {
    if (!isObject(body)) return 'Invalid JSON payload received.';
    for (const key of Object.keys(body))
      if (
        ![
          'contents',
          'systemInstruction',
          'tools',
          'toolConfig',
          'generationConfig',
          'safetySettings',
          'cachedContent',
        ].includes(key)
      )
        return `Invalid JSON payload received. Unknown name "${key}": Cannot find field.`;
    const contents = body['contents'];
    if (!Array.isArray(contents) || contents.length === 0)
      return '* GenerateContentRequest.contents: contents is not specified';
    const called = new Set<string>();
    for (const [index, content] of contents.entries()) {
      if (!isObject(content) || (content['role'] !== 'user' && content['role'] !== 'model'))
        return `Please use a valid role: user, model. (contents[${index}])`;
      const parts = content['parts'];
      if (!Array.isArray(parts) || parts.length === 0) return `contents[${index}].parts must not be empty`;
      let firstCall = true;
      for (const part of parts) {
        if (!isObject(part)) return `contents[${index}].parts: not an object`;
        const data = Object.keys(part).filter((key) => dataFields.includes(key));
        const unknown = Object.keys(part).filter((key) => !dataFields.includes(key) && !metadataFields.has(key));
        if (unknown.length > 0)
          return `Invalid JSON payload received. Unknown name "${unknown[0]}" at 'contents[${index}].parts'`;
        if (data.length !== 1)
          return `contents[${index}].parts: exactly one data field must be set (got ${data.join(', ') || 'none'})`;
        const call = part['functionCall'];
        if (isObject(call)) {
          if (content['role'] !== 'model') return 'functionCall parts belong to model turns';
          called.add(String(call['name']));
          if (model.startsWith('gemini-3') && firstCall) {
            const signature = part['thoughtSignature'];
            if (typeof signature !== 'string' || !this.issuedSignatures.includes(signature))
              return `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly (contents[${index}]).`;
          }
          firstCall = false;
        }
        const result = part['functionResponse'];
        if (isObject(result) && !called.has(String(result['name'])))
          return `functionResponse for '${String(result['name'])}' without a preceding functionCall`;
      }
    }
    const tools = body['tools'];
    if (tools !== undefined) {
      const text = JSON.stringify(tools);
      for (const keyword of unknownSchemaKeywords)
        if (text.includes(`"${keyword}"`))
          return `Invalid JSON payload received. Unknown name "${keyword}" at 'tools[0].function_declarations[0].parameters': Cannot find field.`;
    }
    return undefined;
  }
}

function error(response: ServerResponse, code: number, message: string, status: string): void {
  sendJson(response, code, { error: { code, message, status } });
}
