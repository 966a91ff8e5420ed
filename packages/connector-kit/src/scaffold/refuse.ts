/** The scaffolder's one error: what was refused and why, in one line; nothing has been written. */
import { RelaisError } from '../../../../core/errors.ts';

export function refuse(message: string): never {
  throw new RelaisError('SCAFFOLD_REFUSED', message);
}
