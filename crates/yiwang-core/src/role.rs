//! Roles and permissions (role-based access control, least privilege).
//!
//! A role grants a fixed set of [`Permission`]s ([`role_permissions`]);
//! limiting a grant to an organisation or area (scope) is done elsewhere.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A role an account can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员 — system administrator.
    Admin,
    /// 受理员 — intake operator (hotline / case intake).
    IntakeOperator,
    /// 值班长 — shift leader.
    ShiftLeader,
    /// 派遣员 — dispatcher.
    Dispatcher,
    /// 部门处置人员 — department case handler.
    DepartmentHandler,
    /// 街镇操作员 — street/town operator.
    StreetOperator,
    /// 网格员 — grid worker.
    GridWorker,
    /// 物业端 — property manager.
    PropertyManager,
    /// 营商机构端 — business-service agency.
    BusinessAgency,
    /// 审批端 — approval officer.
    ApprovalOfficer,
    /// 区首席数据官 — district chief data officer.
    DistrictCdo,
    /// 首席数据执行官 — chief data executive.
    ChiefDataExecutive,
    /// 部门首席数据官 — department chief data officer.
    DepartmentCdo,
    /// 数据专员 — department data specialist.
    DataSpecialist,
    /// 街镇数据助理 — street/town data governance assistant.
    StreetDataAssistant,
    /// 市民 — citizen (public user).
    Citizen,
}

impl Role {
    /// Every role, in declaration order.
    pub const ALL: &'static [Role] = &[
        Role::Admin,
        Role::IntakeOperator,
        Role::ShiftLeader,
        Role::Dispatcher,
        Role::DepartmentHandler,
        Role::StreetOperator,
        Role::GridWorker,
        Role::PropertyManager,
        Role::BusinessAgency,
        Role::ApprovalOfficer,
        Role::DistrictCdo,
        Role::ChiefDataExecutive,
        Role::DepartmentCdo,
        Role::DataSpecialist,
        Role::StreetDataAssistant,
        Role::Citizen,
    ];

    /// The snake_case identifier, as used in serde and the database.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::IntakeOperator => "intake_operator",
            Role::ShiftLeader => "shift_leader",
            Role::Dispatcher => "dispatcher",
            Role::DepartmentHandler => "department_handler",
            Role::StreetOperator => "street_operator",
            Role::GridWorker => "grid_worker",
            Role::PropertyManager => "property_manager",
            Role::BusinessAgency => "business_agency",
            Role::ApprovalOfficer => "approval_officer",
            Role::DistrictCdo => "district_cdo",
            Role::ChiefDataExecutive => "chief_data_executive",
            Role::DepartmentCdo => "department_cdo",
            Role::DataSpecialist => "data_specialist",
            Role::StreetDataAssistant => "street_data_assistant",
            Role::Citizen => "citizen",
        }
    }

    /// The Chinese name shown in the UI.
    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::IntakeOperator => "受理员",
            Role::ShiftLeader => "值班长",
            Role::Dispatcher => "派遣员",
            Role::DepartmentHandler => "部门处置人员",
            Role::StreetOperator => "街镇操作员",
            Role::GridWorker => "网格员",
            Role::PropertyManager => "物业端",
            Role::BusinessAgency => "营商机构端",
            Role::ApprovalOfficer => "审批端",
            Role::DistrictCdo => "区首席数据官",
            Role::ChiefDataExecutive => "首席数据执行官",
            Role::DepartmentCdo => "部门首席数据官",
            Role::DataSpecialist => "数据专员",
            Role::StreetDataAssistant => "街镇数据助理",
            Role::Citizen => "市民",
        }
    }

    /// The English name shown in the UI.
    #[must_use]
    pub const fn name_en(self) -> &'static str {
        match self {
            Role::Admin => "System administrator",
            Role::IntakeOperator => "Intake operator",
            Role::ShiftLeader => "Shift leader",
            Role::Dispatcher => "Dispatcher",
            Role::DepartmentHandler => "Department case handler",
            Role::StreetOperator => "Street/town operator",
            Role::GridWorker => "Grid worker",
            Role::PropertyManager => "Property manager",
            Role::BusinessAgency => "Business-service agency",
            Role::ApprovalOfficer => "Approval officer",
            Role::DistrictCdo => "District chief data officer",
            Role::ChiefDataExecutive => "Chief data executive",
            Role::DepartmentCdo => "Department chief data officer",
            Role::DataSpecialist => "Data specialist",
            Role::StreetDataAssistant => "Street/town data assistant",
            Role::Citizen => "Citizen",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role or permission identifier that is not known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} \"{found}\"")]
