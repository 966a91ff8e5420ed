/**
 * What the quick start prints once everything runs: where to look, and demo requests to paste.
 * The simulators write their own lines (silos/<name>/simulator.ts, `banner`), sorted by rank
 * between the header and the footer.
 */
import type { RunningRelais } from './start-all.ts';

type RelaisInfo = Omit<RunningRelais, 'stop'>;

/** How to get a token from the local OpenID provider. */
function oidcLines(running: RelaisInfo): string[] {
  const oidc = running.oidc;
  if (!oidc) return [];
  const { id, secret } = oidc.serviceClient;
  return [
    `  OpenID provider ${oidc.issuer}   (demo; ProConnect in production — docs/security.md)`,
    `    a service token (client credentials):`,
    `      curl -s -u ${id}:${secret} -d grant_type=client_credentials -d 'scope=changes:write changes:read' ${oidc.issuer}/token`,
    ...(running.consoleUrl ? [`  agent console   ${running.consoleUrl}   (French; ${running.consoleUrl}/?lang=en in English)`] : []),
    `    agents (authorization code + PKCE, client ${oidc.consoleClient}; log in with one of these names, any password):`,
    ...oidc.agents.map((a) => `      ${a.sub}  roles: ${a.roles.join(', ')}`),
    ...(running.citizenUrl ? [`  citizen space   ${running.citizenUrl}   (French; ${running.citizenUrl}/?lang=en in English)`] : []),
    `    demo citizens (client ${oidc.citizenClient}; any password): ${oidc.citizens.join(', ')}`,
    `      jeanne.martin and paul.nguyen are found in the register; jean-pierre.bernard has a homonym, camille.durand is unknown`,
  ];
}

export function banner(running: RelaisInfo): string {
  const lines = [...running.banner].sort((a, b) => a.rank - b.rank).flatMap((entry) => entry.lines);
  return [
    '',
    `Relais is running (store: ${running.store}, Kafka: ${running.brokers}).`,
    `  gateway         ${running.gatewayUrl}   (API: ${running.gatewayUrl}/openapi.json)`,
    `  operations      ${running.opsUrl}   (/metrics, /readyz with reasons: not for the public network)`,
    `  dev credential  ${running.devToken}`,
    ...oidcLines(running),
    ...lines,
    '',
    'Ctrl-C stops everything, the Kafka broker included.',
  ].join('\n');
}
