//! Store behaviour, each test run on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate, SubsecRound, TimeZone, Utc};
use yiwang_core::model::*;
use yiwang_core::role::Role;

use crate::testing::TestDb;
use crate::{AuditEvent, NewAccount, Store, StoreError, both_backends};

fn division(code: &str, name: &str, level: DivisionLevel, parent: Option<&str>) -> Division {
    Division {
        code: code.into(),
        name: name.into(),
        level,
        parent_code: parent.map(Into::into),
    }
}

fn grid(code: &str, level: GridLevel, parent: Option<&str>) -> Grid {
    Grid {
        code: code.into(),
        level,
        name: format!("grid {code}"),
        parent_code: parent.map(Into::into),
        street_code: "310104003".into(),
        geometry: r#"{"type":"MultiPolygon","coordinates":[[[[121.0,31.0],[121.1,31.0],[121.1,31.1],[121.0,31.0]]]]}"#.into(),
        area_m2: 1.5e6,
        centroid_lon: 121.05,
        centroid_lat: 31.05,
    }
}

fn premises(id: i64, parent: Option<i64>, kind: PremisesKind, address: &str) -> Premises {
    Premises {
        id,
        parent_id: parent,
        kind,
        standard_address: address.into(),
        name: None,
        use_kind: PremisesUse::Residential,
        road: Some("宛平南路".into()),
        lon: Some(121.44),
        lat: Some(31.19),
        floor_area_m2: Some(60.5),
        street_code: "310104003".into(),
        community_code: "310104003001".into(),
        grid_code: Some("310104003001001".into()),
    }
}

