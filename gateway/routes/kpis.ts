/** GET /v1/kpis (scope kpis:read, rights `read: kpis`): what the bus achieved over a period, as JSON or CSV (kpis.ts computes). */
import { Router, type Request } from 'express';
import { requireScope } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import { computeKpis, kpisToCsv, type Period } from '../kpis.ts';
import { HttpProblem } from '../problems.ts';
import { authorizeRead } from '../rights/enforce.ts';

const DAY_MS = 24 * 3600 * 1000;

function instant(req: Request, name: 'from' | 'to'): Date | undefined {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  const value = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(value) || typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(raw)) {
    throw new HttpProblem('invalid-parameter', `${name} must be an RFC 3339 date-time`, [
      { field: `/${name}`, message: 'must be a date-time' },
    ]);
  }
  return new Date(value);
}

function periodOf(req: Request): Period {
  const to = instant(req, 'to') ?? new Date();
  const from = instant(req, 'from') ?? new Date(to.getTime() - 30 * DAY_MS);
  if (from.getTime() >= to.getTime())
    throw new HttpProblem('invalid-parameter', 'from must be before to', [{ field: '/from', message: 'must be before to' }]);
  return { from, to };
}

function wantsCsv(req: Request): boolean {
  const format = req.query['format'];
  if (format !== undefined && format !== 'csv' && format !== 'json') {
    throw new HttpProblem('invalid-parameter', 'format is json or csv', [{ field: '/format', message: 'must be json or csv' }]);
  }
  if (format !== undefined) return format === 'csv';
  return req.accepts(['application/json', 'text/csv']) === 'text/csv';
}

export function kpisRoutes(deps: Pick<GatewayDeps, 'auth' | 'db' | 'flows' | 'rights'>): Router {
  const router = Router();
  router.get('/v1/kpis', requireScope(deps.auth, 'kpis:read'), async (req, res) => {
    await authorizeRead(deps, req.caller!, 'kpis', { operation: 'GET /v1/kpis' });
    const csv = wantsCsv(req);
    const flows = deps.flows();
    const notificationSystems = [...flows.systems].filter(([, declared]) => declared.role === 'notification').map(([name]) => name);
    const kpis = await computeKpis(deps.db, periodOf(req), { notificationSystems });
    if (!csv) return void res.json(kpis);
    const name = `relais-kpis-${kpis.from.slice(0, 10)}-${kpis.to.slice(0, 10)}.csv`;
    res.type('text/csv; charset=utf-8').attachment(name).send(kpisToCsv(kpis));
  });
  return router;
}
