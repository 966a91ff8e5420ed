-- A silo outage is not a delivery failure (issue 13, docs/adr/0024-silo-circuit.md): the sink
-- runtime's circuit per system, for GET /v1/systems ("unavailable since …"). One row per system
-- whose connector ever opened its circuit; unavailable_since is null while the silo answers.
CREATE TABLE sink_circuits (
  system            text PRIMARY KEY,
  unavailable_since timestamptz,
  updated_at        timestamptz NOT NULL DEFAULT now()
);
