/**
 * Time-limited leases (the `leases` table) elect one active instance of a singleton job among
 * replicas: the outbox relay, a batch sink's window. The holder renews its lease before it expires;
 * another instance takes over only once it has expired.
 */
import type { Queryable } from './db.ts';

/** Takes or renews the lease; true when `holder` holds it for the next `ms`. */
export async function holdLease(db: Queryable, name: string, holder: string, ms: number): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
     WHERE leases.holder = EXCLUDED.holder OR leases.expires_at < now()
     RETURNING holder`,
    [name, holder, ms],
  );
  return result.rows.length > 0;
}

/** Gives the lease up at once, so a replica does not wait for it to expire. */
export async function releaseLease(db: Queryable, name: string, holder: string): Promise<void> {
  await db.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
}
