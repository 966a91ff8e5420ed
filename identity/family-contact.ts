/**
 * A citizen's declared family contact: the one person a flow may tell instead of the citizen
 * once a death is registered for them (a route target's `onDeath: family-contact`, docs/flows.md).
 * One per citizen; declaring again replaces it. The contact is personal data of a third person:
 * it is read here by the gateway's routes (each read audited there) and by the router, which
 * hands it to the one delivery that needs it, never to an event or a log.
 */
import { DEATH_REGISTERED_V1 } from '../schemas/index.ts';
import type { DeliveryPlan } from '../core/flows/plan.ts';
import type { Queryable } from '../core/store/db.ts';
import { deathOf } from './life-state.ts';

export const contactLanguages = ['fr', 'en'] as const;
export type ContactLanguage = (typeof contactLanguages)[number];

export interface FamilyContact {
  name: string;
  email: string;
  /** How the contact is related to the citizen, in the declarer's words (`fille`, `spouse`). */
  relationship: string;
  /** The language the contact is written to in. */
  language: ContactLanguage;
}

export interface DeclaredFamilyContact extends FamilyContact {
  declaredBy: string;
  declaredAt: string;
}

interface Row {
  pivot_id: string;
  name: string;
  email: string;
  relationship: string;
  language: ContactLanguage;
  declared_by: string;
  declared_at: Date;
}

function fromRow(row: Row): DeclaredFamilyContact {
  return {
    name: row.name,
    email: row.email,
    relationship: row.relationship,
    language: row.language,
    declaredBy: row.declared_by,
    declaredAt: row.declared_at.toISOString(),
  };
}

/** Declares (or replaces) the citizen's family contact; whether one was there before, and when. */
export async function declareFamilyContact(
  db: Queryable,
  pivotId: string,
  contact: FamilyContact,
  declaredBy: string,
): Promise<{ replaced: boolean; declaredAt: string }> {
  const result = await db.query<{ replaced: boolean; declared_at: Date }>(
    `INSERT INTO family_contacts AS f (pivot_id, name, email, relationship, language, declared_by)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (pivot_id) DO UPDATE SET name = $2, email = $3, relationship = $4, language = $5, declared_by = $6, declared_at = now()
     RETURNING (xmax <> 0) AS replaced, declared_at`,
    [pivotId, contact.name, contact.email, contact.relationship, contact.language, declaredBy],
  );
  const row = result.rows[0]!;
  return { replaced: row.replaced, declaredAt: row.declared_at.toISOString() };
}

export async function familyContactOf(db: Queryable, pivotId: string): Promise<DeclaredFamilyContact | undefined> {
  const result = await db.query<Row>('SELECT * FROM family_contacts WHERE pivot_id = $1', [pivotId]);
  const row = result.rows[0];
  return row ? fromRow(row) : undefined;
}

/** Withdraws the citizen's family contact; whether there was one. */
export async function withdrawFamilyContact(db: Queryable, pivotId: string): Promise<boolean> {
  const result = await db.query('DELETE FROM family_contacts WHERE pivot_id = $1', [pivotId]);
  return (result.rowCount ?? 0) > 0;
}

/** The family contacts of these citizens who have one, by pivot id (the router, per batch). */
export async function familyContactsOf(db: Queryable, pivotIds: string[]): Promise<Map<string, FamilyContact>> {
  const found = new Map<string, FamilyContact>();
  if (pivotIds.length === 0) return found;
  const result = await db.query<Row>('SELECT * FROM family_contacts WHERE pivot_id = ANY($1::uuid[])', [[...new Set(pivotIds)]]);
  for (const row of result.rows) {
    const { name, email, relationship, language } = row;
    found.set(row.pivot_id, { name, email, relationship, language });
  }
  return found;
}

/**
 * What deciding who a change concerns (concernedOnly) needs when a route of the plan writes to a
 * deceased citizen's family contact: undefined while the citizen is alive (neither registered
 * dead nor being registered by this change), else whether a contact is declared. Other plans
 * cost no query.
 */
export async function bereavementOf(
  db: Queryable,
  pivotId: string,
  type: string,
  plan: DeliveryPlan,
): Promise<{ familyContact: boolean } | undefined> {
  if (!plan.deliveries.some((d) => d.onDeath === 'family-contact')) return undefined;
  const deceased = type === DEATH_REGISTERED_V1 || (await deathOf(db, pivotId)) !== undefined;
  if (!deceased) return undefined;
  const found = await db.query('SELECT 1 FROM family_contacts WHERE pivot_id = $1', [pivotId]);
  return { familyContact: found.rows.length > 0 };
}
