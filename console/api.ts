/**
 * The gateway's public HTTP API as the console calls it: the typed client generated from
 * gateway/openapi.yaml (openapi-fetch), with the agent's access token — every console action is
 * one of these calls, so a program can do whatever an agent does here. A problem answer becomes
 * an ApiProblem the pages show (its detail names the rule or the field).
 */
import createClient from 'openapi-fetch';
import type { components, paths } from '../gateway/generated/api.ts';

export type Schemas = components['schemas'];
export type Gateway = ReturnType<typeof createClient<paths>>;

export class ApiProblem extends Error {
  readonly status: number;
  readonly problem: Partial<Schemas['Problem']>;
  constructor(status: number, problem: Partial<Schemas['Problem']> | undefined) {
    super(problem?.detail ?? problem?.title ?? `the API answered ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }
}

/** A client acting as the agent; `purpose` is sent as Relais-Purpose (reads of a citizen's timeline). */
export function gatewayAs(baseUrl: string, accessToken: string, purpose?: string): Gateway {
  return createClient<paths>({
    baseUrl,
    headers: { authorization: `Bearer ${accessToken}`, ...(purpose ? { 'relais-purpose': purpose } : {}) },
  });
}

/** The answer's body, or the problem thrown. */
export function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  throw new ApiProblem(result.response.status, result.error as Partial<Schemas['Problem']> | undefined);
}
