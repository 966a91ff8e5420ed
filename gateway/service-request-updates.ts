/**
 * Follows the competent services' progress on service requests: consumes <prefix>.events
 * (its own consumer group; gateway replicas share it) and records each
 * fr.relais.service-request.updated/resolved event in its request's history and status. Other
 * event types are skipped. An event that is invalid, names no request Relais holds, or comes
 * about another citizen than the requester is logged (ids only) and skipped: it cannot be
 * applied, and blocking the partition would stop every update behind it.
 */
import type { Bus } from '../core/bus/types.ts';
import { decodeCanonical } from '../core/envelopes.ts';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Db } from '../core/store/db.ts';
import type { TopicNames } from '../core/topics.ts';
import { validateEventData } from '../schemas/index.ts';
import { applyServiceRequestEvent, RESOLVED, UPDATED } from './service-requests-store.ts';

type StatusEvent = Parameters<typeof applyServiceRequestEvent>[1];

export async function startServiceRequestUpdates(options: { bus: Bus; db: Db; topics: TopicNames; groupId: string; logger: Logger }) {
  const { logger } = options;
  return options.bus.consume({
    groupId: options.groupId,
    topics: [options.topics.events],
    fromBeginning: true,
    handler: async (messages, context) => {
      for (const message of messages) {
        const type = message.headers['ce_type'];
        if (type === UPDATED || type === RESOLVED) {
          try {
            const event = decodeCanonical(message);
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
