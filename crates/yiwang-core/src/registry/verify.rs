//! 住所云 verification: is an address verified for enterprise registration, so the registrant
//! need not bring paper proof of the premises (免于提交住所证明)?
//!
//! The decision rests on what the four ends attested about the premises and on the registries,
//! under [`VerificationRules`] a district configures. Risk flags are raised whatever the
//! decision, so an approval officer sees why a verified address still deserves a look.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{AttestationEnd, AttestationFact};

/// What a district requires before an address counts as verified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VerificationRules {
    /// At least this many different ends must attest that the premises exists.
    pub min_ends_attesting_existence: usize,
    /// Attestations older than this many days do not count.
    pub max_attestation_age_days: i64,
    /// Refuse premises that are residential rooms (an enterprise may not register in a home
    /// without the neighbours' consent procedure, 住改商).
    pub refuse_residential: bool,
    /// Units registered at one premises from which 一址多照 is flagged.
    pub many_licences_from: u64,
}

impl Default for VerificationRules {
    fn default() -> Self {
        VerificationRules {
            min_ends_attesting_existence: 2,
            max_attestation_age_days: 365,
            refuse_residential: true,
            many_licences_from: 5,
        }
    }
}

/// One attestation as the decision sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttestedFact {
    /// Which end.
    pub end: AttestationEnd,
    /// What.
    pub fact: AttestationFact,
    /// The value.
    pub value: String,
    /// When.
    pub attested_at: NaiveDate,
}

/// What is known about the premises an address names.
#[derive(Debug, Clone, PartialEq)]
pub struct PremisesFacts {
    /// Premises id.
    pub id: i64,
    /// `compound`, `building`, `unit`, `floor` or `room`.
    pub kind: String,
    /// `residential`, `office`, `commercial`, … of the registry.
    pub use_kind: String,
    /// Attestations about it.
    pub attestations: Vec<AttestedFact>,
    /// Units registered at it.
    pub units_registered: u64,
    /// Whether the enterprise asked about (by USCC) is registered at it already.
    pub registrant_here: Option<bool>,
}

/// A risk flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RiskFlag {
    /// Stable code: `not_in_registry`, `many_licences`, `residential_room`,
    /// `conflicting_attestations`, `registered_elsewhere`.
    pub code: &'static str,
    /// What it means, in words.
    pub message: String,
}

/// The decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verdict {
    /// Verified for enterprise registration.
    pub verified: bool,
    /// Paper proof of the premises can be waived (verified and no risk flag).
    pub paper_proof_waived: bool,
    /// Why, one sentence per rule met or missed.
    pub reasons: Vec<String>,
    /// Risks found.
    pub flags: Vec<RiskFlag>,
}

/// The verdict for an address not found in the premises registry.
#[must_use]
pub fn unknown_address(why: &str) -> Verdict {
    Verdict {
        verified: false,
        paper_proof_waived: false,
        reasons: vec![format!(
            "the address is not in the premises registry ({why})"
        )],
        flags: vec![RiskFlag {
            code: "not_in_registry",
            message: "the address names no premises of the registry; a site check is needed".into(),
        }],
    }
}

/// Decides whether `facts` make the premises verified on `today` under `rules`.
#[must_use]
pub fn decide(facts: &PremisesFacts, rules: &VerificationRules, today: NaiveDate) -> Verdict {
    let mut reasons = Vec::new();
    let mut flags = Vec::new();
    let fresh: Vec<&AttestedFact> = facts
        .attestations
        .iter()
        .filter(|a| (today - a.attested_at).num_days() <= rules.max_attestation_age_days)
        .collect();
    let mut ends: Vec<AttestationEnd> = fresh
        .iter()
        .filter(|a| a.fact == AttestationFact::Exists && affirms(&a.value))
        .map(|a| a.end)
        .collect();
    ends.sort();
    ends.dedup();
    let exists_ok = ends.len() >= rules.min_ends_attesting_existence;
    let names: Vec<&str> = ends.iter().map(|e| e.name_zh()).collect();
    reasons.push(if exists_ok {
        format!(
            "existence attested by {} end(s): {}",
            ends.len(),
            names.join(", ")
        )
    } else {
        format!(
            "existence attested by {} end(s){}; {} needed within {} days",
            ends.len(),
            if names.is_empty() {
                String::new()
            } else {
                format!(" ({})", names.join(", "))
            },
            rules.min_ends_attesting_existence,
            rules.max_attestation_age_days
        )
    });
    let residential = facts.kind == "room" && facts.use_kind == "residential";
    if residential {
        flags.push(RiskFlag {
            code: "residential_room",
            message: "the premises is a residential room (住改商 needs the neighbours' consent)"
                .into(),
        });
        if rules.refuse_residential {
            reasons.push("a residential room is not verified for enterprise registration".into());
        }
    }
    if facts.units_registered >= rules.many_licences_from {
        flags.push(RiskFlag {
            code: "many_licences",
            message: format!(
                "{} units are registered at this premises already (一址多照)",
                facts.units_registered
            ),
        });
    }
    let mut conflicts: Vec<&'static str> = Vec::new();
    for (i, a) in fresh.iter().enumerate() {
        if fresh[i + 1..]
            .iter()
            .any(|b| b.fact == a.fact && meaning(b) != meaning(a))
            && !conflicts.contains(&a.fact.name_zh())
        {
            conflicts.push(a.fact.name_zh());
        }
    }
    if !conflicts.is_empty() {
        flags.push(RiskFlag {
            code: "conflicting_attestations",
            message: format!("the ends disagree about: {}", conflicts.join(", ")),
        });
        reasons.push("conflicting attestations must be resolved first".into());
    }
    if facts.registrant_here == Some(false) {
        flags.push(RiskFlag {
            code: "registered_elsewhere",
            message: "the enterprise is registered at another premises (a change of address)"
                .into(),
        });
    }
    let verified = exists_ok && !(residential && rules.refuse_residential) && conflicts.is_empty();
    Verdict {
        verified,
        paper_proof_waived: verified && flags.is_empty(),
        reasons,
        flags,
    }
}

