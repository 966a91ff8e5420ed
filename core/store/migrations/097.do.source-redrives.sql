-- Source dead letters to re-drive (issue 13 item 5, packages/connector-kit/src/runtime/source-dead-letters.ts):
-- the gateway records an operator's request here (audited in the same transaction) with the
-- dead letter's value as read from <prefix>.dlq.source.<system> — the raw record, personal
-- data as sensitive as the silo's —; the system's source runtime takes it between two polls,
-- maps the record again, publishes it or dead-letters it again, audits the outcome and deletes
-- the row. claimed_at lets a request whose re-drive was cut short (a crash) be taken again.
CREATE TABLE source_redrives (
  system       text NOT NULL,
  event_id     uuid NOT NULL,
  message      text NOT NULL,
  requested_by text NOT NULL,
  requested_at timestamptz NOT NULL DEFAULT now(),
  claimed_at   timestamptz,
  PRIMARY KEY (system, event_id)
);
