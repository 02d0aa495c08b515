//! Reading `multipart/form-data` (actix-multipart): text fields and the files sent as
//! `file`, each at most 10 MB (413 beyond, without reading the rest), at most 10 of them.
//! Shared by the API and the pages.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;

use crate::domain::files::{MAX_BYTES, MAX_PER_PARENT};
use crate::domain::Invalid;
use crate::error::AppError;
use crate::ops::conversations::Upload;

/// A multipart form: its text fields and its files.
#[derive(Default)]
pub struct Form {
    pub fields: Vec<(String, String)>,
    pub files: Vec<Upload>,
}

impl Form {
    /// The first value of a text field, or "".
    pub fn text(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// Is the request `multipart/form-data`?
pub fn is_multipart(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// Text fields are short: 64 kB each at most.
const TEXT_LIMIT: usize = 64 * 1024;

/// Reads the whole form. 413 `payload_too_large` for a file over 10 MB; 422 `file` with
/// `too_many_files` beyond ten files; 400 for a malformed body. An empty file input (a
/// form sent without choosing a file) is skipped.
pub async fn read(req: &HttpRequest, payload: web::Payload) -> Result<Form, AppError> {
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut form = Form::default();
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|_| AppError::bad_request("malformed_multipart"))?;
        let name = field.name().unwrap_or_default().to_string();
        let filename = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .map(str::to_string);
        let limit = if filename.is_some() {
            MAX_BYTES
        } else {
            TEXT_LIMIT
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| AppError::bad_request("malformed_multipart"))?;
            if bytes.len() + chunk.len() > limit {
                return Err(AppError::PayloadTooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        match filename {
            Some(filename) => {
                if bytes.is_empty() && filename.is_empty() {
                    continue;
                }
                if form.files.len() == MAX_PER_PARENT {
                    return Err(AppError::invalid_field(
                        "file",
                        Invalid::new("too_many_files").with("max", MAX_PER_PARENT as i64),
                    ));
                }
                form.files.push(Upload { filename, bytes });
            }
            None => {
                let text = String::from_utf8(bytes)
                    .map_err(|_| AppError::bad_request("malformed_multipart"))?;
                form.fields.push((name, text));
            }
        }
    }
    Ok(form)
}
