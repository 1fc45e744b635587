-- Events as received, byte for byte. Ids are UUIDv7, so they sort by time of receipt. Times are epoch
-- milliseconds, as in the SQLite schema.
CREATE TABLE webhook_event (
    id             TEXT    COLLATE "C" NOT NULL PRIMARY KEY,
    type           TEXT    NOT NULL,
    interview_id   TEXT    NOT NULL,
    status         TEXT,
    source_address TEXT    NOT NULL,
    received_at    BIGINT  NOT NULL,
    body           BYTEA   NOT NULL
);
CREATE INDEX webhook_event_interview ON webhook_event (interview_id, received_at);

-- One row per distinct (interview, type, body) seen within the dedup window: the unique key decides,
-- never a check-then-insert, also between replicas. Keyed by interview first: Incode's ids grow over time, so
-- new keys land together at the end of the index.
CREATE TABLE webhook_dedup (
    interview_id TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    body_hash    BYTEA    NOT NULL,
    event_id     TEXT    NOT NULL,
    received_at  BIGINT NOT NULL,
    PRIMARY KEY (interview_id, type, body_hash)
);
CREATE INDEX webhook_dedup_received ON webhook_dedup (received_at);

-- One row per event and sink. state: pending | delivered | dead. A replica working on a delivery
-- holds it until lease_until; if it dies, another replica takes it over after that.
CREATE TABLE webhook_delivery (
    id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        TEXT    COLLATE "C" NOT NULL,
    sink            TEXT    NOT NULL,
    interview_id    TEXT    NOT NULL,
    received_at     BIGINT  NOT NULL,
    state           TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    lease_until     BIGINT,
    last_error      TEXT,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (sink, next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_delivery_order ON webhook_delivery (sink, interview_id, id) WHERE state = 'pending';
CREATE INDEX webhook_delivery_event ON webhook_delivery (event_id);
CREATE INDEX webhook_delivery_dead ON webhook_delivery (sink, id) WHERE state = 'dead';

-- Written by the health check: proves the store accepts writes.
CREATE TABLE inbox_heartbeat (
    id         INTEGER NOT NULL PRIMARY KEY,
    checked_at BIGINT  NOT NULL
);
INSERT INTO inbox_heartbeat (id, checked_at) VALUES (1, 0);
