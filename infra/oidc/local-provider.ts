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
 *   - citizens: the same grant through the same pages for the citizen space's client (standing in
 *     for FranceConnect): a demo citizen's access token carries the `citizen` role and the
 *     identity claims FranceConnect vouches for (given_name, family_name, birthdate, birthplace,
 *     birthcountry), which the gateway matches to a pivot id (gateway/citizen-identity.ts).
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

/** A demo citizen: the identity claims a FranceConnect identity provider would vouch for. */
export interface DemoCitizen {
  sub: string;
  given_name: string;
  family_name: string;
  /** YYYY-MM-DD */
  birthdate: string;
  /** INSEE code of the birth commune ('' when born abroad). */
  birthplace: string;
  /** INSEE code of the birth country (99100: France). */
  birthcountry: string;
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
  /** Demo citizens, and the citizen space's client (public, PKCE), when there is one. */
  citizens?: DemoCitizen[];
  citizenSpace?: { clientId: string; redirectUris: string[] };
  accessTokenTtlSeconds?: number;
}

export interface LocalProvider {
  issuer: string;
  close(): Promise<void>;
}

function configuration(options: LocalProviderOptions): Configuration {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const agents = new Map(options.agents.map((a) => [a.sub, a]));
  const citizens = new Map((options.citizens ?? []).map((c) => [c.sub, c]));
  const publicClient = (client: { clientId: string; redirectUris: string[] }) => ({
    client_id: client.clientId,
    token_endpoint_auth_method: 'none' as const,
    grant_types: ['authorization_code'],
    response_types: ['code' as const],
    redirect_uris: client.redirectUris,
    scope: `openid ${API_SCOPES}`,
  });
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
      publicClient(options.console),
      ...(options.citizenSpace ? [publicClient(options.citizenSpace)] : []),
    ],
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    scopes: ['openid', ...API_SCOPES.split(' ')],
    claims: { openid: ['sub'], profile: ['name'] },
    async findAccount(_ctx, sub) {
      const agent = agents.get(sub);
      const citizen = citizens.get(sub);
      if (agent) return { accountId: sub, claims: () => ({ sub, name: agent.name }) };
      if (citizen) return { accountId: sub, claims: () => ({ sub, name: `${citizen.given_name} ${citizen.family_name}` }) };
      return undefined;
    },
    async extraTokenClaims(_ctx, token) {
      const accountId = 'accountId' in token ? token.accountId : undefined;
      if (typeof accountId !== 'string') return undefined;
      const agent = agents.get(accountId);
      if (agent) return { roles: agent.roles };
      const citizen = citizens.get(accountId);
      if (!citizen) return undefined;
      const { sub: _sub, ...identity } = citizen;
      return { roles: ['citizen'], ...identity };
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
