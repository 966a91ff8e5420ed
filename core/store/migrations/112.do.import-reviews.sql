-- Reviewing held import records (docs/identities.md): an agent links a held record to one of
-- its candidates or rejects it, once. The decision is kept on the record (who, when, which);
-- the register the candidates came from is kept on the import, so the link names the right system.
ALTER TABLE identity_imports ADD COLUMN register_system text;

ALTER TABLE identity_import_records
  ADD COLUMN decided_at timestamptz,
  ADD COLUMN decided_by text,
  ADD COLUMN decision   text CHECK (decision IN ('linked', 'rejected')),
  ADD COLUMN decided_register_id text;

-- The review queue: held records still undecided, per import, in line order.
CREATE INDEX identity_import_records_held ON identity_import_records (import_id, line)
  WHERE outcome = 'held' AND decided_at IS NULL;
