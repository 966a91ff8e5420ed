/**
 * The tax batch format and its transfer, each beside a baseline measured in the same run:
 *   format — records/s writing a batch file (streamed to disk), beside writing the same records
 *            as JSON lines (the cost of the fixed-width, Latin-9 encoding and CRC);
 *   parse  — records/s reading and validating it (lengths, encoding, CRC, fields), beside
 *            reading the same bytes with no parsing at all (the cost over raw I/O);
 *   memory — RSS sampled while writing and parsing (peak and its growth: flat means streaming);
 *   upload — MB/s of the connector's SFTP upload (ssh2-sftp-client) to the tax simulator,
 *            beside OpenSSH's `sftp` client uploading the same file to the same server.
 *
 *   npx node bench/tax-batch.ts [--records 1000000] [--upload-records 100000]
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { TaxSftpClient } from '../connectors/tax/client.ts';
import { batchRecordFrom, readTaxBatch, writeTaxBatch, type BatchRecord } from '../protocols/tax/batch.ts';
import { ensureKeyPair } from '../silos/tax/keys.ts';
import { startTaxSilo } from '../silos/tax/server.ts';

const run = promisify(execFile);
const { values } = parseArgs({
  options: { records: { type: 'string', default: '1000000' }, 'upload-records': { type: 'string', default: '100000' } },
});
const total = Number(values.records);
const uploadTotal = Number(values['upload-records']);
const dir = mkdtempSync(join(tmpdir(), 'relais-tax-bench-'));

const streets = ['rue de la Lœuvre', 'allée des Érables', 'place de l’Église', 'chemin des Évêques', 'boulevard Saint-Germain'];
function* records(count: number): Generator<BatchRecord> {
  for (let i = 0; i < count; i++) {
    yield {
      eventId: randomUUID(),
      taxId: String(1_000_000_000_000 + i),
      effectiveDate: '2026-11-01',
      address: {
        number: String((i % 300) + 1),
        streetName: streets[i % streets.length]!,
        postcode: '69003',
        communeName: 'Lyon',
        communeInsee: '69383',
        country: 'FR',
      },
    };
  }
}

/** Samples RSS while `work` runs: peak, and the RSS at 10 % and at the end of the work (growth). */
async function measured<T>(
  work: (progress: (fraction: number) => void) => Promise<T>,
): Promise<{ result: T; seconds: number; peakMiB: number; growthMiB: number }> {
  global.gc?.();
  let peak = process.memoryUsage.rss();
  let early: number | undefined;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const started = performance.now();
  const result = await work((fraction) => {
    if (early === undefined && fraction >= 0.1) early = process.memoryUsage.rss();
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  const end = process.memoryUsage.rss();
  peak = Math.max(peak, end);
  const mib = (bytes: number) => bytes / 1024 / 1024;
  return { result, seconds, peakMiB: mib(peak), growthMiB: mib(end - (early ?? end)) };
}

const rate = (count: number, seconds: number) => `${Math.round(count / seconds).toLocaleString('en')} records/s`;
const mbs = (bytes: number, seconds: number) => `${(bytes / 1e6 / seconds).toFixed(1)} MB/s`;

async function formatStage(file: string) {
  const tracked = (progress: (f: number) => void) =>
    function* () {
      let i = 0;
      for (const r of records(total)) {
        if (++i % 10_000 === 0) progress(i / total);
        yield r;
      }
    };
  const fixed = await measured(async (progress) =>
    pipeline(Readable.from(writeTaxBatch({ fileId: randomUUID(), createdAt: new Date() }, tracked(progress)())), createWriteStream(file)),
  );
  const json = await measured(async () =>
    pipeline(
      Readable.from(
        (function* () {
          for (const r of records(total)) yield `${JSON.stringify(r)}\n`;
        })(),
      ),
      createWriteStream(`${file}.jsonl`),
    ),
  );
  rmSync(`${file}.jsonl`);
  console.log(
    `format  ${rate(total, fixed.seconds)} (fixed width, Latin-9, CRC) | baseline JSON lines ${rate(total, json.seconds)} | ratio ${(fixed.seconds / json.seconds).toFixed(2)}x the baseline's time`,
  );
  console.log(
    `        RSS peak ${fixed.peakMiB.toFixed(0)} MiB, growth from 10 % to the end ${fixed.growthMiB.toFixed(1)} MiB, file ${(statSync(file).size / 1e6).toFixed(0)} MB`,
  );
}

async function parseStage(file: string) {
  const parsed = await measured(async (progress) => {
    let n = 0;
    const reader = readTaxBatch(createReadStream(file, { highWaterMark: 1 << 20 }));
    for (;;) {
      const next = await reader.next();
      if (next.done) return next.value.count;
      batchRecordFrom(next.value.values);
      if (++n % 10_000 === 0) progress(n / total);
    }
  });
  const raw = await measured(async () => {
    let bytes = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) bytes += (chunk as Buffer).length;
    return bytes;
  });
  if (parsed.result !== total) throw new Error(`parsed ${parsed.result} records, wrote ${total}`);
  console.log(
    `parse   ${rate(total, parsed.seconds)} (validated, fields decoded) | baseline raw read ${mbs(raw.result, raw.seconds)} vs ${mbs(raw.result, parsed.seconds)} | ratio ${(parsed.seconds / raw.seconds).toFixed(1)}x the baseline's time`,
  );
  console.log(`        RSS peak ${parsed.peakMiB.toFixed(0)} MiB, growth from 10 % to the end ${parsed.growthMiB.toFixed(1)} MiB`);
}

async function uploadStage() {
  const file = join(dir, 'upload.txt');
  await pipeline(
    Readable.from(writeTaxBatch({ fileId: randomUUID(), createdAt: new Date() }, records(uploadTotal))),
    createWriteStream(file),
  );
  const size = statSync(file).size;
  const key = ensureKeyPair(join(dir, 'client_key'), 'bench');
  const silo = await startTaxSilo({ dataDir: join(dir, 'silo'), authorizedKeys: [key.publicKey] });
  mkdirSync(join(silo.root, 'bench'));
  try {
    const client = new TaxSftpClient({
      host: silo.host,
      port: silo.port,
      username: silo.username,
      privateKey: key.privateKey,
      hostKeyFingerprint: silo.hostKeyFingerprint,
    });
    await client.exists('/bench');
    process.stderr.write('uploading with ssh2-sftp-client…\n');
    const started = performance.now();
    await client.upload('/bench', 'relais.txt', createReadStream(file, { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>);
    const ours = (performance.now() - started) / 1000;
    await client.close();

    const sftp = spawnSync('which', ['sftp']).status === 0;
    if (!sftp) {
      console.log(
        `upload  ${mbs(size, ours)} (ssh2-sftp-client → simulator, ${(size / 1e6).toFixed(0)} MB) | OpenSSH sftp not installed (apt-get install openssh-client): no baseline`,
      );
      return;
    }
    process.stderr.write('uploading with OpenSSH sftp…\n');
    const batch = join(dir, 'sftp-batch');
    writeFileSync(batch, `put ${file} /bench/.openssh.txt.part\nrename /bench/.openssh.txt.part /bench/openssh.txt\n`);
    const known = join(dir, 'known_hosts');
    writeFileSync(known, `[${silo.host}]:${silo.port} ${readFileSync(join(dir, 'silo', 'ssh_host_ed25519_key.pub'), 'utf8')}`);
    const startedSsh = performance.now();
    // Asynchronously: the server answering it runs in this process.
    await run(
      'sftp',
      [
        '-q',
        '-b',
        batch,
        '-i',
        key.privateKeyFile,
        '-P',
        String(silo.port),
        '-o',
        `UserKnownHostsFile=${known}`,
        '-o',
        'BatchMode=yes',
        `${silo.username}@${silo.host}`,
      ],
      { timeout: 300_000 },
    );
    const theirs = (performance.now() - startedSsh) / 1000;
    if (statSync(join(silo.root, 'bench', 'openssh.txt')).size !== size) throw new Error('OpenSSH upload incomplete');
    console.log(
      `upload  ${mbs(size, ours)} (ssh2-sftp-client → simulator, ${(size / 1e6).toFixed(0)} MB) | baseline OpenSSH sftp → same server ${mbs(size, theirs)} | ratio ${(ours / theirs).toFixed(2)}x the baseline's time`,
    );
  } finally {
    await silo.close();
  }
}

try {
  console.log(`tax batch benchmark: ${total.toLocaleString('en')} records (${process.version}, ${new Date().toISOString()})`);
  const file = join(dir, 'batch.txt');
  await formatStage(file);
  await parseStage(file);
  rmSync(file);
  await uploadStage();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
