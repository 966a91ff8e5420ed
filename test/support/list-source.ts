/**
 * A Source over a list of records, for the source runtime's own tests (the runtime is under
 * test; the silo is not): the checkpoint is the index of the next record, each poll returns at
 * most `pageSize` records, and a script can make polls fail or hang.
 */
import { asCheckpoint, type Checkpoint, type PollResult, type Source, type SourceEvent } from '@relais/connector-kit';

export interface ListSource extends Source {
  records: SourceEvent[];
  polls: (Checkpoint | null)[];
  /** Called before each poll; throw to make it fail, or return a promise to make it wait. */
  before?: (poll: number, signal: AbortSignal) => void | Promise<void>;
}

export function listSource(records: SourceEvent[], pageSize = 3): ListSource {
  const source: ListSource = {
    records,
    polls: [],
    async poll(checkpoint, { signal }): Promise<PollResult> {
      source.polls.push(checkpoint);
      await source.before?.(source.polls.length, signal);
      const from = checkpoint === null ? 0 : Number(checkpoint);
      const events = source.records.slice(from, from + pageSize);
      return { events, checkpoint: events.length === 0 ? checkpoint : asCheckpoint(String(from + events.length)) };
    },
  };
  return source;
}

export function deathRecord(n: number, localId = `CR-${n}`): SourceEvent {
  return {
    recordKey: `act-${n}`,
    type: 'fr.relais.citizen.death.registered.v1',
    citizenLocalId: localId,
    data: {
      dateOfDeath: '2026-11-20',
      placeOfDeath: { communeName: 'Lyon', communeInsee: '69383', country: 'FR' },
      actReference: `DC-${n}`,
    },
    time: '2026-11-20T10:00:00Z',
  };
}
