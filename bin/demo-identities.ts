/**
 * The quick start's demo crosswalk: each simulator declares the demo persons its demo data holds
 * (silos/<name>/simulator.ts, `demoIdentities`: Jeanne Marie Martin is EC-00000123 at the town
 * hall, file SS-000123 at social services, person PER-000123 at school catering, usager
 * USG-000123 of waste collection…), and each person's identifiers are linked to one pivot id, so
 * that the demo move reaches every silo and a death recorded in the register closes their file.
 * In production these links come from identity resolution (civil data → register) and from
 * each system's first sighting; here they are declared, and recorded as such. Seeding runs at
 * every start and is idempotent against whatever the banner's examples changed since.
 */
import { linkIdentifier } from '../identity/identity-store.ts';
import { newPivotId } from '../core/ids.ts';
import type { Db } from '../core/store/db.ts';
import type { SimulatorDefinition } from '../silos/shared/simulators.ts';

/** Each demo person's identifiers, by system. */
export function demoLinks(simulators: readonly SimulatorDefinition[]): Map<string, [system: string, localId: string][]> {
  const persons = new Map<string, [string, string][]>();
  for (const simulator of simulators) {
    for (const [person, localId] of Object.entries(simulator.demoIdentities ?? {})) {
      if (localId === undefined) continue;
      persons.set(person, [...(persons.get(person) ?? []), [simulator.name, localId]]);
    }
  }
  return persons;
}

export async function seedDemoIdentities(db: Db, simulators: readonly SimulatorDefinition[]): Promise<void> {
  for (const links of demoLinks(simulators).values()) {
    await db.transaction(async (tx) => {
      // A restart finds the person linked already (by any of their identifiers) and keeps that pivot id.
      const systems = links.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
      const known = await tx.query<{ pivot_id: string }>(
        `SELECT pivot_id FROM citizen_identifiers WHERE (system, local_id) IN (${systems}) ORDER BY created_at LIMIT 1`,
        links.flat(),
      );
      const pivotId = known.rows[0]?.pivot_id ?? newPivotId();
      // What the printed examples changed stays: a system where the person has another identifier
      // now (the service request's contact email replaces the demo one) is not linked again, and
      // an identifier another citizen holds now stays theirs (linkIdentifier keeps it).
      const held = await tx.query<{ system: string }>('SELECT system FROM citizen_identifiers WHERE pivot_id = $1', [pivotId]);
      const linked = new Set(held.rows.map((r) => r.system));
      for (const [system, localId] of links) {
        if (linked.has(system)) continue;
        await linkIdentifier(tx, pivotId, system, localId, { method: 'declared', by: 'quick-start demo data' });
      }
    });
  }
}
