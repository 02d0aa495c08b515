//! The JSON body extractor: like `actix_web::web::Json`, but every refusal is problem+json
//! and a wrong type or a missing field names the field at fault (422).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::BytesMut;
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use sha2::Digest;

use crate::domain::Invalid;
use crate::error::{AppError, FieldError, Refusal};

/// Largest accepted body; larger ones get 413.
pub const BODY_LIMIT: usize = 1024 * 1024;

#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_body(req, payload);
        Box::pin(async move { parse(&body.await?).map(Json) })
    }
}

/// A JSON body with the SHA-256 of the method, path and body, for `Idempotency-Key`: a
/// retry must send the same request.
#[derive(Debug)]
pub struct HashedJson<T> {
    pub value: T,
    pub hash: Vec<u8>,
}

impl<T: DeserializeOwned + 'static> FromRequest for HashedJson<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_body(req, payload);
        // The key is bound to the request it was first used with: method, path and body.
        let target = format!("{} {}\n", req.method(), req.path());
        Box::pin(async move {
            let body = body.await?;
            let mut hasher = sha2::Sha256::new();
            hasher.update(target.as_bytes());
            hasher.update(&body);
            let hash = hasher.finalize().to_vec();
            parse(&body).map(|value| HashedJson { value, hash })
        })
    }
}

/// Reads a JSON body of at most BODY_LIMIT bytes: 415 when it is not JSON, 413 when it
/// is too large.
fn read_body(
    req: &HttpRequest,
    payload: &mut Payload,
) -> impl Future<Output = Result<BytesMut, AppError>> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    let is_json = match content_type.as_deref() {
        Some(ct) => ct == "application/json" || ct.ends_with("+json"),
        None => false,
    };
    let declared_length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let mut payload = payload.take();
    async move {
        if declared_length.is_some_and(|len| len > BODY_LIMIT) {
            return Err(AppError::PayloadTooLarge);
        }
        if !is_json {
            return Err(AppError::UnsupportedMediaType);
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|_| AppError::bad_request("unreadable_body"))?;
            if body.len() + chunk.len() > BODY_LIMIT {
                return Err(AppError::PayloadTooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// Parses a body, turning serde's errors into 400 (not JSON) or 422 (JSON of the wrong shape).
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_data() {
            let message = strip_position(&inner.to_string());
            let (field, code) = match named_field(&message) {
                Some((name, code)) if path == "." => (name.to_string(), code),
                // The path of an unknown field already ends with its name.
                Some((_, "unknown_field")) => (path, "unknown_field"),
                Some((name, code)) => (format!("{path}.{name}"), code),
                None => (path, "invalid_type"),
            };
            AppError::Validation(vec![FieldError::new(
                &field,
                Invalid::new(code).with("detail", message),
            )])
        } else {
            AppError::BadRequest(
                Refusal::new("malformed_json").with("detail", strip_position(&inner.to_string())),
            )
        }
    })?;
    deserializer
        .end()
        .map_err(|_| AppError::bad_request("malformed_json"))?;
    Ok(value)
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

/// Serde names a missing or unknown field in its message rather than in the path.
fn named_field(message: &str) -> Option<(&str, &'static str)> {
    let (rest, code) = if let Some(rest) = message.strip_prefix("missing field `") {
        (rest, "required")
    } else if let Some(rest) = message.strip_prefix("unknown field `") {
        (rest, "unknown_field")
    } else {
        return None;
    };
    rest.split('`').next().map(|name| (name, code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        email: String,
        headcount: i32,
    }

    fn field_of(error: AppError) -> (String, String) {
        match error {
            AppError::Validation(errors) => (errors[0].field.clone(), errors[0].code.clone()),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn wrong_type_names_the_field() {
        let error = parse::<Body>(br#"{"email":"a@b.c","headcount":"many"}"#).unwrap_err();
        assert_eq!(field_of(error), ("headcount".into(), "invalid_type".into()));
    }

    #[test]
    fn missing_field_is_named() {
        let error = parse::<Body>(br#"{"email":"a@b.c"}"#).unwrap_err();
        assert_eq!(field_of(error), ("headcount".into(), "required".into()));
    }

    #[test]
    fn unknown_field_is_named() {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Strict {
            name: String,
        }
        let error = parse::<Strict>(br#"{"name":"a","siret":"1"}"#).unwrap_err();
        assert_eq!(field_of(error), ("siret".into(), "unknown_field".into()));
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        assert!(matches!(
            parse::<Body>(b"{not json"),
            Err(AppError::BadRequest(_))
        ));
        assert!(matches!(
            parse::<Body>(br#"{"email":"a","headcount":1} x"#),
            Err(AppError::BadRequest(_))
        ));
    }
}