/// A small but complete district: one of everything.
pub(crate) async fn seed(store: &Store) {
    let mut bulk = store.bulk().await.unwrap();
    bulk.divisions(&[
        division("310104", "徐汇区", DivisionLevel::District, None),
        division(
            "310104003",
            "天平路街道",
            DivisionLevel::Street,
            Some("310104"),
        ),
        division(
            "310104003001",
            "上海新村居委会",
            DivisionLevel::Community,
            Some("310104003"),
        ),
    ])
    .await
    .unwrap();
    bulk.grids(&[
        grid("310104003", GridLevel::Street, None),
        grid("310104003901", GridLevel::Area, Some("310104003")),
        grid("310104003001", GridLevel::Community, Some("310104003901")),
        grid(
            "310104003001001",
            GridLevel::MicroGrid,
            Some("310104003001"),
        ),
        grid(
            "310104003001001001",
            GridLevel::BuildingGroup,
            Some("310104003001001"),
        ),
    ])
    .await
    .unwrap();
    bulk.roads(&[Road {
        geometry: None,
        name: "宛平南路".into(),
        street_code: "310104003".into(),
    }])
    .await
    .unwrap();
    bulk.premises(&[
        premises(1, None, PremisesKind::Compound, "上海市徐汇区宛平南路500弄"),
        premises(
            2,
            Some(1),
            PremisesKind::Building,
            "上海市徐汇区宛平南路500弄9号",
        ),
        premises(
            3,
            Some(2),
            PremisesKind::Room,
            "上海市徐汇区宛平南路500弄9号660室",
        ),
        premises(
            4,
            Some(2),
            PremisesKind::Room,
            "上海市徐汇区宛平南路500弄9号101室",
        ),
        premises(
            5,
            None,
            PremisesKind::Compound,
            "上海市徐汇区宛平南路5000弄",
        ),
    ])
    .await
    .unwrap();
    bulk.aliases(&[PremisesAlias {
        premises_id: 1,
        alias: "汇翠花园".into(),
        kind: "poi".into(),
    }])
    .await
    .unwrap();
    bulk.persons(
        &[Person {
            id: 1,
            id_number: "31010419800101123X".into(),
            id_kind: "resident_id".into(),
            name: "张三".into(),
            person_type: PersonType::Registered,
            sex: "male".into(),
            birth_date: NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
            nationality: "CHN".into(),
            phone: Some("13800000000".into()),
            room_id: Some(3),
            move_in_date: None,
        }],
        &crate::testing::vault(),
    )
    .await
    .unwrap();
    bulk.housing(&[Housing {
        room_id: 3,
        use_kind: HousingUse::OwnerOccupied,
        area_m2: 60.5,
        owner_person_id: Some(1),
    }])
    .await
    .unwrap();
    bulk.link_housing_owners().await.unwrap();
    bulk.units(&[Unit {
        id: 1,
        uscc: "91310104MA1FL00000".into(),
        name: "上海测试科技有限公司".into(),
        industry: "信息传输、软件和信息技术服务业".into(),
        staff: 12,
        registered_at: NaiveDate::from_ymd_opt(2020, 5, 1).unwrap(),
        premises_id: Some(4),
        actual_premises_id: None,
    }])
    .await
    .unwrap();
    bulk.departments(&[Department {
        code: "XH-CGJ".into(),
        name: "上海市徐汇区城市管理行政执法局".into(),
        short_name: "区城管执法局".into(),
        kind: "district_department".into(),
    }])
    .await
    .unwrap();
    let created = Utc.with_ymd_and_hms(2026, 3, 1, 2, 30, 0).unwrap();
    bulk.cases(&[Case {
        id: 1,
        case_no: "XH20260301-000001".into(),
        source: CaseSource::Hotline,
        category_kind: Some("event".into()),
        category_code: Some("0101".into()),
        category_name: Some("暴露垃圾".into()),
        request_type: Some("投诉".into()),
        text: "市民来电反映：宛平南路500弄门口有暴露垃圾。".into(),
        address: Some("宛平南路500弄".into()),
        premises_id: Some(1),
        lon: Some(121.44),
        lat: Some(31.19),
        street_code: Some("310104003".into()),
        grid_code: Some("310104003001001001".into()),
        department_code: Some("XH-CGJ".into()),
        state: "closed".into(),
        priority: "normal".into(),
        reporter_name: Some("李四".into()),
        reporter_phone: Some("13900000000".into()),
        created_at: created,
        due_at: Some(created + Duration::days(5)),
        closed_at: Some(created + Duration::days(2)),
        satisfaction: Some("satisfied".into()),
        reply: Some("已清理".into()),
        parent_id: None,
        time_limit_amount: Some(5),
        time_limit_unit: Some("working_day".into()),
        rework_count: 0,
        supervised: false,
        reopened: false,
        pending_request: None,
        returned_by: None,
        stage: None,
        stage_started_at: None,
        stage_due_at: None,
        paused_at: None,
        reporter_account_id: None,
        assisting_departments: None,
        version: 0,
    }])
    .await
    .unwrap();
    bulk.commit().await.unwrap();
}

both_backends!(
    starts_empty_then_counts_everything,
    |db: TestDb| async move {
        assert!(db.store.is_empty().await.unwrap());
        seed(&db.store).await;
        assert!(!db.store.is_empty().await.unwrap());
        let stats = db.store.stats().await.unwrap();
        assert_eq!(
            stats,
            Stats {
                streets: 1,
                areas: 1,
                communities: 1,
                micro_grids: 1,
                building_groups: 1,
                compounds: 2,
                buildings: 1,
                rooms: 2,
                persons: 1,
                housing: 1,
                units: 1,
                departments: 1,
                cases: 1,
            }
        );
    }
);

