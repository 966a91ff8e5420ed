/**
 * The test tiers (docs/testing.md), with node's test runner; arguments that do not start with
 * `-` are path filters (a file runs when its path contains one of them):
 *   npm test [-- <filter>…]                  every test: the unit tier, then the integration tier
 *   npm run test:unit [-- <filter>…]         *.test.ts only: no broker, no database, no process
 *   npm run test:integration [-- <filter>…]  *.integration.test.ts only (end-to-end tests included)
 * Fails when it finds no test file (node --test would pass with zero tests).
 *
 * The unit tier runs with Kafka and the databases out of reach (KAFKA_BROKERS unset, the test
 * database URLs pointing at a closed port), so a unit test that needs one fails instead of
 * quietly using a server that happens to run here.
 *
 * The integration tier, and only it: Kafka from KAFKA_BROKERS when set, otherwise a fresh local
 * broker from infra/kafka (port RELAIS_TEST_KAFKA_PORT, default 19092), stopped afterwards. That
 * broker runs TLS + SASL/SCRAM with ACLs (RELAIS_TEST_KAFKA_SECURITY=plaintext: without), and the
 * tests get its CA and super user's credentials as RELAIS_KAFKA_* variables.
 * PostgreSQL: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) must
 * answer; each test creates and drops its own database.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import pg from 'pg';
import { kafkaSecurityEnv } from '../infra/kafka/client-env.ts';
import { ADMIN_PRINCIPAL } from '../infra/kafka/acls.ts';
import { startKafka, type KafkaCluster } from '../infra/kafka/kafka.ts';
import { isIntegrationTest, isUnitTest, repositoryFiles } from './test-files.ts';

const root = process.cwd();
const tier = process.argv.includes('--unit') ? 'unit' : process.argv.includes('--integration') ? 'integration' : 'all';
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = repositoryFiles(root, '.test.ts').filter((f) => filters.length === 0 || filters.some((filter) => f.includes(filter)));
const unit = tier === 'integration' ? [] : files.filter(isUnitTest);
const integration = tier === 'unit' ? [] : files.filter(isIntegrationTest);
if (unit.length + integration.length === 0) {
  const scope = tier === 'all' ? '' : ` ${tier}`;
  console.error(`no${scope} test files found${filters.length ? ` matching ${filters.join(', ')}` : ''}: refusing to report success`);
  process.exit(1);
}

// Tests that start brokers of their own put them next to the base port, so two runs with
// different RELAIS_TEST_KAFKA_PORTs (e.g. two worktrees) never collide.
const basePort = Number(process.env['RELAIS_TEST_KAFKA_PORT'] ?? 19092);
process.env['RELAIS_TEST_OUTAGE_KAFKA_PORT'] ??= String(basePort + 10);
process.env['RELAIS_TEST_KAFKA41_PORT'] ??= String(basePort + 20);
process.env['RELAIS_TEST_READINESS_KAFKA_PORT'] ??= String(basePort + 30);
process.env['RELAIS_TEST_SECURE_KAFKA_PORT'] ??= String(basePort + 40);
process.env['TEST_DATABASE_URL'] ??= 'postgres://postgres@127.0.0.1:5432/postgres';

const children = new Set<ReturnType<typeof spawn>>();
const stopAll = (): void => {
  for (const child of children) child.kill('SIGTERM');
};
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

/**
 * Runs node's test runner over `tests`; resolves with its exit code. With `buffered`, its report
 * is printed whole once it ends (so reports of runs side by side do not interleave).
 */
function runTests(tests: string[], runnerOptions: string[], env: NodeJS.ProcessEnv, buffered = false): Promise<number> {
  const child = spawn(process.execPath, ['--test', ...runnerOptions, '--test-reporter=spec', ...tests], {
    stdio: buffered ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    env: { ...env, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'silent', ...(buffered && process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}) },
  });
  children.add(child);
  const report: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => report.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => report.push(chunk));
  return new Promise<number>((resolve) =>
    child.once('close', (status, signal) => {
      children.delete(child);
      process.stdout.write(Buffer.concat(report));
      resolve(status ?? (signal ? 1 : 0));
    }),
  );
}

