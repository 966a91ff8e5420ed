-- Receipt times per recipient system, for the KPIs (GET /v1/kpis) and the time-to-applied
-- histogram: when the system's change was first delivered, first settled (applied, rejected or
-- dead-lettered) and first applied. status_at keeps the time of the current status, which a
-- replayed dead letter moves; these keep the first occurrence of each step.
ALTER TABLE change_recipients
  ADD COLUMN delivered_at timestamptz,
  ADD COLUMN settled_at   timestamptz,
  ADD COLUMN applied_at   timestamptz;

UPDATE change_recipients SET
  settled_at = CASE WHEN status IN ('applied', 'rejected', 'dead_lettered') THEN status_at END,
  applied_at = CASE WHEN status = 'applied' THEN status_at END;

-- KPIs select changes by acceptance period.
CREATE INDEX changes_by_acceptance ON changes (accepted_at);
