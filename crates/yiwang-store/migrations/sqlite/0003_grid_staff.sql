-- People responsible for grid cells: 网格长 of a 居民区, 网格员 of a 微网格, 楼组长 of a 楼组.
CREATE TABLE grid_staff (
    id         INTEGER PRIMARY KEY,
    grid_code  TEXT NOT NULL REFERENCES grids(code),
    role       TEXT NOT NULL CHECK (role IN ('grid_leader', 'grid_worker', 'building_group_leader')),
    name       TEXT NOT NULL,
    phone      TEXT,
    account_id INTEGER REFERENCES accounts(id)
);
CREATE INDEX grid_staff_grid ON grid_staff(grid_code);
