//! The browser console (TypeScript + MapLibre GL JS in `web/`), built by Vite and embedded at
//! compile time by `build.rs`. `index.html` is revalidated on every load; the files under
//! `/assets/` carry a content hash in their names and are cached for a year.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, Code};
use crate::routes::extract::AppPath;

include!(concat!(env!("OUT_DIR"), "/console_assets.rs"));

/// What the console page may load: only this server (MapLibre runs its worker from a blob URL).
const CSP: &str = "default-src 'self'; script-src 'self'; worker-src 'self' blob:; \
    child-src 'self' blob:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; \
    font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

fn find(path: &str) -> Option<(&'static str, &'static [u8])> {
    CONSOLE_ASSETS
        .iter()
        .find(|(p, _, _)| *p == path)
        .map(|(_, content_type, bytes)| (*content_type, *bytes))
}

fn serve(path: &str, cache: &'static str) -> Response {
    match find(path) {
        Some((content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
            ],
            bytes,
        )
            .into_response(),
        None => ApiError::new(
            Code::RouteNotFound,
            format!("the console has no file `/{path}`; reload the page"),
        )
        .into_response(),
    }
}

/// `GET /`: the console page.
pub(crate) async fn index() -> Response {
    let mut response = serve("index.html", "no-cache");
    if response.status() == StatusCode::OK {
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    response
}

/// `GET /assets/{file}`: a hashed script, style sheet or image of the console.
pub(crate) async fn asset(AppPath(file): AppPath<String>) -> Response {
    serve(
        &format!("assets/{file}"),
        "public, max-age=31536000, immutable",
    )
}
