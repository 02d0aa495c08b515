//! Reference data: régions, départements, EPCI, communes and NAF codes, imported from the
//! CSV files in `data/reference/` and queried for autocomplete and validation.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::territory::{commune_search_key, CommuneCode, LocatedCommune};
use crate::domain::text::{escape_like, fold};
use crate::schema::{communes, departements, epcis, ewc_codes, naf_codes, regions};

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
    /// `commune`, or `arrondissement` for the arrondissements municipaux of Paris, Lyon and
    /// Marseille (75101–75120, 69381–69389, 13201–13216), which the company register uses.
    pub kind: String,
    /// An arrondissement's commune (75056, 69123, 13055); its département, région and EPCI
    /// are that commune's.
    #[serde(rename = "parent")]
    pub parent_code: Option<String>,
}

impl Commune {
    /// How forms and pages name a commune: "Valence (26)".
    pub fn label(&self) -> String {
        format!("{} ({})", self.name, self.departement_code)
    }

    /// Does text typed (or shown) in a form still designate this commune? True for its
    /// label, its INSEE code, one of its postal codes, or the start of its name as people
    /// type it ("romans" for Romans-sur-Isère, "st etienne" for Saint-Étienne).
    pub fn fits_text(&self, text: &str) -> bool {
        let text = text.trim();
        if text.is_empty()
            || text == self.label()
            || text.eq_ignore_ascii_case(&self.code)
            || self.postal_codes.iter().any(|p| p == text)
        {
            return true;
        }
        let (name, inside) = split_parenthesis(text);
        if let Some(inside) = inside {
            let inside = inside.to_ascii_uppercase();
            if inside != self.code
                && inside != self.departement_code
                && !self.postal_codes.contains(&inside)
            {
                return false;
            }
        }
        let typed = commune_search_key(name);
        !typed.is_empty() && self.search_name.starts_with(&typed)
    }
}

impl Commune {
    /// The commune as the domain sees it (`None` only for a malformed reference row).
    pub fn located(self) -> Option<LocatedCommune> {
        Some(LocatedCommune {
            point: self.lat.zip(self.lon),
            code: CommuneCode::parse(&self.code).ok()?,
            name: self.name,
            departement: self.departement_code,
            region: self.region_code,
            epci: self.epci_code,
            parent: self.parent_code,
        })
    }
}

/// The commune (or arrondissement) of an INSEE code, located.
pub fn locate(conn: &mut PgConnection, code: &CommuneCode) -> QueryResult<Option<LocatedCommune>> {
    Ok(find_commune(conn, code.as_str())?.and_then(Commune::located))
}

/// "Valence (26)" → ("Valence", Some("26")); "Valence" → ("Valence", None).
fn split_parenthesis(text: &str) -> (&str, Option<&str>) {
    match text
        .trim()
        .strip_suffix(')')
        .and_then(|t| t.rsplit_once('('))
    {
        Some((name, inside)) => (name.trim(), Some(inside.trim())),
        None => (text.trim(), None),
    }
}

/// What a commune typed in a form designates.
#[derive(Debug, Clone)]
pub enum CommuneResolution {
    /// Exactly one commune.
    Found(Box<Commune>),
    /// Several communes fit (a shared name or postal code, a partial name): the person
    /// chooses; never resolved silently.
    Ambiguous(Vec<Commune>),
    /// Nothing fits.
    Unknown,
}

