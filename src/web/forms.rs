//! Reading form fields as people type them: decimals with a comma or a point, dates as
//! `31/03/2026` or `2026-03-31`, whole numbers, choices. Each refusal is added to the
//! form's errors by code, so one submission shows every error at once.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::FormErrors;
use crate::domain::decimal::parse_exact;
use crate::domain::{Invalid, Named};
use crate::i18n::Words;

/// Collects what a form's text fields mean, and why some do not.
pub struct FormReader {
    pub errors: FormErrors,
    words: Words,
}

impl FormReader {
    pub fn new(words: Words) -> FormReader {
        FormReader {
            errors: FormErrors::default(),
            words,
        }
    }

    pub fn refuse(&mut self, field: &str, invalid: Invalid) {
        self.errors.add(field, invalid, self.words);
    }

    /// Trimmed text, `None` when empty.
    pub fn text(value: &str) -> Option<String> {
        let value = value.trim();
        (!value.is_empty()).then(|| value.to_string())
    }

    /// A decimal typed with a comma or a point, spaces allowed ("1 234,50"), exactly.
    pub fn decimal(&mut self, field: &str, value: &str) -> Option<Decimal> {
        let cleaned: String = value
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '\u{a0}')
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        if cleaned.is_empty() {
            return None;
        }
        match parse_exact(&cleaned) {
            Ok(value) => Some(value),
            Err(_) => {
                self.refuse(field, Invalid::new("not_a_number"));
                None
            }
        }
    }

    pub fn whole<T: std::str::FromStr>(&mut self, field: &str, value: &str) -> Option<T> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        match value.parse::<T>() {
            Ok(v) => Some(v),
            Err(_) => {
                self.refuse(field, Invalid::new("not_a_whole_number"));
                None
            }
        }
    }

    pub fn date(&mut self, field: &str, value: &str) -> Option<NaiveDate> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        match NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(value, "%d/%m/%Y"))
        {
            Ok(date) => Some(date),
            Err(_) => {
                self.refuse(field, Invalid::new("invalid_date"));
                None
            }
        }
    }

    /// One of a list's values, by name.
    pub fn choice<T: Named>(&mut self, field: &str, value: &str) -> Option<T> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        match T::parse(value) {
            Some(v) => Some(v),
            None => {
                self.refuse(field, Invalid::new("invalid_value").with("value", value));
                None
            }
        }
    }

    /// A required field: refused with `required` when empty.
    pub fn required<T>(&mut self, field: &str, value: Option<T>) -> Option<T> {
        if value.is_none() && !self.errors.has(field) {
            self.refuse(field, Invalid::new("required"));
        }
        value
    }
}
