import type { Principal } from '../../governance/principal.ts';

/** Whose stored responses a caller sees: its key's, the master key's, or (on an open gateway) everyone's. */
export function responseOwner(principal: Principal | undefined): string {
  if (principal?.kind === 'key') return `key:${principal.key.id}`;
  return principal?.kind === 'master' ? 'master' : 'anonymous';
}
