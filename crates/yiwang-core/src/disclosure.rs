//! What personal data a caller may see, decided by role (PIPL; GB/T 35273): the one place the
//! masking choice is made, so handlers only ask.

use crate::mask::{mask_name, mask_numbers_in_text, mask_phone};
use crate::registry::AttestationEnd;
use crate::role::{Permission, Role, roles_allow};

/// A grid staff member's contact as `roles` may see it: the name in full for roles that work with
/// premises (staff of the district), otherwise masked; the phone always masked (3+4 digits) —
/// revealing a full number is a separate, audited read.
pub fn staff_contact(roles: &[Role], name: &str, phone: Option<&str>) -> (String, Option<String>) {
    let name = if roles_allow(roles, Permission::ReadPremises) {
        name.to_owned()
    } else {
        mask_name(name)
    };
    (name, phone.map(mask_phone))
}

/// Whether `roles` may see premises (addresses of buildings near a point, buildings in coverage
/// reports).
pub fn may_see_premises(roles: &[Role]) -> bool {
    roles_allow(roles, Permission::ReadPremises)
}

/// Roles that contact the person who reported a case (受理, 先行联系, 回访) and so see their name
/// and phone in full; every such read is audited by the caller.
const REPORTER_CONTACTS: &[Role] = &[
    Role::IntakeOperator,
    Role::ShiftLeader,
    Role::DepartmentHandler,
    Role::StreetOperator,
];

/// Whether `roles` see a case reporter's name and phone in full.
pub fn may_see_reporter(roles: &[Role]) -> bool {
    roles.iter().any(|r| REPORTER_CONTACTS.contains(r))
}

/// A case reporter's name and phone as `roles` may see them, and whether they were revealed
/// (then the read must be audited).
pub fn reporter_contact(
    roles: &[Role],
    name: Option<&str>,
    phone: Option<&str>,
) -> (Option<String>, Option<String>, bool) {
    if may_see_reporter(roles) {
        let revealed = name.is_some() || phone.is_some();
        (name.map(str::to_owned), phone.map(str::to_owned), revealed)
    } else {
        (name.map(mask_name), phone.map(mask_phone), false)
    }
}

/// Free text (a case's description, an address as given) as anyone may see it, with no session
/// (Open311 reads): mobile and ID numbers written into it are masked.
#[must_use]
pub fn public_text(text: &str) -> String {
    mask_numbers_in_text(text)
}

/// Whether `roles` see only the cases dispatched to their own department: a caller whose only
/// role is department handler (a department's queue, not the district's).
pub fn sees_own_department_only(roles: &[Role]) -> bool {
    !roles.is_empty() && roles.iter().all(|r| *r == Role::DepartmentHandler)
}

/// The 住所云 ends `roles` attest for: each end writes only its own attestations.
/// 审批 = approval officers; 管理 = street operators and grid workers; 物业 = property managers;
/// 营商 = business-service agencies; an administrator may write for every end.
pub fn attesting_ends(roles: &[Role]) -> Vec<AttestationEnd> {
    AttestationEnd::ALL
        .iter()
        .copied()
        .filter(|end| {
            roles.iter().any(|r| match r {
                Role::Admin => true,
                Role::ApprovalOfficer => *end == AttestationEnd::Approval,
                Role::StreetOperator | Role::GridWorker => *end == AttestationEnd::Management,
                Role::PropertyManager => *end == AttestationEnd::Property,
                Role::BusinessAgency => *end == AttestationEnd::Business,
                _ => false,
            })
        })
        .collect()
}

/// The ends whose attestations `roles` may read (`None`: every end). The registration authority
/// (审批), administrators and the district's own staff read them all; a property manager or a
/// business-service agency reads only what its own end attested.
pub fn readable_attestation_ends(roles: &[Role]) -> Option<Vec<AttestationEnd>> {
    let all = roles
        .iter()
        .any(|r| matches!(r, Role::Admin | Role::ApprovalOfficer))
        || roles_allow(roles, Permission::ReadPersonsMasked);
    if all {
        None
    } else {
        Some(attesting_ends(roles))
    }
}

/// Whether `roles` see how many people live in a premises (a room's count is about the people
/// in it): the roles that read the population registry, masked or not.
pub fn sees_resident_counts(roles: &[Role]) -> bool {
    roles_allow(roles, Permission::ReadPersonsMasked)
}

/// Roles that answer for the registries' data (the Chief Data Officer system): they review
/// change sets and roll a wrong snapshot back.
const REGISTRY_OFFICERS: &[Role] = &[
    Role::Admin,
    Role::DistrictCdo,
    Role::ChiefDataExecutive,
    Role::DataSpecialist,
];

