/**
 * docker-compose.yml and the Dockerfile read the way Compose and Docker read them, for the test
 * that runs every Node service as a plain process: the service's command after the image's
 * entry point, the image's ENV under the service's environment, and the rewriting that makes a
 * container's addresses local (other services' host names, its own listening ports, /data,
 * /run/secrets, the Kafka cluster).
 */
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { KAFKA_SECURITY_VARIABLES, kafkaSecurityVariables } from '../../infra/kafka/client-env.ts';

export interface ComposeService {
  build?: unknown;
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  expose?: (string | number)[];
  healthcheck?: { test?: string[] };
  restart?: string;
  depends_on?: Record<string, { condition?: string }>;
  secrets?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file: string }>;
}

/** Compose's `${VAR:-default}` with nothing set in the environment: the default. */
function interpolateDefaults(text: string): string {
  return text.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');
}

export function readCompose(file = 'docker-compose.yml'): ComposeFile {
  return parse(interpolateDefaults(readFileSync(file, 'utf8')), { merge: true }) as ComposeFile;
}

/** The last stage of a Dockerfile: its exec-form ENTRYPOINT and its ENV. */
export function readDockerfile(file = 'Dockerfile'): { entrypoint: string[]; env: Record<string, string> } {
  const lines = readFileSync(file, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim());
  const stage = lines.slice(lines.findLastIndex((l) => /^FROM\s/i.test(l)));
  const entry = stage.find((l) => /^ENTRYPOINT\s/i.test(l));
  if (!entry) throw new Error(`${file}: no ENTRYPOINT in the last stage`);
  const entrypoint = JSON.parse(entry.replace(/^ENTRYPOINT\s+/i, '')) as string[];
  const env: Record<string, string> = {};
  for (const line of stage.filter((l) => /^ENV\s/i.test(l))) {
    for (const [, key, value] of line.replace(/^ENV\s+/i, '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S*)/g)) env[key!] = value!;
  }
  return { entrypoint, env };
}

export const isNodeService = (service: ComposeService): boolean => service.build !== undefined;

/** Where each Node service's container ports land on this machine. */
export type PortMap = Map<string, Map<string, number>>;

export interface LocalContext {
  ports: PortMap;
  kafkaBrokers: string;
  secretsDir: string;
  dataDir: string;
  topicPrefix: string;
}

/**
 * One service's environment with its container addresses made local. Throws when a port it
 * listens on is not set in its environment (the test could not move it).
 */
export function localEnvironment(name: string, environment: Record<string, string>, context: LocalContext): Record<string, string> {
  const own = context.ports.get(name) ?? new Map<string, number>();
  for (const port of own.keys()) {
    if (!Object.values(environment).includes(port)) throw new Error(`${name} listens on ${port} (expose) but sets it in no variable`);
  }
  // A host-name variable naming another service makes that service's ports the ones meant here.
  const referenced = Object.values(environment).flatMap((value) => [...(context.ports.get(value)?.entries() ?? [])]);
  const env: Record<string, string> = {};
  for (const [key, raw] of Object.entries(environment)) {
    let value = raw.replace(/\b([a-z][a-z0-9-]*):(\d+)\b/g, (match, host: string, port: string) => {
      const local = context.ports.get(host)?.get(port);
      return local === undefined ? match : `127.0.0.1:${local}`;
    });
    if (context.ports.has(value)) value = '127.0.0.1';
    const port = own.get(value) ?? new Map(referenced).get(value);
    if (port !== undefined) value = String(port);
    if (value === '0.0.0.0') value = '127.0.0.1';
    if (value === '/data') value = context.dataDir;
    value = value.replace(/^\/run\/secrets\//, `${context.secretsDir}/`);
    env[key] = value;
  }
  if (env['KAFKA_BROKERS'] !== undefined) {
    // The test broker is one node: the cluster's replication settings cannot apply to it; and
    // it knows none of the compose file's principals: the services connect as the tests do.
    for (const name of KAFKA_SECURITY_VARIABLES) delete env[name];
    Object.assign(env, {
      ...kafkaSecurityVariables(),
      KAFKA_BROKERS: context.kafkaBrokers,
      RELAIS_TOPIC_REPLICATION: '1',
      RELAIS_TOPIC_MIN_ISR: '1',
      RELAIS_TOPIC_PREFIX: context.topicPrefix,
    });
  }
  return env;
}

/** A healthcheck's command with the service's own ports made local (its `node` is this Node). */
export function localHealthcheck(name: string, test: string[], ports: PortMap): string[] {
  if (test[0] !== 'CMD' || test[1] !== 'node') throw new Error(`${name}: healthcheck is not ["CMD", "node", …]`);
  const own = ports.get(name) ?? new Map<string, number>();
  return test.slice(2).map((arg) => {
    const port = own.get(arg);
    if (port !== undefined) return String(port);
    return arg.replace(/127\.0\.0\.1:(\d+)/, (match, p: string) => (own.has(p) ? `127.0.0.1:${own.get(p)}` : match));
  });
}

/** The Node services in an order where each comes after the Node services it depends on. */
export function startOrder(services: Record<string, ComposeService>): string[] {
  const order: string[] = [];
  const visit = (name: string, path: string[]): void => {
    if (order.includes(name)) return;
    if (path.includes(name)) throw new Error(`depends_on cycle: ${[...path, name].join(' → ')}`);
    const service = services[name];
    if (!service || !isNodeService(service)) return;
    for (const dependency of Object.keys(service.depends_on ?? {})) visit(dependency, [...path, name]);
    order.push(name);
  };
  for (const name of Object.keys(services)) visit(name, []);
  return order;
}

/** What the image's last stage copies from the build context (COPY without --from). */
export function copiedPaths(file = 'Dockerfile'): string[] {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim());
  const stage = lines.slice(lines.findLastIndex((l) => /^FROM\s/i.test(l)));
  return stage
    .filter((l) => /^COPY\s/i.test(l) && !/--from=/.test(l))
    .flatMap((l) => l.split(/\s+/).slice(1, -1))
    .map((p) => p.replace(/\/$/, ''));
}

const moduleReference = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** Every source file an entry script loads at run time (type-only imports are erased), and the packages they import. */
export function runtimeImports(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(moduleReference)) {
      const specifier = (match[1] ?? match[2])!;
      if (specifier.startsWith('.')) visit(relative('.', resolve(dirname(file), specifier)));
      else if (!isBuiltin(specifier))
        packages.add(
          specifier
            .split('/')
            .slice(0, specifier.startsWith('@') ? 2 : 1)
            .join('/'),
        );
    }
  };
  visit(entry);
  return { files: [...files].sort(), packages: [...packages].sort() };
}
