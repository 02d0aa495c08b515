//! What the public teaser of a business takeover may show without singling the seller
//! out: nothing public, alone or combined, may narrow a teaser to fewer than
//! [`MIN_ANONYMITY`] enterprises (k-anonymity, k = 5).
//!
//! The public directory shows each member's NAF code and, to signed-in accounts, its
//! commune and headcount. The teaser's sector, place and headcount band are coarsened —
//! NAF subclass → class → group in the département, then the same in the région, then
//! the NAF division and section in the région, then France, then no headcount band, then
//! no sector — until at least five enterprises of the directory fit everything it shows.
//! The trade is widened last because it is what tells a buyer whether to ask.

use std::collections::HashMap;

use super::listing::HeadcountBand;

/// Where a buyer's contact request stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ContactStatus {
    Pending,
    /// The seller agreed: the buyer's enterprise now sees the whole listing.
    Accepted,
    Declined,
}

crate::named!(ContactStatus {
    Pending => "pending",
    Accepted => "accepted",
    Declined => "declined",
});

/// The smallest number of enterprises a teaser may point to.
pub const MIN_ANONYMITY: usize = 5;

/// An enterprise of the directory, as anyone signed in can read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryEntry {
    /// NAF subclass, such as `26.52Z`.
    pub naf: String,
    /// NAF section letter, such as `C`.
    pub section: String,
    pub departement: String,
    pub region: String,
    pub headcount: i32,
}

/// What a takeover says of itself before coarsening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakeoverFacts {
    pub naf: String,
    pub section: String,
    pub departement: String,
    pub region: String,
    pub headcount_band: Option<HeadcountBand>,
}

/// What the teaser shows. `None` means the field is not shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeaserShown {
    /// A NAF code at some level (`26.52Z`, `26.52`, `26.5`, `26`) or a section (`C`).
    pub naf: Option<String>,
    pub departement: Option<String>,
    pub region: Option<String>,
    pub headcount_band: bool,
}

impl HeadcountBand {
    /// Does this headcount fall in the band?
    pub fn contains(self, headcount: i32) -> bool {
        match self {
            HeadcountBand::None => headcount == 0,
            HeadcountBand::From1To9 => (1..=9).contains(&headcount),
            HeadcountBand::From10To49 => (10..=49).contains(&headcount),
            HeadcountBand::From50To249 => (50..=249).contains(&headcount),
            HeadcountBand::From250 => headcount >= 250,
        }
    }
}

/// The NAF code at a level: 6 characters (subclass), 5 (class), 4 (group), 2 (division).
fn naf_prefix(naf: &str, len: usize) -> String {
    naf.chars().take(len).collect()
}

impl TeaserShown {
    /// Does a directory entry fit everything shown?
    pub fn fits(&self, entry: &DirectoryEntry, band: Option<HeadcountBand>) -> bool {
        let sector = match &self.naf {
            None => true,
            Some(code) if code.len() == 1 => entry.section == *code,
            Some(code) => entry.naf.starts_with(code.as_str()),
        };
        let place = match (&self.departement, &self.region) {
            (Some(d), _) => entry.departement == *d,
            (None, Some(r)) => entry.region == *r,
            (None, None) => true,
        };
        let headcount = match (self.headcount_band, band) {
            (true, Some(band)) => band.contains(entry.headcount),
            _ => true,
        };
        sector && place && headcount
    }
}

impl HeadcountBand {
    /// The band a headcount falls in.
    pub fn of(headcount: i32) -> HeadcountBand {
        match headcount {
            i32::MIN..=0 => HeadcountBand::None,
            1..=9 => HeadcountBand::From1To9,
            10..=49 => HeadcountBand::From10To49,
            50..=249 => HeadcountBand::From50To249,
            _ => HeadcountBand::From250,
        }
    }
}

