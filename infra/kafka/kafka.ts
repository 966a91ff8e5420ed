/**
 * Starts and stops a real Apache Kafka broker (KRaft, combined broker/controller) assembled
 * from Maven Central jars — no tarball, no Docker. Used by the quick start, the test runner
 * and the `kafka` CLI verbs below.
 *
 * Layout on disk:
 *   infra/kafka/lib/<version>/      jars copied by Maven (pom.xml next to this file)
 *   .relais/kafka/<version>-<port>/ one directory per cluster: node-N/{server.properties,data,broker.log}
 *
 * Facts this relies on (checked here, see docs/kafka-local.md): the client port opens only once
 * the broker is unfenced, so a TCP connect is a valid readiness probe; SIGTERM triggers a
 * controlled shutdown; a JVM whose stdout pipe is not read blocks, so output goes to a file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KafkaSecurity } from '../../core/bus/security.ts';
import { ensureBrokerTls } from './certificates.ts';
import { ADMIN_PRINCIPAL } from './acls.ts';
import { ensureCredentials, readCredentials, type Credentials } from './credentials.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');

export interface KafkaClusterOptions {
  /** Apache Kafka version, e.g. 3.9.1 or 4.1.1. */
  version?: string;
  /** Client port of the first node; node N listens on port + N - 1. */
  port?: number;
  /** Number of combined broker/controller nodes (1 locally, 3 for failover tests). */
  nodes?: number;
  /** Maximum heap per node, in MiB. */
  heapMiB?: number;
  /** Root directory for this cluster's data and logs. */
  dir?: string;
  /** Wipe the data directory before starting (a fresh cluster). */
  fresh?: boolean;
  /** How long to wait for every node to answer. */
  startTimeoutMs?: number;
  /**
   * `sasl_ssl`: a TLS listener with SASL/SCRAM-SHA-512, a local CA made at first start, and
   * KRaft's StandardAuthorizer (deny unless an ACL allows). `plaintext`: no TLS, no
   * authentication, no authorizer — a throwaway broker only. Default plaintext.
   */
  security?: 'plaintext' | 'sasl_ssl';
  /** SCRAM users to create besides `admin` (sasl_ssl), at the first format of the storage. */
  principals?: string[];
  /** Told when each start phase begins (`relais kafka start` shows them as progress). */
  onPhase?: (phase: KafkaStartPhase) => void;
}

/** Fetching the jars (Maven, first run only), formatting storage, launching the JVMs, waiting for the ports. */
export type KafkaStartPhase = 'jars' | 'format' | 'launch' | 'wait';

export interface KafkaCluster {
  /** Bootstrap list for clients: "127.0.0.1:port,…". */
  brokers: string;
  version: string;
  dir: string;
  /** Stops every node (SIGTERM, then SIGKILL after the grace period). */
  stop(graceMs?: number): Promise<void>;
  /** Stops one node abruptly (failover tests). */
  killNode(nodeId: number): void;
  pids(): number[];
  /** How to reach it as a principal (sasl_ssl), or as anyone (plaintext). */
  security: ClusterSecurity;
}

export interface ClusterSecurity {
  protocol: 'plaintext' | 'sasl_ssl';
  /** The CA clients trust (sasl_ssl). */
  caFile?: string;
  /** A principal's client security, and the file holding its password (sasl_ssl). */
  as(principal: string): { security: KafkaSecurity; passwordFile?: string };
}

export const DEFAULT_KAFKA_VERSION = '3.9.1';

/** Node N's controller listens on its client port + this offset. */
export const CONTROLLER_PORT_OFFSET = 1000;

export function libDir(version: string): string {
  return join(here, 'lib', version);
}

