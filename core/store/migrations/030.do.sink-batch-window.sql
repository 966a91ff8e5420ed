-- Batch sinks (tax over SFTP): deliveries wait here, durably, between their Kafka offset being
-- committed and their final outcome. A row is staged when read from the delivery topic, handed
-- over when the connector has put it in a file the silo will answer (due_at: the deadline for
-- that answer), and deleted once its outcome is in sink_ledger and its receipt published.
-- `message` is the original Kafka message (for the DLQ, unchanged): it holds the delivery's
-- personal data, for as long as the delivery is in flight only.
CREATE TABLE sink_inflight (
  system         text NOT NULL,
  event_id       uuid NOT NULL,
  seq            bigserial,
  message        jsonb NOT NULL,
  staged_at      timestamptz NOT NULL DEFAULT now(),
  reference      text,
  handed_over_at timestamptz,
  due_at         timestamptz,
  PRIMARY KEY (system, event_id)
);
CREATE INDEX sink_inflight_staged ON sink_inflight (system, seq) WHERE handed_over_at IS NULL;
CREATE INDEX sink_inflight_due ON sink_inflight (system, due_at) WHERE handed_over_at IS NOT NULL;

-- The acknowledgement poller's position per system (opaque to the runtime, see contract.ts).
CREATE TABLE sink_ack_checkpoints (
  system     text PRIMARY KEY,
  checkpoint text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