/// Whether `roles` may review registry change sets (officers, department CDOs and the street
/// staff who import their streets' snapshots). What they see is masked.
pub fn may_review_registry(roles: &[Role]) -> bool {
    may_roll_back_registry(roles)
        || roles.iter().any(|r| {
            matches!(
                r,
                Role::DepartmentCdo | Role::StreetDataAssistant | Role::StreetOperator
            )
        })
}

/// Whether `roles` may roll a registry change set back.
pub fn may_roll_back_registry(roles: &[Role]) -> bool {
    roles.iter().any(|r| REGISTRY_OFFICERS.contains(r))
}

/// A stored registry row as `roles` may see it in a review: ciphers and keyed hashes dropped
/// (they are for the machine), names and phones masked. ID numbers appear only masked.
pub fn registry_row_for_review(
    row: &serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::Value;
    row.iter()
        .filter(|(k, _)| !k.ends_with("_cipher") && !k.ends_with("_hash"))
        .map(|(k, v)| {
            let shown = match (k.as_str(), v) {
                ("name", Value::String(s)) => Value::from(mask_name(s)),
                ("phone", Value::String(s)) => Value::from(mask_phone(s)),
                _ => v.clone(),
            };
            (k.clone(), shown)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_end_attests_for_itself_only() {
        assert_eq!(
            attesting_ends(&[Role::PropertyManager]),
            [AttestationEnd::Property]
        );
        assert_eq!(
            attesting_ends(&[Role::GridWorker]),
            [AttestationEnd::Management]
        );
        assert!(attesting_ends(&[Role::DataSpecialist, Role::Citizen]).is_empty());
        assert_eq!(attesting_ends(&[Role::Admin]).len(), 4);
        assert_eq!(readable_attestation_ends(&[Role::ApprovalOfficer]), None);
        assert_eq!(readable_attestation_ends(&[Role::GridWorker]), None);
        assert_eq!(
            readable_attestation_ends(&[Role::BusinessAgency]),
            Some(vec![AttestationEnd::Business])
        );
        assert!(may_roll_back_registry(&[Role::DistrictCdo]));
        assert!(!may_roll_back_registry(&[Role::GridWorker]));
        assert!(may_review_registry(&[Role::StreetDataAssistant]));
        assert!(!may_review_registry(&[Role::IntakeOperator]));
    }

    #[test]
    fn reviewed_rows_hide_what_is_personal() {
        let row = serde_json::json!({"id_hash": "ab", "id_cipher": "cd", "id_masked": "310104********123X",
            "name": "王小明", "phone": "13812345678", "room_id": 3});
        let serde_json::Value::Object(row) = row else {
            unreachable!()
        };
        let shown = serde_json::Value::Object(registry_row_for_review(&row));
        assert_eq!(
            shown,
            serde_json::json!({"id_masked": "310104********123X",
            "name": "王**", "phone": "138****5678", "room_id": 3})
        );
    }

    #[test]
    fn citizens_see_masked_staff_and_staff_see_names() {
        let citizen = staff_contact(&[Role::Citizen], "王小明", Some("13812345678"));
        assert_eq!(citizen, ("王**".to_owned(), Some("138****5678".to_owned())));
        let operator = staff_contact(&[Role::IntakeOperator], "王小明", Some("13812345678"));
        assert_eq!(
            operator,
            ("王小明".to_owned(), Some("138****5678".to_owned()))
        );
        assert!(!may_see_premises(&[Role::Citizen]));
        assert!(sees_own_department_only(&[Role::DepartmentHandler]));
        assert!(!sees_own_department_only(&[
            Role::DepartmentHandler,
            Role::ShiftLeader
        ]));
        assert!(!sees_own_department_only(&[]));
        assert_eq!(
            reporter_contact(&[Role::GridWorker], Some("王小明"), Some("13812345678")),
            (
                Some("王**".to_owned()),
                Some("138****5678".to_owned()),
                false
            )
        );
        assert_eq!(
            reporter_contact(&[Role::DepartmentHandler], Some("王小明"), None),
            (Some("王小明".to_owned()), None, true)
        );
        assert!(may_see_premises(&[Role::GridWorker]));
    }

    #[test]
    fn public_text_hides_numbers() {
        let cases = [
            ("垃圾没人清，联系13812345678", "垃圾没人清，联系138****5678"),
            ("身份证310104199003071239", "身份证310104********1239"),
            ("路灯不亮", "路灯不亮"),
        ];
        for (input, expect) in cases {
            assert_eq!(public_text(input), expect, "{input}");
        }
    }
}