/** Copies the broker jars from Maven Central (or the local Maven cache) once per version. */
export function ensureKafkaJars(version: string): string {
  const lib = libDir(version);
  if (existsSync(lib) && readdirSync(lib).some((f) => f.startsWith('kafka_2.13-'))) return lib;
  const profile = version.startsWith('3.') ? 'kafka-3' : 'kafka-4';
  const result = spawnSync(
    'mvn',
    ['-q', '-B', '-f', join(here, 'pom.xml'), `-P${profile}`, `-Dkafka.version=${version}`, 'dependency:copy-dependencies'],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (result.status !== 0) {
    throw new Error(`fetching Apache Kafka ${version} jars with Maven failed (exit ${String(result.status)}); is Maven Central reachable?`);
  }
  return lib;
}

function clusterId(dir: string): string {
  const file = join(dir, 'cluster-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  // Any 22-character URL-safe base64 UUID will do; all nodes of one cluster share it. Like
  // Kafka's own Uuid.randomUuid(), avoid a leading '-': the format tool would read it as a flag.
  let id = '';
  while (id === '' || id.startsWith('-')) id = randomBytes(16).toString('base64url').slice(0, 22);
  writeFileSync(file, id);
  return id;
}

interface NodeLayout {
  id: number;
  port: number;
  controllerPort: number;
  dir: string;
  properties: string;
}

function nodeLayouts(port: number, nodes: number, dir: string): NodeLayout[] {
  return Array.from({ length: nodes }, (_, i) => {
    const id = i + 1;
    return {
      id,
      port: port + i,
      // 1,000 above the client ports, so test brokers a few ports apart never take each other's.
      controllerPort: port + CONTROLLER_PORT_OFFSET + i,
      dir: join(dir, `node-${id}`),
      properties: join(dir, `node-${id}`, 'server.properties'),
    };
  });
}

interface BrokerSecurity {
  keystore: string;
  truststore: string;
  storePassword: string;
  adminPassword: string;
}

/**
 * The client listener is SASL_SSL; brokers replicate over it as `admin`. The controller
 * listener stays PLAINTEXT on loopback: KRaft controllers cannot authenticate SCRAM (the
 * credentials live in the metadata they serve), so its principal, ANONYMOUS, is a super user —
 * safe only because that port is bound to 127.0.0.1 (docs/security.md).
 */
function securedListener(node: NodeLayout, tls: BrokerSecurity): string[] {
  return [
    `listeners=SASL_SSL://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    `advertised.listeners=SASL_SSL://127.0.0.1:${node.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=SASL_SSL',
    'listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT',
    'sasl.enabled.mechanisms=SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${ADMIN_PRINCIPAL}" password="${tls.adminPassword}";`,
    'ssl.keystore.type=PKCS12',
    `ssl.keystore.location=${tls.keystore}`,
    `ssl.keystore.password=${tls.storePassword}`,
    `ssl.key.password=${tls.storePassword}`,
    'ssl.truststore.type=PKCS12',
    `ssl.truststore.location=${tls.truststore}`,
    `ssl.truststore.password=${tls.storePassword}`,
    'ssl.client.auth=none',
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    `super.users=User:${ADMIN_PRINCIPAL};User:ANONYMOUS`,
    'allow.everyone.if.no.acl.found=false',
  ];
}

function plaintextListener(node: NodeLayout): string[] {
  return [
    `listeners=PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${node.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
  ];
}

function serverProperties(node: NodeLayout, all: NodeLayout[], tls: BrokerSecurity | undefined): string {
  const voters = all.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(',');
  const replication = Math.min(3, all.length);
  const minIsr = all.length >= 3 ? 2 : 1;
  return [
    'process.roles=broker,controller',
    `node.id=${node.id}`,
    `controller.quorum.voters=${voters}`,
    ...(tls ? securedListener(node, tls) : plaintextListener(node)),
    `log.dirs=${join(node.dir, 'data')}`,
    // Defaults assume three brokers; one node would never find its group coordinator.
    `offsets.topic.replication.factor=${replication}`,
    'offsets.topic.num.partitions=10',
    `transaction.state.log.replication.factor=${replication}`,
    `transaction.state.log.min.isr=${minIsr}`,
    'transaction.state.log.num.partitions=4',
    `share.coordinator.state.topic.replication.factor=${replication}`,
    `share.coordinator.state.topic.min.isr=${minIsr}`,
    `default.replication.factor=${replication}`,
    `min.insync.replicas=${minIsr}`,
    'auto.create.topics.enable=false',
    // Test friendliness and footprint.
    'group.initial.rebalance.delay.ms=0',
    'num.network.threads=2',
    'num.io.threads=2',
    'log.cleaner.dedupe.buffer.size=4194304',
    'broker.heartbeat.interval.ms=500',
    'broker.session.timeout.ms=3000',
    '',
  ].join('\n');
}

function log4jConfig(version: string, file: string): { path: string; flag: string } {
  if (version.startsWith('3.')) {
    writeFileSync(
      file,
      [
        'log4j.rootLogger=INFO, stdout',
        'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
        'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
        'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
        'log4j.logger.kafka=INFO',
        'log4j.logger.org.apache.kafka=INFO',
        'log4j.logger.state.change.logger=WARN',
        '',
      ].join('\n'),
    );
    return { path: file, flag: `-Dlog4j.configuration=file:${file}` };
  }
  writeFileSync(
    file,
    [
      'Configuration:',
      '  Appenders:',
      '    Console:',
      '      name: STDOUT',
      '      PatternLayout:',
      '        pattern: "[%d] %p %m (%c)%n"',
      '  Loggers:',
      '    Root:',
      '      level: INFO',
      '      AppenderRef:',
      '        - ref: STDOUT',
      '',
    ].join('\n'),
  );
  return { path: file, flag: `-Dlog4j2.configurationFile=${file}` };
}

function java(): string {
  return process.env['JAVA_HOME'] ? join(process.env['JAVA_HOME'], 'bin', 'java') : 'java';
}

/**
 * SCRAM users are created when the storage is formatted: a cluster formatted plaintext has none,
 * so it cannot simply be restarted secured. The mode is recorded at the first start and checked.
 */
function checkSecurityMode(dir: string, layouts: NodeLayout[], mode: 'plaintext' | 'sasl_ssl'): void {
  const file = join(dir, 'security-mode');
  const formatted = layouts.some((node) => existsSync(join(node.dir, 'data', 'meta.properties')));
  const recorded = existsSync(file) ? readFileSync(file, 'utf8').trim() : formatted ? 'plaintext' : undefined;
  if (recorded !== undefined && recorded !== mode) {
    throw new Error(
      `the Kafka data in ${dir} was made ${recorded}, not ${mode}: start it fresh (\`relais kafka start --fresh\`, or delete the directory; its topics are lost), or ask for ${recorded}`,
    );
  }
  writeFileSync(file, `${mode}\n`);
}

/** `--add-scram` arguments: SCRAM users exist from the first start, before any client connects. */
function scramArguments(credentials: Credentials | undefined): string[] {
  if (!credentials) return [];
  return [...credentials.entries()].flatMap(([name, password]) => ['--add-scram', `SCRAM-SHA-512=[name=${name},password=${password}]`]);
}

function formatStorage(classpath: string, node: NodeLayout, id: string, logFlag: string, credentials: Credentials | undefined): void {
  if (existsSync(join(node.dir, 'data', 'meta.properties'))) return;
  const result = spawnSync(
    java(),
    [
      '-Xmx256m',
      logFlag,
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      `--cluster-id=${id}`,
      '-c',
      node.properties,
      '--ignore-formatted',
      ...scramArguments(credentials),
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`formatting KRaft storage in ${node.dir} failed: ${result.stderr || result.stdout}`);
  }
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export function waitForPort(port: number, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolvePromise, reject) => {
    const attempt = (): void => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolvePromise();
      });
      socket.once('error', () => {
        socket.destroy();
        if (!isAlive()) reject(new Error(`Kafka node on port ${port} exited before it was ready`));
        else if (Date.now() > deadline) reject(new Error(`Kafka on 127.0.0.1:${port} did not answer within ${timeoutMs} ms`));
        else setTimeout(attempt, 200);
      });
    };
    attempt();
  });
}

