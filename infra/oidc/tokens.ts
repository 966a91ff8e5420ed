/**
 * Getting access tokens from an OpenID provider without a browser, for the tests and the quick
 * start's instructions: the client-credentials grant (a service), and the authorization code
 * grant with PKCE driven through the local provider's development login pages (an agent; the
 * console will do this in a browser).
 */
import { createHash, randomBytes } from 'node:crypto';

export async function clientCredentialsToken(issuer: string, clientId: string, secret: string, scope: string): Promise<string> {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
  });
  const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!body.access_token)
    throw new Error(`client credentials for ${clientId}: ${body.error ?? response.status} ${body.error_description ?? ''}`);
  return body.access_token;
}

/** A browser's cookie jar, as far as one login needs it. */
class Jar {
  readonly #cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      this.#cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  }
  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** Follows redirects by hand (keeping cookies) until one leaves the provider; returns that URL. */
async function follow(jar: Jar, url: string, init: RequestInit = {}): Promise<string> {
  let next = url;
  let request = init;
  for (let hops = 0; hops < 10; hops++) {
    const response = await fetch(next, { ...request, redirect: 'manual', headers: { ...request.headers, cookie: jar.header() } });
    jar.take(response);
    const location = response.headers.get('location');
    if (!location) return next;
    next = new URL(location, next).toString();
    if (!next.startsWith(new URL(url).origin)) return next;
    request = {};
  }
  throw new Error('too many redirects');
}

/** The authorization code flow of one agent through the development login pages; returns the access token. */
export async function agentToken(
  issuer: string,
  client: { clientId: string; redirectUri: string },
  login: string,
  scope: string,
): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${issuer}/auth`);
  authorize.search = new URLSearchParams({
    client_id: client.clientId,
    response_type: 'code',
    redirect_uri: client.redirectUri,
    scope: `openid ${scope}`,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('hex'),
  }).toString();
  const jar = new Jar();
  const form = (prompt: Record<string, string>): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(prompt),
  });
  const loginPage = await follow(jar, authorize.toString());
  const consentPage = await follow(jar, loginPage, form({ prompt: 'login', login, password: 'demo' }));
  const redirected = consentPage.startsWith(client.redirectUri) ? consentPage : await follow(jar, consentPage, form({ prompt: 'consent' }));
  const code = new URL(redirected).searchParams.get('code');
  if (!code) throw new Error(`agent login ${login}: no code in ${new URL(redirected).search}`);
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      client_id: client.clientId,
      code_verifier: verifier,
    }),
  });
  const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!body.access_token) throw new Error(`agent login ${login}: ${body.error ?? response.status} ${body.error_description ?? ''}`);
  return body.access_token;
}
