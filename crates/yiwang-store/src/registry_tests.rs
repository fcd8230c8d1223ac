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
        refused: Default::default(),
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

both_backends!(
    quality_counts_by_source_and_street,
    |db: TestDb| async move {
        use crate::{NewVerification, QualityGrouping};
        seed(&db.store).await;
        let v = vault();
        // Thirteen people in room 4 (60.5 m²: room for 12), every other one with a phone.
        let records: Vec<StoredRecord> = (0..13u16)
            .map(|i| {
                let phone = (i % 2 == 0).then_some("13800000000");
                stored_record(&person(200 + i, "某", phone), 4, &v)
            })
            .collect();
        let id = import(&db.store, "police", &records).await;
        assert!(id > 0);
        let counts = |by| {
            let store = db.store.clone();
            async move {
                store
                    .registry_quality_counts(
                        RegistryKind::Persons,
                        by,
                        Utc::now() - chrono::Duration::days(7),
                        5.0,
                    )
                    .await
                    .unwrap()
            }
        };
        let by_source = counts(QualityGrouping::Source).await;
        let groups: Vec<&str> = by_source.iter().map(|c| c.group.as_str()).collect();
        assert_eq!(groups, ["police", "twin"]);
        let police = &by_source[0];
        assert_eq!(
            (police.rows, police.inconsistent, police.fresh),
            (13, 13, 13)
        );
        assert_eq!((police.expected_cells, police.filled_cells), (26, 7));
        assert_eq!(police.read, 13);
        let twin = &by_source[1];
        assert_eq!(
            (twin.rows, twin.inconsistent, twin.fresh, twin.read),
            (1, 0, 0, 0)
        );

        let key = records[0].key.clone();
        for (correct, who) in [(true, "gw1"), (false, "gw2")] {
            let recorded = db
                .store
                .record_verification(&NewVerification {
                    kind: RegistryKind::Persons,
                    key: key.clone(),
                    correct,
                    wrong_fields: if correct {
                        vec![]
                    } else {
                        vec!["phone".into()]
                    },
                    note: None,
                    verified_by: who.into(),
                    verified_at: Utc::now(),
                })
                .await
                .unwrap();
            assert!(recorded);
        }
        let unknown = NewVerification {
            kind: RegistryKind::Persons,
            key: "nope".into(),
            correct: true,
            wrong_fields: vec![],
            note: None,
            verified_by: "gw1".into(),
            verified_at: Utc::now(),
        };
        assert!(!db.store.record_verification(&unknown).await.unwrap());
        let district = counts(QualityGrouping::District).await;
        assert_eq!(district.len(), 1);
        assert_eq!(
            (
                district[0].rows,
                district[0].verified,
                district[0].verified_correct
            ),
            (14, 2, 1)
        );
        let by_street = counts(QualityGrouping::Street).await;
        assert_eq!(by_street.len(), 1);
        assert_eq!(
            (
                by_street[0].group.as_str(),
                by_street[0].rows,
                by_street[0].read
            ),
            ("310104003", 14, 0)
        );
        let sample = db
            .store
            .registry_sample(RegistryKind::Persons, Some("310104003"), 5)
            .await
            .unwrap();
        assert_eq!(sample.len(), 5);
        assert!(
            sample
                .iter()
                .all(|(_, _, address, street)| address.is_some()
                    && street.as_deref() == Some("310104003"))
        );
        assert!(
            db.store
                .registry_sample(RegistryKind::Persons, Some("310104999"), 5)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

both_backends!(
    the_dossier_counts_what_the_registries_hold_inside_a_premises,
    |db: TestDb| async move {
        use yiwang_core::registry::rows::AttestationRow;
        use yiwang_core::registry::{AttestationEnd, AttestationFact};
        seed(&db.store).await;
        let v = vault();
        let attested = stored_record(
            &CheckedRow::Attestation(AttestationRow {
                end: AttestationEnd::Property,
                address: "x".into(),
                fact: AttestationFact::Exists,
                value: "是".into(),
                evidence: Some("物业台账".into()),
                attested_at: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
                attester: "汇翠物业".into(),
            }),
            1,
            &v,
        );
        db.store
            .apply_snapshot(&Snapshot {
                kind: RegistryKind::Attestations,
                source: "物业",
                file_name: "attestations.csv",
                actor: "property_manager",
                at: Utc::now(),
                rows_total: 1,
                added: vec![&attested],
                changed: Vec::new(),
                unchanged: 0,
                gone: Vec::new(),
                refused: crate::Refused::default(),
            })
            .await
            .unwrap();
        // The compound: its two rooms, the resident of room 3, its dwelling, the unit in room 4.
        let compound = db.store.premises_registers(1, 10).await.unwrap().unwrap();
        assert_eq!(compound.rooms, 2);
        assert_eq!(compound.persons_by_type, [("registered".to_owned(), 1)]);
        assert_eq!(
            compound.housing_by_use,
            [("owner_occupied".to_owned(), 1, 60.5)]
        );
        assert_eq!(compound.units_total, 1);
        assert_eq!(compound.units[0].uscc, "91310104MA1FL00000");
        assert_eq!(
            compound.units[0].address,
            "上海市徐汇区宛平南路500弄9号101室"
        );
        assert_eq!(compound.units[0].registered_at, "2020-05-01");
        assert_eq!(compound.attestations.len(), 1);
        assert_eq!(compound.attestations[0].end, "property");
        assert_eq!(compound.attestations[0].attested_at, "2026-10-01");
        // A room holds only its own; an empty compound holds nothing; no premises, no answer.
        let room = db.store.premises_registers(4, 10).await.unwrap().unwrap();
        assert_eq!((room.rooms, room.units_total), (1, 1));
        assert!(room.persons_by_type.is_empty() && room.attestations.is_empty());
        let empty = db.store.premises_registers(5, 10).await.unwrap().unwrap();
        assert_eq!((empty.rooms, empty.units_total), (0, 0));
        assert!(
            db.store
                .premises_registers(999, 10)
                .await
                .unwrap()
                .is_none()
        );
    }
);
