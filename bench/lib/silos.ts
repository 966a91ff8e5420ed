/**
 * What the harness needs to know about each silo: how to start its simulator as a process,
 * what its connector is told about it, and how to give it the benchmark's citizens (records in
 * the silo, identifiers in Relais' identity map). One entry per simulator in silos/; systems
 * declared in flows/ without an entry here are left out of the pipeline phase (and said so).
 */
import { linkIdentifier } from '../../core/identity/identity-store.ts';
import type { Db } from '../../core/store/db.ts';
import { randomUUID } from 'node:crypto';
import { load } from './load.ts';
import { answers, freePort, startPart, type Part } from './processes.ts';

export interface RunningSilo {
  part: Part;
  /** Environment the connector needs to reach it. */
  connectorEnv: Record<string, string>;
  /** Creates the silo's records for these citizens and links their identifiers. */
  prepare(db: Db, citizens: { index: number; pivotId: string }[]): Promise<void>;
  /** The baseline: the silo's own write path at `rate` for `seconds`, no Relais (latency in ms). */
  direct?(rate: number, seconds: number, citizens: number): Promise<{ p50: number; p99: number }>;
}

export interface SiloBench {
  system: string;
  start(): Promise<RunningSilo>;
}

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

const socialServices: SiloBench = {
  system: 'social-services',
  async start() {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const part = await startPart('silo social-services', 'silos/social-services/main.ts', [], { SOCIAL_SERVICES_PORT: String(port), LOG_LEVEL: 'warn' }, answers(`${url}/healthz`));
    return {
      part,
      connectorEnv: { SOCIAL_SERVICES_URL: url },
      async prepare(db, citizens) {
        await inBatches(citizens, 20, async ({ index, pivotId }) => {
          const file = `SS-9${String(index).padStart(5, '0')}`;
          const response = await fetch(`${url}/dossiers`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ numeroDossier: file, nom: 'Bench', prenoms: 'Bench', adresse: { libelleVoie: 'rue A', codePostal: '69001', commune: 'Lyon' } }),
          });
          if (response.status !== 201 && response.status !== 409) throw new Error(`social-services: creating ${file} answered ${response.status}`);
          await linkIdentifier(db, pivotId, 'social-services', file);
        });
      },
      async direct(rate, seconds, citizens) {
        let n = 0;
        const result = await load({
          url,
          method: 'PUT',
          path: () => `/dossiers/SS-9${String(n % citizens).padStart(5, '0')}/adresse`,
          next: () => ({
            body: JSON.stringify({ adresse: { libelleVoie: `rue directe ${n++}`, codePostal: '69003', commune: 'Lyon' }, dateEffet: '2026-11-01' }),
            headers: { 'idempotency-key': randomUUID() },
          }),
          seconds,
          connections: Math.min(64, Math.max(4, rate / 5)),
          rate,
        });
        return { p50: result.p50Ms, p99: result.p99Ms };
      },
    };
  },
};

export const siloBenches: SiloBench[] = [socialServices];
