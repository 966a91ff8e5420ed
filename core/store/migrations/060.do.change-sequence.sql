-- No stale write (issue 13, docs/adr/0017-no-stale-write.md).
-- A per-citizen sequence, assigned when a change is accepted (gateway or source connector, with
-- the citizen's row locked, so one citizen's changes are numbered in the order they were
-- accepted) and carried in the event and its deliveries (ce_relaisseq).
ALTER TABLE citizens ADD COLUMN change_seq bigint NOT NULL DEFAULT 0;
ALTER TABLE changes ADD COLUMN seq bigint;

-- Two new per-system statuses: `superseded` (terminal: a newer change of the same kind was
-- already applied in that system, so this one is never written) and `unknown` (transient: an
-- apply timed out and is being settled).
ALTER TABLE change_recipients DROP CONSTRAINT change_recipients_status_check;
ALTER TABLE change_recipients ADD CONSTRAINT change_recipients_status_check
  CHECK (status IN ('pending', 'delivered', 'unknown', 'applied', 'rejected', 'superseded', 'dead_lettered'));

-- The sink runtime's high-water mark: per system, citizen and kind of data, the sequence of the
-- newest change applied there. A delivery with a lower sequence is not applied (`superseded`).
CREATE TABLE sink_versions (
  system     text NOT NULL,
  pivot_id   uuid NOT NULL,
  kind       text NOT NULL,
  seq        bigint NOT NULL,
  event_id   uuid NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (system, pivot_id, kind)
);
