//! What personal data a caller may see, decided by role (PIPL; GB/T 35273): the one place the
//! masking choice is made, so handlers only ask.

use crate::mask::{mask_name, mask_numbers_in_text, mask_phone};
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

#[cfg(test)]
mod tests {
    use super::*;

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
