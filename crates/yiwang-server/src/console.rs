//! The browser console (TypeScript + MapLibre GL JS in `web/`), built by Vite and embedded at
//! compile time by `build.rs`. `index.html` is revalidated on every load; the files under
//! `/assets/` carry a content hash in their names and are cached for a year. Browsers that accept
//! gzip get the copy `npm run build` compressed beforehand.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, Code};
use crate::routes::extract::AppPath;

/// A file of the built console.
pub(crate) struct ConsoleFile {
    /// Below `/`, e.g. `assets/index-1a2b3c.js`.
    path: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
    /// The gzip copy `npm run build` made, if the file is worth compressing.
    gzip: Option<&'static [u8]>,
}

include!(concat!(env!("OUT_DIR"), "/console_assets.rs"));

/// What the console page may load: only this server (MapLibre runs its worker from a blob URL).
const CSP: &str = "default-src 'self'; script-src 'self'; worker-src 'self' blob:; \
    child-src 'self' blob:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; \
    font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

fn find(path: &str) -> Option<&'static ConsoleFile> {
    CONSOLE_ASSETS.iter().find(|f| f.path == path)
}

/// Whether the request's `Accept-Encoding` lists gzip (and not with `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            parts.next().is_some_and(|c| c.eq_ignore_ascii_case("gzip"))
                && parts.all(|p| p.replace(' ', "") != "q=0")
        })
}

fn serve(path: &str, cache: &'static str, request: &HeaderMap) -> Response {
    let Some(&ConsoleFile {
        content_type,
        bytes,
        gzip,
        ..
    }) = find(path)
    else {
        return ApiError::new(
            Code::RouteNotFound,
            format!("the console has no file `/{path}`; reload the page"),
        )
        .into_response();
    };
    let mut response = match gzip.filter(|_| accepts_gzip(request)) {
        Some(gz) => (
            [(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"))],
            gz,
        )
            .into_response(),
        None => bytes.into_response(),
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if gzip.is_some() {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// `GET /`: the console page.
pub(crate) async fn index(request: HeaderMap) -> Response {
    let mut response = serve("index.html", "no-cache", &request);
    if response.status() == StatusCode::OK {
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    response
}

/// `GET /assets/{file}`: a hashed script, style sheet or image of the console.
pub(crate) async fn asset(AppPath(file): AppPath<String>, request: HeaderMap) -> Response {
    serve(
        &format!("assets/{file}"),
        "public, max-age=31536000, immutable",
        &request,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepting(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn gzip_goes_only_to_those_who_accept_it() {
        assert!(accepts_gzip(&accepting("gzip, deflate, br, zstd")));
        assert!(accepts_gzip(&accepting("br;q=1.0, GZIP;q=0.5")));
        assert!(!accepts_gzip(&accepting("gzip;q=0, br")));
        assert!(!accepts_gzip(&accepting("gzip; q=0")));
        assert!(!accepts_gzip(&accepting("br")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
