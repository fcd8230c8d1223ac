-- The three registries as sourced snapshots (三个实有 weekly updates) and ID numbers sealed at rest.
--
-- persons.id_number becomes id_hash: a keyed hash (yiwang-core privacy) that stays the unique
-- lookup key; id_cipher holds the encrypted number and id_masked its display form. Rows written
-- before this migration still hold the plain number in id_hash with id_cipher NULL until the
-- application seals them at start-up (it has the key; SQL does not).
ALTER TABLE persons RENAME COLUMN id_number TO id_hash;
ALTER TABLE persons ADD COLUMN id_cipher TEXT;
ALTER TABLE persons ADD COLUMN id_masked TEXT;
-- Rows still to seal, found at start-up without reading the whole table (empty once sealed).
CREATE INDEX persons_unsealed ON persons(id) WHERE id_cipher IS NULL;

-- Every registry row names the source whose snapshot last wrote it, the fingerprint of its
-- fields (to tell changed from unchanged at the next snapshot) and that snapshot's change set.
ALTER TABLE persons ADD COLUMN source TEXT NOT NULL DEFAULT 'twin';
ALTER TABLE persons ADD COLUMN row_hash TEXT;
ALTER TABLE persons ADD COLUMN change_set_id INTEGER;
CREATE INDEX persons_source ON persons(source);

-- Rooms (间) of the dwelling when the housing source gives them (the 群租 per-room rule).
ALTER TABLE housing ADD COLUMN rooms INTEGER;
ALTER TABLE housing ADD COLUMN owner_id_hash TEXT;
ALTER TABLE housing ADD COLUMN owner_id_cipher TEXT;
ALTER TABLE housing ADD COLUMN owner_id_masked TEXT;
ALTER TABLE housing ADD COLUMN source TEXT NOT NULL DEFAULT 'twin';
ALTER TABLE housing ADD COLUMN row_hash TEXT;
ALTER TABLE housing ADD COLUMN change_set_id INTEGER;
CREATE INDEX housing_source ON housing(source);
-- Removing a person checks no housing row points at them: without this, a full scan each.
CREATE INDEX housing_owner ON housing(owner_person_id);

ALTER TABLE units ADD COLUMN source TEXT NOT NULL DEFAULT 'twin';
ALTER TABLE units ADD COLUMN row_hash TEXT;
ALTER TABLE units ADD COLUMN change_set_id INTEGER;
CREATE INDEX units_source ON units(source);

-- 住所云: what one of the four ends (审批/管理/物业/营商) attests about a premises.
CREATE TABLE attestations (
    id            INTEGER PRIMARY KEY,
    record_key    TEXT NOT NULL UNIQUE,
    end_kind      TEXT NOT NULL CHECK (end_kind IN ('approval', 'management', 'property', 'business')),
    premises_id   INTEGER NOT NULL REFERENCES premises(id),
    fact          TEXT NOT NULL,
    value         TEXT NOT NULL,
    evidence      TEXT,
    attested_at   TEXT NOT NULL,
    attester      TEXT NOT NULL,
    source        TEXT NOT NULL,
    row_hash      TEXT,
    change_set_id INTEGER
);
CREATE INDEX attestations_premises ON attestations(premises_id);
CREATE INDEX attestations_source ON attestations(source);

-- One imported snapshot of one source: what it added, changed and removed.
CREATE TABLE registry_change_sets (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('persons', 'housing', 'units', 'attestations')),
    source         TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    imported_at    TEXT NOT NULL,
    imported_by    TEXT NOT NULL,
    rows_total     INTEGER NOT NULL,
    added          INTEGER NOT NULL,
    changed        INTEGER NOT NULL,
    unchanged      INTEGER NOT NULL,
    gone           INTEGER NOT NULL,
    -- Rows of the file refused: in all, as duplicates of an earlier line, for an unplaced address.
    rejected       INTEGER NOT NULL DEFAULT 0,
    duplicates     INTEGER NOT NULL DEFAULT 0,
    unplaced       INTEGER NOT NULL DEFAULT 0,
    state          TEXT NOT NULL CHECK (state IN ('applied', 'rolled_back')),
    rolled_back_at TEXT,
    rolled_back_by TEXT
);
CREATE INDEX registry_change_sets_source ON registry_change_sets(kind, source);

-- Rows a change set changed or removed, with their fields before (JSON), so it can be reviewed
-- and rolled back. Added rows are the ones whose change_set_id is the set's and have no entry.
CREATE TABLE registry_changes (
    change_set_id INTEGER NOT NULL REFERENCES registry_change_sets(id),
    record_key    TEXT NOT NULL,
    op            TEXT NOT NULL CHECK (op IN ('changed', 'gone')),
    fields        TEXT NOT NULL,
    before        TEXT NOT NULL,
    PRIMARY KEY (change_set_id, record_key)
);

-- Field verification of sampled registry rows (核查): the evidence behind an accuracy figure.
CREATE TABLE registry_verifications (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('persons', 'housing', 'units', 'attestations')),
    record_key    TEXT NOT NULL,
    source        TEXT NOT NULL,
    street_code   TEXT,
    correct       BOOLEAN NOT NULL,
    wrong_fields  TEXT NOT NULL,
    note          TEXT,
    verified_by   TEXT NOT NULL,
    verified_at   TEXT NOT NULL
);
CREATE INDEX registry_verifications_kind ON registry_verifications(kind, verified_at);
