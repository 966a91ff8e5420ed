-- Push sources (webhooks): the signatures (or other one-time values) each system's receiver has
-- already accepted, until they expire, so a captured request replayed is refused — across restarts
-- and across connector instances (packages/connector-kit/src/runtime/source-runtime.ts, PushSourceContext.firstSeen).
CREATE TABLE source_nonces (
  system     text NOT NULL,
  nonce      text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (system, nonce)
);
CREATE INDEX source_nonces_expiry ON source_nonces (expires_at);
