/**
 * The quick start's demo crosswalk: the demo persons the register and social services both know
 * (Jeanne Marie Martin is EC-00000123 at the town hall and file SS-000123 at social services),
 * linked to one pivot id each, so that a death recorded in the register closes their file.
 * In production these links come from identity resolution (civil data → register) and from
 * each system's first sighting; here they are declared, and recorded as such.
 */
import { linkIdentifier } from '../core/identity/identity-store.ts';
import { newPivotId } from '../core/ids.ts';
import type { Db } from '../core/store/db.ts';

export const DEMO_LINKS: readonly { 'civil-registry': string; 'social-services': string }[] = [
  { 'civil-registry': 'EC-00000123', 'social-services': 'SS-000123' },
  { 'civil-registry': 'EC-00000456', 'social-services': 'SS-000456' },
];

export async function seedDemoIdentities(db: Db): Promise<void> {
  for (const link of DEMO_LINKS) {
    await db.transaction(async (tx) => {
      const known = await tx.query<{ pivot_id: string }>(
        'SELECT pivot_id FROM citizen_identifiers WHERE (system, local_id) IN ((\'civil-registry\', $1), (\'social-services\', $2)) LIMIT 1',
        [link['civil-registry'], link['social-services']],
      );
      const pivotId = known.rows[0]?.pivot_id ?? newPivotId();
      for (const [system, localId] of Object.entries(link)) {
        await linkIdentifier(tx, pivotId, system, localId, { method: 'declared', by: 'quick-start demo data' });
      }
    });
  }
}