both_backends!(reads_back_what_was_written, |db: TestDb| async move {
    seed(&db.store).await;
    let streets = db.store.divisions(Some("310104")).await.unwrap();
    assert_eq!(
        streets,
        vec![division(
            "310104003",
            "天平路街道",
            DivisionLevel::Street,
            Some("310104")
        )]
    );
    assert_eq!(db.store.divisions(None).await.unwrap()[0].code, "310104");
    assert_eq!(
        db.store
            .division("310104003001")
            .await
            .unwrap()
            .unwrap()
            .name,
        "上海新村居委会"
    );
    assert!(db.store.division("999").await.unwrap().is_none());

    let groups = db
        .store
        .grids(GridLevel::BuildingGroup, Some("310104003001001"))
        .await
        .unwrap();
    assert_eq!(
        groups,
        vec![grid(
            "310104003001001001",
            GridLevel::BuildingGroup,
            Some("310104003001001")
        )]
    );
    assert!(
        db.store
            .grids(GridLevel::BuildingGroup, Some("nope"))
            .await
            .unwrap()
            .is_empty()
    );

    let detail = db.store.premises(1).await.unwrap().unwrap();
    assert_eq!(
        detail.premises,
        premises(1, None, PremisesKind::Compound, "上海市徐汇区宛平南路500弄")
    );
    assert_eq!(detail.children, 1);
    assert_eq!(detail.aliases[0].alias, "汇翠花园");
    let rooms = db.store.premises_children(2).await.unwrap();
    let addresses: Vec<&str> = rooms.iter().map(|p| p.standard_address.as_str()).collect();
    assert_eq!(
        addresses,
        [
            "上海市徐汇区宛平南路500弄9号101室",
            "上海市徐汇区宛平南路500弄9号660室"
        ]
    );
    assert_eq!(
        db.store.departments().await.unwrap()[0].short_name,
        "区城管执法局"
    );
});

both_backends!(
    reads_every_address_and_alias_for_the_matcher,
    |db: TestDb| async move {
        seed(&db.store).await;
        let all = db.store.premises_addresses(0, 100).await.unwrap();
        assert_eq!(all.len(), 5);
        let page = db.store.premises_addresses(2, 2).await.unwrap();
        let ids: Vec<i64> = page.iter().map(|p| p.id).collect();
        assert_eq!(ids, [3, 4]);
        assert_eq!(
            all[2],
            PremisesAddress {
                id: 3,
                kind: PremisesKind::Room,
                standard_address: "上海市徐汇区宛平南路500弄9号660室".into(),
                street_code: "310104003".into(),
            }
        );
        let aliases = db.store.all_aliases().await.unwrap();
        assert_eq!(aliases.len(), 1);
        assert_eq!(
            (aliases[0].premises_id, aliases[0].alias.as_str()),
            (1, "汇翠花园")
        );
    }
);