/// The directory counted once for every question a teaser can ask: how many enterprises
/// fit each (sector shown, place shown, headcount band) — so that keeping thousands of
/// teasers up to date costs a few lookups each, not a pass over the directory each.
#[derive(Debug, Default)]
pub struct DirectoryCounts {
    counts: HashMap<(String, String, Option<HeadcountBand>), usize>,
}

impl DirectoryCounts {
    pub fn new(directory: &[DirectoryEntry]) -> DirectoryCounts {
        let mut counts: HashMap<_, usize> = HashMap::new();
        for entry in directory {
            let sectors = [
                naf_prefix(&entry.naf, 6),
                naf_prefix(&entry.naf, 5),
                naf_prefix(&entry.naf, 4),
                naf_prefix(&entry.naf, 2),
                format!("S{}", entry.section),
                String::new(),
            ];
            let places = [
                format!("d{}", entry.departement),
                format!("r{}", entry.region),
                String::new(),
            ];
            let sectors: std::collections::BTreeSet<String> = sectors.into_iter().collect();
            for sector in &sectors {
                for place in &places {
                    for band in [None, Some(HeadcountBand::of(entry.headcount))] {
                        *counts
                            .entry((sector.clone(), place.clone(), band))
                            .or_default() += 1;
                    }
                }
            }
        }
        DirectoryCounts { counts }
    }

    /// How many enterprises fit everything `shown` shows of a takeover of this band.
    fn count(&self, shown: &TeaserShown, band: Option<HeadcountBand>) -> usize {
        let sector = match &shown.naf {
            None => String::new(),
            Some(code) if code.len() == 1 => format!("S{code}"),
            Some(code) => code.clone(),
        };
        let place = match (&shown.departement, &shown.region) {
            (Some(d), _) => format!("d{d}"),
            (None, Some(r)) => format!("r{r}"),
            (None, None) => String::new(),
        };
        let band = band.filter(|_| shown.headcount_band);
        self.counts
            .get(&(sector, place, band))
            .copied()
            .unwrap_or(0)
    }
}

