-- Service requests (POST /v1/service-requests): a reported incident routed to the competent
-- service. Its submission is a change (same id: its recipients' statuses, its outbox row, its
-- audit entry); what it is about stays in changes.data. The status history follows the
-- service's fr.relais.service-request.updated/resolved events, once per event.
CREATE TABLE service_requests (
  id                uuid PRIMARY KEY REFERENCES changes (id),
  pivot_id          uuid NOT NULL REFERENCES citizens (pivot_id),
  channel           text NOT NULL,
  category          text NOT NULL,
  competent_service text NOT NULL,
  status            text NOT NULL,
  status_at         timestamptz NOT NULL,
  submitted_at      timestamptz NOT NULL
);
CREATE INDEX service_requests_by_citizen ON service_requests (pivot_id, submitted_at);

CREATE TABLE service_request_history (
  request_id  uuid NOT NULL REFERENCES service_requests (id),
  event_id    uuid NOT NULL,
  event_type  text NOT NULL,
  status      text NOT NULL,
  system      text,
  comment     text,
  at          timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (request_id, event_id)
);
