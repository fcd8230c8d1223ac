-- Superseded grid geometries (MapIt-style history). The current version stays in `grids`; each
-- boundary import that changes a cell moves the previous one here.
CREATE TABLE grid_versions (
    code        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    level       TEXT NOT NULL,
    name        TEXT NOT NULL,
    parent_code TEXT,
    street_code TEXT NOT NULL,
    geometry    TEXT NOT NULL,
    area_m2     REAL NOT NULL,
    valid_until TEXT NOT NULL,
    replaced_by TEXT NOT NULL,
    PRIMARY KEY (code, version)
);
