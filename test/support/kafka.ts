/**
 * The test broker: the one `npm test` starts (or KAFKA_BROKERS). Each test uses its own topic
 * prefix, so tests share the broker without seeing each other's messages.
 */
import { randomBytes } from 'node:crypto';
import { createBus } from '../../core/bus/index.ts';
import type { Bus } from '../../core/bus/types.ts';
import { createLogger } from '../../core/logger.ts';

export function testBrokers(): string[] {
  const brokers = process.env['KAFKA_BROKERS'];
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run the tests with `npm test`, which starts a broker');
  return brokers.split(',');
}

export function uniquePrefix(name = 't'): string {
  return `${name}-${randomBytes(5).toString('hex')}`;
}

export function testBus(brokers: string[] = testBrokers(), clientId = 'test'): Bus {
  return createBus({ brokers, clientId, logger: createLogger({ component: 'test', level: 'silent' }) });
}