/// What an attestation says, for comparing: yes/no for existence, else the trimmed value.
fn meaning(a: &AttestedFact) -> String {
    if a.fact == AttestationFact::Exists {
        affirms(&a.value).to_string()
    } else {
        a.value.trim().to_owned()
    }
}

/// Whether an attested value says yes (是, 存在, yes, true, 1).
fn affirms(value: &str) -> bool {
    matches!(
        value.trim().to_lowercase().as_str(),
        "是" | "存在" | "有" | "yes" | "true" | "1" | "y"
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn att(end: AttestationEnd, fact: AttestationFact, value: &str, d: u32) -> AttestedFact {
        AttestedFact {
            end,
            fact,
            value: value.into(),
            attested_at: day(d),
        }
    }

    fn office(attestations: Vec<AttestedFact>, units: u64) -> PremisesFacts {
        PremisesFacts {
            id: 1,
            kind: "room".into(),
            use_kind: "office".into(),
            attestations,
            units_registered: units,
            registrant_here: None,
        }
    }

    /// Decides and summarises: verified, waived, flag codes.
    fn check(facts: &PremisesFacts, expect: (bool, bool, &[&str])) {
        let v = decide(facts, &VerificationRules::default(), day(27));
        let codes: Vec<&str> = v.flags.iter().map(|f| f.code).collect();
        assert_eq!(
            (v.verified, v.paper_proof_waived, codes.as_slice()),
            expect,
            "{v:?}"
        );
    }

    #[test]
    fn two_ends_attesting_existence_verify_an_office() {
        use AttestationEnd::*;
        use AttestationFact::*;
        check(
            &office(
                vec![
                    att(Property, Exists, "是", 1),
                    att(Management, Exists, "存在", 2),
                ],
                0,
            ),
            (true, true, &[]),
        );
        // One end twice is still one end.
        check(
            &office(
                vec![
                    att(Property, Exists, "是", 1),
                    att(Property, Exists, "是", 2),
                ],
                0,
            ),
            (false, false, &[]),
        );
        // A "no" does not count.
        check(
            &office(
                vec![
                    att(Property, Exists, "是", 1),
                    att(Management, Exists, "否", 2),
                ],
                0,
            ),
            (false, false, &["conflicting_attestations"]),
        );
        // Many licences: verified, but the paper proof is not waived.
        check(
            &office(
                vec![
                    att(Property, Exists, "是", 1),
                    att(Business, Exists, "是", 2),
                ],
                5,
            ),
            (true, false, &["many_licences"]),
        );
        // Disagreeing uses block verification.
        check(
            &office(
                vec![
                    att(Property, Exists, "是", 1),
                    att(Management, Exists, "是", 2),
                    att(Property, Use, "办公", 3),
                    att(Approval, Use, "居住", 3),
                ],
                0,
            ),
            (false, false, &["conflicting_attestations"]),
        );
    }

    #[test]
    fn stale_attestations_and_homes_are_not_enough() {
        use AttestationEnd::*;
        use AttestationFact::*;
        let old = AttestedFact {
            attested_at: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            ..att(Management, Exists, "是", 1)
        };
        check(
            &office(vec![att(Property, Exists, "是", 1), old], 0),
            (false, false, &[]),
        );
        let mut home = office(
            vec![
                att(Property, Exists, "是", 1),
                att(Management, Exists, "是", 2),
            ],
            0,
        );
        home.use_kind = "residential".into();
        check(&home, (false, false, &["residential_room"]));
        let lenient = VerificationRules {
            refuse_residential: false,
            ..VerificationRules::default()
        };
        let v = decide(&home, &lenient, day(27));
        assert!(v.verified && !v.paper_proof_waived);
        home.use_kind = "office".into();
        home.registrant_here = Some(false);
        check(&home, (true, false, &["registered_elsewhere"]));
        let unknown = unknown_address("best match scores 0.40");
        assert!(!unknown.verified && unknown.flags[0].code == "not_in_registry");
    }

    #[test]
    fn rules_read_from_json_with_defaults() {
        let r: VerificationRules =
            serde_json::from_str(r#"{"min_ends_attesting_existence": 3}"#).unwrap();
        assert_eq!(r.min_ends_attesting_existence, 3);
        assert_eq!(r.many_licences_from, 5);
        assert!(serde_json::from_str::<VerificationRules>(r#"{"min_ends": 3}"#).is_err());
    }
}
