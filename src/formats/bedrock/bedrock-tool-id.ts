import { createHash } from 'node:crypto';

const allowed = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * A tool-use id Bedrock accepts (`^[a-zA-Z0-9_-]{1,64}$`). Ids from other providers (OpenAI's
 * `call_…`, ids with `.` or `:`, Gemini's long signature-carrying ones) are rewritten the same way
 * every time, so a tool call and its result still match.
 */
export function bedrockToolId(id: string): string {
  if (allowed.test(id)) return id;
  const cleaned = id.replace(/[^a-zA-Z0-9_-]/g, '_');
  if (cleaned.length > 0 && cleaned.length <= 64) return cleaned;
  return `${cleaned.slice(0, 40)}_${createHash('sha256').update(id).digest('hex').slice(0, 20)}`;
}