/// Resolves a commune typed in a form. `chosen` is the INSEE code the form carries beside
/// the text (from the autocomplete, a choice among candidates, or the stored value of an
/// edit form): it is kept exactly as long as the text still designates it, so a code is
/// never re-read as another kind of code. Otherwise the text is read as an INSEE code or a
/// postal code (both interpretations are candidates), "Name (département)", or a name.
pub fn resolve_commune(
    conn: &mut PgConnection,
    text: &str,
    chosen: Option<&str>,
) -> QueryResult<CommuneResolution> {
    let text = text.trim();
    if let Some(code) = chosen.map(str::trim).filter(|c| !c.is_empty()) {
        if let Some(found) = find_commune(conn, &code.to_ascii_uppercase())? {
            if found.fits_text(text) {
                return Ok(CommuneResolution::Found(Box::new(found)));
            }
        }
    }
    if text.is_empty() {
        return Ok(CommuneResolution::Unknown);
    }
    let (name, inside) = split_parenthesis(text);
    let code_like = |t: &str| {
        t.len() == 5
            && t.chars().all(|c| c.is_ascii_alphanumeric())
            && t.chars().any(|c| c.is_ascii_digit())
    };
    let candidates = if let Some(inside) = inside.filter(|i| code_like(i)) {
        // "Name (26281)" as older pages wrote it: the code, if the name still fits it.
        let mut found = communes_by_code_or_postal(conn, inside)?;
        found.retain(|c| c.fits_text(name));
        found
    } else if let Some(departement) = inside.filter(|i| !i.is_empty()) {
        let key = commune_search_key(name);
        let mut found = communes_named(conn, &key)?;
        found.retain(|c| c.departement_code.eq_ignore_ascii_case(departement));
        return Ok(named_resolution(found, &key));
    } else if code_like(text) {
        communes_by_code_or_postal(conn, text)?
    } else {
        let key = commune_search_key(text);
        if key.is_empty() {
            return Ok(CommuneResolution::Unknown);
        }
        let named = communes_named(conn, &key)?;
        if named.is_empty() {
            // The start of a name ("Roman"): never guessed, always chosen.
            let started = search_communes(conn, text, 8)?;
            return Ok(if started.is_empty() {
                CommuneResolution::Unknown
            } else {
                CommuneResolution::Ambiguous(started)
            });
        }
        return Ok(named_resolution(named, &key));
    };
    Ok(match candidates.len() {
        0 => CommuneResolution::Unknown,
        1 => CommuneResolution::Found(Box::new(candidates.into_iter().next().expect("one"))),
        _ => CommuneResolution::Ambiguous(candidates),
    })
}

/// A name typed in full designates a commune only when it is the whole name of exactly
/// one commune and the first words of none: "Romans" is Romans (01), Romans (79) and
/// Romans-sur-Isère (26), to choose from, never a guess.
fn named_resolution(candidates: Vec<Commune>, key: &str) -> CommuneResolution {
    match candidates.as_slice() {
        [] => CommuneResolution::Unknown,
        [only] if only.search_name == key => {
            CommuneResolution::Found(Box::new(candidates.into_iter().next().expect("one")))
        }
        _ => CommuneResolution::Ambiguous(candidates),
    }
}

/// The commune with this INSEE code and those with this postal code: both readings of
/// five digits, the INSEE code first, then by population.
fn communes_by_code_or_postal(conn: &mut PgConnection, code: &str) -> QueryResult<Vec<Commune>> {
    let code = code.to_ascii_uppercase();
    communes::table
        .filter(
            communes::code
                .eq(&code)
                .or(communes::postal_codes.contains(vec![code.clone()])),
        )
        .select(Commune::as_select())
        .order((
            communes::code.eq(code.clone()).desc(),
            communes::population.desc(),
            communes::code,
        ))
        .limit(20)
        .load(conn)
}

/// Communes whose whole name is this search key ("valence" → the three Valence) or whose
/// name starts with it as whole words ("romans" → also Romans-sur-Isère, not Romanswiller),
/// the most populated first.
fn communes_named(conn: &mut PgConnection, key: &str) -> QueryResult<Vec<Commune>> {
    communes::table
        .filter(
            communes::search_name.eq(key).or(communes::search_name
                .like(format!("{} %", escape_like(key)))
                .and(communes::kind.eq("commune"))),
        )
        .select(Commune::as_select())
        .order((communes::population.desc(), communes::code))
        .limit(20)
        .load(conn)
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

/// Communes for autocomplete: by postal code or INSEE code when the query has digits,
/// otherwise by the start of the name as people type it (see
/// [`commune_search_key`]: articles, St/Ste, hyphens, apostrophes, accents and case do not
/// matter). The exact code and the exact name come first, then the biggest places.
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
                    .or(communes::code.eq(code.clone())),
            );
        } else {
            select = select.filter(communes::code.like(format!("{}%", escape_like(&code))));
        }
        return select
            .order((
                communes::code.eq(code).desc(),
                communes::population.desc(),
                communes::code,
            ))
            .limit(limit)
            .load(conn);
    }
    let key = commune_search_key(trimmed);
    if key.is_empty() {
        return Ok(Vec::new());
    }
    select
        .filter(communes::search_name.like(format!("{}%", escape_like(&key))))
        .order((
            communes::search_name.eq(key).desc(),
            communes::population.desc(),
            communes::code,
        ))
        .limit(limit)
        .load(conn)
}

