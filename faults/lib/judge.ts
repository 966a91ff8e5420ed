/**
 * What happened, judged from the silos' own side, never from Relais's statuses:
 *   social-services: the simulator's journal of write requests per file (each request with
 *     its Idempotency-Key, HTTP status and whether it was an idempotent replay) and the file;
 *   waste-management: the vendor's database, where each move ends the household's
 *     subscriptions and starts them again at the new address (one block per applied change)
 *     and the household points at its current address;
 *   tax: the tax office's own store (each taxpayer's history of applied records, in the order
 *     it applied them, and current address) and the batch files it processed (which record, of
 *     which change, each applied event id was).
 * For every accepted change and silo: applied or not, how often, in which order; then each
 * silo's final value against the citizen's last accepted change; then Relais's status of
 * each delivery against what the silo shows.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openSqlClient, type SqlClient } from '../../protocols/sql/sql-client.ts';
import { batchRecordFrom, readTaxBatch } from '../../protocols/tax/batch.ts';
import type { Taxpayer } from '../../silos/tax/store.ts';
import { kOf, type Accepted } from './load.ts';
import { token, type FaultStack, type System } from './stack.ts';

export interface Verdict {
  accepted: number;
  /** Applications seen in the silos, all systems together (accepted × systems when all is well). */
  applications: number;
  /** Accepted changes a silo never applied (and no newer change of the citizen made up for). */
  lost: number;
  /** Older changes not applied because a newer one was (what `superseded` should say). */
  skipped: number;
  /** Applications beyond the first of one change. */
  appliedTwice: number;
  /** An older change applied after a newer one of the same citizen. */
  orderViolations: number;
  /** Silo files whose final value is not the citizen's last accepted change. */
  stale: number;
  /** Deliveries whose Relais status disagrees with the silo (or is still not final). */
  wrongStatuses: number;
  /** The first few wrong statuses, to start an investigation from. */
  wrongExamples: string[];
  /** Changes a silo received again and recognised as already applied (idempotent replays: not faults). */
  replays: number;
}

interface SiloView {
  /** Per citizen: the changes (k) applied, in the order the silo applied them. */
  applied: Map<number, number[]>;
  /** Per citizen: the change (k) the silo holds now. */
  final: Map<number, number | undefined>;
  /** Changes received again and recognised by the silo as applied already. */
  replays: number;
}

/** How the judge looks into one silo. */
interface Viewer {
  look(): Promise<SiloView>;
  close(): Promise<void>;
}

interface JournalEntry {
  idempotencyKey?: string;
  statutHttp: number;
  rejoue: boolean;
  body: unknown;
}

async function socialServicesView(stack: FaultStack): Promise<SiloView> {
  const silo = stack.silos.get('social-services')!;
  const url = silo.connectorEnv['SOCIAL_SERVICES_URL']!;
  const view: SiloView = { applied: new Map(), final: new Map(), replays: 0 };
  await Promise.all(
    stack.citizens.map(async ({ index }) => {
      const file = silo.citizenId(index);
      const journal = (await (await fetch(`${url}/dossiers/${file}/journal`)).json()) as JournalEntry[];
      view.replays += journal.filter((entry) => entry.rejoue).length;
      const ks = journal
        .filter((entry) => entry.statutHttp >= 200 && entry.statutHttp < 300 && !entry.rejoue)
        .map((entry) => kOf(JSON.stringify(entry.body)))
        .filter((k): k is number => k !== undefined);
      view.applied.set(index, ks);
      const current = (await (await fetch(`${url}/dossiers/${file}`)).json()) as { adresse?: { libelleVoie?: string } };
      view.final.set(index, kOf(current.adresse?.libelleVoie ?? ''));
    }),
  );
  return view;
}

