/**
 * The SCRAM passwords of a local cluster's principals, one file each under
 * `<cluster dir>/credentials/<principal>` (mode 0600): a component is given its file as
 * RELAIS_KAFKA_PASSWORD_FILE, so the password never sits in a process's environment.
 * Drawn once; the broker learns them when its storage is first formatted.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Credentials {
  password(principal: string): string;
  file(principal: string): string;
  entries(): [string, string][];
}

const PRINCIPAL = /^[a-z0-9][a-z0-9-]{0,62}$/;

function credentialsAt(dir: string, principals: string[]): Credentials {
  const file = (principal: string): string => join(dir, 'credentials', principal);
  const passwords = new Map(principals.map((p) => [p, readFileSync(file(p), 'utf8').trim()]));
  return {
    password(principal) {
      const password = passwords.get(principal);
      if (password === undefined) throw new Error(`no SCRAM user "${principal}" in ${dir} (principals are created at the first start)`);
      return password;
    },
    file,
    entries: () => [...passwords],
  };
}

export function ensureCredentials(dir: string, principals: string[]): Credentials {
  const folder = join(dir, 'credentials');
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  for (const principal of principals) {
    if (!PRINCIPAL.test(principal)) throw new Error(`"${principal}" is not a valid principal name (lower-case letters, digits, "-")`);
    // URL-safe base64: no character SCRAM's `--add-scram` syntax or a JAAS line would need quoted.
    const file = join(folder, principal);
    if (!existsSync(file)) writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  }
  return readCredentials(dir);
}

export function readCredentials(dir: string): Credentials {
  const folder = join(dir, 'credentials');
  return credentialsAt(dir, existsSync(folder) ? readdirSync(folder).filter((f) => PRINCIPAL.test(f)) : []);
}
