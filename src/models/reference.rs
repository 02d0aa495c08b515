//! Reference data: régions, départements, EPCI, communes and NAF codes, imported from the
//! CSV files in `data/reference/` and queried for autocomplete and validation.

use std::path::Path;

use anyhow::Context;
use diesel::prelude::*;
use diesel::upsert::excluded;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::text::{escape_like, fold};
use crate::schema::{communes, departements, epcis, naf_codes, regions};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, Deserialize, ToSchema)]
#[diesel(table_name = regions)]
pub struct Region {
    pub code: String,
    pub name: String,
    /// `metro`, `drom` or `com`.
    pub zone: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = departements)]
pub struct Departement {
    pub code: String,
    pub name: String,
    #[serde(rename = "region")]
    pub region_code: String,
    pub zone: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = epcis)]
struct NewEpci {
    code: String,
    name: String,
    kind: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = communes)]
pub struct Commune {
    pub code: String,
    pub name: String,
    #[serde(skip)]
    pub search_name: String,
    #[serde(rename = "departement")]
    pub departement_code: String,
    #[serde(rename = "region")]
    pub region_code: String,
    #[serde(rename = "epci")]
    pub epci_code: Option<String>,
    pub population: i32,
    pub postal_codes: Vec<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// `place` (the commune's own coordinates), `departement` (its département's centre)
    /// or `none`.
    pub located: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = naf_codes)]
pub struct NafEntry {
    pub code: String,
    /// `section`, `division`, `group`, `class` or `subclass`.
    pub level: String,
    #[serde(rename = "parent")]
    pub parent_code: Option<String>,
    pub section: String,
    pub label: String,
    #[serde(skip)]
    pub search_label: String,
}

#[derive(Debug, Deserialize)]
struct CommuneRow {
    code: String,
    name: String,
    departement: String,
    region: String,
    epci: String,
    population: String,
    postal_codes: String,
    lat: String,
    lon: String,
    located: String,
}

#[derive(Debug, Deserialize)]
struct DepartementRow {
    code: String,
    name: String,
    region: String,
    zone: String,
    lat: String,
    lon: String,
}

