-- Matching explained (issue #14, item 6; docs/adr/0025): a crosswalk link made from civil data
-- keeps the score and the per-criterion explanation of the match that made it (which criteria
-- matched and how), so an agent can tell later why Relais linked without a person.
ALTER TABLE citizen_identifiers ADD COLUMN match_score smallint CHECK (match_score BETWEEN 0 AND 100);
ALTER TABLE citizen_identifiers ADD COLUMN match_explanation jsonb;
