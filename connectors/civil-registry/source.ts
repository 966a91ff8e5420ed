/**
 * civil-registry source: polls the register's life-event log from the saved cursor, reads the
 * persons the events need (partners, the subject of a name change), maps them (mapping.ts) and
 * hands them to the runtime with the register's cursor as checkpoint. Records that cannot be
 * mapped are skipped with a logged reason (the event number, never a person's data); the cursor
 * moves past them, as re-reading them would not help.
 */
import { asCheckpoint, type Source } from '@relais/connector-kit';
import type { CivilRegistryClient, Personne } from './client.ts';
import { mapEvents, personsNeeded } from './mapping.ts';

export function createCivilRegistrySource(client: CivilRegistryClient, pageSize: number): Source {
  return {
    async poll(checkpoint, { signal, logger }) {
      const page = await client.listEvents(checkpoint ?? '0', pageSize, signal);
      const persons = new Map<string, Personne>();
      for (const id of new Set(page.evenements.flatMap(personsNeeded))) {
        const personne = await client.getPerson(id, signal);
        if (personne) persons.set(id, personne);
      }
      const { events, skipped } = mapEvents(page.evenements, persons);
      for (const s of skipped) logger.warn({ numero: s.numero, reason: s.reason }, 'register event skipped');
      return { events, checkpoint: asCheckpoint(page.curseurSuivant) };
    },
  };
}
