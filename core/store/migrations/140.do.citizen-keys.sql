-- Per-citizen data keys (issue 16, item 7; docs/adr/0032): the personal data of a citizen's
-- events, deliveries and stored changes is encrypted with their data key (AES-256-GCM); the key
-- is kept here wrapped by the master key (RELAIS_MASTER_KEY_FILE), never in clear. Erasure
-- destroys the wrapped key (wrapped_key NULL, erased_at set) and keeps the row, so a reader can
-- tell an erased key from one it never knew. A citizen told about again after an erasure gets a
-- new key: at most one live key per citizen.
CREATE TABLE citizen_keys (
  key_id      uuid PRIMARY KEY,
  pivot_id    uuid NOT NULL,
  wrapped_key bytea,
  master_id   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  erased_at   timestamptz,
  CHECK ((wrapped_key IS NULL) = (erased_at IS NOT NULL))
);
CREATE UNIQUE INDEX citizen_keys_live ON citizen_keys (pivot_id) WHERE erased_at IS NULL;
CREATE INDEX citizen_keys_pivot ON citizen_keys (pivot_id);
