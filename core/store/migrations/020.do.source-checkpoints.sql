-- Source connectors (packages/connector-kit/src/runtime/source-runtime.ts): where each system's source has got to,
-- saved only after Kafka acknowledged the events it covers, and how its polling is going
-- (its health, readable by any process sharing the store).
CREATE TABLE source_checkpoints (
  system               text PRIMARY KEY,
  checkpoint           text,
  saved_at             timestamptz,
  last_success_at      timestamptz,
  consecutive_failures integer NOT NULL DEFAULT 0,
  last_error           text,
  last_error_at        timestamptz
);

-- A change that starts inside a silo (a death recorded at the town hall) reaches Relais through
-- that silo's source connector, not through a channel: it has an origin system and no channel.
ALTER TABLE changes ALTER COLUMN channel DROP NOT NULL;