export function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once('error', () => resolvePromise(false));
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A pid from a pid file is ours only if it still runs Kafka with this cluster's properties. */
function isOurBroker(pid: number, dir: string): boolean {
  if (!isRunning(pid)) return false;
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return commandLine.includes('kafka.Kafka') && commandLine.includes(dir);
  } catch {
    // No /proc (not Linux): fall back to the pid file alone.
    return true;
  }
}

async function waitForExit(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pids.every((pid) => !isRunning(pid))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return pids.every((pid) => !isRunning(pid));
}

export function clusterDir(version: string, port: number): string {
  return join(repoRoot, '.relais', 'kafka', `${version}-${port}`);
}

/**
 * Starts a local cluster and waits until every node answers. `detached` nodes outlive this
 * process (the CLI's `start`); otherwise the caller must call stop().
 */
export async function startKafka(options: KafkaClusterOptions & { detached?: boolean } = {}): Promise<KafkaCluster> {
  const version = options.version ?? DEFAULT_KAFKA_VERSION;
  const port = options.port ?? 9092;
  const nodes = options.nodes ?? 1;
  const heap = options.heapMiB ?? (nodes > 1 ? 384 : 512);
  const dir = options.dir ?? clusterDir(version, port);

  for (const layout of nodeLayouts(port, nodes, dir)) {
    if (await portIsOpen(layout.port)) {
      throw new Error(`port ${layout.port} is already in use: stop what listens there, or set KAFKA_BROKERS to use a running cluster`);
    }
  }
  if (options.fresh) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  options.onPhase?.('jars');
  const classpath = `${ensureKafkaJars(version)}/*`;
  const id = clusterId(dir);
  const layouts = nodeLayouts(port, nodes, dir);
  const secured = options.security === 'sasl_ssl';
  checkSecurityMode(dir, layouts, secured ? 'sasl_ssl' : 'plaintext');
  const credentials = secured ? ensureCredentials(dir, [ADMIN_PRINCIPAL, ...(options.principals ?? [])]) : undefined;
  const tls = secured ? ensureBrokerTls(dir) : undefined;
  const brokerSecurity =
    tls && credentials
      ? {
          keystore: tls.keystore,
          truststore: tls.truststore,
          storePassword: tls.password,
          adminPassword: credentials.password(ADMIN_PRINCIPAL),
        }
      : undefined;
  const children: { id: number; pid: number; exited: boolean }[] = [];

  for (const node of layouts) {
    mkdirSync(node.dir, { recursive: true });
    // It holds the keystore and admin passwords: readable by this user only.
    writeFileSync(node.properties, serverProperties(node, layouts, brokerSecurity), { mode: 0o600 });
    const log = log4jConfig(version, join(node.dir, version.startsWith('3.') ? 'log4j.properties' : 'log4j2.yaml'));
    options.onPhase?.('format');
    formatStorage(classpath, node, id, log.flag, credentials);
    options.onPhase?.('launch');
    const out = openSync(join(node.dir, 'broker.log'), 'a');
    const child = spawn(
      java(),
      [
        '-Xms128m',
        `-Xmx${heap}m`,
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-XX:+ExitOnOutOfMemoryError',
        '-Djava.awt.headless=true',
        log.flag,
        '-cp',
        classpath,
        'kafka.Kafka',
        node.properties,
      ],
      { stdio: ['ignore', out, out], detached: options.detached ?? false },
    );
    if (child.pid === undefined) throw new Error(`could not start java for Kafka node ${node.id}`);
    const entry = { id: node.id, pid: child.pid, exited: false };
    child.once('exit', () => {
      entry.exited = true;
    });
    if (options.detached) child.unref();
    children.push(entry);
    writeFileSync(join(node.dir, 'pid'), String(child.pid));
  }

  const cluster: KafkaCluster = {
    brokers: layouts.map((n) => `127.0.0.1:${n.port}`).join(','),
    version,
    dir,
    pids: () => children.filter((c) => !c.exited).map((c) => c.pid),
    security: clusterSecurity(tls?.caFile, credentials),
    killNode(nodeId) {
      const child = children.find((c) => c.id === nodeId);
      if (child && !child.exited) process.kill(child.pid, 'SIGKILL');
    },
    async stop(graceMs = 15_000) {
      await stopPids(
        children.map((c) => c.pid),
        graceMs,
      );
      for (const node of layouts) rmSync(join(node.dir, 'pid'), { force: true });
    },
  };

  options.onPhase?.('wait');
  try {
    await Promise.all(layouts.map((node, i) => waitForPort(node.port, options.startTimeoutMs ?? 90_000, () => !children[i]!.exited)));
  } catch (error) {
    await cluster.stop(2_000);
    const logFile = join(layouts[0]!.dir, 'broker.log');
    const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
    throw new Error(`${(error as Error).message}\n--- ${logFile} (tail) ---\n${tail}`, { cause: error });
  }
  return cluster;
}