async function wasteManagementView(stack: FaultStack, sql: SqlClient): Promise<SiloView> {
  const silo = stack.silos.get('waste-management')!;
  const view: SiloView = { applied: new Map(), final: new Map(), replays: 0 };
  for (const { index } of stack.citizens) {
    const person = silo.citizenId(index);
    const rows = (
      await sql.query<{ libelle_voie: string; statut: string }>(
        `SELECT a.libelle_voie, ab.statut FROM usager u JOIN abonnement ab ON ab.id_foyer = u.id_foyer
         JOIN adresse a ON a.id_adresse = ab.id_adresse WHERE u.numero_usager = ? ORDER BY ab.id_abonnement`,
        [person],
      )
    ).rows;
    // One move starts again every active subscription: blocks of that size, one per applied change.
    const perMove = Math.max(1, rows.filter((r) => r.statut === 'ACTIF').length);
    const moves = rows.map((r) => kOf(r.libelle_voie)).filter((k): k is number => k !== undefined);
    const ks: number[] = [];
    for (let i = 0; i < moves.length; i += perMove) ks.push(moves[i]!);
    view.applied.set(index, ks);
    const current = (
      await sql.query<{ libelle_voie: string }>(
        'SELECT a.libelle_voie FROM usager u JOIN foyer f ON f.id_foyer = u.id_foyer JOIN adresse a ON a.id_adresse = f.id_adresse WHERE u.numero_usager = ?',
        [person],
      )
    ).rows[0];
    view.final.set(index, kOf(current?.libelle_voie ?? ''));
  }
  return view;
}

/**
 * The tax office: its store (taxpayers.json, saved after each batch it processed) holds each
 * taxpayer's history of applied event ids, in order, and the current address; its processed
 * batch files say which change each event id carried. The store applies an event id once:
 * a record received again (a window handed over twice) is a replay, counted as such.
 */
function taxViewer(stack: FaultStack): Viewer {
  const silo = stack.silos.get('tax')!;
  const processed = join(silo.dataDir!, 'sftp', 'inbox', 'processed');
  // Processed files never change: each is read once.
  const eventIdsOf = new Map<string, string[]>();
  const changeOf = new Map<string, number>();
  return {
    async look() {
      for (const file of (await readdir(processed)).filter((name) => name.endsWith('.txt') && !eventIdsOf.has(name))) {
        const ids: string[] = [];
        for await (const { values } of readTaxBatch(createReadStream(join(processed, file)))) {
          const record = batchRecordFrom(values);
          const k = kOf(record.address.streetName);
          if (k !== undefined) changeOf.set(record.eventId, k);
          ids.push(record.eventId);
        }
        eventIdsOf.set(file, ids);
      }
      const received = [...eventIdsOf.values()].flat();
      const view: SiloView = { applied: new Map(), final: new Map(), replays: received.length - new Set(received).size };
      const saved = JSON.parse(await readFile(join(silo.dataDir!, 'taxpayers.json'), 'utf8')) as { taxpayers: Taxpayer[] };
      const byTaxId = new Map(saved.taxpayers.map((taxpayer) => [taxpayer.taxId, taxpayer]));
      for (const { index } of stack.citizens) {
        const taxpayer = byTaxId.get(silo.citizenId(index));
        const ks = (taxpayer?.history ?? []).map((entry) => changeOf.get(entry.eventId)).filter((k): k is number => k !== undefined);
        view.applied.set(index, ks);
        view.final.set(index, kOf(taxpayer?.address.streetName ?? ''));
      }
      return view;
    },
    close: async () => undefined,
  };
}

const viewers: Record<System, (stack: FaultStack) => Viewer> = {
  'social-services': (stack) => ({ look: () => socialServicesView(stack), close: async () => undefined }),
  'waste-management': (stack) => {
    const sql = openSqlClient(stack.silos.get('waste-management')!.connectorEnv['WASTE_MANAGEMENT_DATABASE_URL']!);
    return { look: () => wasteManagementView(stack, sql), close: () => sql.close() };
  },
  tax: taxViewer,
};

