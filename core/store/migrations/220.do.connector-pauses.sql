-- An operator pauses deliveries to one system, e.g. during its silo's maintenance (issue 15,
-- docs/adr/0040-pausing-a-connector.md). One row per paused system; resuming deletes it (the
-- audit log keeps the history: system.paused / system.resumed). The sink runtime reads this
-- table and waits before applying while its system's row exists.
CREATE TABLE connector_pauses (
  system    text PRIMARY KEY,
  paused_at timestamptz NOT NULL DEFAULT now(),
  paused_by text NOT NULL,
  reason    text NOT NULL
);
