//! Measuring how good matching is, on a labelled set (`data/evaluation/matching-fr.json`;
//! its format is in the README, "Evaluating matching"): the set's enterprises and listings
//! are loaded into a fresh database through the same operations people use, every listing
//! is published (so its matches are computed), and each need's matches, best first, are
//! held against the offers the set says should and should not match.
//!
//! Figures, over the needs (`ptce evaluate-matching` prints them):
//! - **precision@5**: among a need's first five matches, the share of judged ones that are
//!   relevant (an offer the set does not judge for that need is left out, not counted
//!   wrong); needs whose first five hold no judged offer are left out;
//! - **recall@10**: the share of a need's relevant offers among its first ten matches,
//!   over the needs with at least one relevant offer;
//! - **MRR**: the mean of 1 / the rank of the first relevant offer (0 when none is found),
//!   over the same needs;
//! - **quiet needs**: of the needs with nothing relevant, how many get no irrelevant offer.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use anyhow::Context;
use diesel::PgConnection;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::auth::Caller;
use crate::domain::account::{Locale, Role};
use crate::domain::enterprise::LegalForm;
use crate::domain::listing::{Category, Kind, Period, Visibility};
use crate::domain::siret::siret_for;
use crate::domain::units::Unit;
use crate::models::account::{self, NewAccount};
use crate::models::enterprise::{self, NewEnterprise};
use crate::models::ids::ListingId;
use crate::models::pole::{self, NewPole};
use crate::models::{matching, reference};
use crate::ops::listings::{self, ListingFields, NewListingCommand};
use crate::ops::Env;

/// The shipped set.
pub const DEFAULT_SET: &str = "data/evaluation/matching-fr.json";

/// The floors the shipped set must stay above (a test checks them).
pub const PRECISION_AT_5_FLOOR: f64 = 0.80;
pub const RECALL_AT_10_FLOOR: f64 = 0.90;

#[derive(Debug, Deserialize)]
pub struct EvaluationSet {
    #[serde(default)]
    pub name: String,
    pub enterprises: Vec<SetEnterprise>,
    pub listings: Vec<SetListing>,
    pub judgments: Vec<Judgment>,
}

#[derive(Debug, Deserialize)]
pub struct SetEnterprise {
    pub key: String,
    pub name: String,
    /// NAF rév. 2 subclass.
    pub naf: String,
    /// INSEE commune code.
    pub commune: String,
    pub legal_form: String,
}

#[derive(Debug, Deserialize)]
pub struct SetListing {
    pub key: String,
    /// The key of its enterprise.
    pub enterprise: String,
    pub kind: Kind,
    pub category: Category,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The listing's NAF code; the enterprise's when absent.
    pub naf: Option<String>,
    pub radius_km: Option<i32>,
    #[serde(default)]
    pub national: bool,
    pub quantity: Option<Decimal>,
    pub unit: Option<Unit>,
    pub unit_price: Option<Decimal>,
    pub period: Option<Period>,
    #[serde(default)]
    pub details: serde_json::Value,
}

/// What should match a need, and what must not.
#[derive(Debug, Deserialize)]
pub struct Judgment {
    pub need: String,
    #[serde(default)]
    pub relevant: Vec<String>,
    #[serde(default)]
    pub irrelevant: Vec<String>,
    #[serde(default)]
    pub note: String,
}

/// The figures of one run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub listings: usize,
    pub needs_judged: usize,
    pub precision_at_5: f64,
    pub recall_at_10: f64,
    pub mrr: f64,
    /// Needs with nothing relevant, and how many of them got no irrelevant offer.
    pub needs_without_relevant: usize,
    pub quiet_needs: usize,
    /// Needs whose relevant offers were not all found in their first ten, with those
    /// missed: what to look at first.
    pub misses: Vec<(String, Vec<String>)>,
}

impl fmt::Display for Figures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "listings published      {}", self.listings)?;
        writeln!(f, "needs judged            {}", self.needs_judged)?;
        writeln!(f, "precision@5             {:.3}", self.precision_at_5)?;
        writeln!(f, "recall@10               {:.3}", self.recall_at_10)?;
        writeln!(f, "mean reciprocal rank    {:.3}", self.mrr)?;
        write!(
            f,
            "quiet needs             {} of {} needs with nothing relevant get no irrelevant offer",
            self.quiet_needs, self.needs_without_relevant
        )?;
        for (need, missed) in &self.misses {
            write!(f, "\n  missed for {need}: {}", missed.join(", "))?;
        }
        Ok(())
    }
}

