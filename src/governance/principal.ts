import type { ApiKeyRecord } from '../store/store-records.ts';

/**
 * Who is calling: the master key (every right), a virtual key (its own limits), or — when no master
 * key is configured — anyone.
 */
export type Principal = { kind: 'master' } | { kind: 'key'; key: ApiKeyRecord } | { kind: 'anonymous' };
