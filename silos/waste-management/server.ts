/**
 * The waste-management simulator: the vendor database (an existing MariaDB/PostgreSQL database,
 * or an embedded one served over the PostgreSQL protocol) and the agent desk over HTTP, which
 * does what the vendor's screens would: take an incident in hand, resolve it, show a household.
 *   GET  /incidents?reference=<request id>     GET /incidents/{id}
 *   POST /incidents/{id}/prise-en-charge       POST /incidents/{id}/resolution  { "commentaire": "…" }
 *   GET  /usagers/{numero}/foyer
 * Errors are { code, message } in French, like the vendor's own API would answer.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express, { type Response } from 'express';
import { openSqlClient, type SqlClient } from '../../protocols/sql/sql-client.ts';
import { startEmbeddedVendorDatabase } from './database.ts';
import { getIncident, householdOf, listIncidents, resolveIncident, takeIncident, type DeskOutcome } from './desk.ts';
import { seedDemo } from './seed.ts';

export interface WasteSiloOptions {
  /** An existing vendor database (mariadb://, postgres://); absent, an embedded one. */
  databaseUrl?: string;
  /** Where the embedded database keeps its files; absent, in memory. */
  dataDir?: string;
  /** Port of the embedded database's PostgreSQL protocol server (0 = ephemeral). */
  dbPort?: number;
  /** Port of the agent desk (0 = ephemeral). */
  port?: number;
  /** Interface of the agent desk (default 127.0.0.1). */
  host?: string;
  /** Load the demo households that are missing. */
  seed?: boolean;
}

export interface WasteSilo {
  /** The agent desk. */
  url: string;
  /** The vendor database, as the connector reaches it. */
  databaseUrl: string;
  sql: SqlClient;
  close(): Promise<void>;
}

function answer(res: Response, outcome: DeskOutcome): void {
  if (outcome.ok) res.json(outcome.incident);
  else res.status(outcome.code === 'INCIDENT_INCONNU' ? 404 : 409).json({ code: outcome.code, message: outcome.message });
}

function deskApp(sql: SqlClient): express.Express {
  const app = express();
  app.use(express.json());
  const incidentId = (raw: unknown): number => (/^\d{1,9}$/.test(String(raw)) ? Number(raw) : -1);
  app.get('/incidents', async (req, res) => {
    const reference = typeof req.query['reference'] === 'string' ? req.query['reference'] : undefined;
    res.json(await listIncidents(sql, reference ? { reference } : {}));
  });
  app.get('/incidents/:id', async (req, res) => {
    const incident = await getIncident(sql, incidentId(req.params['id']));
    if (incident) res.json(incident);
    else res.status(404).json({ code: 'INCIDENT_INCONNU', message: 'aucun incident avec ce numéro' });
  });
  app.post('/incidents/:id/prise-en-charge', async (req, res) => answer(res, await takeIncident(sql, incidentId(req.params['id']))));
  app.post('/incidents/:id/resolution', async (req, res) => {
    const body = (req.body ?? {}) as { commentaire?: unknown };
    const commentaire =
      typeof body.commentaire === 'string' && body.commentaire.trim() !== '' ? body.commentaire.trim().slice(0, 1000) : null;
    answer(res, await resolveIncident(sql, incidentId(req.params['id']), commentaire));
  });
  app.get('/usagers/:numero/foyer', async (req, res) => {
    const household = await householdOf(sql, String(req.params['numero']));
    if (household) res.json(household);
    else res.status(404).json({ code: 'USAGER_INCONNU', message: 'aucun usager actif avec ce numéro' });
  });
  app.use((error: unknown, _req: express.Request, res: Response, _next: express.NextFunction) => {
    res.status(503).json({ code: 'BASE_INDISPONIBLE', message: error instanceof Error ? error.message : 'erreur' });
  });
  return app;
}

export async function startWasteManagementSilo(options: WasteSiloOptions = {}): Promise<WasteSilo> {
  const embedded = options.databaseUrl
    ? undefined
    : await startEmbeddedVendorDatabase({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), port: options.dbPort ?? 0 });
  const databaseUrl = options.databaseUrl ?? embedded!.url;
  const sql = openSqlClient(databaseUrl, { max: 2 });
  try {
    if (options.seed) await seedDemo(sql);
    const server = deskApp(sql).listen(options.port ?? 0, options.host ?? '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://${options.host === undefined || options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`,
      databaseUrl,
      sql,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await sql.close();
        await embedded?.close();
      },
    };
  } catch (error) {
    await sql.close();
    await embedded?.close();
    throw error;
  }
}
