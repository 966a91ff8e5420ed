/**
 * `node bench/encryption.ts [--quick]`: what sealing personal data costs per change (docs/adr/0032).
 * One change's trip through the codecs, in Kafka-sized batches of 100, with and then without the
 * privacy codec, in the same run on the same data: the gateway encodes the event (and seals it
 * with the store's copy: sealChange), the router decodes it and encodes one delivery per
 * recipient (4, as an address change in the quick start), the sinks decode each delivery. With
 * sealing, the router opens the event and seals the deliveries, each sink opens its delivery.
 * Keys come from a real PostgreSQL (created on first use, then cached, as in a running process);
 * the cost of a cold key (one query and an unwrap) is measured apart. No Kafka: the bench measures
 * the CPU the codec adds, which is what a change pays on every hop.
 */
import { parseArgs } from 'node:util';
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingMessage } from '../core/bus/types.ts';
import { decodeCanonical, decodeDelivery, encodeCanonical, encodeDelivery } from '../core/envelopes.ts';
import type { Db } from '../core/store/db.ts';
import { createPostgresDatabase } from '@relais/connector-kit/testing';
import { CitizenKeys } from '../privacy/citizen-keys.ts';
import { masterKeyOf } from '../privacy/master-key.ts';
import { ERASED, openMessages, sealChange, sealMessages } from '../privacy/sealed-messages.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const changes = values.quick ? 2000 : 20_000;
const citizens = 1000;
const BATCH = 100;
const SYSTEMS = ['social-services', 'waste-management', 'school-catering', 'tax'];
const TYPE = 'fr.relais.citizen.address.changed.v1';

const pivots = Array.from({ length: citizens }, () => randomUUID());
const dataOf = (n: number) => ({
  address: {
    number: String(n % 200),
    streetName: 'rue des Lilas',
    postcode: '69003',
    communeName: 'Lyon',
    communeInsee: '69383',
    country: 'FR',
  },
  effectiveDate: '2026-11-01',
});

const received = (m: OutgoingMessage): IncomingMessage => ({ ...m, partition: 0, offset: '0', key: m.key, timestamp: Date.now() });
const readable = (m: IncomingMessage | typeof ERASED): IncomingMessage => {
  if (m === ERASED) throw new Error('a key was erased during the bench');
  return m;
};

/** One batch of changes from the gateway to the sinks; returns the number of deliveries decoded. */
async function trip(db: Db, keys: CitizenKeys | undefined, from: number): Promise<number> {
  const accepted: OutgoingMessage[] = [];
  for (let n = from; n < from + BATCH; n++) {
    const id = randomUUID();
    const pivotId = pivots[n % citizens]!;
    const data = dataOf(n);
    const event = encodeCanonical(
      { id, type: TYPE, source: '/relais/gateway', pivotId, time: new Date().toISOString(), data, seq: n + 1 },
      'bench.events',
    );
    accepted.push((await sealChange(keys, db, { id, pivotId, type: TYPE, data }, event)).event);
  }
  const events = accepted.map(received);
  const opened = keys ? (await openMessages(keys, db, events)).map(readable) : events;
  const deliveries: OutgoingMessage[] = [];
  for (const message of opened) {
    const event = decodeCanonical(message);
    for (const system of SYSTEMS)
      deliveries.push(
        encodeDelivery(
          {
            eventId: event.id,
            type: event.type,
            pivotId: event.pivotId,
            system,
            routeId: `address-to-${system}`,
            citizenId: 'SS-000123',
            data: event.data as Record<string, unknown>,
            time: event.time,
          },
          `bench.delivery.${system}`,
        ),
      );
  }
  const sealed = keys ? await sealMessages(keys, db, deliveries) : deliveries;
  const incoming = sealed.map(received);
  const toApply = keys ? (await openMessages(keys, db, incoming)).map(readable) : incoming;
  return toApply.map((m) => decodeDelivery(m)).length;
}

async function run(db: Db, keys: CitizenKeys | undefined): Promise<{ perSecond: number; microsPerChange: number }> {
  const started = performance.now();
  let deliveries = 0;
  for (let from = 0; from < changes; from += BATCH) deliveries += await trip(db, keys, from);
  if (deliveries !== changes * SYSTEMS.length) throw new Error(`${deliveries} deliveries decoded`);
  const ms = performance.now() - started;
  return { perSecond: (changes / ms) * 1000, microsPerChange: (ms * 1000) / changes };
}

const database = await createPostgresDatabase();
try {
  const master = masterKeyOf(randomBytes(32));
  const keys = new CitizenKeys(master);
  // Warm-up: every citizen's key created and cached, the JIT warm on both paths.
  await run(database.db, keys);
  await run(database.db, undefined);
  const plain = await run(database.db, undefined);
  const sealed = await run(database.db, keys);
  const plainAgain = await run(database.db, undefined);
  const baseline = (plain.microsPerChange + plainAgain.microsPerChange) / 2;

  // Cold keys: a fresh process opening one batch of 100 distinct citizens' events.
  const cold = new CitizenKeys(master);
  const coldEvents = (
    await sealMessages(
      keys,
      database.db,
      pivots
        .slice(0, BATCH)
        .map((pivotId) =>
          encodeCanonical(
            { id: randomUUID(), type: TYPE, source: '/bench', pivotId, time: new Date().toISOString(), data: dataOf(1) },
            'bench.events',
          ),
        ),
    )
  ).map(received);
  const coldStarted = performance.now();
  await openMessages(cold, database.db, coldEvents);
  const coldMs = performance.now() - coldStarted;

  const row = (name: string, r: { perSecond: number; microsPerChange: number }) =>
    `${name.padEnd(34)} ${r.perSecond.toFixed(0).padStart(8)} changes/s ${r.microsPerChange.toFixed(1).padStart(8)} µs/change`;
  console.log(
    `encryption bench: ${changes} changes, ${SYSTEMS.length} deliveries each, batches of ${BATCH}, ${citizens} citizens (keys cached)`,
  );
  console.log(row('without sealing (baseline)', plain));
  console.log(row('with sealing (AES-256-GCM)', sealed));
  console.log(row('without sealing (again)', plainAgain));
  console.log(
    `sealing adds ${(sealed.microsPerChange - baseline).toFixed(1)} µs per change (${((sealed.microsPerChange / baseline - 1) * 100).toFixed(0)} %): 1 seal at the gateway, 1 open + ${SYSTEMS.length} seals at the router, ${SYSTEMS.length} opens at the sinks`,
  );
  console.log(
    `cold keys (a fresh process: one query for the batch, one unwrap per citizen): ${(coldMs / BATCH).toFixed(3)} ms per citizen`,
  );
} finally {
  await database.drop();
}
