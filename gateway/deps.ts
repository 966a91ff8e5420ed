/**
 * Everything the gateway's HTTP side depends on, declared once. createApp takes it whole; each
 * route module (routes/*.ts) and the accept use case pick what they use with Pick<GatewayDeps, …>,
 * so a test builds an app from the few fields it needs and a reader sees what a route touches.
 */
import type { ChangeGroups } from './changes/group-commit.ts';
import type { Bus } from '../core/bus/types.ts';
import type { Flows } from '../core/flows/flows.ts';
import type { Readiness } from '../core/health.ts';
import type { IdentityResolver } from '../identity/civil-identity.ts';
import type { MatchThresholds } from '../identity/matching.ts';
import type { Logger } from '../core/logger.ts';
import type { RelaisMetrics } from '../core/metrics.ts';
import type { PublicJwk } from '../core/signing.ts';
import type { Db } from '../core/store/db.ts';
import type { TopicNames } from '../core/topics.ts';
import type { CallerSource } from './auth.ts';
import type { Rights } from './rights/rights.ts';
import type { CitizenKeys } from '../privacy/citizen-keys.ts';

export interface GatewayDeps {
  db: Db;
  /** Read once per request, so a reload is seen at once and one request sees one version. */
  flows: () => Flows;
  topics: TopicNames;
  auth: CallerSource;
  /** The rights file (rights/): deny by default. */
  rights: Rights;
  logger: Logger;
  /** Requests per minute and credential (RELAIS_RATE_LIMIT_PER_MINUTE, default 6000). */
  rateLimitPerMinute?: number;
  /** The largest JSON body accepted (RELAIS_MAX_BODY_BYTES). */
  maxBodyBytes: number;
  /** Called after a change is committed: wakes the outbox relay. */
  onChangeAccepted?: () => void;
  /** Group commit (changes/group-commit.ts); without it, each change is written in its own transaction. */
  changeGroups?: ChangeGroups | undefined;
  /** Readiness of every dependency (core/health.ts); without it, the store alone is checked. */
  readiness?: () => Promise<Readiness>;
  /** The process's registry: served at GET /metrics, and counts accepted changes. */
  metrics?: RelaisMetrics;
  /** Kafka figures for GET /v1/systems (lag, dead letters, connector instances) and dead-letter replays. */
  bus?: Bus;
  /** Consumer group of a system's connector, for GET /v1/systems. */
  connectorGroup?: (system: string) => string;
  /** Prefix of the throwaway consumer groups that read dead-letter topics. */
  dlqReaderGroup?: string;
  /** The register that resolves citizens named by civil data (a connector's capability, injected). */
  identityResolver?: IdentityResolver;
  /** Time limit of one register search (default 10 s). */
  identityTimeoutMs?: number;
  /** Scores from which a register candidate is linked, or held for review (identity/matching.ts; defaults 100 and 85). */
  identityThresholds?: MatchThresholds;
  /** The citizens' data keys (privacy/): personal data is sealed with them, and erasure destroys them; unset, nothing is sealed. */
  citizenKeys?: CitizenKeys;
  /** The public keys served at GET /.well-known/jwks.json (receipts' and the audit checkpoints'). */
  publicKeys?: () => PublicJwk[];
}
