/** Helpers of the simulators' HTTP apps, which read every body raw (to journal it as received). */
import type { Request } from 'express';

export type DecodedBody = { lisible: true; body: unknown } | { lisible: false; body: string };

/** The body as received: decoded JSON, null when empty, or the raw text when it is not JSON. */
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