/// The finest teaser that at least [`MIN_ANONYMITY`] enterprises of the directory fit.
pub fn coarsen(facts: &TakeoverFacts, directory: &DirectoryCounts) -> TeaserShown {
    let band = facts.headcount_band.is_some();
    let dep = || Some(facts.departement.clone());
    let reg = || Some(facts.region.clone());
    let code = |len: usize| Some(naf_prefix(&facts.naf, len));
    let section = || Some(facts.section.clone());
    let levels = [
        (code(6), dep(), None, band),
        (code(5), dep(), None, band),
        (code(4), dep(), None, band),
        // The trade says more to a buyer than the département: widen the place first.
        (code(6), None, reg(), band),
        (code(5), None, reg(), band),
        (code(4), None, reg(), band),
        (code(2), None, reg(), band),
        (section(), None, reg(), band),
        (section(), None, None, band),
        (section(), None, None, false),
        (None, None, None, false),
    ];
    for (naf, departement, region, headcount_band) in levels {
        let shown = TeaserShown {
            naf,
            departement,
            region,
            headcount_band,
        };
        if directory.count(&shown, facts.headcount_band) >= MIN_ANONYMITY {
            return shown;
        }
    }
    TeaserShown {
        naf: None,
        departement: None,
        region: None,
        headcount_band: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(naf: &str, departement: &str, region: &str, headcount: i32) -> DirectoryEntry {
        DirectoryEntry {
            naf: naf.into(),
            section: if naf.starts_with("26") {
                "C".into()
            } else {
                "G".into()
            },
            departement: departement.into(),
            region: region.into(),
            headcount,
        }
    }

    fn facts() -> TakeoverFacts {
        TakeoverFacts {
            naf: "26.52Z".into(),
            section: "C".into(),
            departement: "25".into(),
            region: "27".into(),
            headcount_band: Some(HeadcountBand::From1To9),
        }
    }

    #[test]
    fn a_watchmaker_alone_in_the_doubs_is_shown_by_naf_group_and_region() {
        // The seller and four other makers of instruments in Bourgogne-Franche-Comté, but
        // only the seller in the Doubs.
        let mut directory = vec![entry("26.52Z", "25", "27", 6)];
        for d in ["21", "39", "70", "90"] {
            directory.push(entry("26.51A", d, "27", 5));
        }
        directory.push(entry("47.11A", "25", "27", 3));
        let shown = coarsen(&facts(), &DirectoryCounts::new(&directory));
        assert_eq!(shown.naf.as_deref(), Some("26.5"));
        assert_eq!(shown.departement, None);
        assert_eq!(shown.region.as_deref(), Some("27"));
        assert!(shown.headcount_band);
    }

    #[test]
    fn a_crowded_sector_keeps_the_fine_teaser() {
        let directory: Vec<_> = (0..6).map(|_| entry("26.52Z", "25", "27", 4)).collect();
        let shown = coarsen(&facts(), &DirectoryCounts::new(&directory));
        assert_eq!(shown.naf.as_deref(), Some("26.52Z"));
        assert_eq!(shown.departement.as_deref(), Some("25"));
    }

    #[test]
    fn a_tiny_directory_shows_nothing_that_narrows() {
        let directory = vec![
            entry("26.52Z", "25", "27", 6),
            entry("47.11A", "75", "11", 2),
        ];
        let shown = coarsen(&facts(), &DirectoryCounts::new(&directory));
        assert_eq!(shown.naf, None);
        assert_eq!(shown.departement, None);
        assert_eq!(shown.region, None);
        assert!(!shown.headcount_band);
    }

    fn arbitrary_entry() -> impl Strategy<Value = DirectoryEntry> {
        (
            prop::sample::select(vec!["26.52Z", "26.51A", "26.11Z", "47.11A", "10.71C"]),
            prop::sample::select(vec![("25", "27"), ("39", "27"), ("69", "84"), ("75", "11")]),
            0i32..300,
        )
            .prop_map(|(naf, (d, r), headcount)| DirectoryEntry {
                naf: naf.into(),
                section: if naf.starts_with('2') {
                    "C".into()
                } else if naf.starts_with('4') {
                    "G".into()
                } else {
                    "C".into()
                },
                departement: d.into(),
                region: r.into(),
                headcount,
            })
    }

    proptest! {
        /// Whatever the directory, the teaser never narrows to fewer than five enterprises
        /// unless it shows nothing at all.
        #[test]
        fn a_teaser_never_narrows_to_fewer_than_five(directory in prop::collection::vec(arbitrary_entry(), 0..40)) {
            let facts = facts();
            let shown = coarsen(&facts, &DirectoryCounts::new(&directory));
            let count = directory.iter().filter(|e| shown.fits(e, facts.headcount_band)).count();
            let shows_nothing = shown.naf.is_none() && shown.departement.is_none() && shown.region.is_none() && !shown.headcount_band;
            prop_assert!(count >= MIN_ANONYMITY || shows_nothing, "{shown:?} fits {count}");
        }

        /// The counted directory answers what a pass over the directory would.
        #[test]
        fn counts_are_those_of_a_pass_over_the_directory(directory in prop::collection::vec(arbitrary_entry(), 0..40)) {
            let counts = DirectoryCounts::new(&directory);
            let band = Some(HeadcountBand::From1To9);
            for naf in [Some("26.52Z"), Some("26.52"), Some("26.5"), Some("26"), Some("C"), None] {
                for (departement, region) in [(Some("25"), None), (None, Some("27")), (None, None)] {
                    for headcount_band in [true, false] {
                        let shown = TeaserShown {
                            naf: naf.map(String::from),
                            departement: departement.map(String::from),
                            region: region.map(String::from),
                            headcount_band,
                        };
                        let passed = directory.iter().filter(|e| shown.fits(e, band)).count();
                        prop_assert_eq!(counts.count(&shown, band), passed, "{:?}", shown);
                    }
                }
            }
        }
    }
}
