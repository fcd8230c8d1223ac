-- Superseded grid geometries (MapIt-style history). The current version stays in `grids`; each
-- boundary import that changes a cell moves the previous one here.
CREATE TABLE grid_versions (
    code        TEXT NOT NULL,
    version     BIGINT NOT NULL,
    level       TEXT NOT NULL,
    name        TEXT NOT NULL,
    parent_code TEXT,
    street_code TEXT NOT NULL,
    geometry    TEXT NOT NULL,
    area_m2     DOUBLE PRECISION NOT NULL,
    valid_until TIMESTAMPTZ NOT NULL,
    replaced_by TEXT NOT NULL,
    PRIMARY KEY (code, version)
);
