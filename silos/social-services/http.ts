/** HTTP helpers of the legacy API: its own error shape and the decoding of raw request bodies. */
import type { Request, Response } from 'express';
import type { CodeErreur, Erreur } from './types.ts';

export function sendErreur(res: Response, statut: number, code: CodeErreur, message: string): void {
  const erreur: Erreur = { code, message };
  res.status(statut).json(erreur);
}

export type DecodedBody = { lisible: true; body: unknown } | { lisible: false; body: string };

/**
 * The body as received (the app reads every body raw): decoded JSON, null when empty, or the
 * raw text when it is not JSON.
 */
export function decodeBody(req: Request): DecodedBody {
  const raw: unknown = req.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) return { lisible: true, body: null };
  const text = raw.toString('utf8');
  try {
    const body: unknown = JSON.parse(text);
    return { lisible: true, body };
  } catch {
    return { lisible: false, body: text };
  }
}

/** JSON with object keys sorted, so two bodies with the same content compare equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return inner;
    return Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}
