/**
 * @relais/connector-kit/testing — the conformance suites every connector runs with one call,
 * and the helpers they are built on. One call in a connector's own test file registers node:test
 * tests that drive it through the real runtime against its real silo:
 *
 *   sinkConformance({ system, startSilo, stopSilo, createSink, delivery, effects, refusal, poison, stall })
 *     duplicate delivery → one effect (also after the runtime's ledger lost track of it);
 *     poison → dead-lettered with its reason; stop → append → resume → each applied exactly once;
 *     abort is prompt; receipts say applied, or rejected with the silo's reason.
 *     Batch sinks (batchWindow + acknowledgements) run the same tests: their receipts follow the
 *     silo's acknowledgement.
 *   sourceConformance({ system, startSilo, stopSilo, createSource, append, stall })
 *     stop → append → resume → every record published once, under a derived id; a crash after
 *     publishing and before the checkpoint is saved republishes the same ids; failing polls back
 *     off and lose nothing; abort is prompt.
 *   pushSourceConformance({ system, startSilo, stopSilo, createPushSource, append })
 *     stop → append (the silo retries) → resume → every push published once; stop is prompt and
 *     a push arriving while stopping is not lost.
 *   fileListerConformance({ system, startSilo, stopSilo, createFileLister })
 *     every file listed once with its identifier and civil data; resuming from any file's cursor
 *     yields exactly the files after it; an aborted listing stops promptly. No broker, no store.
 *   faultProxy(target) → a TCP proxy that can stall a silo (hold every byte) or cut it off, for
 *     silos without a fault mode of their own.
 *
 * Each suite is one describe block; call several in one file (a sink and a source), they share
 * one store and bus. They need a Kafka broker (KAFKA_BROKERS) and PostgreSQL (TEST_DATABASE_URL),
 * which `npm test` provides: name the file `*.integration.test.ts` (docs/testing.md). Each suite
 * has topics of its own. Worked examples: every connectors/<name>/conformance.integration.test.ts.
 */
export { sinkConformance, type SinkConformanceOptions } from '../conformance/sink.ts';
export { sourceConformance, type SourceConformanceOptions } from '../conformance/source.ts';
export { fileListerConformance, type FileListerConformanceOptions } from '../conformance/file-lister.ts';
export { pushSourceConformance, type PushSourceConformanceOptions } from '../conformance/push-source.ts';
export { testDelivery, testSinkContext, type DeliveryInput } from './deliveries.ts';
export { faultProxy, type FaultProxy } from './fault-proxy.ts';
export { eventually } from './eventually.ts';
export { testReceiptKey } from './keys.ts';
export { freePort } from '../../../../core/free-port.ts';
export * from './databases.ts';
export * from './kafka.ts';