both_backends!(
    prefix_search_is_a_true_prefix_in_address_order,
    |db: TestDb| async move {
        seed(&db.store).await;
        let found = db
            .store
            .premises_by_prefix("上海市徐汇区宛平南路500弄", 10)
            .await
            .unwrap();
        let ids: Vec<i64> = found.iter().map(|p| p.id).collect();
        // 5000弄 also starts with "500弄"? No: "5000弄" differs at the 4th digit, so only lane 500.
        assert_eq!(ids, [1, 2, 4, 3]);
        let limited = db
            .store
            .premises_by_prefix("上海市徐汇区宛平南路500", 2)
            .await
            .unwrap();
        assert_eq!(limited.len(), 2);
        let lane_5000 = db
            .store
            .premises_by_prefix("上海市徐汇区宛平南路5000", 10)
            .await
            .unwrap();
        assert_eq!(lane_5000.iter().map(|p| p.id).collect::<Vec<_>>(), [5]);
        assert!(
            db.store
                .premises_by_prefix("上海市黄浦区", 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

both_backends!(
    duplicate_keys_are_conflicts_and_roll_back,
    |db: TestDb| async move {
        seed(&db.store).await;
        let mut bulk = db.store.bulk().await.unwrap();
        bulk.departments(&[Department {
            code: "XH-NEW".into(),
            name: "新".into(),
            short_name: "新".into(),
            kind: "x".into(),
        }])
        .await
        .unwrap();
        let err = bulk
            .premises(&[premises(
                99,
                None,
                PremisesKind::Compound,
                "上海市徐汇区宛平南路500弄",
            )])
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
        drop(bulk);
        // The department written earlier in the failed transaction is gone too.
        assert_eq!(db.store.departments().await.unwrap().len(), 1);
    }
);

both_backends!(enforces_foreign_keys, |db: TestDb| async move {
    seed(&db.store).await;
    let mut bulk = db.store.bulk().await.unwrap();
    let err = bulk
        .premises(&[premises(
            50,
            Some(4242),
            PremisesKind::Room,
            "上海市徐汇区某路1号1室",
        )])
        .await;
    assert!(
        err.is_err(),
        "a room under a missing building must be refused"
    );
});

both_backends!(sessions_expire_and_revoke, |db: TestDb| async move {
    let store = &db.store;
    let id = store
        .create_account(
            &NewAccount {
                username: "intake_operator".into(),
                display_name: "受理员".into(),
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$x$y".into(),
                org_code: None,
                roles: vec![Role::IntakeOperator, Role::ShiftLeader],
            },
            "admin",
        )
        .await
        .unwrap();
    let account = store
        .account_by_username("intake_operator")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.id, id);
    assert_eq!(account.roles, vec![Role::IntakeOperator, Role::ShiftLeader]);
    assert!(store.account_by_username("nobody").await.unwrap().is_none());

    let now = Utc::now().trunc_subsecs(6);
    store
        .insert_token("hash-live", id, now + Duration::hours(1))
        .await
        .unwrap();
    store
        .insert_token("hash-old", id, now - Duration::seconds(1))
        .await
        .unwrap();
    let session = store.session("hash-live", now).await.unwrap().unwrap();
    assert_eq!(session.account.username, "intake_operator");
    assert_eq!(session.expires_at, now + Duration::hours(1));
    assert!(
        store.session("hash-old", now).await.unwrap().is_none(),
        "expired token"
    );
    assert!(store.session("hash-unknown", now).await.unwrap().is_none());
    assert!(store.revoke_token("hash-live").await.unwrap());
    assert!(
        !store.revoke_token("hash-live").await.unwrap(),
        "second revoke is a no-op"
    );
    assert!(
        store.session("hash-live", now).await.unwrap().is_none(),
        "revoked token"
    );

    let dup = store
        .create_account(
            &NewAccount {
                username: "intake_operator".into(),
                display_name: "x".into(),
                password_hash: "x".into(),
                org_code: None,
                roles: vec![],
            },
            "admin",
        )
        .await
        .unwrap_err();
    assert!(matches!(dup, StoreError::Conflict(_)), "{dup:?}");
});

both_backends!(
    audit_chain_verifies_and_detects_tampering,
    |db: TestDb| async move {
        let store = &db.store;
        for i in 0..5 {
            store
                .audit(&AuditEvent {
                    actor: "admin".into(),
                    action: "test.write".into(),
                    entity: "thing".into(),
                    entity_id: Some(i.to_string()),
                    detail: serde_json::json!({ "n": i, "text": "中文" }),
                })
                .await
                .unwrap();
        }
        assert_eq!(store.verify_audit().await.unwrap(), 5);
        let newest = store.audit_entries(2).await.unwrap();
        assert_eq!(newest.len(), 2);
        assert_eq!(newest[0].entity_id.as_deref(), Some("4"));
        assert_eq!(newest[0].prev_hash, newest[1].hash);

        // Rewrite history behind the store's back: the chain must notice.
        let tamper = "UPDATE audit_log SET actor = 'mallory' WHERE entity_id = '2'";
        crate::pool::with_pool!(&store.pool, p => { sqlx::query(tamper).execute(p).await.unwrap(); });
        let err = store.verify_audit().await.unwrap_err();
        assert!(matches!(err, StoreError::AuditChainBroken(3)), "{err:?}");
    }
);

both_backends!(meta_values_upsert, |db: TestDb| async move {
    assert_eq!(db.store.meta("twin.seed").await.unwrap(), None);
    db.store.set_meta("twin.seed", "1").await.unwrap();
    db.store.set_meta("twin.seed", "2").await.unwrap();
    assert_eq!(
        db.store.meta("twin.seed").await.unwrap().as_deref(),
        Some("2")
    );
});

#[tokio::test]
async fn rejects_unknown_url_schemes() {
    let err = Store::connect("mysql://localhost/db").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "unsupported database URL `mysql://localhost/db`: use sqlite://PATH or postgres://USER@HOST/DB"
    );
}

both_backends!(
    grid_changes_keep_history_and_move_premises,
    |db: TestDb| async move {
        use crate::PremisesGridUpdate;
        let store = &db.store;
        seed(store).await;
        let mut changed = grid(
            "310104003001001001",
            GridLevel::BuildingGroup,
            Some("310104003001001"),
        );
        changed.geometry = r#"{"type":"MultiPolygon","coordinates":[[[[121.0,31.0],[121.2,31.0],[121.2,31.2],[121.0,31.0]]]]}"#.into();
        let fresh = grid(
            "310104003001001002",
            GridLevel::BuildingGroup,
            Some("310104003001001"),
        );
        let moves = [PremisesGridUpdate {
            premises_id: 2,
            grid_code: "310104003001001002".into(),
            street_code: "310104003".into(),
            community_code: "310104003001".into(),
        }];
        let summary = store
            .apply_grid_changes(
                &[changed.clone(), fresh.clone()],
                &moves,
                "test.geojson",
                "admin",
            )
            .await
            .unwrap();
        assert_eq!(
            (
                summary.inserted,
                summary.replaced,
                summary.unchanged,
                summary.premises_moved
            ),
            (1, 1, 0, 1)
        );
        assert_eq!(
            store.grid(&changed.code).await.unwrap().unwrap().geometry,
            changed.geometry
        );
        let history = store.grid_history(&changed.code).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].version, 1);
        assert_eq!(
            history[0].geometry,
            grid("x", GridLevel::BuildingGroup, None).geometry,
            "the old polygon is kept"
        );
        assert_eq!(history[0].replaced_by, "test.geojson");
        // The building and its rooms moved together.
        for id in [2, 3, 4] {
            let p = store.premises(id).await.unwrap().unwrap().premises;
            assert_eq!(
                p.grid_code.as_deref(),
                Some("310104003001001002"),
                "premises {id}"
            );
        }
        // Importing the same again changes nothing.
        let again = store
            .apply_grid_changes(&[changed.clone(), fresh], &[], "test.geojson", "admin")
            .await
            .unwrap();
        assert_eq!((again.inserted, again.replaced, again.unchanged), (0, 0, 2));
        assert_eq!(store.grid_history(&changed.code).await.unwrap().len(), 1);
        assert!(
            store
                .audit_entries(5)
                .await
                .unwrap()
                .iter()
                .any(|e| e.action == "grid.import")
        );
    }
);

