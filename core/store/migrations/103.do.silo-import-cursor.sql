-- Onboarding a population from the silo itself (`relais identities import <system> --from-silo`,
-- docs/identities.md): the silo's listing resumes from a cursor (the connector's, opaque here),
-- saved with each committed batch next to the count of records committed.
ALTER TABLE identity_imports ADD COLUMN cursor text;
