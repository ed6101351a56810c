/** What the caller's `Cache-Control` asks of the response cache. */
export interface CacheDirective {
  /** False for `no-cache` and `no-store`. */
  lookup: boolean;
  /** False for `no-store`. */
  store: boolean;
  /** `max-age=N`: only entries at most N seconds old are served. */
  maxAgeSeconds: number | undefined;
}

const normal: CacheDirective = { lookup: true, store: true, maxAgeSeconds: undefined };

/**
 * Reads a request's `Cache-Control` (RFC 9111 §5.2.1): `no-cache` skips the lookup but stores the fresh
 * answer, `no-store` neither looks up nor stores, `max-age=N` bounds the age of a served entry.
 * @see https://www.rfc-editor.org/rfc/rfc9111#section-5.2.1
 */
export function readCacheControl(header: string | undefined): CacheDirective {
  if (header === undefined || header === '') return normal;
  let lookup = true;
  let store = true;
  let maxAgeSeconds: number | undefined;
  for (const raw of header.split(',')) {
    const [name = '', value] = raw.trim().toLowerCase().split('=', 2);
    if (name === 'no-store') {
      lookup = false;
      store = false;
    } else if (name === 'no-cache') {
      lookup = false;
    } else if (name === 'max-age' && value !== undefined && /^\d+$/.test(value.replace(/"/g, ''))) {
      maxAgeSeconds = Number(value.replace(/"/g, ''));
    }
  }
  return { lookup, store, maxAgeSeconds };
}
