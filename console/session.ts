/**
 * The console's sessions: an opaque random id in a cookie (HttpOnly, SameSite=Lax so the OpenID
 * provider's redirect back carries it, Secure when the console is served over HTTPS), the
 * agent's access token kept server-side only, in memory (a restart logs everyone out; the
 * token expires with the provider's TTL anyway). Each session has a CSRF token every form posts
 * back. A login replaces the session id (no fixation).
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { cookieOf } from '../web/i18n.ts';

export const SESSION_COOKIE = 'relais_console';
const IDLE_MS = 8 * 3600_000;

export interface Agent {
  sub: string;
  roles: string[];
}

export interface Session {
  id: string;
  csrf: string;
  touchedAt: number;
  /** Set once logged in. */
  login?: { accessToken: string; expiresAt: number; agent: Agent };
  /** While a login is under way: the PKCE verifier, the state, where to go back. */
  pending?: { verifier: string; state: string; returnTo: string };
  /** The purpose the agent stated for reading citizens' files (the API's Relais-Purpose). */
  purpose?: string;
  /** One message for the next page (after a redirect). */
  flash?: { kind: 'success' | 'error'; text: string };
}

export class Sessions {
  readonly #sessions = new Map<string, Session>();
  readonly #secure: boolean;
  readonly #cookie: string;

  /** `cookie`: another front on the same host (the citizen space) keeps its sessions apart. */
  constructor(options: { secure: boolean; cookie?: string }) {
    this.#secure = options.secure;
    this.#cookie = options.cookie ?? SESSION_COOKIE;
  }

  /** The request's session, made (and its cookie set) when there is none. */
  of(req: Request, res: Response): Session {
    const id = cookieOf(req, this.#cookie);
    const found = id ? this.#sessions.get(id) : undefined;
    if (found && Date.now() - found.touchedAt < IDLE_MS) {
      found.touchedAt = Date.now();
      return found;
    }
    if (id) this.#sessions.delete(id);
    return this.#fresh(res);
  }

  /** A new id for the session's content (at login), the old one forgotten. */
  renew(session: Session, res: Response): Session {
    this.#sessions.delete(session.id);
    const fresh = this.#fresh(res);
    Object.assign(fresh, { ...session, id: fresh.id, csrf: fresh.csrf });
    return fresh;
  }

  end(session: Session, res: Response): void {
    this.#sessions.delete(session.id);
    res.clearCookie(this.#cookie, { path: '/' });
  }

  #fresh(res: Response): Session {
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      csrf: randomBytes(24).toString('base64url'),
      touchedAt: Date.now(),
    };
    this.#sessions.set(session.id, session);
    res.cookie(this.#cookie, session.id, { httpOnly: true, sameSite: 'lax', secure: this.#secure, path: '/' });
    return session;
  }
}
