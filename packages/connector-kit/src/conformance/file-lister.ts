/**
 * The file lister conformance suite: one call registers the tests (node:test) that list a silo's
 * files with the connector's lister (createFileLister) against its real silo, holding more files
 * than one page. No broker, no store: a lister only reads.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../../../core/logger.ts';
import type { Checkpoint, FileLister, SiloFile, SourceContext } from '../contract.ts';

export interface FileListerConformanceOptions<Silo> {
  /** The system name: the suite's title. */
  system: string;
  /** Starts the silo holding `files` persons' files (more than the lister's page); once for the suite. */
  startSilo(files: number): Promise<Silo>;
  stopSilo(silo: Silo): Promise<void>;
  /** The connector's lister (as its index.ts builds it), reading from the silo. */
  createFileLister(silo: Silo): FileLister | Promise<FileLister>;
  /** How many files the silo holds (default 25); choose more than one page of the lister. */
  files?: number;
}

function contextOf(signal: AbortSignal = AbortSignal.timeout(30_000)): SourceContext {
  return { signal, logger: createLogger({ level: 'silent', component: 'file-lister-conformance' }) };
}

async function listAll(lister: FileLister, after: Checkpoint | null, context = contextOf()): Promise<SiloFile[]> {
  const files: SiloFile[] = [];
  for await (const file of lister.list(after, context)) files.push(file);
  return files;
}

/** Registers the file lister conformance tests of a connector (one describe block). */
export function fileListerConformance<Silo>(options: FileListerConformanceOptions<Silo>): void {
  const size = options.files ?? 25;
  describe(`${options.system}: file lister conformance`, () => {
    let silo: Silo;
    let lister: FileLister;
    before(async () => {
      silo = await options.startSilo(size);
      lister = await options.createFileLister(silo);
    });
    after(async () => {
      await lister?.close?.();
      if (silo !== undefined) await options.stopSilo(silo);
    });

    test('lists every file once, with its identifier and civil data', async () => {
      const files = await listAll(lister, null);
      assert.equal(files.length, size);
      assert.equal(new Set(files.map((f) => f.localId)).size, size, 'an identifier listed twice');
      for (const file of files) {
        assert.ok(file.localId !== '' && typeof file.cursor === 'string', 'each file has an identifier and a cursor');
        assert.ok(file.civil.birthName, `${file.localId}: no birth name`);
      }
    });

    test('resuming from any cursor yields exactly the files after it, in the same order', async () => {
      const files = await listAll(lister, null);
      for (const at of [0, Math.floor(size / 2), size - 1]) {
        const rest = await listAll(lister, files[at]!.cursor);
        assert.deepEqual(
          rest.map((f) => f.localId),
          files.slice(at + 1).map((f) => f.localId),
          `resumed after file ${at + 1}`,
        );
      }
    });

    test('an aborted listing stops promptly', async () => {
      const controller = new AbortController();
      const started = Date.now();
      let read = 0;
      await assert.rejects(async () => {
        for await (const file of lister.list(null, contextOf(controller.signal))) {
          assert.ok(file);
          if (++read === 1) controller.abort();
        }
      });
      assert.ok(read < size, 'the listing went on after the abort');
      assert.ok(Date.now() - started < 5000, 'the abort was not prompt');
    });
  });
}
