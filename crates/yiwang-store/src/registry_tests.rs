//! Registry snapshots, change sets and rollback, each test run on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, Utc};
use yiwang_core::model::PersonType;
use yiwang_core::registry::RegistryKind;
use yiwang_core::registry::changes::{changed_fields, diff};
use yiwang_core::registry::records::{StoredRecord, stored_record};
use yiwang_core::registry::rows::{CheckedRow, PersonRow};
use yiwang_core::validate::id_number::make_id_number;

use crate::testing::{TestDb, vault};
use crate::tests::seed;
use crate::{Snapshot, Store, both_backends};

/// The seeded person's ID number.
const ZHANG: &str = "31010419800101123X";

fn person(sequence: u16, name: &str, phone: Option<&str>) -> CheckedRow {
    let birth = NaiveDate::from_ymd_opt(1980, 1, 1).unwrap();
    let id_number = if sequence == 123 {
        ZHANG.to_owned()
    } else {
        make_id_number("310104", birth, sequence).unwrap()
    };
    CheckedRow::Person(PersonRow {
        id_number,
        id_kind: "resident_id".into(),
        name: name.into(),
        person_type: PersonType::Registered,
        sex: if sequence % 2 == 1 { "male" } else { "female" }.into(),
        birth_date: birth,
        nationality: "CHN".into(),
        phone: phone.map(Into::into),
        address: "x".into(),
        move_in_date: None,
    })
}

/// Imports `records` as a snapshot of `source` the way the importer does: diff, then apply.
async fn import(store: &Store, source: &str, records: &[StoredRecord]) -> i64 {
    let held = store.registry_held(RegistryKind::Persons).await.unwrap();
    let d = diff(source, &held, records);
    let keys: Vec<String> = d
        .changed
        .iter()
        .map(|&i| records[i].key.clone())
        .chain(d.gone.iter().cloned())
        .collect();
    let mut before = store
        .registry_rows(RegistryKind::Persons, &keys)
        .await
        .unwrap();
    let snapshot = Snapshot {
        kind: RegistryKind::Persons,
        source,
        file_name: "persons.csv",
        actor: "data_officer",
        at: Utc::now(),
        rows_total: records.len(),
        added: d.added.iter().map(|&i| &records[i]).collect(),
        changed: d
            .changed
            .iter()
            .map(|&i| {
                let b = before.remove(&records[i].key).unwrap();
                (&records[i], changed_fields(&b, &records[i].fields), b)
            })
            .collect(),
        unchanged: d.unchanged,
        gone: d
            .gone
            .iter()
            .map(|k| (k.clone(), before.remove(k).unwrap()))
            .collect(),
    };
    store.apply_snapshot(&snapshot).await.unwrap()
}

async fn phones(store: &Store) -> Vec<(String, Option<String>, String)> {
    let mut rows: Vec<(String, Option<String>, String)> = match &store.pool {
        crate::pool::Pool::Sqlite(p) => sqlx::query_as("SELECT name, phone, source FROM persons")
            .fetch_all(p)
            .await
            .unwrap(),
        crate::pool::Pool::Postgres(p) => sqlx::query_as("SELECT name, phone, source FROM persons")
            .fetch_all(p)
            .await
            .unwrap(),
    };
    rows.sort();
    rows
}