/// Every commune and arrondissement, for checks over the whole reference table.
pub fn all_communes(conn: &mut PgConnection) -> QueryResult<Vec<Commune>> {
    communes::table
        .select(Commune::as_select())
        .order(communes::code)
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

/// Is there an EPCI with this SIREN code?
pub fn epci_exists(conn: &mut PgConnection, code: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        epcis::table.filter(epcis::code.eq(code)),
    ))
    .get_result(conn)
}

/// An entry of the European List of Waste.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = ewc_codes)]
pub struct EwcEntry {
    /// `"03 01 05"`; a chapter is `"03"`, a sub-chapter `"03 01"`.
    pub code: String,
    /// `chapter`, `subchapter` or `entry`; only entries name a listing's waste.
    pub level: String,
    /// Hazardous ("déchet dangereux", marked with an asterisk in the list).
    pub hazardous: bool,
    pub label_fr: String,
    pub label_en: String,
}

/// The entry (not a chapter) with this code.
pub fn find_ewc_entry(conn: &mut PgConnection, code: &str) -> QueryResult<Option<EwcEntry>> {
    ewc_codes::table
        .filter(ewc_codes::code.eq(code))
        .filter(ewc_codes::level.eq("entry"))
        .select(EwcEntry::as_select())
        .first(conn)
        .optional()
}

/// EWC codes for autocomplete: by code prefix ("03 01", "0301") or by every word of the
/// query in the French label, accents ignored ("sciure").
pub fn search_ewc(conn: &mut PgConnection, query: &str, limit: i64) -> QueryResult<Vec<EwcEntry>> {
    let trimmed = query.trim();
    let digits: String = trimmed.chars().filter(|c| c.is_ascii_digit()).collect();
    // Only entries name a listing's waste; chapters group them.
    let mut select = ewc_codes::table
        .filter(ewc_codes::level.eq("entry"))
        .select(EwcEntry::as_select())
        .into_boxed();
    if !digits.is_empty()
        && trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace() || c == '*')
    {
        let spaced: String = digits
            .as_bytes()
            .chunks(2)
            .map(|pair| String::from_utf8_lossy(pair).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        select = select.filter(ewc_codes::code.like(format!("{}%", escape_like(&spaced))));
    } else {
        let folded = fold(trimmed);
        if folded.is_empty() {
            return Ok(Vec::new());
        }
        for word in folded.split(' ').filter(|w| w.len() > 1) {
            select =
                select.filter(ewc_codes::search_label.like(format!("%{}%", escape_like(word))));
        }
    }
    select.order(ewc_codes::code).limit(limit).load(conn)
}

/// Every commune's `(INSEE code, name, département)`, for naming codes on pages.
pub fn commune_names(conn: &mut PgConnection) -> QueryResult<Vec<(String, String, String)>> {
    communes::table
        .select((communes::code, communes::name, communes::departement_code))
        .load(conn)
}

/// Every NAF code with its label (INSEE, NAF rév. 2).
pub fn naf_labels(conn: &mut PgConnection) -> QueryResult<Vec<(String, String)>> {
    naf_codes::table
        .select((naf_codes::code, naf_codes::label))
        .load(conn)
}

/// `(code, name)` pairs of a territorial level.
pub type Names = Vec<(String, String)>;

/// Every département's and région's `(code, name)`.
pub fn territory_names(conn: &mut PgConnection) -> QueryResult<(Names, Names)> {
    let departements = departements::table
        .select((departements::code, departements::name))
        .load(conn)?;
    let regions = regions::table
        .select((regions::code, regions::name))
        .load(conn)?;
    Ok((departements, regions))
}