both_backends!(api_keys_act_as_their_account, |db: TestDb| async move {
    let store = &db.store;
    let id = store
        .create_account(
            &NewAccount {
                username: "citizen_app".into(),
                display_name: "市民App".into(),
                password_hash: "$argon2id$x".into(),
                org_code: None,
                roles: vec![Role::Citizen],
            },
            "admin",
        )
        .await
        .unwrap();
    let key = crate::NewApiKey {
        account_id: id,
        key_hash: "ab".repeat(32),
        prefix: "yw_abcd".into(),
        label: "civicbot".into(),
    };
    let made = store.create_api_key(&key, "admin").await.unwrap();
    assert_eq!((made.account_id, made.prefix.as_str()), (id, "yw_abcd"));
    // The same hash again is a conflict.
    assert!(matches!(
        store.create_api_key(&key, "admin").await,
        Err(StoreError::Conflict(_))
    ));
    let cases = [
        (key.key_hash.clone(), Some("citizen_app")),
        ("cd".repeat(32), None),
    ];
    for (hash, expect) in cases {
        let found = store.account_by_api_key(&hash).await.unwrap();
        assert_eq!(found.as_ref().map(|a| a.username.as_str()), expect);
        if let Some(account) = found {
            assert_eq!(account.roles, vec![Role::Citizen]);
        }
    }
    let listed = store.api_keys_of(id).await.unwrap();
    assert_eq!(listed, vec![made]);
    assert_eq!(
        store.account(id).await.unwrap().map(|a| a.username),
        Some("citizen_app".to_owned())
    );
    assert_eq!(store.account(id + 1000).await.unwrap(), None);
    let newest = store.audit_entries(1).await.unwrap();
    assert_eq!(newest[0].action, "api_key.create");
    assert_eq!(
        newest[0].entity_id.as_deref(),
        Some(id.to_string().as_str())
    );
    assert!(!newest[0].detail.contains(&key.key_hash));
});
