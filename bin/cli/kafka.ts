/**
 * `relais kafka start|stop|status [--port 9092] [--version 3.9.1] [--nodes 1] [--fresh] [--security sasl_ssl]`: the
 * local broker of infra/kafka. `start` leaves it running detached (it outlives the command)
 * and shows the start phases as progress; `stop` stops it by its pid files; `status` exits 3
 * when it is not running.
 */
import type { Command } from 'commander';
import {
  DEFAULT_KAFKA_VERSION,
  clusterDir,
  runningPidsAt,
  startKafka,
  stopKafkaAt,
  type KafkaStartPhase,
} from '../../infra/kafka/kafka.ts';
import { ADMIN_PRINCIPAL } from '../../infra/kafka/acls.ts';
import { CliError, printJson, type Io } from './io.ts';
import { startProgress } from './progress.ts';

interface KafkaOptions {
  port: string;
  version: string;
  nodes: string;
  fresh?: boolean;
  security: string;
  json?: boolean;
}

const phases: Record<KafkaStartPhase, string> = {
  jars: 'fetching the broker jars (Maven, first run only)',
  format: 'formatting KRaft storage',
  launch: 'launching the broker',
  wait: 'waiting for the broker to answer',
};

function security(options: KafkaOptions): 'plaintext' | 'sasl_ssl' {
  if (options.security !== 'plaintext' && options.security !== 'sasl_ssl') {
    throw new CliError(`--security: "${options.security}" is not plaintext or sasl_ssl`, 2);
  }
  return options.security;
}

function port(options: KafkaOptions): number {
  const value = Number(options.port);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new CliError(`--port: "${options.port}" is not a port`, 2);
  return value;
}

async function start(io: Io, options: KafkaOptions): Promise<void> {
  const nodes = Number(options.nodes);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 5) throw new CliError(`--nodes: "${options.nodes}" is not 1 to 5`, 2);
  const order = Object.keys(phases) as KafkaStartPhase[];
  const progress = startProgress(io, order.length, 'starting Kafka');
  const started = Date.now();
  try {
    const cluster = await startKafka({
      version: options.version,
      port: port(options),
      nodes,
      fresh: options.fresh ?? false,
      security: security(options),
      // The operator's own tools connect as admin; the components' principals are made by the quick start.
      principals: [],
      detached: true,
      onPhase: (phase) => progress.update(order.indexOf(phase), phases[phase]),
    });
    progress.update(order.length, 'ready');
    progress.stop();
    if (options.json)
      return printJson(io, { brokers: cluster.brokers, version: cluster.version, dir: cluster.dir, readyMs: Date.now() - started });
    io.out(`Kafka ${cluster.version} ready on ${cluster.brokers} in ${Date.now() - started} ms (data: ${cluster.dir})`);
    io.out(`export KAFKA_BROKERS=${cluster.brokers}`);
    if (cluster.security.protocol === 'sasl_ssl') {
      const admin = cluster.security.as(ADMIN_PRINCIPAL);
      io.out(`export RELAIS_KAFKA_SECURITY=sasl_ssl RELAIS_KAFKA_CA_FILE=${cluster.security.caFile ?? ''}`);
      io.out(`export RELAIS_KAFKA_USERNAME=${ADMIN_PRINCIPAL} RELAIS_KAFKA_PASSWORD_FILE=${admin.passwordFile ?? ''}`);
    }
  } catch (error) {
    progress.stop();
    // infra/kafka adds the broker log's tail after the first line: keep the one line here.
    throw new CliError(`kafka start: ${(error as Error).message.split('\n')[0]}`);
  }
}

export function defineKafka(kafka: Command, io: Io): void {
  const common = (command: Command): Command =>
    command
      .option('--port <port>', 'client port of the first node', io.env['RELAIS_KAFKA_PORT'] ?? '9092')
      .option('--version <version>', 'Apache Kafka version (3.9.x or 4.1.x)', io.env['RELAIS_KAFKA_VERSION'] ?? DEFAULT_KAFKA_VERSION)
      .option('--json', 'print JSON');

  common(kafka.command('start').description('start a local broker, detached; prints KAFKA_BROKERS'))
    .option('--nodes <n>', 'combined broker/controller nodes (3 for failover tests)', '1')
    .option('--fresh', 'wipe its data first')
    .option(
      '--security <mode>',
      'sasl_ssl (TLS, SCRAM users, ACLs; CA and credentials under its data directory) or plaintext',
      io.env['RELAIS_KAFKA_LOCAL_SECURITY'] ?? 'sasl_ssl',
    )
    .action((options: KafkaOptions) => start(io, options));

  common(kafka.command('stop').description('stop the local broker started by `kafka start`')).action(async (options: KafkaOptions) => {
    const dir = clusterDir(options.version, port(options));
    const stopped = await stopKafkaAt(dir);
    if (options.json) return printJson(io, { stopped, dir });
    io.out(stopped ? `stopped ${stopped} Kafka node(s) in ${dir}` : `no Kafka running from ${dir}`);
  });

  common(kafka.command('status').description('is the local broker running? (exit 3 when not)')).action((options: KafkaOptions) => {
    const dir = clusterDir(options.version, port(options));
    const pids = runningPidsAt(dir);
    if (options.json) printJson(io, { running: pids.length > 0, pids, dir });
    else io.out(pids.length ? `running: pids ${pids.join(', ')} (${dir})` : `not running (${dir})`);
    if (pids.length === 0) throw new CliError(undefined, 3);
  });
}
