-- The district's additions to the statutory calendar (next year's holidays and make-up working
-- days, corrections), laid over the embedded State Council calendar at start-up.
CREATE TABLE calendar_days (
    day        TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    note       TEXT,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
