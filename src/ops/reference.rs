//! Reference data: communes (with the arrondissements of Paris, Lyon and Marseille), NAF
//! codes, départements and régions; and the one place a commune code is checked.

use diesel::PgConnection;

use crate::domain::naf::{NafCode, NafLevel};
use crate::domain::territory::{CommuneCode, LocatedCommune};
use crate::domain::Invalid;
use crate::error::AppResult;
use crate::models::reference::{
    self, Commune, CommuneResolution, Departement, EwcEntry, NafEntry, Region,
};

/// The commune of an INSEE code, checked against the reference data: every operation that
/// takes a commune (listings, enterprises, pôles, alerts, searches) reads it through here.
/// Errors: `commune_format` (not an INSEE code), `unknown_commune`.
pub fn locate(conn: &mut PgConnection, code: &str) -> AppResult<Result<LocatedCommune, Invalid>> {
    let code = match CommuneCode::parse(code) {
        Ok(code) => code,
        Err(invalid) => return Ok(Err(invalid)),
    };
    Ok(reference::locate(conn, &code)?.ok_or_else(|| Invalid::new("unknown_commune")))
}

/// A NAF code of the reference data, at least a division when `at_least_division`.
/// Errors: `naf_format`, `naf_too_broad`, `unknown_naf`.
pub fn check_naf(
    conn: &mut PgConnection,
    code: &str,
    at_least_division: bool,
) -> AppResult<Result<NafCode, Invalid>> {
    let code = match NafCode::parse(code) {
        Ok(code) => code,
        Err(invalid) => return Ok(Err(invalid)),
    };
    if at_least_division && code.level() == NafLevel::Section {
        return Ok(Err(Invalid::new("naf_too_broad")));
    }
    if reference::find_naf(conn, code.as_str())?.is_none() {
        return Ok(Err(Invalid::new("unknown_naf")));
    }
    Ok(Ok(code))
}

/// The label of a NAF code, when known.
pub fn naf_label(conn: &mut PgConnection, code: &str) -> AppResult<Option<String>> {
    Ok(reference::find_naf(conn, code)?.map(|entry| entry.label))
}

/// What a commune typed in a form designates (see `models::reference::resolve_commune`).
pub fn resolve_commune(
    conn: &mut PgConnection,
    text: &str,
    chosen: Option<&str>,
) -> AppResult<CommuneResolution> {
    Ok(reference::resolve_commune(conn, text, chosen)?)
}

/// Commune autocomplete: the exact code and name first, then the biggest places.
pub fn communes(conn: &mut PgConnection, query: &str, limit: i64) -> AppResult<Vec<Commune>> {
    Ok(reference::search_communes(conn, query, limit)?)
}

/// NAF autocomplete by code prefix or words of the label.
pub fn naf(conn: &mut PgConnection, query: &str, limit: i64) -> AppResult<Vec<NafEntry>> {
    Ok(reference::search_naf(conn, query, limit)?)
}

/// European List of Waste autocomplete: entries by code prefix or words of their French
/// or English label.
pub fn ewc(conn: &mut PgConnection, query: &str, limit: i64) -> AppResult<Vec<EwcEntry>> {
    Ok(reference::search_ewc(conn, query, limit)?)
}

pub fn departements(conn: &mut PgConnection) -> AppResult<Vec<Departement>> {
    Ok(reference::departements(conn)?)
}

pub fn regions(conn: &mut PgConnection) -> AppResult<Vec<Region>> {
    Ok(reference::regions(conn)?)
}

/// A commune by its exact code (for labels on pages).
pub fn commune(conn: &mut PgConnection, code: &str) -> AppResult<Option<Commune>> {
    Ok(reference::find_commune(conn, code)?)
}
