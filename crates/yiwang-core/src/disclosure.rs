//! What personal data a caller may see, decided by role (PIPL; GB/T 35273): the one place the
//! masking choice is made, so handlers only ask.

use crate::mask::{mask_name, mask_phone};
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
        assert!(may_see_premises(&[Role::GridWorker]));
    }
}
