/**
 * The quick start's demo crosswalk: the demo persons the register and social services both know
 * (Jeanne Marie Martin is EC-00000123 at the town hall, file SS-000123 at social services and
 * person PER-000123, the paying parent of family FAM-000123, at school catering; she is also
 * usager USG-000123 of waste collection and reads jeanne.m.martin@example.fr), linked to one pivot
 * id each, so that the demo move reaches every silo and a death recorded in the register closes
 * their file.
 * In production these links come from identity resolution (civil data → register) and from
 * each system's first sighting; here they are declared, and recorded as such.
 */
import { linkIdentifier } from '../core/identity/identity-store.ts';
import { newPivotId } from '../core/ids.ts';
import type { Db } from '../core/store/db.ts';

/** One demo person: the register's and social services' identifiers, and those of the other systems that know them. */
interface DemoLink {
  'civil-registry': string;
  'social-services': string;
  [system: string]: string;
}

export const DEMO_LINKS: readonly DemoLink[] = [
  {
    'civil-registry': 'EC-00000123',
    'social-services': 'SS-000123',
    'school-catering': 'PER-000123',
    'waste-management': 'USG-000123',
    email: 'jeanne.m.martin@example.fr',
  },
  { 'civil-registry': 'EC-00000456', 'social-services': 'SS-000456', 'school-catering': 'PER-000456' },
];

export async function seedDemoIdentities(db: Db): Promise<void> {
  for (const link of DEMO_LINKS) {
    await db.transaction(async (tx) => {
      const known = await tx.query<{ pivot_id: string }>(
        "SELECT pivot_id FROM citizen_identifiers WHERE (system, local_id) IN (('civil-registry', $1), ('social-services', $2)) LIMIT 1",
        [link['civil-registry'], link['social-services']],
      );
      const pivotId = known.rows[0]?.pivot_id ?? newPivotId();
      for (const [system, localId] of Object.entries(link)) {
        await linkIdentifier(tx, pivotId, system, localId, { method: 'declared', by: 'quick-start demo data' });
      }
    });
  }
}
