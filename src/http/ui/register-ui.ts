import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loadUiAssets } from './load-ui-assets.ts';
import { csrfHeader, sameOrigin } from './session-principal.ts';
import { SignInThrottle } from './sign-in-throttle.ts';
import { readCookie, sessionCookie, type UiSessions } from './ui-sessions.ts';

/**
 * No inline script, nothing from anywhere but this gateway. The referrer policy keeps `Origin` on the
 * sign-in form's POST (`no-referrer` would turn it into `null`), which the CSRF check reads.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (character) => escapes[character] ?? '');

function secureHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', contentSecurityPolicy)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('x-frame-options', 'DENY');
}

function cookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${sessionCookie}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

/**
 * The dashboard at `/ui`: the sign-in form, sign-out, the page shell and its static modules. Every
 * page's data comes from the admin API, which takes the sign-in cookie as it takes the master key.
 */
export async function registerUi(app: FastifyInstance, sessions: UiSessions): Promise<void> {
  const assets = await loadUiAssets();
  const throttle = new SignInThrottle({ max: 10, windowMs: 60_000 });
  const signInPage = assets.get('sign-in.html')?.body.toString('utf8') ?? '';
  const renderSignIn = (message: string): string =>
    signInPage.replace(
      '<!--message-->',
      message === '' ? '' : `<p class="error" role="alert">${escapeHtml(message)}</p>`,
    );
  const signedIn = (request: FastifyRequest): boolean | Promise<boolean> =>
    sessions.isValid(readCookie(request.headers.cookie, sessionCookie));
  const ui = { errorShape: 'simple' } as const;

  await app.register(async function uiRoutes(scope) {
    // The sign-in form posts as a plain HTML form (works before any script runs).
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );

    scope.get('/ui', { config: ui, schema: { hide: true } }, async function dashboard(request, reply) {
      if (!(await signedIn(request))) return reply.redirect('/ui/sign-in', 302);
      const page = assets.get('index.html');
      return secureHeaders(reply)
        .header('cache-control', 'no-store')
        .type(page?.contentType ?? 'text/html')
        .send(page?.body);
    });

    scope.get('/ui/sign-in', { config: ui, schema: { hide: true } }, async function signInForm(_request, reply) {
      return secureHeaders(reply)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(renderSignIn(''));
    });

    scope.post<{ Body: { key?: string } }>(
      '/ui/sign-in',
      { config: ui, schema: { hide: true } },
      async function signIn(request, reply) {
        secureHeaders(reply).header('cache-control', 'no-store').type('text/html; charset=utf-8');
        if (!sameOrigin(request)) return reply.code(403).send(renderSignIn('Sign in from the gateway’s own page.'));
        const wait = throttle.attempt(request.ip);
        if (wait > 0) {
          return reply
            .code(429)
            .header('retry-after', String(wait))
            .send(renderSignIn(`Too many sign-in attempts: try again in ${wait} s.`));
        }
        const key = typeof request.body?.key === 'string' ? request.body.key : '';
        const token = await sessions.signIn(key);
        // The form again, with the reason: a 200, as a browser shows a page (and logs no failed load).
        if (token === undefined) return reply.send(renderSignIn('That is not the master key.'));
        return reply
          .header('set-cookie', cookie(request, token, Math.floor(sessions.lifetimeMs / 1000)))
          .redirect('/ui', 303);
      },
    );

    scope.post('/ui/sign-out', { config: ui, schema: { hide: true } }, async function signOut(request, reply) {
      if (request.headers[csrfHeader] !== '1' || !sameOrigin(request)) return reply.code(403).send();
      await sessions.signOut(readCookie(request.headers.cookie, sessionCookie));
      return reply
        .header('set-cookie', cookie(request, '', 0))
        .code(204)
        .send();
    });

    scope.get<{ Params: { '*': string } }>(
      '/ui/assets/*',
      { config: ui, schema: { hide: true } },
      async function asset(request, reply) {
        const found = assets.get(request.params['*']);
        if (found === undefined) return reply.code(404).send({ error: { message: 'No such dashboard file.' } });
        return secureHeaders(reply).header('cache-control', 'no-cache').type(found.contentType).send(found.body);
      },
    );
  });
}
