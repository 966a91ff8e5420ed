/**
 * The thin typed client over the social-services REST API (types generated from the silo's
 * OpenAPI document). It turns HTTP outcomes into the connector contract's vocabulary, so no
 * raw fetch or HTTP error leaves this file:
 *   2xx → ok; 4xx → a refusal with the silo's code and message (not retried);
 *   5xx, 408, 429, network failure, timeout → RetryableError;
 *   401/403 → RetryableError too: a wrong API key is Relais' configuration, not the silo
 *   refusing the change, so the delivery ends in the DLQ (replayable once fixed), not rejected.
 */
import createClient from 'openapi-fetch';
import { httpFetch, RetryableError } from '@relais/connector-kit';
import type { components, paths } from './generated/silo-api.ts';

type Erreur = components['schemas']['Erreur'];

/** W3C Trace Context travels as a plain HTTP header (the silo's logs can join the trace). */
function traceHeaders(traceparent: string | undefined): Record<string, string> {
  return traceparent ? { traceparent } : {};
}

export type WriteResult = { ok: true } | { ok: false; status: number; code: string; message: string };

export interface SocialServicesClientOptions {
  baseUrl: string;
  apiKey?: string | undefined;
}

export class SocialServicesClient {
  private readonly http: ReturnType<typeof createClient<paths>>;

  private readonly options: SocialServicesClientOptions;

  constructor(options: SocialServicesClientOptions) {
    this.options = options;
    // node:http instead of the global fetch: a third of this connector's CPU under load (ADR 0042).
    this.http = createClient<paths>({ baseUrl: options.baseUrl, fetch: httpFetch() });
  }

  private headers(idempotencyKey: string): { 'Idempotency-Key': string; 'X-Api-Key'?: string } {
    return this.options.apiKey
      ? { 'Idempotency-Key': idempotencyKey, 'X-Api-Key': this.options.apiKey }
      : { 'Idempotency-Key': idempotencyKey };
  }

  private async settle(action: string, call: () => Promise<{ response: Response; error?: unknown }>): Promise<WriteResult> {
    let outcome: { response: Response; error?: unknown };
    try {
      outcome = await call();
    } catch (error) {
      throw new RetryableError(`${action}: social-services unreachable (${(error as Error).name})`, { cause: error });
    }
    const { response } = outcome;
    if (response.ok) return { ok: true };
    const body = (outcome.error ?? {}) as Partial<Erreur>;
    if (response.status >= 500 || [401, 403, 408, 429].includes(response.status)) {
      throw new RetryableError(`${action}: social-services answered ${response.status} ${body.code ?? ''}`.trim());
    }
    return { ok: false, status: response.status, code: body.code ?? 'INCONNU', message: body.message ?? response.statusText };
  }

  /**
   * One page of files after `apres` (the silo's keyset: file numbers ascending), for the file
   * lister. Reads are not idempotency-scoped, so only the API key goes with them.
   */
  async listFiles(apres: string | null, limite: number, signal: AbortSignal): Promise<components['schemas']['PageDossiers']> {
    let outcome;
    try {
      outcome = await this.http.GET('/dossiers', {
        params: { query: { ...(apres === null ? {} : { apres }), limite } },
        headers: this.options.apiKey ? { 'X-Api-Key': this.options.apiKey } : {},
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new RetryableError(`listing files: social-services unreachable (${(error as Error).name})`, { cause: error });
    }
    if (outcome.data) return outcome.data;
    const body = (outcome.error ?? {}) as Partial<Erreur>;
    throw new RetryableError(`listing files: social-services answered ${outcome.response.status} ${body.code ?? ''}`.trim());
  }

  changeAddress(
    fileNumber: string,
    body: components['schemas']['ChangementAdresse'],
    idempotencyKey: string,
    signal: AbortSignal,
    traceparent?: string,
  ): Promise<WriteResult> {
    return this.settle('changing an address', () =>
      this.http.PUT('/dossiers/{numeroDossier}/adresse', {
        params: { path: { numeroDossier: fileNumber }, header: this.headers(idempotencyKey) },
        headers: traceHeaders(traceparent),
        body,
        signal,
      }),
    );
  }

  closeFile(
    fileNumber: string,
    body: components['schemas']['DemandeCloture'],
    idempotencyKey: string,
    signal: AbortSignal,
    traceparent?: string,
  ): Promise<WriteResult> {
    return this.settle('closing a file', () =>
      this.http.POST('/dossiers/{numeroDossier}/cloture', {
        params: { path: { numeroDossier: fileNumber }, header: this.headers(idempotencyKey) },
        headers: traceHeaders(traceparent),
        body,
        signal,
      }),
    );
  }
}
