/**
 * The gateway of a route test: the repository's flows and rights file, static agent credentials
 * (`<name>-token`), a silent logger, on an ephemeral port; `call` sends JSON as one of them.
 */
import { loadFlows } from '../../core/flows/flows.ts';
import { createLogger } from '../../core/logger.ts';
import type { Db } from '../../core/store/db.ts';
import { topicNames } from '../../core/topics.ts';
import { createApp } from '../../gateway/app.ts';
import { Authenticator, sha256Hex, type Credential } from '../../gateway/auth.ts';
import { loadRights } from '../../gateway/rights/rights.ts';
import { listen } from './http.ts';

/** A static agent credential whose token is `<name>-token`. */
export const agentCredential = (name: string, scopes: Credential['scopes'], roles: string[]): Credential => ({
  name,
  tokenSha256: sha256Hex(`${name}-token`),
  scopes,
  roles,
});

export interface TestGateway {
  url: string;
  close(): Promise<void>;
  /** Sends `body` as JSON with `<who>-token`; the status and the parsed body. */
  call(
    who: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; type: string; body: Record<string, unknown> }>;
}

export async function startTestGateway(db: Db, credentials: Credential[], maxBodyBytes = 8192): Promise<TestGateway> {
  const flows = loadFlows('flows');
  const server = await listen(
    createApp({
      db,
      flows: () => flows,
      rights: loadRights('flows/rights.yaml', flows),
      topics: topicNames('relais'),
      auth: new Authenticator(credentials),
      logger: createLogger({ component: 'test', level: 'silent' }),
      maxBodyBytes,
    }),
  );
  return {
    ...server,
    async call(who, method, path, body, headers = {}) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${who}-token`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return {
        status: response.status,
        type: response.headers.get('content-type') ?? '',
        body: (text ? JSON.parse(text) : undefined) as Record<string, unknown>,
      };
    },
  };
}