pub struct UnknownName {
    /// `"role"` or `"permission"`.
    pub kind: &'static str,
    /// The identifier that was not recognised.
    pub found: String,
}

impl FromStr for Role {
    type Err = UnknownName;

    /// Parses the snake_case identifier returned by [`Role::as_str`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownName {
                kind: "role",
                found: s.to_owned(),
            })
    }
}

/// Something an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Read aggregate statistics and dashboards.
    ReadOverview,
    /// Read administrative divisions.
    ReadDivisions,
    /// Read grids.
    ReadGrids,
    /// Read premises (addresses, buildings, rooms).
    ReadPremises,
    /// Read departments and the responsibility matrix.
    ReadDepartments,
    /// Read person, housing and unit records with personal data masked.
    ReadPersonsMasked,
    /// Read personal data in clear; every such read is audited.
    ReadPersonsUnmasked,
    /// Read cases.
    ReadCases,
    /// Create, change and disable accounts and role grants.
    ManageAccounts,
    /// Read the audit log.
    ReadAudit,
    /// Create and change premises and attestations.
    WritePremises,
    /// Create and change the person, housing and unit registries.
    WriteRegistries,
    /// Accept and register new cases.
    IntakeCases,
    /// Dispatch, reassign and return cases.
    DispatchCases,
    /// Sign for, handle and report on cases.
    HandleCases,
    /// Verify and close cases.
    CloseCases,
    /// Change reference data (categories, time limits, departments, calendar).
    ManageReferenceData,
}

impl Permission {
    /// Every permission, in declaration order.
    pub const ALL: &'static [Permission] = &[
        Permission::ReadOverview,
        Permission::ReadDivisions,
        Permission::ReadGrids,
        Permission::ReadPremises,
        Permission::ReadDepartments,
        Permission::ReadPersonsMasked,
        Permission::ReadPersonsUnmasked,
        Permission::ReadCases,
        Permission::ManageAccounts,
        Permission::ReadAudit,
        Permission::WritePremises,
        Permission::WriteRegistries,
        Permission::IntakeCases,
        Permission::DispatchCases,
        Permission::HandleCases,
        Permission::CloseCases,
        Permission::ManageReferenceData,
    ];

    /// The snake_case identifier, as used in serde and the database.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Permission::ReadOverview => "read_overview",
            Permission::ReadDivisions => "read_divisions",
            Permission::ReadGrids => "read_grids",
            Permission::ReadPremises => "read_premises",
            Permission::ReadDepartments => "read_departments",
            Permission::ReadPersonsMasked => "read_persons_masked",
            Permission::ReadPersonsUnmasked => "read_persons_unmasked",
            Permission::ReadCases => "read_cases",
            Permission::ManageAccounts => "manage_accounts",
            Permission::ReadAudit => "read_audit",
            Permission::WritePremises => "write_premises",
            Permission::WriteRegistries => "write_registries",
            Permission::IntakeCases => "intake_cases",
            Permission::DispatchCases => "dispatch_cases",
            Permission::HandleCases => "handle_cases",
            Permission::CloseCases => "close_cases",
            Permission::ManageReferenceData => "manage_reference_data",
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Permission {
    type Err = UnknownName;

    /// Parses the snake_case identifier returned by [`Permission::as_str`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Permission::ALL
            .iter()
            .copied()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownName {
                kind: "permission",
                found: s.to_owned(),
            })
    }
}

use Permission as P;

