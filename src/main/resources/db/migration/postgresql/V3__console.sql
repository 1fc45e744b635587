-- Every attempt of a delivery, whatever became of it. A replay starts a delivery's attempts again from 1, so
-- attempt here counts the delivery's attempts over its whole life (the next is one more than the last
-- recorded): the history of a replayed delivery goes on after its earlier attempts instead of colliding with
-- them. outcome: delivered | failed (another attempt follows) | dead.
CREATE TABLE webhook_attempt (
    delivery_id BIGINT  NOT NULL,
    attempt     INTEGER NOT NULL,
    sink        TEXT    NOT NULL,
    started_at  BIGINT  NOT NULL,
    finished_at BIGINT  NOT NULL,
    outcome     TEXT    NOT NULL,
    error       TEXT,
    PRIMARY KEY (delivery_id, attempt)
);

-- Who did what to which deliveries (or payloads) on the management port, and how many it changed.
CREATE TABLE admin_audit (
    id       BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       BIGINT  NOT NULL,
    actor    TEXT    NOT NULL,
    action   TEXT    NOT NULL,
    target   TEXT    NOT NULL,
    affected INTEGER NOT NULL
);
CREATE INDEX admin_audit_at ON admin_audit (at);
