-- Relais state store, first version. Personal data lives only in changes.data (the citizen's
-- own declaration) and citizen_identifiers.local_id; everything else is pseudonymous.

CREATE TABLE citizens (
  pivot_id   uuid PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The crosswalk: each system's own identifier of a citizen.
CREATE TABLE citizen_identifiers (
  system     text NOT NULL,
  local_id   text NOT NULL,
  pivot_id   uuid NOT NULL REFERENCES citizens (pivot_id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (system, local_id),
  UNIQUE (pivot_id, system)
);

CREATE TABLE changes (
  id              uuid PRIMARY KEY,
  type            text NOT NULL,
  pivot_id        uuid NOT NULL REFERENCES citizens (pivot_id),
  channel         text NOT NULL,
  caller          text NOT NULL,
  origin_system   text,
  recipients      text[],
  data            jsonb NOT NULL,
  traceparent     text,
  idempotency_key text,
  request_hash    text NOT NULL,
  accepted_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (caller, idempotency_key)
);
CREATE INDEX changes_by_citizen ON changes (pivot_id, accepted_at);

-- One row per system that must apply a change; status only moves forward (see receipts).
CREATE TABLE change_recipients (
  change_id  uuid NOT NULL REFERENCES changes (id),
  system     text NOT NULL,
  status     text NOT NULL CHECK (status IN ('pending', 'delivered', 'applied', 'rejected', 'dead_lettered')),
  reason     text,
  status_at  timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (change_id, system)
);

CREATE TABLE audit_log (
  id        bigserial PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now(),
  actor     text NOT NULL,
  action    text NOT NULL,
  change_id uuid,
  pivot_id  uuid,
  channel   text,
  details   jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_by_change ON audit_log (change_id);

-- Transactional outbox: written in the same transaction as the change, published by the relay.
CREATE TABLE outbox (
  id          bigserial PRIMARY KEY,
  topic       text NOT NULL,
  message_key text NOT NULL,
  headers     jsonb NOT NULL,
  payload     text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  sent_at     timestamptz,
  attempts    integer NOT NULL DEFAULT 0,
  last_error  text
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;

-- Leases elect one active instance of a singleton job (the outbox relay) among replicas.
CREATE TABLE leases (
  name       text PRIMARY KEY,
  holder     text NOT NULL,
  expires_at timestamptz NOT NULL
);

-- What each sink has already settled, by event id: the runner's idempotency ledger.
CREATE TABLE sink_ledger (
  system      text NOT NULL,
  event_id    uuid NOT NULL,
  outcome     text NOT NULL,
  reason      text,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (system, event_id)
);
