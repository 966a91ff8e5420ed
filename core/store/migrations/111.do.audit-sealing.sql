-- Appending no longer takes the chain's head lock (core/audit/append.ts, ADR 0021): an entry is
-- inserted with the id of the transaction that wrote it, and the sealer (core/audit/seal.ts)
-- links it into the chain once that transaction has ended. `txid` tells an entry waiting to be
-- sealed (seq null, txid set) from one written before the chain existed (both null).
ALTER TABLE audit_log ADD COLUMN txid xid8;
CREATE INDEX audit_log_unsealed ON audit_log (id) WHERE seq IS NULL AND txid IS NOT NULL;
