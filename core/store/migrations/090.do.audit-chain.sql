-- The audit log becomes a hash chain (core/audit/append.ts): each entry carries the hash of the
-- one before it, in `seq` order; `audit_chain_head` is the chain's last link, whose row lock
-- serialises appends across transactions; `audit_checkpoints` are signed statements of the head
-- (proof/checkpoints.ts), so a truncated tail is detected too.
-- Entries written before this migration keep a null seq: they are outside the chain, and
-- `relais audit verify` counts them as such.
ALTER TABLE audit_log ADD COLUMN seq bigint, ADD COLUMN prev_hash text, ADD COLUMN hash text;
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);

CREATE TABLE audit_chain_head (
  id   integer PRIMARY KEY CHECK (id = 1),
  seq  bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, repeat('0', 64));

CREATE TABLE audit_checkpoints (
  seq        bigint PRIMARY KEY,
  hash       text NOT NULL,
  signed_at  timestamptz NOT NULL,
  key_id     text NOT NULL,
  jws        text NOT NULL
);