both_backends!(
    snapshots_add_change_remove_and_roll_back,
    |db: TestDb| async move {
        seed(&db.store).await;
        let v = vault();
        // The seeded person (张三, ZHANG) lives in room 3 under source `twin`.
        let first = [
            stored_record(&person(123, "张三", Some("13800000000")), 3, &v),
            stored_record(&person(124, "李四", None), 4, &v),
        ];
        let id1 = import(&db.store, "police", &first).await;
        let set = db.store.change_set(id1).await.unwrap().unwrap();
        assert_eq!(
            (set.added, set.changed, set.unchanged, set.gone),
            (1, 1, 0, 0)
        );
        let entries = db.store.change_entries(id1, 0, 10).await.unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].op, "changed");
        assert_eq!(entries[0].before["source"], "twin");
        assert_eq!(entries[0].before["id"], 1, "a replaced row keeps its id");
        assert_eq!(
            db.store
                .change_set_added_keys(RegistryKind::Persons, id1, 10)
                .await
                .unwrap(),
            [first[1].key.clone()]
        );

        // The same snapshot again (ciphers fresh) changes nothing.
        let again = [
            stored_record(&person(123, "张三", Some("13800000000")), 3, &v),
            stored_record(&person(124, "李四", None), 4, &v),
        ];
        let id2 = import(&db.store, "police", &again).await;
        let set = db.store.change_set(id2).await.unwrap().unwrap();
        assert_eq!(
            (set.added, set.changed, set.unchanged, set.gone),
            (0, 0, 2, 0)
        );

        // A week later: 李四 has a phone, 张三 has moved away.
        let week = [stored_record(
            &person(124, "李四", Some("13900000000")),
            4,
            &v,
        )];
        let id3 = import(&db.store, "police", &week).await;
        let set = db.store.change_set(id3).await.unwrap().unwrap();
        assert_eq!(
            (set.added, set.changed, set.unchanged, set.gone),
            (0, 1, 0, 1)
        );
        let entries = db.store.change_entries(id3, 0, 10).await.unwrap();
        let changed = entries.iter().find(|e| e.op == "changed").unwrap();
        assert_eq!(changed.fields, ["phone"]);
        assert_eq!(
            phones(&db.store).await,
            [(
                "李四".to_owned(),
                Some("13900000000".to_owned()),
                "police".to_owned()
            )]
        );

        // Only the latest change set can be rolled back; rolling it back restores the week before.
        let err = db
            .store
            .rollback_change_set(id1, "cdo", Utc::now())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("not the latest"), "{err}");
        let rolled = db
            .store
            .rollback_change_set(id3, "cdo", Utc::now())
            .await
            .unwrap();
        assert_eq!(rolled.state, "rolled_back");
        assert_eq!(rolled.rolled_back_by.as_deref(), Some("cdo"));
        assert_eq!(
            phones(&db.store).await,
            [
                (
                    "张三".to_owned(),
                    Some("13800000000".to_owned()),
                    "police".to_owned()
                ),
                ("李四".to_owned(), None, "police".to_owned()),
            ]
        );
        let err = db
            .store
            .rollback_change_set(id3, "cdo", Utc::now())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("already"), "{err}");
        // The earlier ones can now go back too, down to the twin's own row.
        db.store
            .rollback_change_set(id2, "cdo", Utc::now())
            .await
            .unwrap();
        db.store
            .rollback_change_set(id1, "cdo", Utc::now())
            .await
            .unwrap();
        assert_eq!(
            phones(&db.store).await,
            [(
                "张三".to_owned(),
                Some("13800000000".to_owned()),
                "twin".to_owned()
            )]
        );
        let listed = db
            .store
            .change_sets(Some(RegistryKind::Persons), 10)
            .await
            .unwrap();
        assert_eq!(
            listed.iter().map(|s| s.id).collect::<Vec<_>>(),
            [id3, id2, id1]
        );
        assert!(
            db.store
                .change_sets(Some(RegistryKind::Units), 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

both_backends!(plain_id_numbers_are_sealed_once, |db: TestDb| async move {
    seed(&db.store).await;
    let v = vault();
    let number = make_id_number("310104", NaiveDate::from_ymd_opt(1990, 2, 3).unwrap(), 7).unwrap();
    let sql = "INSERT INTO persons (id, id_hash, id_kind, name, person_type, sex, birth_date, nationality, room_id) \
               VALUES (9, $1, 'resident_id', '王五', 'migrant', 'male', '1990-02-03', 'CHN', 4)";
    match &db.store.pool {
        crate::pool::Pool::Sqlite(p) => {
            sqlx::query(sql).bind(&number).execute(p).await.unwrap();
        }
        crate::pool::Pool::Postgres(p) => {
            sqlx::query(&sql.replace("'1990-02-03'", "DATE '1990-02-03'"))
                .bind(&number)
                .execute(p)
                .await
                .unwrap();
        }
    }
    assert_eq!(db.store.seal_plain_ids(&v).await.unwrap(), 1);
    assert_eq!(db.store.seal_plain_ids(&v).await.unwrap(), 0);
    let rows = db
        .store
        .registry_rows(RegistryKind::Persons, &[v.hash(&number)])
        .await
        .unwrap();
    let row = &rows[&v.hash(&number)];
    assert_eq!(v.open(row["id_cipher"].as_str().unwrap()).unwrap(), number);
    assert_eq!(
        row["id_masked"],
        format!("{}********{}", &number[..6], &number[14..])
    );
    // The seeded owner's sealed number was copied onto the housing row.
    let housing = db
        .store
        .registry_rows(RegistryKind::Housing, &["3".to_owned()])
        .await
        .unwrap();
    assert_eq!(housing["3"]["owner_id_hash"], v.hash(ZHANG));
});
