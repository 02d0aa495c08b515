//! Names for the codes the views carry, so pages say "Valence (26)", "Sciage et rabotage du
//! bois (16.10A)" and "Pôle Sud Drôme" where the API says `26362`, `16.10A` and
//! `pole-sud-drome`.
//!
//! The reference names (communes, NAF, départements, régions: INSEE) change only when the
//! reference data is imported again, so each node keeps them in memory and reads them again
//! after [`REFERENCE_TTL`]. Pôles are created while the service runs, on any node: their
//! names are read for each page that asks for them (one small query).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::db::{self, DbPool};
use crate::error::AppResult;
use crate::models::{listing_search, pole, reference};

/// How long a node trusts the reference names it read.
pub const REFERENCE_TTL: Duration = Duration::from_secs(600);

/// Names of the INSEE and NAF codes.
#[derive(Debug, Default)]
pub struct ReferenceNames {
    /// INSEE code → (name, département code).
    communes: HashMap<String, (String, String)>,
    naf: HashMap<String, String>,
    departements: HashMap<String, String>,
    regions: HashMap<String, String>,
}

impl ReferenceNames {
    fn load(conn: &mut diesel::PgConnection) -> AppResult<ReferenceNames> {
        let communes = reference::commune_names(conn)?
            .into_iter()
            .map(|(code, name, departement)| (code, (name, departement)))
            .collect();
        let naf = reference::naf_labels(conn)?.into_iter().collect();
        let (departements, regions) = reference::territory_names(conn)?;
        Ok(ReferenceNames {
            communes,
            naf,
            departements: departements.into_iter().collect(),
            regions: regions.into_iter().collect(),
        })
    }
}

/// How long a node shows the same counts of listings per département on the search map.
pub const MAP_TTL: Duration = Duration::from_secs(60);

/// What one node keeps for its pages: the reference names (see the module's documentation)
/// and the counts of the search page's map, which read every open listing and so are
/// counted at most once a minute per node, not once per page.
#[derive(Default)]
pub struct PageCache {
    reference: RwLock<Option<(Instant, Arc<ReferenceNames>)>>,
    listing_map: RwLock<Option<(Instant, Arc<ListingsPerDepartement>)>>,
}

/// Open public listings by département code.
pub type ListingsPerDepartement = HashMap<String, i64>;

impl PageCache {
    /// The reference names, read again when older than [`REFERENCE_TTL`].
    pub async fn reference(&self, pool: &DbPool) -> AppResult<Arc<ReferenceNames>> {
        if let Some((read_at, names)) = self.reference.read().expect("name cache").as_ref() {
            if read_at.elapsed() < REFERENCE_TTL {
                return Ok(names.clone());
            }
        }
        let names = Arc::new(db::run(pool, ReferenceNames::load).await?);
        *self.reference.write().expect("name cache") = Some((Instant::now(), names.clone()));
        Ok(names)
    }

    /// Open public listings per département code, at most [`MAP_TTL`] old.
    pub async fn listings_per_departement(
        &self,
        pool: &DbPool,
    ) -> AppResult<Arc<ListingsPerDepartement>> {
        if let Some((read_at, counts)) = self.listing_map.read().expect("map cache").as_ref() {
            if read_at.elapsed() < MAP_TTL {
                return Ok(counts.clone());
            }
        }
        let counts: ListingsPerDepartement =
            db::run(pool, |conn| Ok(listing_search::open_per_departement(conn)?))
                .await?
                .into_iter()
                .collect();
        let counts = Arc::new(counts);
        *self.listing_map.write().expect("map cache") = Some((Instant::now(), counts.clone()));
        Ok(counts)
    }
}

/// What a page names codes with: the reference names and the pôles'.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    reference: Arc<ReferenceNames>,
    poles: Arc<HashMap<String, String>>,
}

impl Labels {
    /// The names for one page: the node's reference names and the pôles' as they are now.
    pub async fn for_page(cache: &PageCache, pool: &DbPool) -> AppResult<Labels> {
        let reference = cache.reference(pool).await?;
        let poles = db::run(pool, |conn| Ok(pole::all_names(conn)?)).await?;
        Ok(Labels {
            reference,
            poles: Arc::new(poles.into_iter().collect()),
        })
    }

    /// "Valence (26)"; the code itself when it is unknown.
    pub fn commune(&self, code: &str) -> String {
        match self.reference.communes.get(code) {
            Some((name, departement)) => format!("{name} ({departement})"),
            None => code.to_string(),
        }
    }

    /// "Drôme (26)".
    pub fn departement(&self, code: &str) -> String {
        match self.reference.departements.get(code) {
            Some(name) => format!("{name} ({code})"),
            None => code.to_string(),
        }
    }

    /// "Auvergne-Rhône-Alpes".
    pub fn region(&self, code: &str) -> String {
        self.reference
            .regions
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }

    /// The NAF label of a code at any level, "Sciage et rabotage du bois"; the code when
    /// it is unknown.
    pub fn naf(&self, code: &str) -> String {
        self.reference
            .naf
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }

    /// The pôle's name from its slug; the slug when the pôle is unknown.
    pub fn pole(&self, slug: &str) -> String {
        self.poles
            .get(slug)
            .cloned()
            .unwrap_or_else(|| slug.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Labels {
        let mut reference = ReferenceNames::default();
        reference
            .communes
            .insert("26362".into(), ("Valence".into(), "26".into()));
        reference
            .naf
            .insert("16.10A".into(), "Sciage et rabotage du bois".into());
        reference.departements.insert("26".into(), "Drôme".into());
        Labels {
            reference: Arc::new(reference),
            poles: Arc::new(HashMap::from([(
                "sud-drome".to_string(),
                "Pôle Sud Drôme".to_string(),
            )])),
        }
    }

    #[test]
    fn codes_are_named_and_unknown_codes_stay_as_they_are() {
        let labels = sample();
        assert_eq!(labels.commune("26362"), "Valence (26)");
        assert_eq!(labels.commune("99999"), "99999");
        assert_eq!(labels.naf("16.10A"), "Sciage et rabotage du bois");
        assert_eq!(labels.departement("26"), "Drôme (26)");
        assert_eq!(labels.pole("sud-drome"), "Pôle Sud Drôme");
        assert_eq!(labels.pole("ailleurs"), "ailleurs");
    }
}
