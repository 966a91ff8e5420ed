-- Identity from the authoritative register (issue #4).

-- How each crosswalk link was established, when (created_at) and by whom: `first-sighting` (a
-- system's identifier seen for the first time), `civil-data-exact` (civil data matched exactly one
-- person in the register), `identity-review` (an agent chose the register's person), `declared`
-- (loaded by an operator or demo data).
ALTER TABLE citizen_identifiers ADD COLUMN link_method text NOT NULL DEFAULT 'first-sighting'
  CHECK (link_method IN ('first-sighting', 'civil-data-exact', 'identity-review', 'declared'));
ALTER TABLE citizen_identifiers ADD COLUMN linked_by text;

-- A change naming a citizen by civil data that matched several people is accepted but held: it
-- has no pivot id and nothing is published until an agent decides.
ALTER TABLE changes ALTER COLUMN pivot_id DROP NOT NULL;
ALTER TABLE changes ADD COLUMN review text CHECK (review IN ('held', 'matched', 'rejected'));

-- One review per held change. `civil` and `candidates` are personal data, kept only while the
-- review is pending and cleared once it is decided (the decision keeps the register id chosen).
CREATE TABLE identity_reviews (
  id                 uuid PRIMARY KEY,
  change_id          uuid NOT NULL UNIQUE REFERENCES changes (id),
  register_system    text NOT NULL,
  civil              jsonb,
  candidates         jsonb,
  status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'matched', 'rejected')),
  created_at         timestamptz NOT NULL DEFAULT now(),
  decided_at         timestamptz,
  decided_by         text,
  chosen_register_id text,
  reason             text
);
CREATE INDEX identity_reviews_pending ON identity_reviews (created_at) WHERE status = 'pending';