export interface Judge {
  /** Looks at the silos now. */
  look(): Promise<Map<System, SiloView>>;
  /** The verdict on a look, the statuses read from the gateway. */
  verdict(views: Map<System, SiloView>, accepted: Accepted[], statuses: boolean): Promise<Verdict>;
  /** Every accepted change's effect is in every silo: no change lost, every final value current. */
  converged(views: Map<System, SiloView>, accepted: Accepted[]): boolean;
  close(): Promise<void>;
}

function lastPerCitizen(accepted: Accepted[]): Map<number, number> {
  const last = new Map<number, number>();
  for (const change of accepted) if ((last.get(change.citizen) ?? -1) < change.k) last.set(change.citizen, change.k);
  return last;
}

async function statusesOf(stack: FaultStack, accepted: Accepted[]): Promise<Map<number, Map<string, string>>> {
  const statuses = new Map<number, Map<string, string>>();
  for (let i = 0; i < accepted.length; i += 20) {
    await Promise.all(
      accepted.slice(i, i + 20).map(async (change) => {
        const response = await fetch(`${stack.gatewayUrl}/v1/changes/${change.id}`, { headers: { authorization: `Bearer ${token}` } });
        const body = (await response.json()) as { recipients?: { system: string; status: string }[] };
        // An answer other than the change (a 429, a 503) is a status nobody can read: wrong.
        const recipients =
          response.status === 200
            ? (body.recipients ?? [])
            : stack.systems.map((system) => ({ system, status: `HTTP ${response.status}` }));
        statuses.set(change.k, new Map(recipients.map((r) => [r.system, r.status])));
      }),
    );
  }
  return statuses;
}

export function createJudge(stack: FaultStack): Judge {
  const looking = stack.systems.map((system) => [system, viewers[system](stack)] as const);
  return {
    async look() {
      return new Map(await Promise.all(looking.map(async ([system, viewer]) => [system, await viewer.look()] as const)));
    },
    converged(views, accepted) {
      const last = lastPerCitizen(accepted);
      return stack.systems.every((system) => {
        const view = views.get(system)!;
        return [...last].every(([citizen, k]) => view.final.get(citizen) === k && (view.applied.get(citizen) ?? []).includes(k));
      });
    },
    async verdict(views, accepted, withStatuses) {
      const verdict: Verdict = {
        accepted: accepted.length,
        applications: 0,
        lost: 0,
        skipped: 0,
        appliedTwice: 0,
        orderViolations: 0,
        stale: 0,
        wrongStatuses: 0,
        wrongExamples: [],
        replays: 0,
      };
      const last = lastPerCitizen(accepted);
      const statuses = withStatuses ? await statusesOf(stack, accepted) : undefined;
      for (const system of stack.systems) {
        const view = views.get(system)!;
        verdict.replays += view.replays;
        const count = new Map<number, number>();
        for (const [citizen, ks] of view.applied) {
          let newest = -1;
          for (const k of ks) {
            verdict.applications++;
            count.set(k, (count.get(k) ?? 0) + 1);
            if (k < newest) verdict.orderViolations++;
            newest = Math.max(newest, k);
          }
          if (last.has(citizen) && view.final.get(citizen) !== last.get(citizen)) verdict.stale++;
        }
        for (const change of accepted) {
          const times = count.get(change.k) ?? 0;
          if (times > 1) verdict.appliedTwice += times - 1;
          const newerApplied = (view.applied.get(change.citizen) ?? []).some((k) => k > change.k);
          if (times === 0) {
            if (newerApplied) verdict.skipped++;
            else verdict.lost++;
          }
          const status = statuses?.get(change.k)?.get(system);
          if (statuses) {
            const right = times > 0 ? status === 'applied' : status === 'superseded' && newerApplied;
            if (!right) {
              verdict.wrongStatuses++;
              if (verdict.wrongExamples.length < 3)
                verdict.wrongExamples.push(
                  `${system} change ${change.id}: ${status ?? 'no status'} (the silo applied it ${times} time(s)${newerApplied ? ', and a newer one' : ''})`,
                );
            }
          }
        }
      }
      return verdict;
    },
    async close() {
      await Promise.all(looking.map(([, viewer]) => viewer.close()));
    },
  };
}
