/** HTTP helpers of the legacy API: its own error shape. */
import type { Response } from 'express';
import type { CodeErreur, Erreur } from './types.ts';

export function sendErreur(res: Response, statut: number, code: CodeErreur, message: string): void {
  const erreur: Erreur = { code, message };
  res.status(statut).json(erreur);
}
