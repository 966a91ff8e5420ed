-- Push, not poll (gateway/outbox-wake.ts): a transaction that writes outbox rows notifies the
-- relay on commit. Once per statement, and PostgreSQL folds identical notifications of one
-- transaction into one, so a burst costs one wake-up per transaction, not per row.
CREATE FUNCTION relais_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('relais_outbox', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION relais_outbox_notify();
