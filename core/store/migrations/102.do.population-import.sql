-- Onboarding a population (issue #14, item 2; docs/identities.md): `relais identities import`
-- matches a silo's records against the register. One row per import (a system and a file's
-- content), with the last record committed (resuming after a crash starts after it), and one row
-- per record with its outcome, so the final report counts what happened whatever the crash point.
-- Held records keep the register's candidates by id and score only: no civil data is stored.
ALTER TABLE citizen_identifiers DROP CONSTRAINT IF EXISTS citizen_identifiers_link_method_check;
ALTER TABLE citizen_identifiers ADD CONSTRAINT citizen_identifiers_link_method_check
  CHECK (link_method IN ('first-sighting', 'civil-data-exact', 'identity-review', 'declared', 'import'));

CREATE TABLE identity_imports (
  id          text PRIMARY KEY,
  system      text NOT NULL,
  file        text NOT NULL,
  committed   integer NOT NULL DEFAULT 0,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

CREATE TABLE identity_import_records (
  import_id   text NOT NULL REFERENCES identity_imports (id),
  line        integer NOT NULL,
  local_id    text NOT NULL,
  outcome     text NOT NULL CHECK (outcome IN ('linked', 'held', 'unmatched', 'already-linked', 'invalid')),
  register_id text,
  candidates  jsonb,
  reason      text,
  PRIMARY KEY (import_id, line)
);
