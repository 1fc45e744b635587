-- Events as received, byte for byte. Ids are UUIDv7, so they sort by time of receipt. Times are epoch
-- milliseconds.
CREATE TABLE webhook_event (
    id             TEXT    NOT NULL PRIMARY KEY,
    type           TEXT    NOT NULL,
    interview_id   TEXT    NOT NULL,
    status         TEXT,
    source_address TEXT    NOT NULL,
    received_at    INTEGER NOT NULL,
    body           BLOB    NOT NULL
);
CREATE INDEX webhook_event_interview ON webhook_event (interview_id, received_at);

-- One row per distinct (interview, type, body) seen within the dedup window: the unique key decides,
-- never a check-then-insert. Keyed by interview first: Incode's ids grow over time, so
-- new keys land together at the end of the index.
CREATE TABLE webhook_dedup (
    interview_id TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    body_hash    BLOB    NOT NULL,
    event_id     TEXT    NOT NULL,
    received_at  INTEGER NOT NULL,
    PRIMARY KEY (interview_id, type, body_hash)
) WITHOUT ROWID;
CREATE INDEX webhook_dedup_received ON webhook_dedup (received_at);

-- One row per event and sink. state: pending | delivered | dead.
CREATE TABLE webhook_delivery (
    id              INTEGER PRIMARY KEY,
    event_id        TEXT    NOT NULL,
    sink            TEXT    NOT NULL,
    interview_id    TEXT    NOT NULL,
    received_at     INTEGER NOT NULL,
    state           TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,
    last_error      TEXT,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (sink, next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_delivery_order ON webhook_delivery (sink, interview_id, id) WHERE state = 'pending';
CREATE INDEX webhook_delivery_event ON webhook_delivery (event_id);
CREATE INDEX webhook_delivery_dead ON webhook_delivery (sink, id) WHERE state = 'dead';

-- Written by the health check: proves the store accepts writes.
CREATE TABLE inbox_heartbeat (
    id         INTEGER NOT NULL PRIMARY KEY,
    checked_at INTEGER NOT NULL
);
INSERT INTO inbox_heartbeat (id, checked_at) VALUES (1, 0);