/// Reads a set from a JSON file.
pub fn read(path: &std::path::Path) -> anyhow::Result<EvaluationSet> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))
}

/// Loads the set into the database `conn` points at (migrated, with reference data, and
/// otherwise empty), publishes every listing, and measures the matches.
pub fn run(conn: &mut PgConnection, env: &Env, set: &EvaluationSet) -> anyhow::Result<Figures> {
    let ids = load(conn, env, set)?;
    measure(conn, set, &ids)
}

/// Creates the set's enterprises (approved members of one pôle covering their
/// départements) and publishes its listings; returns each listing's id by key.
fn load(
    conn: &mut PgConnection,
    env: &Env,
    set: &EvaluationSet,
) -> anyhow::Result<HashMap<String, ListingId>> {
    let hash = account::hash_password("evaluation only, never signed in")?;
    let admin = account::insert(
        conn,
        &NewAccount {
            email: "evaluation@ptce.invalid",
            password_hash: &hash,
            display_name: "Evaluation",
            role: Role::Admin,
            locale: Locale::Fr,
        },
    )?;
    let mut departements = BTreeSet::new();
    for e in &set.enterprises {
        let commune = reference::find_commune(conn, &e.commune)?
            .with_context(|| format!("enterprise {}: unknown commune {}", e.key, e.commune))?;
        departements.insert(commune.departement_code);
    }
    let first = set
        .enterprises
        .first()
        .context("the set has no enterprise")?;
    let departements: Vec<String> = departements.into_iter().collect();
    let pole = pole::create(
        conn,
        &NewPole {
            slug: "evaluation",
            name: "Évaluation",
            description: "The evaluation set's enterprises.",
            commune_code: &first.commune,
        },
        &departements,
    )?;
    let mut callers = HashMap::new();
    for (n, e) in set.enterprises.iter().enumerate() {
        let email = format!("member{n}@evaluation.ptce.invalid");
        let member = account::insert(
            conn,
            &NewAccount {
                email: &email,
                password_hash: &hash,
                display_name: &e.name,
                role: Role::Member,
                locale: Locale::Fr,
            },
        )?;
        let siret = siret_for(70_000_000 + n as u32, 1);
        let legal_form = LegalForm::parse(&e.legal_form)
            .with_context(|| format!("enterprise {}: legal form {}", e.key, e.legal_form))?;
        let created = enterprise::create(
            conn,
            &NewEnterprise {
                siret: &siret,
                name: &e.name,
                legal_form,
                ess: true,
                naf_code: &e.naf,
                commune_code: &e.commune,
                headcount: 5,
            },
            member.id,
            &[pole.id],
            &[],
        )?;
        enterprise::approve_membership(conn, pole.id, created.id, admin.id)?;
        callers.insert(
            e.key.clone(),
            (
                created,
                Caller {
                    account: member,
                    token_id: 0,
                },
            ),
        );
    }
    let mut ids = HashMap::new();
    for l in &set.listings {
        let (found, caller) = callers
            .get(&l.enterprise)
            .with_context(|| format!("listing {}: unknown enterprise {}", l.key, l.enterprise))?;
        let command = NewListingCommand {
            enterprise_id: found.id,
            kind: l.kind,
            category: l.category,
            fields: ListingFields {
                title: l.title.clone(),
                description: l.description.clone(),
                naf: l.naf.clone().unwrap_or_else(|| found.naf_code.clone()),
                commune: found.commune_code.clone(),
                radius_km: l.radius_km,
                national: l.national,
                quantity: l.quantity,
                unit: l.unit,
                unit_price: l.unit_price,
                available_from: None,
                valid_until: None,
                details: l.details.clone(),
                visibility: Visibility::Public,
                period: l.period,
            },
            publish: true,
        };
        let created = listings::create(conn, env, caller, command)
            .map_err(|e| anyhow::anyhow!("listing {}: {e:?}", l.key))?;
        ids.insert(l.key.clone(), created.listing.id);
    }
    Ok(ids)
}

