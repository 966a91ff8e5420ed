/**
 * `relais audit verify [--jwks <file>] [--json]`: recomputes the audit log's hash chain and checks
 * its signed checkpoints (proof/audit-verify.ts), reading the store directly (DATABASE_URL, or
 * the quick start's PGlite while it is stopped). Exit 1 names the first bad entry.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { readSetting } from '../../core/config.ts';
import { parseJwks, publishedKeys, signingKeyOf } from '../../core/keys.ts';
import type { PublicJwk } from '../../core/signing.ts';
import { openStore } from '../../core/store/db.ts';
import { verifyAuditLog } from '../../proof/audit-verify.ts';
import { exportEvidence, serialiseBundle, verifyEvidence } from '../../proof/evidence.ts';
import { citizenKeysFromEnv } from '../../privacy/keys-from-env.ts';
import { MASTER_KEY_VARIABLE } from '../../privacy/master-key.ts';
import { openStoredData } from '../../privacy/sealed-data.ts';
import { CliError, printJson, type Io } from './io.ts';

/** The public keys to verify with: `--jwks`, else the ones the gateway publishes from this configuration. */
export function verificationKeys(io: Io, jwks: string | undefined): PublicJwk[] {
  if (jwks) return parseJwks(readFileSync(jwks, 'utf8'), jwks);
  return publishedKeys({
    dataDir: readSetting('dataDir', io.env),
    keysDir: readSetting('keysDir', io.env),
    jwksFile: readSetting('jwksFile', io.env),
  });
}

export function defineAudit(audit: Command, io: Io): void {
  audit
    .command('verify')
    .description("recompute the audit log's hash chain and check its signed checkpoints; names the first bad entry")
    .option('--jwks <file>', 'the public keys (JWKS) to check checkpoints with (default: those the gateway publishes)')
    .option('--json', 'print the whole report')
    .action(async (options: { jwks?: string; json?: boolean }) => {
      const keys = verificationKeys(io, options.jwks);
      const db = await openStore({
        databaseUrl: readSetting('databaseUrl', io.env),
        pgliteDir: join(resolve(readSetting('dataDir', io.env)), 'pglite'),
      });
      try {
        const report = await verifyAuditLog(db, keys);
        if (options.json) printJson(io, report);
        const first = report.problems[0];
        if (first) {
          if (!options.json) for (const problem of report.problems.slice(0, 20)) io.err(problem.message);
          throw new CliError(
            `audit log NOT verified: first bad entry ${first.seq}: ${first.message} (${report.problems.length} problem(s))`,
          );
        }
        if (options.json) return;
        const checkpoint = report.lastCheckpoint
          ? `last checkpoint at entry ${report.lastCheckpoint.seq}, signed ${report.lastCheckpoint.signedAt} by ${report.lastCheckpoint.kid}; ${report.uncovered} entr${report.uncovered === 1 ? 'y' : 'ies'} after it`
          : 'no checkpoint yet';
        const unchained = report.unchained > 0 ? `; ${report.unchained} older entries outside the chain` : '';
        const pending = report.pending > 0 ? `; ${report.pending} newer entries waiting to be sealed` : '';
        io.out(`audit log verified: ${report.entries} entries, ${checkpoint}${unchained}${pending}`);
      } finally {
        await db.close();
      }
    });
}

/** `relais changes evidence <id> [--out <file>]`: the change's evidence bundle, signed with the instance's audit key. */
export function defineEvidenceExport(changes: Command, io: Io): void {
  changes
    .command('evidence <id>')
    .description("export one change's evidence bundle (reads the store; signed with the instance's audit key)")
    .option('--out <file>', 'write the bundle there instead of stdout')
    .action(async (id: string, options: { out?: string }) => {
      const dataDir = readSetting('dataDir', io.env);
      const key = signingKeyOf(
        { dataDir, keysDir: readSetting('keysDir', io.env), auditKey: readSetting('auditKey', io.env) },
        'audit',
        'auditKey',
      );
      const db = await openStore({ databaseUrl: readSetting('databaseUrl', io.env), pgliteDir: join(resolve(dataDir), 'pglite') });
      try {
        // The change's data opened with the citizen's key (the quick start's master key by default).
        const masterKey = io.env[MASTER_KEY_VARIABLE] ?? [join(resolve(dataDir), 'master.key')].find((file) => existsSync(file));
        const keys = citizenKeysFromEnv({ [MASTER_KEY_VARIABLE]: masterKey });
        const text = serialiseBundle(await exportEvidence(db, id, key, (record) => openStoredData(keys, db, record)));
        if (options.out) writeFileSync(options.out, text);
        else io.out(text.trimEnd());
      } finally {
        await db.close();
      }
    });
}

/** `relais evidence verify <file> [--jwks <file>]`: checks a bundle offline, with the public keys only. */
export function defineEvidence(evidence: Command, io: Io): void {
  evidence
    .command('verify <file>')
    .description('check an evidence bundle offline against the published public keys (JWKS)')
    .option('--jwks <file>', 'the public keys (default: those the gateway publishes from this configuration)')
    .action((file: string, options: { jwks?: string }) => {
      const bundle = verifyEvidence(readFileSync(file, 'utf8'), verificationKeys(io, options.jwks));
      const systems = bundle.deliveries.map((d) => `${d.system} ${d.status}`).join(', ') || 'no recipient';
      io.out(
        `evidence verified: change ${bundle.change.id} (${bundle.change.type}) accepted ${bundle.change.acceptedAt}; ${systems}; ` +
          `${bundle.receipts.length} signed receipt(s); audit chain to checkpoint ${bundle.audit.links.at(-1)?.seq ?? '?'}`,
      );
    });
}
