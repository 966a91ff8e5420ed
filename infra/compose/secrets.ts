/**
 * `npx node infra/compose/secrets.ts [dir]` writes the secrets docker-compose.yml mounts under
 * /run/secrets, into `secrets/` (git-ignored, never in an image): random passwords, the
 * connection URLs that carry them, the development API credential and the tax connector's SSH
 * key pair. Existing files are kept, so running it again changes nothing; delete a file to
 * draw it again (and recreate the database volume if it was a database password).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ADMIN_PRINCIPAL, aclCommandLines, componentGrants, componentPrincipals } from '../kafka/acls.ts';
import { ensureBrokerTls } from '../kafka/certificates.ts';

const dir = resolve(process.argv[2] ?? 'secrets');
// Compose mounts each file as it is on the host (outside swarm, its uid/mode options are
// ignored), and the services run as the image's `node` user: the files must be readable by
// others, so the directory is what keeps other local users out.
mkdirSync(dir, { recursive: true });
chmodSync(dir, 0o700);
const fileMode = 0o644;

const random = (): string => randomBytes(24).toString('base64url');

/** The secret in `name`, written with `make()` the first time. */
function secret(name: string, make: () => string): string {
  const file = join(dir, name);
  if (!existsSync(file)) writeFileSync(file, `${make()}\n`, { mode: fileMode });
  return readFileSync(file, 'utf8').trim();
}

const postgresPassword = secret('postgres_password', random);
secret('database_url', () => `postgres://relais:${postgresPassword}@postgres:5432/relais`);
secret('mariadb_root_password', random);
const mariadbPassword = secret('mariadb_password', random);
secret('waste_database_url', () => `mariadb://dechets:${mariadbPassword}@mariadb:3306/dechets`);
secret('relais_dev_token', () => `dev-${random()}`);
secret('relais_log_salt', random);
// The master key wrapping the citizens' data keys (privacy/master-key.ts): 32 bytes, base64.
secret('relais_master_key', () => randomBytes(32).toString('base64'));
secret('civil_registry_password', () => `registre-${random()}`);
secret('social_services_api_key', random);
secret('social_services_webhook_secret', () => `whsec-${random()}`);
secret('school_catering_token', random);
// The tax connector's SSH key pair, made by OpenSSH's own ssh-keygen (as an operator would).
const taxKey = join(dir, 'tax_sftp_key');
if (!existsSync(taxKey))
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'relais@compose', '-f', taxKey], { stdio: 'ignore' });
chmodSync(taxKey, fileMode);

// Kafka: the brokers' CA and keystores (keytool, as the local launcher does), one SCRAM password
// per principal, and the components' ACLs as kafka-acls.sh arguments (docs/security.md).
const kafkaTls = ensureBrokerTls(join(dir, 'kafka'), ['kafka-1', 'kafka-2', 'kafka-3']);
copyFileSync(kafkaTls.caFile, join(dir, 'kafka_ca'));
chmodSync(join(dir, 'kafka_ca'), fileMode);
for (const [file, from] of [
  ['kafka_keystore', kafkaTls.keystore],
  ['kafka_truststore', kafkaTls.truststore],
] as const) {
  copyFileSync(from, join(dir, file));
  chmodSync(join(dir, file), fileMode);
}
secret('kafka_store_password', () => kafkaTls.password);
// The connectors of docker-compose.yml, and whether each publishes events of its own.
const composeSystems = [
  { system: 'social-services', source: true },
  { system: 'civil-registry', source: true },
  { system: 'waste-management', source: true },
  { system: 'tax', source: true },
  { system: 'school-catering', source: false },
  { system: 'email', source: false },
];
for (const principal of [ADMIN_PRINCIPAL, ...componentPrincipals(composeSystems)]) secret(`kafka_password_${principal}`, random);
writeFileSync(join(dir, 'kafka_acls'), `${aclCommandLines(componentGrants('relais', composeSystems)).join('\n')}\n`, { mode: fileMode });

console.log(`secrets in ${dir} (keep this directory out of version control and of images)`);
