-- Foundation schema (SQLite). Keep in step with ../postgres/0001_foundation.sql.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE divisions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('district', 'street', 'community')),
    parent_code TEXT REFERENCES divisions(code)
);
CREATE INDEX divisions_parent ON divisions(parent_code);

CREATE TABLE grids (
    code         TEXT PRIMARY KEY,
    level        TEXT NOT NULL CHECK (level IN ('street', 'area', 'community', 'micro_grid', 'building_group')),
    name         TEXT NOT NULL,
    parent_code  TEXT REFERENCES grids(code),
    street_code  TEXT NOT NULL REFERENCES divisions(code),
    geometry     TEXT NOT NULL,
    area_m2      REAL NOT NULL,
    centroid_lon REAL NOT NULL,
    centroid_lat REAL NOT NULL
);
CREATE INDEX grids_level_parent ON grids(level, parent_code);

CREATE TABLE roads (
    name        TEXT PRIMARY KEY,
    street_code TEXT NOT NULL REFERENCES divisions(code)
);

CREATE TABLE premises (
    id               INTEGER PRIMARY KEY,
    parent_id        INTEGER REFERENCES premises(id),
    kind             TEXT NOT NULL CHECK (kind IN ('compound', 'building', 'unit', 'floor', 'room')),
    standard_address TEXT NOT NULL UNIQUE,
    name             TEXT,
    use_kind         TEXT NOT NULL,
    road             TEXT,
    lon              REAL,
    lat              REAL,
    floor_area_m2    REAL,
    street_code      TEXT NOT NULL REFERENCES divisions(code),
    community_code   TEXT NOT NULL REFERENCES divisions(code),
    grid_code        TEXT REFERENCES grids(code)
);
CREATE INDEX premises_parent ON premises(parent_id);
CREATE INDEX premises_grid ON premises(grid_code);

CREATE TABLE premises_aliases (
    premises_id INTEGER NOT NULL REFERENCES premises(id),
    alias       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    PRIMARY KEY (premises_id, alias)
);
CREATE INDEX premises_aliases_alias ON premises_aliases(alias);

CREATE TABLE persons (
    id           INTEGER PRIMARY KEY,
    id_number    TEXT NOT NULL UNIQUE,
    id_kind      TEXT NOT NULL,
    name         TEXT NOT NULL,
    person_type  TEXT NOT NULL CHECK (person_type IN ('registered', 'migrant', 'overseas')),
    sex          TEXT NOT NULL,
    birth_date   TEXT NOT NULL,
    nationality  TEXT NOT NULL,
    phone        TEXT,
    room_id      INTEGER REFERENCES premises(id),
    move_in_date TEXT
);
CREATE INDEX persons_room ON persons(room_id);

CREATE TABLE housing (
    room_id         INTEGER PRIMARY KEY REFERENCES premises(id),
    use_kind        TEXT NOT NULL,
    area_m2         REAL NOT NULL,
    owner_person_id INTEGER REFERENCES persons(id)
);

CREATE TABLE units (
    id                 INTEGER PRIMARY KEY,
    uscc               TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    industry           TEXT NOT NULL,
    staff              INTEGER NOT NULL,
    registered_at      TEXT NOT NULL,
    premises_id        INTEGER REFERENCES premises(id),
    actual_premises_id INTEGER REFERENCES premises(id)
);
CREATE INDEX units_premises ON units(premises_id);

CREATE TABLE departments (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    short_name TEXT NOT NULL,
    kind       TEXT NOT NULL
);

CREATE TABLE cases (
    id              INTEGER PRIMARY KEY,
    case_no         TEXT NOT NULL UNIQUE,
    source          TEXT NOT NULL,
    category_kind   TEXT,
    category_code   TEXT,
    category_name   TEXT,
    request_type    TEXT,
    text            TEXT NOT NULL,
    address         TEXT,
    premises_id     INTEGER REFERENCES premises(id),
    lon             REAL,
    lat             REAL,
    street_code     TEXT REFERENCES divisions(code),
    grid_code       TEXT REFERENCES grids(code),
    department_code TEXT REFERENCES departments(code),
    state           TEXT NOT NULL,
    priority        TEXT NOT NULL,
    reporter_name   TEXT,
    reporter_phone  TEXT,
    created_at      TEXT NOT NULL,
    due_at          TEXT,
    closed_at       TEXT,
    satisfaction    TEXT,
    reply           TEXT,
    parent_id       INTEGER REFERENCES cases(id)
);
CREATE INDEX cases_state ON cases(state);
CREATE INDEX cases_created ON cases(created_at);
CREATE INDEX cases_grid ON cases(grid_code);

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    org_code      TEXT,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TEXT NOT NULL
);

CREATE TABLE account_roles (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    PRIMARY KEY (account_id, role)
);

CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX tokens_account ON tokens(account_id);

CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