#[derive(Debug, Deserialize)]
struct NafRow {
    code: String,
    level: String,
    parent: String,
    section: String,
    label: String,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImportCounts {
    pub regions: usize,
    pub departements: usize,
    pub epcis: usize,
    pub communes: usize,
    pub naf_codes: usize,
}

fn read_csv<T: serde::de::DeserializeOwned>(dir: &Path, file: &str) -> anyhow::Result<Vec<T>> {
    let path = dir.join(file);
    let mut reader =
        csv::Reader::from_path(&path).with_context(|| format!("opening {}", path.display()))?;
    reader
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .with_context(|| format!("reading {}", path.display()))
}

fn optional(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

fn coordinate(value: &str) -> anyhow::Result<Option<f64>> {
    optional(value)
        .map(|v| {
            v.parse::<f64>()
                .with_context(|| format!("bad coordinate {v}"))
        })
        .transpose()
}

/// Rows per INSERT: well under PostgreSQL's 65,535 bind parameters.
const CHUNK: usize = 2_000;

/// Loads every reference file in one transaction with batched upserts: running it again
/// changes nothing, and a failed run leaves the previous data in place.
pub fn import(conn: &mut PgConnection, dir: &Path) -> anyhow::Result<ImportCounts> {
    let regions_rows: Vec<Region> = read_csv(dir, "regions.csv")?;
    let departement_rows: Vec<DepartementRow> = read_csv(dir, "departements.csv")?;
    let epci_rows: Vec<NewEpci> = read_csv::<EpciRow>(dir, "epci.csv")?
        .into_iter()
        .map(|r| NewEpci {
            code: r.code,
            name: r.name,
            kind: r.kind,
        })
        .collect();
    let departement_values = departement_rows
        .into_iter()
        .map(|r| {
            Ok(Departement {
                lat: coordinate(&r.lat)?,
                lon: coordinate(&r.lon)?,
                code: r.code,
                name: r.name,
                region_code: r.region,
                zone: r.zone,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let commune_values = read_csv::<CommuneRow>(dir, "communes.csv")?
        .into_iter()
        .map(|r| {
            Ok(Commune {
                search_name: fold(&r.name),
                lat: coordinate(&r.lat)?,
                lon: coordinate(&r.lon)?,
                population: r.population.trim().parse().unwrap_or(0),
                postal_codes: r
                    .postal_codes
                    .split_whitespace()
                    .map(String::from)
                    .collect(),
                epci_code: optional(&r.epci),
                code: r.code,
                name: r.name,
                departement_code: r.departement,
                region_code: r.region,
                located: r.located,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let naf_values: Vec<NafEntry> = read_csv::<NafRow>(dir, "naf.csv")?
        .into_iter()
        .map(|r| NafEntry {
            search_label: fold(&r.label),
            parent_code: optional(&r.parent),
            code: r.code,
            level: r.level,
            section: r.section,
            label: r.label,
        })
        .collect();

    conn.transaction(|conn| {
        for chunk in regions_rows.chunks(CHUNK) {
            diesel::insert_into(regions::table)
                .values(chunk)
                .on_conflict(regions::code)
                .do_update()
                .set((
                    regions::name.eq(excluded(regions::name)),
                    regions::zone.eq(excluded(regions::zone)),
                ))
                .execute(conn)?;
        }
        for chunk in departement_values.chunks(CHUNK) {
            diesel::insert_into(departements::table)
                .values(chunk)
                .on_conflict(departements::code)
                .do_update()
                .set((
                    departements::name.eq(excluded(departements::name)),
                    departements::region_code.eq(excluded(departements::region_code)),
                    departements::zone.eq(excluded(departements::zone)),
                    departements::lat.eq(excluded(departements::lat)),
                    departements::lon.eq(excluded(departements::lon)),
                ))
                .execute(conn)?;
        }
        for chunk in epci_rows.chunks(CHUNK) {
            diesel::insert_into(epcis::table)
                .values(chunk)
                .on_conflict(epcis::code)
                .do_update()
                .set((
                    epcis::name.eq(excluded(epcis::name)),
                    epcis::kind.eq(excluded(epcis::kind)),
                ))
                .execute(conn)?;
        }
        for chunk in commune_values.chunks(CHUNK) {
            diesel::insert_into(communes::table)
                .values(chunk)
                .on_conflict(communes::code)
                .do_update()
                .set((
                    communes::name.eq(excluded(communes::name)),
                    communes::search_name.eq(excluded(communes::search_name)),
                    communes::departement_code.eq(excluded(communes::departement_code)),
                    communes::region_code.eq(excluded(communes::region_code)),
                    communes::epci_code.eq(excluded(communes::epci_code)),
                    communes::population.eq(excluded(communes::population)),
                    communes::postal_codes.eq(excluded(communes::postal_codes)),
                    communes::lat.eq(excluded(communes::lat)),
                    communes::lon.eq(excluded(communes::lon)),
                    communes::located.eq(excluded(communes::located)),
                ))
                .execute(conn)?;
        }
        for chunk in naf_values.chunks(CHUNK) {
            diesel::insert_into(naf_codes::table)
                .values(chunk)
                .on_conflict(naf_codes::code)
                .do_update()
                .set((
                    naf_codes::level.eq(excluded(naf_codes::level)),
                    naf_codes::parent_code.eq(excluded(naf_codes::parent_code)),
                    naf_codes::section.eq(excluded(naf_codes::section)),
                    naf_codes::label.eq(excluded(naf_codes::label)),
                    naf_codes::search_label.eq(excluded(naf_codes::search_label)),
                ))
                .execute(conn)?;
        }
        Ok::<_, diesel::result::Error>(())
    })?;
    Ok(ImportCounts {
        regions: regions_rows.len(),
        departements: departement_values.len(),
        epcis: epci_rows.len(),
        communes: commune_values.len(),
        naf_codes: naf_values.len(),
    })
}

#[derive(Debug, Deserialize)]
struct EpciRow {
    code: String,
    name: String,
    kind: String,
}

/// True once communes and NAF codes are loaded (what `serve` checks at start).
pub fn is_loaded(conn: &mut PgConnection) -> QueryResult<bool> {
    let communes: i64 = communes::table.count().get_result(conn)?;
    let naf: i64 = naf_codes::table.count().get_result(conn)?;
    Ok(communes > 0 && naf > 0)
}

pub fn regions(conn: &mut PgConnection) -> QueryResult<Vec<Region>> {
    regions::table
        .select(Region::as_select())
        .order(regions::code)
        .load(conn)
}

pub fn departements(conn: &mut PgConnection) -> QueryResult<Vec<Departement>> {
    departements::table
        .select(Departement::as_select())
        .order(departements::code)
        .load(conn)
}

pub fn find_commune(conn: &mut PgConnection, code: &str) -> QueryResult<Option<Commune>> {
    communes::table
        .find(code)
        .select(Commune::as_select())
        .first(conn)
        .optional()
}

pub fn find_naf(conn: &mut PgConnection, code: &str) -> QueryResult<Option<NafEntry>> {
    naf_codes::table
        .find(code)
        .select(NafEntry::as_select())
        .first(conn)
        .optional()
}

pub fn existing_departements(
    conn: &mut PgConnection,
    codes: &[String],
) -> QueryResult<Vec<String>> {
    departements::table
        .filter(departements::code.eq_any(codes))
        .select(departements::code)
        .load(conn)
}

/// Communes for autocomplete: by postal code or INSEE code when the query is digits,
/// otherwise by name prefix ignoring case, accents and hyphens; biggest towns first.
pub fn search_communes(
    conn: &mut PgConnection,
    query: &str,
    limit: i64,
) -> QueryResult<Vec<Commune>> {
    let trimmed = query.trim();
    let mut select = communes::table.select(Commune::as_select()).into_boxed();
    if !trimmed.is_empty()
        && trimmed.chars().all(|c| c.is_ascii_alphanumeric())
        && trimmed.chars().any(|c| c.is_ascii_digit())
    {
        let code = trimmed.to_ascii_uppercase();
        if code.len() == 5 {
            select = select.filter(
                communes::postal_codes
                    .contains(vec![code.clone()])
                    .or(communes::code.eq(code)),
            );
        } else {
            select = select.filter(communes::code.like(format!("{}%", escape_like(&code))));
        }
    } else {
        let folded = fold(trimmed);
        if folded.is_empty() {
            return Ok(Vec::new());
        }
        select = select.filter(communes::search_name.like(format!("{}%", escape_like(&folded))));
    }
    select
        .order((communes::population.desc(), communes::code))
        .limit(limit)
        .load(conn)
}

/// NAF codes for autocomplete: by code prefix ("10.7", "1071") or by every word of the
/// query found in the label, accents ignored ("patisserie" finds 10.71C and 10.71D).
pub fn search_naf(conn: &mut PgConnection, query: &str, limit: i64) -> QueryResult<Vec<NafEntry>> {
    let trimmed = query.trim();
    let mut select = naf_codes::table.select(NafEntry::as_select()).into_boxed();
    let looks_like_code = trimmed.len() <= 6
        && trimmed.chars().next().is_some_and(|c| c.is_ascii_digit())
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.');
    if looks_like_code {
        let compact: String = trimmed
            .chars()
            .filter(|c| *c != '.')
            .collect::<String>()
            .to_ascii_uppercase();
        let prefix = if compact.len() > 2 {
            format!("{}.{}", &compact[..2], &compact[2..])
        } else {
            compact
        };
        select = select.filter(naf_codes::code.like(format!("{}%", escape_like(&prefix))));
    } else {
        let folded = fold(trimmed);
        if folded.is_empty() {
            return Ok(Vec::new());
        }
        if folded.len() == 1 {
            // A single letter is a section.
            select = select.filter(naf_codes::code.eq(folded.to_ascii_uppercase()));
        }
        for word in folded.split(' ').filter(|w| w.len() > 1) {
            select =
                select.filter(naf_codes::search_label.like(format!("%{}%", escape_like(word))));
        }
    }
    select.order(naf_codes::code).limit(limit).load(conn)
}
