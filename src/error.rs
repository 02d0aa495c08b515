//! One error type for the whole service, rendered as `application/problem+json` (RFC 9457).
//! Internal causes are logged, never sent to the client.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::Invalid;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One field's refusal in a 422 answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field in the request body or query, such as `siret` or `poles[1]`.
    pub field: String,
    /// Stable machine-readable reason, such as `siret_checksum` or `required`.
    pub code: String,
    pub message: String,
}

/// Body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// URI reference naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("authentication required")]
    Unauthorized,
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
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
        AppError::Validation(vec![FieldError {
            field: field.to_string(),
            code: invalid.code.to_string(),
            message: invalid.message,
        }])
    }

    fn kind_and_title(&self) -> (&'static str, &'static str) {
        match self {
            AppError::Validation(_) => ("validation-error", "Some fields are invalid"),
            AppError::BadRequest(_) => ("bad-request", "The request is malformed"),
            AppError::Unauthorized => ("unauthorized", "Authentication required"),
            AppError::Forbidden(_) => ("forbidden", "Not allowed"),
            AppError::NotFound => ("not-found", "Not found"),
            AppError::Conflict(_) => ("conflict", "Conflict"),
            AppError::PayloadTooLarge => ("payload-too-large", "The request body is too large"),
            AppError::UnsupportedMediaType => (
                "unsupported-media-type",
                "The request body must be application/json",
            ),
            AppError::Unavailable(_) => ("unavailable", "Service temporarily unavailable"),
            AppError::Internal(_) => ("internal-error", "Internal error"),
        }
    }

    pub fn problem(&self) -> Problem {
        let (kind, title) = self.kind_and_title();
        let detail = match self {
            AppError::BadRequest(detail) | AppError::Conflict(detail) => Some(detail.clone()),
            AppError::Forbidden(detail) => Some((*detail).to_string()),
            AppError::Validation(errors) => Some(
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            _ => None,
        };
        Problem {
            kind: format!("/problems/{kind}"),
            title: title.to_string(),
            status: self.status_code().as_u16(),
            detail,
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
        if matches!(self, AppError::Unavailable(_)) {
            response.insert_header((header::RETRY_AFTER, "5"));
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<DieselError> for AppError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => AppError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                AppError::Conflict(format!(
                    "This already exists ({}).",
                    info.constraint_name().unwrap_or("unique constraint")
                ))
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                AppError::Unavailable(anyhow::Error::new(error))
            }
            DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                AppError::Conflict("A concurrent change got there first; try again.".into())
            }
            // PostgreSQL refuses NUL characters in text and JSON: the input is at fault.
            DieselError::DatabaseError(DatabaseErrorKind::Unknown, ref info)
                if info.message().starts_with("invalid byte sequence")
                    || info
                        .message()
                        .starts_with("unsupported Unicode escape sequence") =>
            {
                AppError::BadRequest("Text may not contain NUL characters.".into())
            }
            // Lock order keeps deadlocks out by design; should one happen anyway, PostgreSQL
            // rolled back this side and a retry succeeds.
            DieselError::DatabaseError(DatabaseErrorKind::Unknown, ref info)
                if info.message().starts_with("deadlock detected") =>
            {
                tracing::warn!(error = %info.message(), "deadlock");
                AppError::Conflict("A concurrent change got there first; try again.".into())
            }
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
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
        self.0.push(FieldError {
            field: field.to_string(),
            code: invalid.code.to_string(),
            message: invalid.message,
        });
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
}

impl From<validator::ValidationErrors> for FieldErrors {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut out = FieldErrors::new();
        let mut fields: Vec<_> = errors.field_errors().into_iter().collect();
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        for (field, field_errors) in fields {
            for error in field_errors {
                let message = error
                    .message
                    .as_ref()
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| format!("The field is invalid ({}).", error.code));
                out.0.push(FieldError {
                    field: field.to_string(),
                    code: error.code.to_string(),
                    message,
                });
            }
        }
        out
    }
}
