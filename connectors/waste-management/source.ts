/**
 * waste-management source: incidents reported through Relais, new or changed in the vendor's
 * database, become service-request events (updated while open, resolved when the agent
 * resolves them). Polled in (date_maj, id_incident) order from a checkpoint holding both, so
 * two incidents sharing a date_maj are never split across a page boundary and lost; only rows
 * older than the settle time are read (see client.ts: incidentsAfter). An incident whose event
 * breaks its schema (a reference the catalogue's requestId refuses) is dead-lettered by the
 * runtime with the row as read; remap() maps such a row again on a re-drive.
 */
import { type Checkpoint, type PollResult, RelaisError, type Source, type SourceContext, type SourceEvent } from '@relais/connector-kit';
import type { WasteDatabase } from './client.ts';
import { decodeCursor, encodeCursor, incidentFromRaw, incidentToRaw, toServiceRequestEvent } from './mapping.ts';

export interface WasteSourceOptions {
  system: string;
  /** Rows read per poll. */
  batchSize: number;
  /** Rows younger than this are left for a later poll. */
  settleMs: number;
}

export function createWasteManagementSource(db: WasteDatabase, options: WasteSourceOptions): Source {
  return {
    async poll(checkpoint: Checkpoint | null, { logger, signal }: SourceContext): Promise<PollResult> {
      let cursor;
      try {
        cursor = decodeCursor(checkpoint);
      } catch (error) {
        throw new RelaisError('CONNECTOR_FAILED', `waste-management checkpoint: ${(error as Error).message}`, { cause: error });
      }
      const records = await db.incidentsAfter(cursor, options.batchSize, options.settleMs, signal);
      const last = records.at(-1);
      if (!last) return { events: [], checkpoint };
      const events: SourceEvent[] = [];
      for (const record of records) {
        const mapped = toServiceRequestEvent(record, options.system);
        // The row as read goes with the event: if the event breaks its schema, it is dead-lettered.
        if ('event' in mapped) events.push({ ...mapped.event, raw: incidentToRaw(record) });
        else logger.debug({ system: options.system, incident: record.id_incident, reason: mapped.skipped }, 'incident not published');
      }
      return { events, checkpoint: encodeCursor({ dateMaj: last.date_maj_texte, id: last.id_incident }) };
    },
    remap(raw: unknown): SourceEvent[] {
      const mapped = toServiceRequestEvent(incidentFromRaw(raw), options.system);
      return 'event' in mapped ? [mapped.event] : [];
    },
    close: () => db.close(),
  };
}
