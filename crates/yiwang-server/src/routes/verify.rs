//! 住所云: `POST /api/v1/premises/verify` — is an address verified for enterprise registration?

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yiwang_core::disclosure::readable_attestation_ends;
use yiwang_core::registry::verify::{RiskFlag, decide, unknown_address};

use super::extract::AppJson;
use crate::AppState;
use crate::auth::{Need, perm};
use crate::error::{ApiError, ApiResult, Code};
use crate::registry::DEFAULT_MIN_SCORE;

/// The address an enterprise wants to register at.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct VerifyRequest {
    /// The address as written.
    address: String,
    /// The enterprise's unified social credit code, when it exists already (a change of address).
    uscc: Option<String>,
}

/// One attestation the decision rested on.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AttestationDto {
    /// 审批/管理/物业/营商 as `approval`, `management`, `property`, `business`.
    end: String,
    /// `exists`, `use`, `occupant`, `lease` or `property_manager`.
    fact: String,
    /// What was attested.
    value: String,
    /// When.
    attested_at: chrono::NaiveDate,
}

/// The answer.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct VerifyAnswer {
    /// Verified for enterprise registration.
    verified: bool,
    /// Paper proof of the premises can be waived (verified, and no risk flag).
    paper_proof_waived: bool,
    /// The premises the address names (none if not in the registry).
    premises_id: Option<i64>,
    /// Its standard address.
    standard_address: Option<String>,
    /// The address matcher's confidence (0–1).
    match_score: Option<f64>,
    /// Why, rule by rule.
    reasons: Vec<String>,
    /// Risks found.
    #[schema(value_type = Vec<Object>)]
    flags: Vec<RiskFlag>,
    /// The attestations about the premises.
    attestations: Vec<AttestationDto>,
}

/// Checks an address for enterprise registration against 住所云: the address is matched to the
/// premises registry, and the attestations of the four ends and the units registry decide,
/// under the district's rules (`YIWANG_VERIFY_RULES`), whether it is verified and whether paper
/// proof can be waived. Risk flags: `not_in_registry`, `many_licences` (一址多照),
/// `residential_room`, `conflicting_attestations`, `registered_elsewhere`. The attestations listed
/// are those the caller may read: a property manager or business agency sees its own end's only.
#[utoipa::path(post, path = "/api/v1/premises/verify", tag = "premises", security(("bearer" = [])),
    request_body = VerifyRequest,
    responses((status = 200, body = VerifyAnswer), (status = 400, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem)))]
pub(crate) async fn verify(
    State(state): State<AppState>,
    Need(caller, _): Need<perm::ReadPremises>,
    AppJson(req): AppJson<VerifyRequest>,
) -> ApiResult<axum::Json<VerifyAnswer>> {
    let address = req.address.trim();
    if address.is_empty() || address.chars().count() > 200 {
        return Err(ApiError::new(
            Code::InvalidRequest,
            "`address` must be 1 to 200 characters",
        ));
    }
    let uscc = match req.uscc.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(code) => {
            let code = code.to_uppercase();
            yiwang_core::validate_uscc(&code)
                .map_err(|e| ApiError::new(Code::InvalidRequest, format!("`uscc`: {e}")))?;
            Some(code)
        }
        None => None,
    };
    let best = state
        .matcher
        .find(address, &state.gazetteer, 1)
        .into_iter()
        .next();
    let placed = best
        .as_ref()
        .filter(|c| c.score >= DEFAULT_MIN_SCORE)
        .and_then(|c| c.premises_id.map(|id| (id, c)));
    let Some((id, candidate)) = placed else {
        let why = match &best {
            Some(c) => format!("best match {} scores {:.2}", c.standard_address, c.score),
            None => "no premises matches".to_owned(),
        };
        let v = unknown_address(&why);
        return Ok(axum::Json(VerifyAnswer {
            verified: v.verified,
            paper_proof_waived: v.paper_proof_waived,
            premises_id: None,
            standard_address: None,
            match_score: best.map(|c| c.score),
            reasons: v.reasons,
            flags: v.flags,
            attestations: Vec::new(),
        }));
    };
    let facts = state
        .store
        .verification_facts(id, uscc.as_deref())
        .await?
        .ok_or_else(|| ApiError::new(Code::Internal, format!("premises {id} vanished")))?;
    let today = yiwang_core::workflow::shanghai(chrono::Utc::now()).date();
    let v = decide(&facts, &state.verification_rules, today);
    // The decision weighs every end; the list shows what the caller's end may read.
    let readable = readable_attestation_ends(caller.roles());
    Ok(axum::Json(VerifyAnswer {
        verified: v.verified,
        paper_proof_waived: v.paper_proof_waived,
        premises_id: Some(id),
        standard_address: Some(candidate.standard_address.clone()),
        match_score: Some(candidate.score),
        reasons: v.reasons,
        flags: v.flags,
        attestations: facts
            .attestations
            .into_iter()
            .filter(|a| readable.as_ref().is_none_or(|ends| ends.contains(&a.end)))
            .map(|a| AttestationDto {
                end: a.end.as_str().to_owned(),
                fact: a.fact.as_str().to_owned(),
                value: a.value,
                attested_at: a.attested_at,
            })
            .collect(),
    }))
}
