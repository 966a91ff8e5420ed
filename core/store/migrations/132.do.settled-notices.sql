-- Told once it is done (issue 16, item 5; docs/privacy.md): the citizen is notified once every
-- system concerned by a change they told has settled it. One row per change, claimed in the
-- transaction that settles its last recipient: the notice (fr.relais.change.settled.v1, its id
-- `notice_id`) is put in the outbox once, whatever receipt is delivered again.
CREATE TABLE settled_notices (
  change_id  uuid PRIMARY KEY,
  notice_id  uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The language the citizen is written to in (a contact change's `language`); unset: French.
ALTER TABLE citizens ADD COLUMN language text CHECK (language IN ('fr', 'en'));
