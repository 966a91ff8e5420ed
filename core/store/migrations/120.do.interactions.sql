-- A citizen's contacts that are not changes (issue 15, item 2): a phone call, a letter, a visit
-- at a desk, an email — what was asked, what the agent noted, and the changes or service requests
-- the contact led to. Personal data (subject, note): written and read only through the gateway's
-- interactions routes, each write and each read audited; never copied into events.
CREATE TABLE interactions (
  id           uuid PRIMARY KEY,
  pivot_id     uuid NOT NULL REFERENCES citizens (pivot_id),
  channel      text NOT NULL CHECK (channel IN ('web', 'mobile', 'desk', 'mail', 'phone', 'email')),
  subject      text NOT NULL,
  note         text,
  occurred_at  timestamptz NOT NULL,
  agent        text NOT NULL,
  change_ids   uuid[] NOT NULL DEFAULT '{}',
  request_ids  uuid[] NOT NULL DEFAULT '{}',
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX interactions_by_citizen ON interactions (pivot_id, occurred_at);
