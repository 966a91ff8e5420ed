/**
 * The tax connector against OpenSSH's own SFTP server (Debian's openssh-server, installed by
 * .ci/run), not only against the simulator: an sshd of our own on a free port, key
 * authentication only, internal-sftp. The client uploads atomically, lists, reads back and
 * moves; the sink hands a batch over through it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@relais/connector-kit';
import { batchRecordFrom, readTaxBatch, writeTaxBatch } from '../../protocols/tax/batch.ts';
import { eventually, freePort } from '@relais/connector-kit/testing';
import { TaxSftpClient } from './client.ts';
import { createTaxSink } from './sink.ts';

const SSHD = '/usr/sbin/sshd';
const missing = existsSync(SSHD) ? false : 'OpenSSH server not installed (apt-get install openssh-server; .ci/run does it)';

const dir = mkdtempSync(join(tmpdir(), 'relais-openssh-'));
const exchange = join(dir, 'exchange');
let sshd: ChildProcess | undefined;
let client: TaxSftpClient;

before(async () => {
  if (missing) return;
  for (const folder of ['inbox', 'outbox', 'outbox/archive', 'changes']) mkdirSync(join(exchange, folder), { recursive: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  const port = await freePort();
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      'Subsystem sftp internal-sftp',
      'ForceCommand internal-sftp',
      `AllowUsers ${userInfo().username}`,
      '',
    ].join('\n'),
  );
  mkdirSync('/run/sshd', { recursive: true });
  sshd = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  const hostKey = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_key.pub')])
    .toString()
    .split(' ')[1]!;
  client = new TaxSftpClient({
    host: '127.0.0.1',
    port,
    username: userInfo().username,
    privateKeyFile: join(dir, 'client_key'),
    hostKeyFingerprint: hostKey,
    baseDir: exchange,
  });
  await eventually(async () => client.exists('/inbox').catch(() => undefined), 10_000, 'sshd to accept connections');
});

after(async () => {
  await client?.close();
  sshd?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

test("upload, list, read back and move through OpenSSH's SFTP server", { skip: missing }, async () => {
  const record = {
    eventId: randomUUID(),
    taxId: '1000000000123',
    effectiveDate: '2026-11-01',
    address: { streetName: 'rue de l’Église', postcode: '69001', communeName: 'Lyon', country: 'FR' },
  };
  const bytes = await client.upload(
    '/inbox',
    'RELAIS_openssh.txt',
    writeTaxBatch({ fileId: randomUUID(), createdAt: new Date() }, [record]),
  );
  assert.equal(bytes, 3 * 401);
  assert.deepEqual(readdirSync(join(exchange, 'inbox')), ['RELAIS_openssh.txt'], 'no temporary file left behind');
  assert.deepEqual(await client.list('/inbox', '.txt'), [{ name: 'RELAIS_openssh.txt', size: 3 * 401 }]);
  const read = await client.read('/inbox/RELAIS_openssh.txt', 0, async (stream) => {
    const records = [];
    for await (const { values } of readTaxBatch(stream)) records.push(batchRecordFrom(values));
    return records;
  });
  assert.equal(read[0]!.address.streetName, "rue de l'Église");
  await client.move('/inbox/RELAIS_openssh.txt', '/outbox/archive/RELAIS_openssh.txt');
  assert.deepEqual(await client.list('/inbox', '.txt'), []);
});

test('the sink hands a batch over through OpenSSH', { skip: missing }, async () => {
  const sink = createTaxSink(client, { maxRecords: 10, maxAgeMs: 100, uploadTimeoutMs: 5000, ackPollMs: 100, ackDeadlineMs: 5000 });
  const delivery = {
    eventId: randomUUID(),
    type: 'fr.relais.citizen.address.changed.v1',
    pivotId: randomUUID(),
    system: 'tax',
    routeId: 'address-to-tax',
    citizenId: '1000000000456',
    data: {
      address: { number: '2', streetName: 'quai Saint-Vincent', postcode: '69001', communeName: 'Lyon', country: 'FR' },
      effectiveDate: '2026-11-02',
    },
    time: new Date().toISOString(),
  };
  const [outcome] = await sink.applyBatch!([delivery], {
    signal: new AbortController().signal,
    attempt: 1,
    logger: createLogger({ component: 'test', level: 'silent' }),
  });
  assert.equal(outcome?.status, 'handed_over');
  const name = (outcome as { reference: string }).reference;
  assert.ok(readdirSync(join(exchange, 'inbox')).includes(name));
});
