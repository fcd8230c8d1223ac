//! Authentication (opaque bearer tokens, argon2 passwords) and per-endpoint permissions.
//!
//! Tokens are 32 random bytes, base64url; the database keeps only their SHA-256, so a leaked
//! database does not leak live sessions. Every protected handler names the permission it needs
//! with [`Need<P>`]; the router additionally refuses any unauthenticated request outside the
//! public routes (deny by default).

use std::collections::HashMap;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use yiwang_core::role::{Permission, Role, roles_allow};
use yiwang_store::{NewApiKey, Session};

use crate::AppState;
use crate::error::{ApiError, Code};

/// How long a login token lives.
pub const TOKEN_TTL: chrono::Duration = chrono::Duration::hours(12);

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    let salt =
        SaltString::encode_b64(&salt).map_err(|e| ApiError::new(Code::Internal, e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::new(Code::Internal, e.to_string()))
}

/// Checks a password against a PHC hash; a malformed hash never verifies.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A new random token, as given to the client.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Prefix of every API key, so a key is recognisable in a configuration file.
pub const API_KEY_PREFIX: &str = "yw_";

/// A new random API key, as given to the client once: `yw_` and 32 random bytes, base64url.
pub fn new_api_key() -> String {
    format!("{API_KEY_PREFIX}{}", new_token())
}

/// The hash under which a token (or an API key) is stored.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Makes a key for `account_id`, records its hash (audited as done by `actor`), and answers the
/// record with the key in clear.
pub async fn issue_api_key(
    store: &yiwang_store::Store,
    account_id: i64,
    label: &str,
    actor: &str,
) -> Result<(yiwang_store::ApiKeyRecord, String), yiwang_store::StoreError> {
    let key = new_api_key();
    let record = store
        .create_api_key(
            &NewApiKey {
                account_id,
                key_hash: token_hash(&key),
                prefix: key.chars().take(7).collect(),
                label: label.to_owned(),
            },
            actor,
        )
        .await?;
    Ok((record, key))
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The session behind the bearer token.
    pub session: Session,
    /// Hash of the bearer token (to log out).
    pub token_hash: String,
}

impl Caller {
    /// Login name.
    pub fn username(&self) -> &str {
        &self.session.account.username
    }

    /// Roles of the caller.
    pub fn roles(&self) -> &[Role] {
        &self.session.account.roles
    }

    /// Fails with 403 unless one of the caller's roles grants `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if roles_allow(self.roles(), permission) {
            Ok(())
        } else {
            Err(ApiError::new(
                Code::PermissionDenied,
                format!(
                    "this needs the `{}` permission, which none of your roles ({}) grants; ask an administrator",
                    permission.as_str(),
                    self.roles()
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ))
        }
    }
}

fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    let value = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
        ApiError::new(
            Code::AuthenticationRequired,
            "send `Authorization: Bearer <token>`; get a token from POST /api/v1/auth/login",
        )
    })?;
    let value = value.to_str().map_err(|_| {
        ApiError::new(
            Code::InvalidToken,
            "the Authorization header is not valid text",
        )
    })?;
    value
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::new(
                Code::InvalidToken,
                "the Authorization header must be `Bearer <token>`",
            )
        })
}

/// Sessions read from the store in the last [`SessionCache::TTL`], by token hash: a client
/// sending many requests (an intake desk, a sensor gateway) costs one read per two seconds, not
/// one per request. A logout on this server takes effect at once; a token revoked through another
/// server on the same database stays usable here for at most the TTL.
#[derive(Debug, Default)]
pub struct SessionCache {
    entries: std::sync::Mutex<HashMap<String, (Session, Instant)>>,
}

impl SessionCache {
    /// How long a session read stays good.
    pub const TTL: Duration = Duration::from_secs(2);
    /// Beyond this many tokens, stale entries are dropped (and all, if none is stale).
    const MAX: usize = 10_000;

    fn get(&self, hash: &str, now: DateTime<Utc>) -> Option<Session> {
        let entries = self.entries.lock().ok()?;
        let (session, read) = entries.get(hash)?;
        (read.elapsed() < Self::TTL && session.expires_at > now).then(|| session.clone())
    }

    fn put(&self, hash: String, session: Session) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= Self::MAX {
                entries.retain(|_, (_, read)| read.elapsed() < Self::TTL);
                if entries.len() >= Self::MAX {
                    entries.clear();
                }
            }
            entries.insert(hash, (session, Instant::now()));
        }
    }

    /// Forgets a token (at logout).
    pub fn forget(&self, hash: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(hash);
        }
    }
}

async fn authenticate(parts: &Parts, state: &AppState) -> Result<Caller, ApiError> {
    let hash = token_hash(bearer(parts)?);
    let now = Utc::now();
    if let Some(session) = state.sessions.get(&hash, now) {
        return Ok(Caller {
            session,
            token_hash: hash,
        });
    }
    match state.store.session(&hash, now).await? {
        Some(session) => {
            state.sessions.put(hash.clone(), session.clone());
            Ok(Caller {
                session,
                token_hash: hash,
            })
        }
        None => Err(ApiError::new(
            Code::InvalidToken,
            "the token is unknown, expired or revoked; log in again",
        )),
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        authenticate(parts, state).await
    }
}

/// Middleware for the protected router: rejects requests without a live session before any
/// handler runs, and hands the session on to the handler.
pub async fn require_session(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let (mut parts, body) = request.into_parts();
    let caller = authenticate(&parts, &state).await?;
    parts.extensions.insert(caller);
    Ok(next.run(Request::from_parts(parts, body)).await)
}

/// A permission an endpoint needs, as a type.
pub trait Required {
    /// The permission.
    const PERMISSION: Permission;
}

/// Extractor: the caller, checked to hold permission `P`.
#[derive(Debug)]
pub struct Need<P: Required>(pub Caller, pub PhantomData<P>);

impl<P: Required> FromRequestParts<AppState> for Need<P> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        caller.require(P::PERMISSION)?;
        Ok(Need(caller, PhantomData))
    }
}

macro_rules! permissions {
    ($($name:ident => $perm:ident),+ $(,)?) => {
        $(
            #[doc = concat!("Marker for [`Permission::", stringify!($perm), "`].")]
            #[derive(Debug)]
            pub struct $name;
            impl Required for $name {
                const PERMISSION: Permission = Permission::$perm;
            }
        )+
    };
}

/// Permission markers used in handler signatures.
pub mod perm {
    use super::{Permission, Required};
    permissions! {
        ReadOverview => ReadOverview,
        ReadDivisions => ReadDivisions,
        ReadGrids => ReadGrids,
        ReadPremises => ReadPremises,
        ReadDepartments => ReadDepartments,
        ManageAccounts => ManageAccounts,
        ReadAudit => ReadAudit,
        ReadCases => ReadCases,
        IntakeCases => IntakeCases,
        ManageReferenceData => ManageReferenceData,
        WriteRegistries => WriteRegistries,
    }
}
