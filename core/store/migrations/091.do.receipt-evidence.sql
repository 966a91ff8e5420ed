-- Each receipt the gateway verified, as it was signed (gateway/receipts-consumer.ts): the
-- message value and its detached JWS, so an evidence bundle (proof/evidence.ts) can show, long
-- after the topic's retention, what each system said about a change, in its own signed words.
CREATE TABLE receipt_evidence (
  change_id   uuid NOT NULL REFERENCES changes (id),
  system      text NOT NULL,
  status      text NOT NULL,
  payload     text NOT NULL,
  signature   text NOT NULL,
  key_id      text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (change_id, system, status)
);
