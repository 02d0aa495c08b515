//! One error type for the whole service. Every refusal carries a stable code: 422 names
//! each field at fault with its code, and 400/401/403/404/409/429 have codes of their own
//! (`exchange_not_in_progress`, `match_already_decided`, …). The API renders an error as
//! `application/problem+json` (RFC 9457) with the English words of its code; the pages and
//! emails look the same code up in the reader's language (see `crate::i18n`). Internal
//! causes are logged, never sent to the client.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::account::Locale;
use crate::domain::{Arg, Args, Invalid};
use crate::i18n::{words, Words};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One field's refusal in a 422 answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field in the request body or query, such as `siret` or `poles[1]`.
    pub field: String,
    /// Stable machine-readable reason, such as `siret_checksum` or `required`.
    pub code: String,
    /// The reason in English; pages say it in the reader's language from `code`.
    pub message: String,
    /// What the message names (a limit, a value), for other languages.
    #[serde(skip)]
    #[schema(ignore)]
    pub args: Args,
}

impl FieldError {
    pub fn new(field: &str, invalid: Invalid) -> FieldError {
        let message = field_message(words(Locale::En), field, invalid.code, &invalid.args);
        FieldError {
            field: field.to_string(),
            code: invalid.code.to_string(),
            message,
            args: invalid.args,
        }
    }

    /// The message in another language.
    pub fn message_in(&self, words: Words) -> String {
        field_message(words, &self.field, &self.code, &self.args)
    }
}