async function stopPids(pids: number[], graceMs: number): Promise<void> {
  // Stop all nodes together: a node whose quorum is gone can wait minutes for controlled shutdown.
  for (const pid of pids) if (isRunning(pid)) process.kill(pid, 'SIGTERM');
  if (!(await waitForExit(pids, graceMs))) {
    for (const pid of pids) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    await waitForExit(pids, 5_000);
  }
}

function pidFilesAt(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((d) => d.startsWith('node-'))
    .map((d) => join(dir, d, 'pid'))
    .filter((f) => existsSync(f));
}

/** Pids of this cluster's brokers that are still running (checked, never just trusted). */
export function runningPidsAt(dir: string): number[] {
  return pidFilesAt(dir)
    .map((f) => Number(readFileSync(f, 'utf8')))
    .filter((pid) => pid > 0 && isOurBroker(pid, dir));
}

/** Stops a cluster started detached (by pid files), e.g. `kafka stop` after `kafka start`. */
export async function stopKafkaAt(dir: string, graceMs = 15_000): Promise<number> {
  const pids = runningPidsAt(dir);
  await stopPids(pids, graceMs);
  for (const f of pidFilesAt(dir)) rmSync(f, { force: true });
  return pids.length;
}

function clusterSecurity(caFile: string | undefined, credentials: Credentials | undefined): ClusterSecurity {
  if (caFile === undefined || credentials === undefined) {
    return { protocol: 'plaintext', as: () => ({ security: { protocol: 'plaintext' } }) };
  }
  const ca = readFileSync(caFile, 'utf8');
  return {
    protocol: 'sasl_ssl',
    caFile,
    as: (principal) => ({
      security: { protocol: 'sasl_ssl', ca, username: principal, password: credentials.password(principal) },
      passwordFile: credentials.file(principal),
    }),
  };
}

/** The security of a cluster started earlier (detached) with the given directory. */
export function clusterSecurityAt(dir: string): ClusterSecurity {
  const caFile = join(dir, 'tls', 'ca.pem');
  return existsSync(caFile) ? clusterSecurity(caFile, readCredentials(dir)) : clusterSecurity(undefined, undefined);
}
