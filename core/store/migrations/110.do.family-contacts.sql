-- A declared family contact (issue 14, item 5; docs/flows.md "After a death"): the one person a
-- flow may tell, instead of the citizen, once a death is registered for them. At most one per
-- citizen; declaring again replaces it. Personal data (name, address, relationship): read only
-- through the gateway's family-contact routes, each read audited; never copied into events.
CREATE TABLE family_contacts (
  pivot_id     uuid PRIMARY KEY REFERENCES citizens (pivot_id),
  name         text NOT NULL,
  email        text NOT NULL,
  relationship text NOT NULL,
  language     text NOT NULL CHECK (language IN ('fr', 'en')),
  declared_by  text NOT NULL,
  declared_at  timestamptz NOT NULL DEFAULT now()
);