/// The words of a field's refusal: `invalid-<code>-<field>` when the field has its own
/// wording, else `invalid-<code>`. The field is its last name (`poles[1]` → `poles`,
/// `details.material` → `material`).
pub fn field_message(
    words: Words,
    field: &str,
    code: &str,
    args: &[(&'static str, Arg)],
) -> String {
    let name: String = field
        .rsplit('.')
        .next()
        .unwrap_or(field)
        .split('[')
        .next()
        .unwrap_or(field)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let specific = format!("invalid-{code}-{name}");
    if words.knows(&specific) {
        return words.t_args(&specific, args);
    }
    words.t_args(&format!("invalid-{code}"), args)
}

/// A refusal that is not about one field: a stable code and the values its words name
/// (`refusal-<code>` in the Fluent files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub args: Args,
}

impl Refusal {
    pub fn new(code: &'static str) -> Refusal {
        Refusal {
            code,
            args: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: impl Into<Arg>) -> Refusal {
        self.args.push((name, value.into()));
        self
    }

    /// The refusal in people's words.
    pub fn message(&self, words: Words) -> String {
        words.t_args(&format!("refusal-{}", self.code), &self.args)
    }
}

/// Body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// URI reference naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// Stable machine-readable reason; every code is listed in this document's
    /// `x-problem-codes`.
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("bad request: {0:?}")]
    BadRequest(Refusal),
    #[error("authentication required")]
    Unauthorized,
    #[error("forbidden: {0:?}")]
    Forbidden(Refusal),
    #[error("not found")]
    NotFound,
    #[error("conflict: {0:?}")]
    Conflict(Refusal),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A 422 naming one field.
    pub fn invalid_field(field: &str, invalid: Invalid) -> AppError {
        AppError::Validation(vec![FieldError::new(field, invalid)])
    }

    pub fn forbidden(code: &'static str) -> AppError {
        AppError::Forbidden(Refusal::new(code))
    }

    pub fn conflict(code: &'static str) -> AppError {
        AppError::Conflict(Refusal::new(code))
    }

    pub fn bad_request(code: &'static str) -> AppError {
        AppError::BadRequest(Refusal::new(code))
    }

    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation(_) => "validation_failed",
            AppError::BadRequest(r) | AppError::Forbidden(r) | AppError::Conflict(r) => r.code,
            AppError::Unauthorized => "unauthorized",
            AppError::NotFound => "not_found",
            AppError::TooManyRequests { .. } => "rate_limited",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal_error",
        }
    }

    /// What happened, in people's words (one sentence; the fields for a 422).
    pub fn message(&self, words: Words) -> String {
        match self {
            AppError::Validation(errors) => errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message_in(words)))
                .collect::<Vec<_>>()
                .join(" "),
            AppError::BadRequest(r) | AppError::Forbidden(r) | AppError::Conflict(r) => {
                r.message(words)
            }
            AppError::TooManyRequests { retry_after_secs } => words.t_args(
                "refusal-rate_limited",
                &[("seconds", Arg::from(*retry_after_secs))],
            ),
            other => words.t(&format!("refusal-{}", other.code())),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            AppError::Validation(_) => "validation-error",
            AppError::BadRequest(_) => "bad-request",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound => "not-found",
            AppError::Conflict(_) => "conflict",
            AppError::TooManyRequests { .. } => "too-many-requests",
            AppError::PayloadTooLarge => "payload-too-large",
            AppError::UnsupportedMediaType => "unsupported-media-type",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal-error",
        }
    }

    pub fn problem(&self) -> Problem {
        let english = words(Locale::En);
        let kind = self.kind();
        Problem {
            kind: format!("/problems/{kind}"),
            title: english.t(&format!("problem-{kind}")),
            status: self.status_code().as_u16(),
            code: self.code().to_string(),
            detail: Some(self.message(english)),
            errors: match self {
                AppError::Validation(errors) => errors.clone(),
                _ => Vec::new(),
            },
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Internal(cause) => tracing::error!(error = ?cause, "internal error"),
            AppError::Unavailable(cause) => tracing::warn!(error = ?cause, "service unavailable"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        if matches!(self, AppError::Unauthorized) {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        match self {
            AppError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            AppError::TooManyRequests { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            _ => {}
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<DieselError> for AppError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => AppError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AppError::conflict("already_exists")
            }
            // A connection broken under us (PostgreSQL restarted, failed over, or killed
            // this backend): the request could not be served, nothing was committed by it
            // (a commit that fails never reaches here as success), and a retry gets a fresh
            // connection, since r2d2 drops a broken one when it comes back. A 503, never
            // a 500.
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => AppError::Unavailable(anyhow::Error::new(error)),
            // A write reached a server that is (now) a standby: a failover is under way and
            // the connection will go to the new primary. Nothing was written.
            DieselError::DatabaseError(DatabaseErrorKind::ReadOnlyTransaction, _) => {
                AppError::Unavailable(anyhow::Error::new(error))
            }
            DieselError::DatabaseError(DatabaseErrorKind::Unknown, ref info)
                if connection_lost(info.message()) =>
            {
                AppError::Unavailable(anyhow::Error::new(error))
            }
            DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                AppError::conflict("concurrent_change")
            }
            // PostgreSQL refuses NUL characters in text and JSON: the input is at fault.
            DieselError::DatabaseError(DatabaseErrorKind::Unknown, ref info)
                if info.message().starts_with("invalid byte sequence")
                    || info
                        .message()
                        .starts_with("unsupported Unicode escape sequence") =>
            {
                AppError::bad_request("nul_character")
            }
            // Lock order keeps deadlocks out by design; should one happen anyway, PostgreSQL
            // rolled back this side and a retry succeeds.
            DieselError::DatabaseError(DatabaseErrorKind::Unknown, ref info)
                if info.message().starts_with("deadlock detected") =>
            {
                tracing::warn!(error = %info.message(), "deadlock");
                AppError::conflict("concurrent_change")
            }
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}

/// Is this PostgreSQL or libpq message one of a lost or refused connection? Messages of
/// libpq (`fe-exec.c`, `fe-misc.c`) and of the server's `admin_shutdown` (57P01),
/// `crash_shutdown` (57P02) and `cannot_connect_now` (57P03), which diesel does not sort
/// into a kind of its own.
fn connection_lost(message: &str) -> bool {
    const LOST: [&str; 10] = [
        "read-only transaction",
        "no connection to the server",
        "server closed the connection unexpectedly",
        "terminating connection",
        "could not receive data from server",
        "could not send data to server",
        "the database system is shutting down",
        "the database system is starting up",
        "the database system is in recovery mode",
        "SSL connection has been closed unexpectedly",
    ];
    LOST.iter().any(|lost| message.contains(lost))
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        AppError::Unavailable(anyhow::Error::new(error))
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::Error::new(error))
    }
}

/// Collects field errors while a request is parsed into domain types, so a 422 lists every
/// field at fault at once rather than the first one only.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value, or records why `field` was refused.
    pub fn check<T>(&mut self, field: &str, result: Result<T, Invalid>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(invalid) => {
                self.add(field, invalid);
                None
            }
        }
    }

    pub fn add(&mut self, field: &str, invalid: Invalid) {
        self.0.push(FieldError::new(field, invalid));
    }

    /// Keeps the refusals of another collection.
    pub fn extend(&mut self, other: Vec<FieldError>) {
        self.0.extend(other);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Ends the collection: `Err(422)` when anything was refused.
    pub fn finish(self) -> AppResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }
}

impl From<validator::ValidationErrors> for FieldErrors {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut out = FieldErrors::new();
        let mut fields: Vec<_> = errors.field_errors().into_iter().collect();
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        for (field, field_errors) in fields {
            for error in field_errors {
                let code: &'static str = match error.code.as_ref() {
                    "length" => "length",
                    "email" => "email",
                    "range" => "range",
                    _ => "invalid_value",
                };
                let mut invalid = Invalid::new(code);
                for (name, value) in &error.params {
                    let name: &'static str = match name.as_ref() {
                        "min" => "min",
                        "max" => "max",
                        _ => continue,
                    };
                    if let Some(number) = value.as_i64() {
                        invalid = invalid.with(name, number);
                    }
                }
                out.add(&field, invalid);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_connection_is_a_503_and_other_database_errors_a_500() {
        let lost = [
            "no connection to the server\n",
            "terminating connection due to administrator command",
            "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally",
            "FATAL:  the database system is shutting down",
        ];
        for message in lost {
            assert!(connection_lost(message), "{message}");
        }
        assert!(!connection_lost("relation \"listings\" does not exist"));
        let lost = AppError::from(DieselError::DatabaseError(
            DatabaseErrorKind::UnableToSendCommand,
            Box::new("no connection to the server".to_string()),
        ));
        assert_eq!(lost.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        let other = AppError::from(DieselError::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("relation \"listings\" does not exist".to_string()),
        ));
        assert_eq!(other.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