const INTAKE_OPERATOR: &[Permission] = &[
    P::ReadDivisions,
    P::ReadGrids,
    P::ReadPremises,
    P::ReadDepartments,
    P::ReadPersonsMasked,
    P::ReadCases,
    P::IntakeCases,
];
const SHIFT_LEADER: &[Permission] = &[
    P::ReadOverview,
    P::ReadDivisions,
    P::ReadGrids,
    P::ReadPremises,
    P::ReadDepartments,
    P::ReadPersonsMasked,
    P::ReadCases,
    P::IntakeCases,
    P::DispatchCases,
    P::CloseCases,
];
const DISPATCHER: &[Permission] = &[
    P::ReadDivisions,
    P::ReadGrids,
    P::ReadPremises,
    P::ReadDepartments,
    P::ReadPersonsMasked,
    P::ReadCases,
    P::DispatchCases,
];
const DEPARTMENT_HANDLER: &[Permission] = &[
    P::ReadDivisions,
    P::ReadGrids,
    P::ReadPremises,
    P::ReadDepartments,
    P::ReadPersonsMasked,
    P::ReadPersonsUnmasked,
    P::ReadCases,
    P::HandleCases,
];
const STREET_OPERATOR: &[Permission] = &[
    P::ReadOverview,
    P::ReadDivisions,
    P::ReadGrids,
    P::ReadPremises,
    P::ReadDepartments,
    P::ReadPersonsMasked,
    P::ReadCases,
    P::WritePremises,
    P::WriteRegistries,
    P::IntakeCases,
    P::DispatchCases,
    P::HandleCases,
];
const GRID_WORKER: &[Permission] = &[
    P::ReadDivisions,
    P::ReadGrids,
    P::ReadPremises,
    P::ReadDepartments,
    P::ReadPersonsMasked,
    P::ReadCases,
    P::WritePremises,
    P::WriteRegistries,
    P::IntakeCases,
    P::HandleCases,
];
const PROPERTY_MANAGER: &[Permission] = &[
    P::ReadDivisions,
    P::ReadGrids,
    P::ReadPremises,
    P::ReadDepartments,
    P::ReadCases,
    P::WritePremises,
    P::IntakeCases,
    P::HandleCases,
];
const ATTESTING_END: &[Permission] = &[
    P::ReadDivisions,
    P::ReadGrids,
    P::ReadPremises,
    P::ReadDepartments,
    P::WritePremises,
];
const DISTRICT_CDO: &[Permission] = &[
    P::ReadOverview,
    P::ReadDivisions,
    P::ReadGrids,
    P::ReadPremises,
    P::ReadDepartments,
    P::ReadPersonsMasked,
    P::ReadCases,
    P::ReadAudit,
    P::ManageReferenceData,
];
const DEPARTMENT_CDO: &[Permission] = &[
    P::ReadOverview,
    P::ReadDivisions,
    P::ReadGrids,
    P::ReadPremises,
    P::ReadDepartments,
    P::ReadPersonsMasked,
    P::ReadCases,
    P::ReadAudit,
];
const DATA_STEWARD: &[Permission] = &[
    P::ReadOverview,
    P::ReadDivisions,
    P::ReadGrids,
    P::ReadPremises,
    P::ReadDepartments,
    P::ReadPersonsMasked,
    P::WritePremises,
    P::WriteRegistries,
];
const CITIZEN: &[Permission] = &[P::ReadDivisions, P::ReadGrids, P::ReadDepartments];

/// The permissions a role grants (least privilege).
///
/// `B` = the base reads `read_divisions`, `read_grids`, `read_premises`,
/// `read_departments`. Scope (which department, street or compound) is
/// enforced separately.
///
/// | role | overview | B | persons masked | persons unmasked | cases | other |
/// |---|---|---|---|---|---|---|
/// | admin | ✓ | ✓ | ✓ | ✓ | ✓ | everything |
/// | intake_operator | | ✓ | ✓ | | ✓ | intake |
/// | shift_leader | ✓ | ✓ | ✓ | | ✓ | intake, dispatch, close |
/// | dispatcher | | ✓ | ✓ | | ✓ | dispatch |
/// | department_handler | | ✓ | ✓ | ✓ | ✓ | handle |
/// | street_operator | ✓ | ✓ | ✓ | | ✓ | write premises, write registries, intake, dispatch, handle |
/// | grid_worker | | ✓ | ✓ | | ✓ | write premises, write registries, intake, handle |
/// | property_manager | | ✓ | | | ✓ | write premises, intake, handle |
/// | business_agency | | ✓ | | | | write premises |
/// | approval_officer | | ✓ | | | | write premises |
/// | district_cdo | ✓ | ✓ | ✓ | | ✓ | read audit, manage reference data |
/// | chief_data_executive | ✓ | ✓ | ✓ | | ✓ | read audit, manage reference data |
/// | department_cdo | ✓ | ✓ | ✓ | | ✓ | read audit |
/// | data_specialist | ✓ | ✓ | ✓ | | | write premises, write registries |
/// | street_data_assistant | ✓ | ✓ | ✓ | | | write premises, write registries |
/// | citizen | | divisions, grids, departments only | | | | |
///
/// Only `admin` has `manage_accounts`. Clear personal data goes only to
/// the case handler (who must call reporters back) and `admin`; every such
/// read must be audited by the caller.
#[must_use]
pub fn role_permissions(role: Role) -> &'static [Permission] {
    match role {
        Role::Admin => Permission::ALL,
        Role::IntakeOperator => INTAKE_OPERATOR,
        Role::ShiftLeader => SHIFT_LEADER,
        Role::Dispatcher => DISPATCHER,
        Role::DepartmentHandler => DEPARTMENT_HANDLER,
        Role::StreetOperator => STREET_OPERATOR,
        Role::GridWorker => GRID_WORKER,
        Role::PropertyManager => PROPERTY_MANAGER,
        Role::BusinessAgency | Role::ApprovalOfficer => ATTESTING_END,
        Role::DistrictCdo | Role::ChiefDataExecutive => DISTRICT_CDO,
        Role::DepartmentCdo => DEPARTMENT_CDO,
        Role::DataSpecialist | Role::StreetDataAssistant => DATA_STEWARD,
        Role::Citizen => CITIZEN,
    }
}

