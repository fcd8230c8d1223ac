//! Open311 wire formats: the path suffix picks JSON or XML; XML is written from the same JSON
//! value by the Spark convention (a JSON array is an element holding one child per item, named
//! by the singular of the array's name), and errors are a list of `{code, description}`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// `application/json; charset=utf-8`.
pub(crate) const JSON_TYPE: &str = "application/json; charset=utf-8";
/// `text/xml; charset=utf-8`.
pub(crate) const XML_TYPE: &str = "text/xml; charset=utf-8";

/// The format a path asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Xml,
}

impl Format {
    /// Splits `name.json` / `name.xml` into the name and the format.
    pub(crate) fn split(file: &str) -> Option<(&str, Format)> {
        let (stem, ext) = file.rsplit_once('.')?;
        let format = match ext {
            "json" => Format::Json,
            "xml" => Format::Xml,
            _ => return None,
        };
        (!stem.is_empty()).then_some((stem, format))
    }
}

/// The element name of one item of the array called `name` (`services` → `service`).
fn singular(name: &str) -> &str {
    match name {
        "services" => "service",
        "service_requests" => "request",
        "attributes" => "attribute",
        "values" => "value",
        "endpoints" => "endpoint",
        "formats" => "format",
        "errors" => "error",
        other => other.strip_suffix('s').unwrap_or(other),
    }
}

/// Escapes text for XML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all are dropped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn write_element(out: &mut String, name: &str, value: &Value) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => out.push_str(&escape(s)),
        Value::Array(items) => {
            let child = singular(name);
            for item in items {
                write_element(out, child, item);
            }
        }
        Value::Object(map) => {
            for (key, v) in map {
                write_element(out, key, v);
            }
        }
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// The XML document of `value` with root element `root`.
pub(crate) fn to_xml(root: &str, value: &Value) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    write_element(&mut out, root, value);
    out.push('\n');
    out
}

/// A response body in `format`: `value` as JSON, or as XML under `root`.
pub(crate) fn document(format: Format, status: StatusCode, root: &str, value: &Value) -> Response {
    let (body, content_type) = match format {
        Format::Json => (value.to_string(), JSON_TYPE),
        Format::Xml => (to_xml(root, value), XML_TYPE),
    };
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// One error of an Open311 error list: `code` is the HTTP status.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ErrorItem {
    code: u16,
    description: String,
}

/// An Open311 error answer: the HTTP status (400, 403 or 404, or 5xx when we failed) and one
/// or more descriptions, rendered as `[{code, description}]` or `<errors><error>…`.
#[derive(Debug, Clone)]
pub(crate) struct Open311Error {
    pub(crate) status: StatusCode,
    pub(crate) descriptions: Vec<String>,
    pub(crate) format: Format,
}

impl Open311Error {
    pub(crate) fn new(status: StatusCode, description: impl Into<String>) -> Self {
        Self {
            status,
            descriptions: vec![description.into()],
            format: Format::Json,
        }
    }

    /// 400: a missing or invalid argument.
    pub(crate) fn bad(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, description)
    }

    /// 403: a missing or unknown key.
    pub(crate) fn forbidden(description: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, description)
    }

    /// 404: no such jurisdiction, service, request or endpoint.
    pub(crate) fn not_found(description: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, description)
    }

    /// The same error, rendered in `format`.
    pub(crate) fn in_format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }
}

impl From<yiwang_store::StoreError> for Open311Error {
    fn from(e: yiwang_store::StoreError) -> Self {
        let status = if e.is_unavailable() {
            StatusCode::SERVICE_UNAVAILABLE
        } else {
            StatusCode::INTERNAL_SERVER_ERROR
        };
        // Internal details go to the log, not to the client.
        tracing::error!(error = %e, "open311 request failed");
        Self::new(
            status,
            "the service is unavailable (database); try again later",
        )
    }
}

impl IntoResponse for Open311Error {
    fn into_response(self) -> Response {
        let list: Vec<Value> = self
            .descriptions
            .iter()
            .map(|d| {
                serde_json::to_value(ErrorItem {
                    code: self.status.as_u16(),
                    description: d.clone(),
                })
                .unwrap_or(Value::Null)
            })
            .collect();
        document(self.format, self.status, "errors", &Value::Array(list))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats_from_file_names() {
        let cases = [
            ("services.json", Some(("services", Format::Json))),
            ("services.xml", Some(("services", Format::Xml))),
            ("event-0102.json", Some(("event-0102", Format::Json))),
            ("services.html", None),
            ("services", None),
            (".json", None),
        ];
        for (file, expect) in cases {
            assert_eq!(Format::split(file), expect, "{file}");
        }
    }

    #[test]
    fn xml_by_the_spark_convention() {
        let cases = [
            (
                "services",
                json!([{ "service_code": "event-0102", "metadata": true }]),
                "<services><service><metadata>true</metadata><service_code>event-0102</service_code></service></services>",
            ),
            (
                "service_requests",
                json!([{ "lat": 31.2, "zipcode": null }]),
                "<service_requests><request><lat>31.2</lat><zipcode></zipcode></request></service_requests>",
            ),
            (
                "errors",
                json!([{ "code": 404, "description": "a <b> & 'c' \"d\"" }]),
                "<errors><error><code>404</code><description>a &lt;b&gt; &amp; &apos;c&apos; &quot;d&quot;</description></error></errors>",
            ),
            (
                "service_definition",
                json!({ "attributes": [{ "values": [{ "key": "1" }] }] }),
                "<service_definition><attributes><attribute><values><value><key>1</key></value></values></attribute></attributes></service_definition>",
            ),
            ("x", json!("bell\u{7}tab\t"), "<x>belltab\t</x>"),
        ];
        for (root, value, expect) in cases {
            let xml = to_xml(root, &value);
            assert_eq!(
                xml,
                format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{expect}\n")
            );
        }
    }
}
