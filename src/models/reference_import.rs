//! Importing the reference data of `data/reference` (INSEE communes and arrondissements,
//! départements, régions, EPCI, NAF rév. 2, EWC; see its README for sources) into its
//! tables, again whenever the files change (their SHA-256 is kept).

use crate::domain::territory::commune_search_key;
use crate::domain::text::fold;
use crate::schema::{
    communes, departements, epcis, ewc_codes, naf_codes, reference_imports, regions,
};
use anyhow::Context;
use diesel::prelude::*;
use diesel::upsert::excluded;
use serde::Deserialize;
use std::path::Path;

use super::reference::{Commune, Departement, NafEntry, Region};

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = epcis)]
struct NewEpci {
    code: String,
    name: String,
    kind: String,
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
struct ArrondissementRow {
    code: String,
    name: String,
    commune: String,
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

/// A line of `ewc.csv`: the European List of Waste (see data/reference/README.md).
#[derive(Debug, Deserialize)]
struct EwcRow {
    code: String,
    level: String,
    parent: String,
    hazardous: bool,
    label_fr: String,
    label_en: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = ewc_codes)]
struct NewEwc {
    code: String,
    level: String,
    parent_code: Option<String>,
    hazardous: bool,
    search_label: String,
    label_fr: String,
    label_en: String,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImportCounts {
    pub regions: usize,
    pub departements: usize,
    pub epcis: usize,
    pub communes: usize,
    pub arrondissements: usize,
    pub naf_codes: usize,
    pub ewc_codes: usize,
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
    let files_sha256 = files_sha256(dir)?;
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
    let arrondissement_rows: Vec<ArrondissementRow> = read_csv(dir, "arrondissements.csv")?;
    let arrondissement_values = arrondissement_rows
        .into_iter()
        .map(|r| {
            Ok(Commune {
                search_name: commune_search_key(&r.name),
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
                kind: "arrondissement".into(),
                parent_code: Some(r.commune),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let commune_values = read_csv::<CommuneRow>(dir, "communes.csv")?
        .into_iter()
        .map(|r| {
            Ok(Commune {
                search_name: commune_search_key(&r.name),
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
                kind: "commune".into(),
                parent_code: None,
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
    let ewc_values: Vec<NewEwc> = read_csv::<EwcRow>(dir, "ewc.csv")?
        .into_iter()
        .map(|r| NewEwc {
            search_label: fold(&format!("{} {}", r.label_fr, r.label_en)),
            parent_code: optional(&r.parent),
            code: r.code,
            level: r.level,
            hazardous: r.hazardous,
            label_fr: r.label_fr,
            label_en: r.label_en,
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
        // Communes first: an arrondissement refers to its commune.
        for chunk in commune_values
            .chunks(CHUNK)
            .chain(arrondissement_values.chunks(CHUNK))
        {
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
                    communes::kind.eq(excluded(communes::kind)),
                    communes::parent_code.eq(excluded(communes::parent_code)),
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
        for chunk in ewc_values.chunks(CHUNK) {
            diesel::insert_into(ewc_codes::table)
                .values(chunk)
                .on_conflict(ewc_codes::code)
                .do_update()
                .set((
                    ewc_codes::level.eq(excluded(ewc_codes::level)),
                    ewc_codes::parent_code.eq(excluded(ewc_codes::parent_code)),
                    ewc_codes::hazardous.eq(excluded(ewc_codes::hazardous)),
                    ewc_codes::search_label.eq(excluded(ewc_codes::search_label)),
                    ewc_codes::label_fr.eq(excluded(ewc_codes::label_fr)),
                    ewc_codes::label_en.eq(excluded(ewc_codes::label_en)),
                ))
                .execute(conn)?;
        }
        diesel::insert_into(reference_imports::table)
            .values(reference_imports::files_sha256.eq(&files_sha256))
            .on_conflict(reference_imports::id)
            .do_update()
            .set((
                reference_imports::files_sha256.eq(excluded(reference_imports::files_sha256)),
                reference_imports::imported_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        Ok::<_, diesel::result::Error>(())
    })?;
    Ok(ImportCounts {
        regions: regions_rows.len(),
        departements: departement_values.len(),
        epcis: epci_rows.len(),
        communes: commune_values.len(),
        arrondissements: arrondissement_values.len(),
        naf_codes: naf_values.len(),
        ewc_codes: ewc_values.len(),
    })
}

#[derive(Debug, Deserialize)]
struct EpciRow {
    code: String,
    name: String,
    kind: String,
}

/// The CSV files of the reference folder, in name order.
fn reference_files(dir: &Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    Ok(files)
}

/// SHA-256 of the reference CSV files (names and contents): which version was imported.
pub fn files_sha256(dir: &Path) -> anyhow::Result<String> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for file in reference_files(dir)? {
        hasher.update(file.file_name().unwrap_or_default().as_encoded_bytes());
        hasher.update(std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// True when the reference data in the database is the version of the files in `dir`
/// (what `serve` checks at start; a changed file is imported again).
pub fn is_current(conn: &mut PgConnection, dir: &Path) -> anyhow::Result<bool> {
    let expected = files_sha256(dir)?;
    let imported: Option<String> = reference_imports::table
        .select(reference_imports::files_sha256)
        .first(conn)
        .optional()?;
    Ok(imported.as_deref() == Some(expected.as_str()))
}
