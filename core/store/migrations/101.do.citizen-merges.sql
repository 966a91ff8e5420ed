-- Managing the crosswalk (issue #14, item 3; docs/identities.md): a citizen found to be the same
-- person as another is merged into it. Nothing recorded under the merged pivot id is rewritten
-- (events, receipts and the audit chain carry it); the row says which pivot id stands for it now,
-- and reads, routing and later changes follow it. Always one level: merging into a citizen that
-- is later merged elsewhere moves every pointer along.
ALTER TABLE citizens ADD COLUMN merged_into uuid REFERENCES citizens (pivot_id);
CREATE INDEX citizens_merged_into ON citizens (merged_into) WHERE merged_into IS NOT NULL;
