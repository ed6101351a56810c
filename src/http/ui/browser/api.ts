// Every call the dashboard makes goes to this gateway's admin API, with the sign-in cookie.

/** An admin API answer that was not a success. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Headers every call sends: the CSRF header the gateway asks of calls that change something. */
export const csrfHeaders: Record<string, string> = { 'x-llm-proxy-csrf': '1' };

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { ...csrfHeaders };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  if (response.status === 401) {
    window.location.assign('/ui/sign-in');
    throw new ApiError(401, 'Signed out.');
  }
  if (!response.ok) {
    const text = await response.text();
    let message = `${response.status} ${response.statusText}`;
    try {
      const parsed = JSON.parse(text) as { error?: { message?: string } };
      message = parsed.error?.message ?? message;
    } catch {
      // Not JSON: keep the status line.
    }
    throw new ApiError(response.status, message);
  }
  return response;
}

/** GET a JSON document. */
export async function getJson<T>(path: string): Promise<T> {
  return (await (await send('GET', path)).json()) as T;
}

/** Send JSON with POST, PATCH or DELETE; the answer's JSON, or undefined when it has none. */
export async function sendJson<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  const text = await response.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** A query string from the defined entries of `params`. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
