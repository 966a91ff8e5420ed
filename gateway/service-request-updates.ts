/**
 * Follows the competent services' progress on service requests: consumes <prefix>.events
 * (its own consumer group; gateway replicas share it) and records each
 * fr.relais.service-request.updated/resolved event in its request's history and status. Other
 * event types are skipped. An event that is invalid, names no request Relais holds, or comes
 * about another citizen than the requester is logged (ids only) and skipped: it cannot be
 * applied, and blocking the partition would stop every update behind it.
 */
import type { Bus, IncomingMessage } from '../core/bus/types.ts';
import { decodeCanonical } from '../core/envelopes.ts';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Db } from '../core/store/db.ts';
import type { TopicNames } from '../core/topics.ts';
import { validateEventData } from '../schemas/index.ts';
import { applyServiceRequestEvent, RESOLVED, UPDATED } from './service-requests-store.ts';
import type { CitizenKeys } from '../privacy/citizen-keys.ts';
import { ERASED, openMessages, type Opened } from '../privacy/sealed-messages.ts';

type StatusEvent = Parameters<typeof applyServiceRequestEvent>[1];

export async function startServiceRequestUpdates(options: {
  bus: Bus;
  db: Db;
  topics: TopicNames;
  groupId: string;
  logger: Logger;
  /** The citizens' data keys: a sealed update is opened here (privacy/); an erased citizen's is skipped. */
  citizenKeys?: CitizenKeys | undefined;
}) {
  const { logger } = options;
  return options.bus.consume({
    groupId: options.groupId,
    topics: [options.topics.events],
    fromBeginning: true,
    handler: async (messages, context) => {
      const isUpdate = (type: string | undefined) => type === UPDATED || type === RESOLVED;
      const updates = messages.filter((m) => isUpdate(m.headers['ce_type']));
      // Only the updates are opened: the other events' data is none of this consumer's business.
      const opened = options.citizenKeys ? await openMessages(options.citizenKeys, options.db, updates) : updates;
      const readable = new Map<IncomingMessage, Opened<IncomingMessage>>(updates.map((m, i) => [m, opened[i]!]));
      for (const message of messages) {
        const update = readable.get(message);
        if (update !== undefined && update !== ERASED) {
          try {
            const event = decodeCanonical(update);
            const issues = validateEventData(event.type, event.data);
            if (issues.length > 0) throw new Error(`data breaks ${event.type}: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`);
            const outcome = await applyServiceRequestEvent(options.db, event as StatusEvent);
            if (outcome === 'unknown-request' || outcome === 'not-the-requester')
              logger.warn({ eventId: event.id, outcome }, 'service request update skipped');
          } catch (error) {
            if ((error as { code?: string }).code === 'STORE_UNAVAILABLE') throw error;
            logger.warn(
              { partition: message.partition, offset: message.offset, error: describeError(error) },
              'invalid service request update skipped',
            );
          }
        }
        context.markProcessed(message);
      }
    },
  });
}
