//! Keeping takeover teasers anonymous (see `domain::takeover`): a takeover's teaser is
//! computed when it opens, and the upkeep recomputes every open takeover's teaser when the
//! public directory changes (an approval, an enterprise that moves or grows).

use std::sync::Mutex;

use diesel::PgConnection;

use crate::domain::listing::Category;
use crate::domain::takeover::{coarsen, DirectoryCounts, TakeoverFacts};
use crate::error::AppResult;
use crate::models::listing::{self, Listing};
use crate::models::{enterprise, reference};

/// Recomputes what one takeover's teaser shows from the current directory.
pub fn refresh_teaser(conn: &mut PgConnection, found: &Listing) -> AppResult<()> {
    if found.category != Category::BusinessTakeover {
        return Ok(());
    }
    let section = reference::find_naf(conn, &found.naf_code)?
        .map(|n| n.section)
        .unwrap_or_default();
    let facts = TakeoverFacts {
        naf: found.naf_code.clone(),
        section,
        departement: found.departement_code.clone(),
        region: found.region_code.clone(),
        headcount_band: found
            .details
            .get("headcount_band")
            .and_then(|v| serde_json::from_value(v.clone()).ok()),
    };
    let directory = DirectoryCounts::new(&enterprise::directory(conn)?);
    listing::set_teaser(conn, found.id, &coarsen(&facts, &directory))?;
    Ok(())
}

/// How many takeovers are read at a time.
const TEASER_PAGE: i64 = 5_000;

/// The directory this node last brought every teaser up to date with.
static LAST_DIRECTORY: Mutex<Option<String>> = Mutex::new(None);

/// Brings every open takeover's teaser up to date when the directory changed since this
/// node last did (the upkeep, every minute): the directory is counted once, and only the
/// teasers that change are written. Returns how many changed.
pub fn refresh_all_teasers(conn: &mut PgConnection) -> AppResult<usize> {
    let fingerprint = enterprise::directory_fingerprint(conn)?;
    let unchanged = LAST_DIRECTORY
        .lock()
        .map(|last| last.as_deref() == Some(fingerprint.as_str()))
        .unwrap_or(false);
    if unchanged {
        return Ok(0);
    }
    let directory = DirectoryCounts::new(&enterprise::directory(conn)?);
    let mut changed = 0;
    // In pages of a few thousand, so that a quarter of a million takeovers (the benchmark's)
    // never sit in memory at once.
    let mut after = crate::models::ids::ListingId(0);
    loop {
        let page = listing::open_takeover_teasers(conn, after, TEASER_PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for row in &page {
            let shown = coarsen(&row.facts, &directory);
            if shown != row.shown {
                listing::set_teaser(conn, row.id, &shown)?;
                changed += 1;
            }
        }
    }
    if let Ok(mut last) = LAST_DIRECTORY.lock() {
        *last = Some(fingerprint);
    }
    Ok(changed)
}
