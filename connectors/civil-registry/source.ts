/**
 * civil-registry source: polls the register's life-event log from the saved cursor, reads the
 * persons the events need (partners, the subject of a name change), maps them (mapping.ts) and
 * hands them to the runtime with the register's cursor as checkpoint. A register event that
 * cannot be mapped is handed over as `unmapped`, with the persons read for it: the runtime
 * dead-letters it (the reason names no person) and the cursor moves past it, as re-reading it
 * would not help; remap() maps such a record again on a re-drive.
 */
import { asCheckpoint, MappingError, type SourceEvent, type Source, type UnmappedRecord } from '@relais/connector-kit';
import type { CivilRegistryClient, Personne } from './client.ts';
import { mapRecord, personsNeeded, registerRecord, unmappedKey } from './mapping.ts';

export function createCivilRegistrySource(client: CivilRegistryClient, pageSize: number): Source {
  return {
    async poll(checkpoint, { signal }) {
      const page = await client.listEvents(checkpoint ?? '0', pageSize, signal);
      const persons = new Map<string, Personne>();
      for (const id of new Set(page.evenements.flatMap(personsNeeded))) {
        const personne = await client.getPerson(id, signal);
        if (personne) persons.set(id, personne);
      }
      const events: SourceEvent[] = [];
      const unmapped: UnmappedRecord[] = [];
      for (const evenement of page.evenements) {
        const raw = registerRecord(evenement, persons);
        try {
          events.push(...mapRecord(raw).map((event) => ({ ...event, raw })));
        } catch (error) {
          if (!(error instanceof MappingError)) throw error;
          unmapped.push({ recordKey: unmappedKey(evenement), raw, reason: error.message });
        }
      }
      return { events, unmapped, checkpoint: asCheckpoint(page.curseurSuivant) };
    },
    remap: mapRecord,
  };
}
