-- The case loop: workflow clocks and flags on each case, its timeline, and intake idempotency.
ALTER TABLE cases ADD COLUMN time_limit_amount INTEGER;
ALTER TABLE cases ADD COLUMN time_limit_unit TEXT;
ALTER TABLE cases ADD COLUMN rework_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN supervised BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cases ADD COLUMN reopened BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cases ADD COLUMN pending_request TEXT;
ALTER TABLE cases ADD COLUMN returned_by TEXT;
ALTER TABLE cases ADD COLUMN stage TEXT;
ALTER TABLE cases ADD COLUMN stage_started_at TEXT;
ALTER TABLE cases ADD COLUMN stage_due_at TEXT;
ALTER TABLE cases ADD COLUMN paused_at TEXT;
ALTER TABLE cases ADD COLUMN reporter_account_id INTEGER REFERENCES accounts(id);
ALTER TABLE cases ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cases_department_state ON cases(department_code, state);
CREATE INDEX cases_parent ON cases(parent_id);

CREATE TABLE case_events (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    at         TEXT NOT NULL,
    action     TEXT NOT NULL,
    actor      TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    detail     TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events(case_id, id);

CREATE TABLE case_idempotency (
    actor        TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    created_at   TEXT NOT NULL,
    PRIMARY KEY (actor, key)
);
CREATE INDEX cases_grid_created ON cases(grid_code, created_at);
CREATE INDEX cases_premises_created ON cases(premises_id, created_at);
