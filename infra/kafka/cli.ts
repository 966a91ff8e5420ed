/**
 * `npm run kafka -- start|stop|status [--port 9092] [--version 3.9.1] [--nodes 1] [--fresh]`
 * Starts a detached local cluster (it outlives this command) and stops it by its pid files.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_KAFKA_VERSION, clusterDir, runningPidsAt, startKafka, stopKafkaAt } from './kafka.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string', default: process.env['RELAIS_KAFKA_PORT'] ?? '9092' },
    version: { type: 'string', default: process.env['RELAIS_KAFKA_VERSION'] ?? DEFAULT_KAFKA_VERSION },
    nodes: { type: 'string', default: '1' },
    fresh: { type: 'boolean', default: false },
  },
});

const command = positionals[0] ?? 'status';
const port = Number(values.port);
const dir = clusterDir(values.version, port);

try {
  switch (command) {
    case 'start': {
      const started = Date.now();
      const cluster = await startKafka({
        version: values.version,
        port,
        nodes: Number(values.nodes),
        fresh: values.fresh,
        detached: true,
      });
      console.log(`Kafka ${cluster.version} ready on ${cluster.brokers} in ${Date.now() - started} ms (data: ${cluster.dir})`);
      console.log(`export KAFKA_BROKERS=${cluster.brokers}`);
      break;
    }
    case 'stop': {
      const stopped = await stopKafkaAt(dir);
      console.log(stopped ? `stopped ${stopped} Kafka node(s) in ${dir}` : `no Kafka running from ${dir}`);
      break;
    }
    case 'status': {
      const pids = runningPidsAt(dir);
      console.log(pids.length ? `running: pids ${pids.join(', ')} (${dir})` : `not running (${dir})`);
      process.exitCode = pids.length ? 0 : 3;
      break;
    }
    default:
      console.error(`unknown command "${command}": use start, stop or status`);
      process.exitCode = 2;
  }
} catch (error) {
  console.error(`kafka ${command}: ${(error as Error).message}`);
  process.exitCode = 1;
}
