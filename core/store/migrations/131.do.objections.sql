-- Objections (issue 16, item 4; docs/privacy.md): a citizen objects to one recipient system,
-- where a flow's legal basis allows it (`basis.objection: allowed`). The router sends that
-- system nothing about the citizen on such routes while the objection stands; withdrawing it
-- (the row deleted, the fact audited) restores delivery from the next change on.
CREATE TABLE objections (
  pivot_id    uuid NOT NULL REFERENCES citizens (pivot_id),
  system      text NOT NULL,
  declared_by text NOT NULL,
  declared_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pivot_id, system)
);

-- A recipient the router did not send to because the citizen objected: settled, never a failure.
ALTER TABLE change_recipients DROP CONSTRAINT change_recipients_status_check;
ALTER TABLE change_recipients ADD CONSTRAINT change_recipients_status_check
  CHECK (status IN ('pending', 'delivered', 'unknown', 'applied', 'rejected', 'superseded', 'dead_lettered', 'objected'));
