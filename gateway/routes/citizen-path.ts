/** The `{pivotId}` of a /v1/citizens/{pivotId}/… path, and the citizen it stands for now. */
import type { Request } from 'express';
import { isUuid } from '../../core/ids.ts';
import type { Queryable } from '../../core/store/db.ts';
import { currentPivot } from '../../identity/crosswalk.ts';
import { HttpProblem } from '../problems.ts';

/** The path's pivot id, lower-cased, or a 400 naming the parameter. */
export function pivotParameter(req: Request): string {
  const raw = String(req.params['pivotId'] ?? '');
  if (!isUuid(raw))
    throw new HttpProblem('invalid-parameter', 'the pivot id is a UUID', [{ field: '/pivotId', message: 'must be a UUID' }]);
  return raw.toLowerCase();
}

/** The citizen the pivot id stands for now (a merged one's survivor), or a 404 naming the parameter. */
export async function citizenOf(db: Queryable, pivotId: string): Promise<string> {
  const current = await currentPivot(db, pivotId);
  if (!current) throw new HttpProblem('not-found', 'no such citizen', [{ field: '/pivotId', message: 'unknown pivot id' }]);
  return current;
}
