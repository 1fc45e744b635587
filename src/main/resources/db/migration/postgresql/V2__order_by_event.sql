-- Order on an ordered sink is the order of receipt (event ids are UUIDv7), not the order of rows; a dead
-- delivery holds its interview back like a pending one.
DROP INDEX webhook_delivery_order;
CREATE INDEX webhook_delivery_order ON webhook_delivery (sink, interview_id, event_id) WHERE state IN ('pending', 'dead');