/// Each judged need's matches, best first, against its labels.
fn measure(
    conn: &mut PgConnection,
    set: &EvaluationSet,
    ids: &HashMap<String, ListingId>,
) -> anyhow::Result<Figures> {
    let key_of: HashMap<ListingId, &str> = ids.iter().map(|(k, v)| (*v, k.as_str())).collect();
    let mut ranked = Vec::new();
    for judgment in &set.judgments {
        let need = ids
            .get(&judgment.need)
            .with_context(|| format!("judgment: unknown need {}", judgment.need))?;
        let offers: Vec<String> = matching::of_listing(conn, *need)?
            .into_iter()
            .filter(|m| m.need_id == *need)
            .filter_map(|m| key_of.get(&m.offer_id).map(|k| k.to_string()))
            .collect();
        ranked.push((judgment, offers));
    }
    let mut figures = figures(&ranked);
    figures.listings = set.listings.len();
    Ok(figures)
}

/// The figures of needs' ranked offers (pure: see the module's words for each).
pub fn figures(ranked: &[(&Judgment, Vec<String>)]) -> Figures {
    let mut precision = Vec::new();
    let mut recall = Vec::new();
    let mut reciprocal = Vec::new();
    let mut figures = Figures::default();
    for (judgment, offers) in ranked {
        let relevant: BTreeSet<&str> = judgment.relevant.iter().map(String::as_str).collect();
        let irrelevant: BTreeSet<&str> = judgment.irrelevant.iter().map(String::as_str).collect();
        let top5: Vec<&str> = offers.iter().take(5).map(String::as_str).collect();
        let judged = top5
            .iter()
            .filter(|o| relevant.contains(*o) || irrelevant.contains(*o))
            .count();
        if judged > 0 {
            let hits = top5.iter().filter(|o| relevant.contains(*o)).count();
            precision.push(hits as f64 / judged as f64);
        }
        if relevant.is_empty() {
            figures.needs_without_relevant += 1;
            if !offers.iter().any(|o| irrelevant.contains(o.as_str())) {
                figures.quiet_needs += 1;
            }
            continue;
        }
        let top10: BTreeSet<&str> = offers.iter().take(10).map(String::as_str).collect();
        let found = relevant.iter().filter(|r| top10.contains(*r)).count();
        recall.push(found as f64 / relevant.len() as f64);
        if found < relevant.len() {
            let missed = relevant
                .iter()
                .filter(|r| !top10.contains(*r))
                .map(|r| r.to_string())
                .collect();
            figures.misses.push((judgment.need.clone(), missed));
        }
        let first = offers.iter().position(|o| relevant.contains(o.as_str()));
        reciprocal.push(first.map_or(0.0, |rank| 1.0 / (rank + 1) as f64));
    }
    let mean = |values: &[f64]| {
        if values.is_empty() {
            0.0
        } else {
            values.iter().sum::<f64>() / values.len() as f64
        }
    };
    figures.needs_judged = ranked.len();
    figures.precision_at_5 = mean(&precision);
    figures.recall_at_10 = mean(&recall);
    figures.mrr = mean(&reciprocal);
    figures
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judgment(need: &str, relevant: &[&str], irrelevant: &[&str]) -> Judgment {
        Judgment {
            need: need.into(),
            relevant: relevant.iter().map(|s| s.to_string()).collect(),
            irrelevant: irrelevant.iter().map(|s| s.to_string()).collect(),
            note: String::new(),
        }
    }

    fn ranked(keys: &[&str]) -> Vec<String> {
        keys.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn figures_count_only_judged_offers_and_rank_the_first_relevant_one() {
        let a = judgment("n-a", &["o1", "o2"], &["o3"]);
        let b = judgment("n-b", &["o4"], &["o5"]);
        let c = judgment("n-c", &[], &["o6"]);
        let runs = vec![
            // o9 is not judged for n-a: left out of its precision.
            (&a, ranked(&["o9", "o1", "o3"])),
            (&b, ranked(&["o5", "o4"])),
            (&c, ranked(&[])),
        ];
        let figures = figures(&runs);
        // n-a: 1 relevant of 2 judged; n-b: 1 of 2.
        assert!((figures.precision_at_5 - 0.5).abs() < 1e-9, "{figures:?}");
        // n-a found o1 but not o2; n-b found o4.
        assert!((figures.recall_at_10 - 0.75).abs() < 1e-9);
        // n-a: first relevant at rank 2; n-b at rank 2.
        assert!((figures.mrr - 0.5).abs() < 1e-9);
        assert_eq!(
            (figures.needs_without_relevant, figures.quiet_needs),
            (1, 1)
        );
        assert_eq!(
            figures.misses,
            vec![("n-a".to_string(), vec!["o2".to_string()])]
        );
    }
}
