/**
 * Calls the admin API with the master key: a GET without a body, a POST with one; answers the JSON.
 * `baseUrl` is read at each call, as a test's gateway starts after the helper is made.
 */
export function adminCaller(
  baseUrl: () => string,
  masterKey: string,
): (path: string, body?: unknown) => Promise<Record<string, unknown>> {
  return async (path, body) => {
    const response = await fetch(`${baseUrl()}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${masterKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await response.json()) as Record<string, unknown>;
  };
}
