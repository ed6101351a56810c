/**
 * A target's `params` merged over an upstream body: top-level fields in the provider's own format,
 * overriding what the gateway or the caller put there. The one rule for every provider, on both paths:
 * the gateway applies it to the bodies it forwards (passthrough), and every provider to the body it
 * builds (translated) from `CallContext.extraBody`. Without params the body itself is returned.
 */
export function withTargetParams<Body extends object>(
  body: Body,
  params: Readonly<Record<string, unknown>> | undefined,
): Body {
  return params === undefined ? body : { ...body, ...params };
}