/** `files` in `count` shares of about the same size (largest first, each to the lightest share: size stands in for duration). */
function shareOut(files: string[], count: number): string[][] {
  const shares = Array.from({ length: count }, () => ({ files: [] as string[], bytes: 0 }));
  const sized = files.map((file) => ({ file, bytes: statSync(file).size })).sort((a, b) => b.bytes - a.bytes);
  for (const { file, bytes } of sized) {
    const lightest = shares.reduce((min, share) => (share.bytes < min.bytes ? share : min));
    lightest.files.push(file);
    lightest.bytes += bytes;
  }
  return shares.map((share) => share.files.sort());
}

async function probePostgres(): Promise<void> {
  const probe = new pg.Client({ connectionString: process.env['TEST_DATABASE_URL'] });
  try {
    await probe.connect();
    await probe.end();
  } catch (error) {
    console.error(`PostgreSQL at TEST_DATABASE_URL is not reachable (${(error as Error).message}); start it or set TEST_DATABASE_URL`);
    process.exit(1);
  }
}

async function startTestBroker(): Promise<KafkaCluster | undefined> {
  if (process.env['KAFKA_BROKERS']) return undefined;
  const started = Date.now();
  // Secured as in production (TLS, SCRAM, StandardAuthorizer); the tests connect as the super
  // user, and infra/kafka/security.integration.test.ts checks the components' own ACLs.
  const security = process.env['RELAIS_TEST_KAFKA_SECURITY'] === 'plaintext' ? 'plaintext' : 'sasl_ssl';
  const kafka = await startKafka({ port: basePort, version: process.env['RELAIS_KAFKA_VERSION'] ?? '3.9.1', fresh: true, security });
  console.log(`test broker: Kafka ${kafka.version} (${security}) on ${kafka.brokers}, ready in ${Date.now() - started} ms`);
  return kafka;
}

if (integration.length > 0) await probePostgres();
// The broker starts while the unit tier runs; its failure is reported when the integration tier needs it.
const broker = integration.length > 0 ? startTestBroker() : undefined;
broker?.catch(() => undefined);

let code = 0;
if (unit.length > 0) {
  const { KAFKA_BROKERS: _unused, ...env } = process.env;
  const nowhere = 'unit-tests-use-no-database@127.0.0.1:1/none';
  const unitEnv = { ...env, TEST_DATABASE_URL: `postgres://${nowhere}`, TEST_MARIADB_URL: `mariadb://${nowhere}` };
  // A few processes side by side, each running its share of the files in one context: the
  // modules load once per process instead of once per file (docs/testing.md, "Durations").
  const processes = Math.max(1, Math.min(unit.length, Number(process.env['RELAIS_TEST_CONCURRENCY'] ?? 2)));
  const shares = shareOut(unit, processes);
  const codes = await Promise.all(shares.map((share) => runTests(share, ['--test-isolation=none'], unitEnv, processes > 1)));
  code = codes.find((c) => c !== 0) ?? 0;
}
if (integration.length > 0) {
  let kafka: KafkaCluster | undefined;
  try {
    kafka = await broker;
  } catch (error) {
    console.error(`the test broker did not start: ${(error as Error).message}`);
    process.exit(1);
  }
  const admin = kafka?.security.as(ADMIN_PRINCIPAL);
  const env = kafka
    ? {
        ...process.env,
        KAFKA_BROKERS: kafka.brokers,
        ...kafkaSecurityEnv(admin!.security, {
          ...(kafka.security.caFile ? { caFile: kafka.security.caFile } : {}),
          ...(admin!.passwordFile ? { passwordFile: admin!.passwordFile } : {}),
        }),
      }
    : process.env;
  const status = await runTests(integration, [`--test-concurrency=${process.env['RELAIS_TEST_CONCURRENCY'] ?? '2'}`], env);
  code ||= status;
  await kafka?.stop();
}
process.exit(code);
