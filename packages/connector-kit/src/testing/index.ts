/**
 * @relais/connector-kit/testing — the conformance suites every connector runs with one call,
 * and the helpers they are built on (a test database, a test bus, a TCP proxy that stalls a silo,
 * polling until a condition holds).
 */
export {
  pushSourceConformance,
  sinkConformance,
  sourceConformance,
  type DeliveryInput,
  type PushSourceConformanceOptions,
  type SinkConformanceOptions,
  type SourceConformanceOptions,
} from '../conformance/index.ts';
export { stallProxy, type StallProxy } from './stall-proxy.ts';
export { eventually } from './eventually.ts';
export * from './databases.ts';
export * from './kafka.ts';
