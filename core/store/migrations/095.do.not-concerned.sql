-- The reference directory (issue 14, docs/adr/0026): the systems the flows route a change to but
-- that hold no file on its citizen are not recipients. They are kept with the change, with the
-- reason, so its view can say who was not concerned and why: [{"system": …, "reason": "no-file"}].
ALTER TABLE changes ADD COLUMN not_concerned jsonb;
