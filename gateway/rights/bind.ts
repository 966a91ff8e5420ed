/**
 * A service's system comes from the rights file (`clients.<name>.system`), whatever proved its
 * identity (a static token, an OAuth client's JWT): the rights file is the one place that says
 * which system a client speaks for. A static credential that names another system than its
 * client entry is refused at start rather than guessed at.
 */
import { RelaisError } from '../../core/errors.ts';
import type { Caller, CallerSource, Credential } from '../auth.ts';
import type { Rights } from './rights.ts';

export function boundToRights(rights: Rights, source: CallerSource): CallerSource {
  return {
    async authenticate(header) {
      const caller = await source.authenticate(header);
      if (!caller || caller.kind !== 'service') return caller;
      const system = rights.clients.get(caller.name)?.system ?? caller.system;
      return { ...caller, system } satisfies Caller;
    },
  };
}

/** Static credentials whose `system` contradicts their client entry: RIGHTS_INVALID. */
export function checkCredentialSystems(rights: Rights, credentials: Credential[]): void {
  const wrong = credentials.filter((c) => {
    const declared = rights.clients.get(c.name)?.system;
    return c.system !== undefined && declared !== undefined && declared !== c.system;
  });
  if (wrong.length > 0)
    throw new RelaisError(
      'RIGHTS_INVALID',
      wrong
        .map((c) => `credential ${c.name} speaks for ${c.system}, but ${rights.file} binds it to ${rights.clients.get(c.name)?.system}`)
        .join('; '),
    );
}
