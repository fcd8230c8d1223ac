-- The district's responsibility matrix (派单目录 / 权责清单) as edited: one CSV line per rule of
-- yiwang-core's routing format, laid over the defaults from the category catalogue at start-up.
CREATE TABLE routing_rules (
    rule_key   TEXT PRIMARY KEY,
    line       TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
