/**
 * The load of a scenario: `changes` address changes at `ratePerSecond`, round-robin over the
 * citizens, each citizen's changes posted one after the other (so the order Relais accepted
 * them in is known without doubt). A client as it should be written: every change carries an
 * Idempotency-Key, and a 503, a 5xx or a dropped connection is retried with the same key until
 * the change is accepted (202, or 200 for a change already stored) or its deadline passes.
 * Change k's street is "rue Faute k", which is how the judge recognises it in every silo.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ADDRESS_CHANGED_V1 } from '../../schemas/index.ts';
import { token, type FaultStack } from './stack.ts';

export interface Accepted {
  k: number;
  id: string;
  citizen: number;
  /** ms since the load began. */
  at: number;
}

export interface Load {
  accepted: Accepted[];
  /** Changes never accepted: answered 4xx, or not accepted before their deadline. */
  refused: { k: number; status: number }[];
  /** Answers with a status outside 202/200/503 (a 500 is an error in the wrong class). */
  unexpected: Map<number, number>;
  retries: number;
  /** Resolves once `count` changes are accepted. */
  acceptedCount(count: number): Promise<void>;
  finished: Promise<void>;
}

export const streetOf = (k: number): string => `rue Faute ${k}`;
export const kOf = (text: string): number | undefined => {
  const match = /rue Faute (\d+)/i.exec(text);
  return match ? Number(match[1]) : undefined;
};

export function startLoad(
  stack: FaultStack,
  options: { changes: number; ratePerSecond: number; deadlineMs?: number; firstK?: number },
): Load {
  const started = performance.now();
  const firstK = options.firstK ?? 0;
  const deadlineMs = options.deadlineMs ?? 180_000;
  const load: Load = {
    accepted: [],
    refused: [],
    unexpected: new Map(),
    retries: 0,
    async acceptedCount(count) {
      while (load.accepted.length < count) await sleep(50);
    },
    finished: Promise.resolve(),
  };
  const citizens = stack.citizens.length;
  const post = async (k: number): Promise<void> => {
    const citizen = stack.citizens[k % citizens]!;
    const body = JSON.stringify({
      type: ADDRESS_CHANGED_V1,
      citizen: { pivotId: citizen.pivotId },
      channel: 'web',
      data: {
        address: { number: '1', streetName: streetOf(k), postcode: '69003', communeName: 'Lyon', communeInsee: '69383', country: 'FR' },
        effectiveDate: '2026-11-01',
      },
    });
    const giveUp = performance.now() + deadlineMs;
    for (;;) {
      let status = 0;
      try {
        const response = await fetch(`${stack.gatewayUrl}/v1/changes`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'idempotency-key': `fault-${stack.prefix}-${k}`,
          },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        status = response.status;
        const answer = (await response.json()) as { id?: string };
        if ((status === 202 || status === 200) && answer.id) {
          load.accepted.push({ k, id: answer.id, citizen: citizen.index, at: performance.now() - started });
          return;
        }
      } catch {
        status = 0;
      }
      if (status !== 0 && status !== 503) load.unexpected.set(status, (load.unexpected.get(status) ?? 0) + 1);
      if (status >= 400 && status < 500) {
        load.refused.push({ k, status });
        return;
      }
      if (performance.now() > giveUp) {
        load.refused.push({ k, status });
        return;
      }
      load.retries++;
      await sleep(500);
    }
  };
  const perCitizen = Array.from({ length: citizens }, (_, c) => c);
  load.finished = Promise.all(
    perCitizen.map(async (c) => {
      for (let k = firstK + c; k < firstK + options.changes; k += citizens) {
        const due = started + ((k - firstK) * 1000) / options.ratePerSecond;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        await post(k);
      }
    }),
  ).then(() => undefined);
  return load;
}
