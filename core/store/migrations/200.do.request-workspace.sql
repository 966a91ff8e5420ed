-- The requests workspace (issue 15, docs/adr/0035): what agents do with a service request
-- besides the service's own updates. The commune is kept beside the request so the workspace
-- filters on it without opening the sealed change data; the agents' assignments, notes and
-- answers are one trace (an answer names the change that carried it to the citizen).
ALTER TABLE service_requests ADD COLUMN commune_insee text;
CREATE INDEX service_requests_by_status ON service_requests (status, submitted_at);

CREATE TABLE service_request_actions (
  id         uuid PRIMARY KEY,
  request_id uuid NOT NULL REFERENCES service_requests (id),
  kind       text NOT NULL CHECK (kind IN ('assigned', 'noted', 'answered')),
  agent      text NOT NULL,
  service    text,
  note       text,
  change_id  uuid REFERENCES changes (id),
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX service_request_actions_by_request ON service_request_actions (request_id, at);
