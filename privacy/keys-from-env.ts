/**
 * The process's citizen keys, from its environment: RELAIS_MASTER_KEY_FILE set, personal data is
 * sealed and opened (docs/adr/0032); unset, it is not (a bare test or tool run), and erasure is
 * refused since it would have nothing to destroy. The quick start always sets it.
 */
import { CitizenKeys } from './citizen-keys.ts';
import { MASTER_KEY_VARIABLE, readMasterKey } from './master-key.ts';

export function citizenKeysFromEnv(env: Record<string, string | undefined>): CitizenKeys | undefined {
  const file = env[MASTER_KEY_VARIABLE];
  if (!file) return undefined;
  const ttl = Number(env['RELAIS_KEY_CACHE_TTL_MS'] ?? '');
  return new CitizenKeys(readMasterKey(file), Number.isFinite(ttl) && ttl > 0 ? { cacheTtlMs: ttl } : {});
}
