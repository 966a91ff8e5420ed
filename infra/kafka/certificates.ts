/**
 * The local broker's TLS material, made once under the cluster's directory with the JDK's
 * keytool (the JDK is already needed to run Kafka, so no openssl dependency):
 *
 *   tls/ca.p12        the local certificate authority (its key never leaves this directory)
 *   tls/ca.pem        its certificate: what clients trust (RELAIS_KAFKA_CA_FILE)
 *   tls/broker.p12    the brokers' key and certificate (SAN 127.0.0.1, localhost, and `hosts`)
 *   tls/truststore.p12 the CA alone, for the brokers' own inter-broker connections
 *   tls/store-password the keystores' password
 *
 * Why a CA and not one self-signed broker certificate: rotating the broker's certificate
 * (delete broker.p12, restart) then needs no change on any client. docs/security.md.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BrokerTls {
  /** PEM of the CA that signed the brokers' certificate. */
  caFile: string;
  keystore: string;
  truststore: string;
  password: string;
}

function keytool(): string {
  return process.env['JAVA_HOME'] ? join(process.env['JAVA_HOME'], 'bin', 'keytool') : 'keytool';
}

function run(args: string[], input?: string): string {
  const result = spawnSync(keytool(), args, { encoding: 'utf8', ...(input === undefined ? {} : { input }) });
  if (result.status !== 0) throw new Error(`keytool ${args[0] ?? ''} failed: ${result.stderr || result.stdout}`);
  return result.stdout;
}

/** The CA and the broker's keystore for `dir`, generated the first time only. */
export function ensureBrokerTls(dir: string, hosts: string[] = []): BrokerTls {
  const tls = join(dir, 'tls');
  const files = {
    ca: join(tls, 'ca.p12'),
    caFile: join(tls, 'ca.pem'),
    keystore: join(tls, 'broker.p12'),
    truststore: join(tls, 'truststore.p12'),
    password: join(tls, 'store-password'),
  };
  mkdirSync(tls, { recursive: true, mode: 0o700 });
  if (!existsSync(files.password)) writeFileSync(files.password, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(files.password, 'utf8').trim();
  const store = (file: string): string[] => ['-keystore', file, '-storetype', 'PKCS12', '-storepass', password];
  // EC P-256: generated in milliseconds, and every TLS stack (Node's, the JDK's) speaks it.
  const key = ['-keyalg', 'EC', '-groupname', 'secp256r1', '-keypass', password];

  if (!existsSync(files.caFile)) {
    rmSync(files.ca, { force: true });
    rmSync(files.keystore, { force: true });
    run([
      '-genkeypair',
      '-alias',
      'ca',
      ...key,
      '-dname',
      'CN=Relais local Kafka CA',
      '-ext',
      'bc:c',
      '-validity',
      '3650',
      ...store(files.ca),
    ]);
    run(['-exportcert', '-rfc', '-alias', 'ca', '-file', files.caFile, ...store(files.ca)]);
    rmSync(files.truststore, { force: true });
  }
  if (!existsSync(files.truststore)) {
    run(['-importcert', '-noprompt', '-alias', 'ca', '-file', files.caFile, ...store(files.truststore)]);
  }
  if (!existsSync(files.keystore)) {
    const san = ['ip:127.0.0.1', 'dns:localhost', ...hosts.map((h) => (/^[\d.]+$/.test(h) ? `ip:${h}` : `dns:${h}`))].join(',');
    run(['-genkeypair', '-alias', 'broker', ...key, '-dname', 'CN=relais-kafka-broker', '-validity', '825', ...store(files.keystore)]);
    const request = run(['-certreq', '-alias', 'broker', ...store(files.keystore)]);
    const signed = run(
      [
        '-gencert',
        '-rfc',
        '-alias',
        'ca',
        '-ext',
        `SAN=${san}`,
        '-ext',
        'EKU=serverAuth,clientAuth',
        '-validity',
        '825',
        ...store(files.ca),
      ],
      request,
    );
    // The chain must be importable: the CA first, then the signed certificate over the key.
    run(['-importcert', '-noprompt', '-alias', 'ca', '-file', files.caFile, ...store(files.keystore)]);
    run(['-importcert', '-noprompt', '-alias', 'broker', ...store(files.keystore)], signed);
  }
  return { caFile: files.caFile, keystore: files.keystore, truststore: files.truststore, password };
}