/// Returns `true` if any of `roles` grants `p`.
#[must_use]
pub fn roles_allow(roles: &[Role], p: Permission) -> bool {
    roles.iter().any(|&r| role_permissions(r).contains(&p))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// Expected matrix, one string of permission initials per role, in
    /// [`Permission::ALL`] order:
    /// overview, divisions, grids, premises, departments, masked, unmasked,
    /// cases, accounts, audit, w-premises, w-registries, intake, dispatch,
    /// handle, close, reference.
    const MATRIX: [(Role, &str); 16] = [
        (Role::Admin, "OVGPDMUCAIWRTSHLF"),
        (Role::IntakeOperator, "-VGPDM-C----T----"),
        (Role::ShiftLeader, "OVGPDM-C----TS-L-"),
        (Role::Dispatcher, "-VGPDM-C-----S---"),
        (Role::DepartmentHandler, "-VGPDMUC------H--"),
        (Role::StreetOperator, "OVGPDM-C--WRTSH--"),
        (Role::GridWorker, "-VGPDM-C--WRT-H--"),
        (Role::PropertyManager, "-VGPD--C--W-T-H--"),
        (Role::BusinessAgency, "-VGPD-----W------"),
        (Role::ApprovalOfficer, "-VGPD-----W------"),
        (Role::DistrictCdo, "OVGPDM-C-I------F"),
        (Role::ChiefDataExecutive, "OVGPDM-C-I------F"),
        (Role::DepartmentCdo, "OVGPDM-C-I-------"),
        (Role::DataSpecialist, "OVGPDM----WR-----"),
        (Role::StreetDataAssistant, "OVGPDM----WR-----"),
        (Role::Citizen, "-VG-D------------"),
    ];

    #[test]
    fn matrix_matches() {
        for (role, row) in MATRIX {
            assert_eq!(
                row.chars().count(),
                Permission::ALL.len(),
                "row length for {role}"
            );
            for (p, flag) in Permission::ALL.iter().zip(row.chars()) {
                let want = flag != '-';
                assert_eq!(roles_allow(&[role], *p), want, "{role} / {p}");
            }
        }
        let roles: Vec<Role> = MATRIX.iter().map(|(r, _)| *r).collect();
        assert_eq!(roles, Role::ALL);
    }

    #[test]
    fn no_duplicate_grants() {
        for &role in Role::ALL {
            let mut ps = role_permissions(role).to_vec();
            ps.sort_unstable();
            ps.dedup();
            assert_eq!(ps.len(), role_permissions(role).len(), "{role}");
        }
    }

    #[test]
    fn roles_allow_any() {
        let cases = [
            (&[][..], Permission::ReadDivisions, false),
            (&[Role::Citizen][..], Permission::ReadCases, false),
            (
                &[Role::Citizen, Role::Dispatcher][..],
                Permission::ReadCases,
                true,
            ),
            (&[Role::DistrictCdo][..], Permission::ManageAccounts, false),
            (&[Role::Admin][..], Permission::ManageAccounts, true),
        ];
        for (roles, p, expect) in cases {
            assert_eq!(roles_allow(roles, p), expect, "{roles:?} {p}");
        }
    }

    #[test]
    fn identifiers_round_trip() {
        for &r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
            assert!(!r.name_zh().is_empty() && !r.name_en().is_empty());
        }
        for &p in Permission::ALL {
            assert_eq!(p.as_str().parse::<Permission>(), Ok(p));
            assert_eq!(
                serde_json::to_string(&p).unwrap(),
                format!("\"{}\"", p.as_str())
            );
        }
        assert_eq!(
            "root".parse::<Role>(),
            Err(UnknownName {
                kind: "role",
                found: "root".into()
            })
        );
        assert_eq!(Role::GridWorker.name_zh(), "网格员");
        assert_eq!(Role::ALL.len(), 16);
    }
}
