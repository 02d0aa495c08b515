//! The refusals of a form as a page shows them: next to each field, in the reader's
//! language, from the refusal codes (never from an English sentence).

use super::commune;
use crate::domain::{Arg, Invalid};
use crate::error::{AppError, AppResult, FieldError};
use crate::i18n::Words;
use actix_web::http::StatusCode;

/// One refused field as a page shows it.
#[derive(Debug, Clone)]
pub struct ShownError {
    pub field: String,
    pub code: String,
    pub message: String,
    /// The id of the input to link to from the error summary (`details.material` →
    /// `material`).
    pub anchor: String,
    /// The line of the error summary: the field's label and the message.
    pub summary: String,
}

/// The label of a form field, for the error summary: `field-<anchor>` when the words have
/// it, else the label key of the same name (`unit_price` → `unit-price`), else the name.
fn label_of(anchor: &str, words: Words) -> String {
    let dashed = anchor.replace('_', "-");
    for key in [format!("field-{anchor}"), dashed.clone()] {
        if words.knows(&key) {
            return words.t(&key);
        }
    }
    dashed
}

/// Refusals of a form, in the reader's language, ready for the template.
#[derive(Debug, Default, Clone)]
pub struct FormErrors {
    pub fields: Vec<ShownError>,
    /// A refusal that is not about one field (conflict, refusal), or the summary.
    pub general: Option<String>,
    /// The communes to choose from, when what was typed fits several (by field).
    pub choices: Vec<(String, Vec<commune::Choice>)>,
}

impl FormErrors {
    /// Keeps what a person can correct (422, 409, 403 with a reason, 429, 400); anything
    /// else is raised. Words come from the refusals' codes, in `words`.
    pub fn from_error(error: AppError, words: Words) -> AppResult<FormErrors> {
        match error {
            AppError::Validation(fields) => {
                let mut errors = FormErrors::default();
                for field in fields {
                    errors.push(&field, words);
                }
                errors.general = Some(words.t("form-has-errors"));
                Ok(errors)
            }
            error @ (AppError::Conflict(_)
            | AppError::BadRequest(_)
            | AppError::TooManyRequests { .. }) => Ok(FormErrors {
                general: Some(error.message(words)),
                ..FormErrors::default()
            }),
            AppError::Forbidden(refusal) if refusal.code != "csrf_refused" => Ok(FormErrors {
                general: Some(refusal.message(words)),
                ..FormErrors::default()
            }),
            other => Err(other),
        }
    }

    fn push(&mut self, field: &FieldError, words: Words) {
        let anchor = field
            .field
            .rsplit('.')
            .next()
            .unwrap_or(&field.field)
            .to_string();
        let message = field.message_in(words);
        let summary = words.t_args(
            "error-summary-item",
            &[
                ("label", Arg::Text(label_of(&anchor, words))),
                ("message", Arg::Text(message.clone())),
            ],
        );
        self.fields.push(ShownError {
            field: field.field.clone(),
            code: field.code.clone(),
            message,
            summary,
            anchor,
        });
    }

    /// Adds a refusal of one field found while reading the form.
    pub fn add(&mut self, field: &str, invalid: Invalid, words: Words) {
        self.push(&FieldError::new(field, invalid), words);
        if self.general.is_none() {
            self.general = Some(words.t("form-has-errors"));
        }
    }

    /// Adds the refusals of an operation to those found while reading the form, so that a
    /// person sees every error of one submission at once.
    pub fn merge(mut self, other: FormErrors) -> FormErrors {
        for field in other.fields {
            if !self
                .fields
                .iter()
                .any(|f| f.field == field.field && f.code == field.code)
            {
                self.fields.push(field);
            }
        }
        self.choices.extend(other.choices);
        self.general = self.general.or(other.general);
        self
    }

    /// Adds the refusals of an operation for the fields this form has not refused yet
    /// (what was found while reading the form says it better: "not a number" rather than
    /// "required").
    pub fn fill(mut self, other: FormErrors) -> FormErrors {
        for field in other.fields {
            if !self.fields.iter().any(|f| f.field == field.field) {
                self.fields.push(field);
            }
        }
        self.general = self.general.or(other.general);
        self
    }

    pub fn is_empty(&self) -> bool {
        !self.any()
    }

    /// Shows the refusals of a field the form has no input for (such as the
    /// `Idempotency-Key` of a form sent twice with other values) in the general alert.
    pub fn lift(mut self, field: &str) -> FormErrors {
        let (lifted, kept): (Vec<_>, Vec<_>) =
            self.fields.into_iter().partition(|f| f.field == field);
        self.fields = kept;
        if let Some(first) = lifted.into_iter().next() {
            self.general = Some(first.message);
        }
        self
    }

    pub fn has(&self, field: &str) -> bool {
        self.fields
            .iter()
            .any(|f| f.field == field || f.field.starts_with(&format!("{field}.")))
    }

    /// The messages for one field, joined.
    pub fn of(&self, field: &str) -> String {
        self.fields
            .iter()
            .filter(|f| f.field == field || f.field.starts_with(&format!("{field}.")))
            .map(|f| f.message.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The communes to choose from for a field (empty when none).
    pub fn choices_for(&self, field: &str) -> &[commune::Choice] {
        self.choices
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, c)| c.as_slice())
            .unwrap_or(&[])
    }

    pub fn any(&self) -> bool {
        self.general.is_some() || !self.fields.is_empty()
    }

    /// A page that shows refused input answers 422, so that scripts and tests see it.
    pub fn status(&self) -> StatusCode {
        if self.any() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        }
    }
}
