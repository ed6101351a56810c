import { ConfigError } from './config-error.ts';

const reference = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const wholeReference = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed YAML document. An unset variable
 * without a default becomes the empty string (an empty `api_key` leaves the provider unconfigured).
 * A string that is nothing but one reference and resolves to a number or boolean takes that type, so
 * `port: ${PORT}` works.
 */
export function interpolateEnv(value: unknown, env: Readonly<Record<string, string | undefined>>, path = ''): unknown {
  if (typeof value === 'string') {
    const replaced = value.replace(reference, (_match, name: string, fallback: string | undefined) => {
      const found = env[name];
      return found !== undefined && found !== '' ? found : (fallback ?? '');
    });
    if (wholeReference.test(value)) {
      if (/^-?\d+(\.\d+)?$/.test(replaced)) return Number(replaced);
      if (replaced === 'true' || replaced === 'false') return replaced === 'true';
    }
    return replaced;
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolateEnv(item, env, `${path}[${index}]`));
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === '__proto__') throw new ConfigError(`${path || 'config'}: the key __proto__ is not allowed`);
      result[key] = interpolateEnv(item, env, path === '' ? key : `${path}.${key}`);
    }
    return result;
  }
  return value;
}
