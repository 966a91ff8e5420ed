/**
 * A real OpenID provider for the quick start and the tests (`oidc-provider`, the certified
 * Node.js implementation), standing in for ProConnect (agents) and the administration's OAuth
 * server (services). It issues JWT access tokens (RFC 9068) for one resource, the Relais API
 * (audience `relais-api`), signed with a key generated at start and published at /jwks:
 *   - services: the client-credentials grant, one client per demo service (its id is a client of
 *     flows/rights.yaml);
 *   - agents: the authorization code grant with PKCE through the provider's development login
 *     pages (any demo agent's name logs in, without a password: a demo, never production); the
 *     agent's roles (roles of flows/rights.yaml) are the `roles` claim of the access token.
 * Stores are in memory: a restart forgets tokens and sessions.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Server } from 'node:http';
import Provider, { type Configuration } from 'oidc-provider';
import { freePort } from '../../core/free-port.ts';

export const RELAIS_AUDIENCE = 'relais-api';
/** The API's resource indicator (RFC 8707 wants an absolute URI); its tokens' audience is RELAIS_AUDIENCE. */
const RELAIS_RESOURCE = 'urn:relais:api';
/** The scopes a token may carry for the Relais API (gateway/auth.ts). */
const API_SCOPES =
  'changes:write changes:read citizens:read citizens:write service-requests:write service-requests:read identity:review identity:manage kpis:read systems:read dead-letters:write';

export interface DemoAgent {
  sub: string;
  name: string;
  roles: string[];
}

export interface DemoService {
  clientId: string;
  clientSecret: string;
  /** Scopes of the API it may ask for. */
  scope: string;
}

export interface LocalProviderOptions {
  /** 0: a free port. */
  port: number;
  host?: string;
  agents: DemoAgent[];
  services: DemoService[];
  /** The agent-facing client (the console, later): public, PKCE, redirected to these URIs. */
  console: { clientId: string; redirectUris: string[] };
  accessTokenTtlSeconds?: number;
}

export interface LocalProvider {
  issuer: string;
  close(): Promise<void>;
}

function configuration(options: LocalProviderOptions): Configuration {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const agents = new Map(options.agents.map((a) => [a.sub, a]));
  const ttl = options.accessTokenTtlSeconds ?? 600;
  return {
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'relais-local-1', alg: 'ES256', use: 'sig' }] },
    clients: [
      ...options.services.map((s) => ({
        client_id: s.clientId,
        client_secret: s.clientSecret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: s.scope,
      })),
      {
        client_id: options.console.clientId,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: options.console.redirectUris,
        scope: `openid ${API_SCOPES}`,
      },
    ],
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    scopes: ['openid', ...API_SCOPES.split(' ')],
    claims: { openid: ['sub'], profile: ['name'] },
    async findAccount(_ctx, sub) {
      const agent = agents.get(sub);
      if (!agent) return undefined;
      return { accountId: sub, claims: () => ({ sub, name: agent.name }) };
    },
    async extraTokenClaims(_ctx, token) {
      const accountId = 'accountId' in token ? token.accountId : undefined;
      const agent = typeof accountId === 'string' ? agents.get(accountId) : undefined;
      return agent ? { roles: agent.roles } : undefined;
    },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RELAIS_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== RELAIS_RESOURCE) throw new Error(`unknown resource ${resource}`);
          return {
            scope: API_SCOPES,
            audience: RELAIS_AUDIENCE,
            accessTokenFormat: 'jwt',
            accessTokenTTL: ttl,
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    pkce: { required: () => true },
    ttl: { AccessToken: ttl, ClientCredentials: ttl },
  };
}

export async function startLocalProvider(options: LocalProviderOptions): Promise<LocalProvider> {
  const host = options.host ?? '127.0.0.1';
  // The issuer names its port: it must be known before the provider is built.
  const port = options.port || (await freePort(host));
  const issuer = `http://${host}:${port}`;
  const provider = new Provider(issuer, configuration(options));
  const server: Server = provider.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
