//! A commune field of a form: the text people see and type ("Valence (26)") and, beside
//! it, the INSEE code chosen (a hidden field set by the page, the autocomplete, or a choice
//! among candidates). The code is kept exactly as long as the text still designates it; a
//! text that fits several communes is never resolved silently: the form asks which one.

use super::{FormErrors, Web};
use crate::domain::Invalid;
use crate::error::AppResult;
use crate::models::reference::{Commune, CommuneResolution};
use crate::ops::reference;

/// A commune to choose among several.
#[derive(Debug, Clone)]
pub struct Choice {
    pub code: String,
    pub label: String,
    /// Postal codes, to tell namesakes apart.
    pub postal_codes: String,
}

impl From<&Commune> for Choice {
    fn from(c: &Commune) -> Self {
        Choice {
            code: c.code.clone(),
            label: c.label(),
            postal_codes: c.postal_codes.join(", "),
        }
    }
}

/// The text a form shows for a commune code: "Valence (26)".
pub async fn label_of(web: &Web, code: &str) -> AppResult<String> {
    let code = code.to_string();
    let found = web
        .run(move |conn, _| reference::commune(conn, &code))
        .await?;
    Ok(found.map(|c| c.label()).unwrap_or_default())
}

/// Resolves a commune field. `Some(code)` when exactly one commune fits; otherwise the
/// refusal (with the candidates to choose from) is added to `errors`. An empty field is
/// `None` without refusal: the caller says whether it was required.
pub async fn resolve(
    web: &Web,
    errors: &mut FormErrors,
    field: &str,
    text: &str,
    chosen: &str,
) -> AppResult<Option<String>> {
    if text.trim().is_empty() && chosen.trim().is_empty() {
        return Ok(None);
    }
    let (text, chosen) = (text.to_string(), chosen.to_string());
    let resolution = web
        .run(move |conn, _| {
            reference::resolve_commune(conn, &text, Some(chosen.as_str()).filter(|c| !c.is_empty()))
        })
        .await?;
    Ok(match resolution {
        CommuneResolution::Found(found) => Some(found.code),
        CommuneResolution::Ambiguous(candidates) => {
            errors.add(field, Invalid::new("commune_ambiguous"), web.words());
            errors.choices.push((
                field.to_string(),
                candidates.iter().map(Choice::from).collect(),
            ));
            None
        }
        CommuneResolution::Unknown => {
            errors.add(field, Invalid::new("unknown_commune"), web.words());
            None
        }
    })
}
