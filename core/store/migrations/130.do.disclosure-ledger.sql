-- The disclosure ledger (issue 16, item 3; docs/privacy.md, docs/adr/0030): what Relais handed
-- over to, or had applied by, each recipient system — by whom, when, on which legal basis, for
-- which purpose, which fields (their names, never their values), from which change and channel.
-- Kafka keeps deliveries for days; this keeps the facts for as long as the citizen may ask.
-- One row per change and recipient; the receipts consumer writes it, one statement per batch.
-- No personal data: pivot ids, systems, field names and the flows' own texts.
CREATE TABLE disclosures (
  change_id      uuid NOT NULL,
  system         text NOT NULL,
  pivot_id       uuid NOT NULL,
  channel        text,
  event_type     text NOT NULL,
  route          text,
  legal_basis    text,
  purpose        text,
  fields         text[],
  handed_over_at timestamptz,
  applied_at     timestamptz,
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (change_id, system)
);
CREATE INDEX disclosures_by_citizen ON disclosures (pivot_id, change_id);
