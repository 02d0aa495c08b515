//! The words of a listing, as matching compares them: French, folded (no accents, no
//! case), stop words left out (NLTK's French list, from the `stop-words` crate), stemmed
//! (Snowball's French stemmer, from `rust-stemmers`), so that "chêne" and "chênes",
//! "sciure" and "sciures" meet. Each stem keeps the first word it came from, to explain a
//! match in words people wrote.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

use super::text::fold;

/// Shortest word that counts: "bois" counts, "de" and "en" do not.
const MIN_WORD_CHARS: usize = 3;

fn stop_words() -> &'static HashSet<String> {
    static WORDS: OnceLock<HashSet<String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut words: HashSet<String> = stop_words::get("fr").iter().map(|w| fold(w)).collect();
        // Words every listing uses, which tell nothing of what is exchanged.
        for word in [
            "nous",
            "notre",
            "nos",
            "votre",
            "vos",
            "chaque",
            "tout",
            "tous",
            "toute",
            "toutes",
            "avec",
            "pour",
            "sans",
            "sous",
            "dans",
            "chez",
            "plus",
            "tres",
            "bien",
            "peut",
            "cherchons",
            "recherchons",
            "proposons",
            "offre",
            "offrons",
            "besoin",
            "disponible",
            "possible",
            "environ",
            "selon",
            "aussi",
            "etre",
            "avoir",
            "fait",
            "faire",
        ] {
            words.insert(word.to_string());
        }
        words
    })
}

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::French))
}

/// The meaningful words of a text: stem → the first word (as written, lower-case) it came
/// from, and its
/// weight (2 in a title, 1 in a description; the highest counts).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Words {
    stems: BTreeMap<String, (String, u8)>,
}

impl Words {
    /// The words of a listing's title and description.
    pub fn of(title: &str, description: &str) -> Words {
        let mut words = Words::default();
        words.add(title, 2);
        words.add(description, 1);
        words
    }

    fn add(&mut self, text: &str, weight: u8) {
        for written in text.split(|c: char| !c.is_alphanumeric()) {
            let word = fold(written);
            if word.chars().count() < MIN_WORD_CHARS
                || word.chars().all(|c| c.is_ascii_digit())
                || stop_words().contains(&word)
            {
                continue;
            }
            let stem = stemmer().stem(&word).into_owned();
            let entry = self
                .stems
                .entry(stem)
                .or_insert_with(|| (written.to_lowercase(), weight));
            entry.1 = entry.1.max(weight);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.stems.is_empty()
    }

    fn weight(&self) -> u32 {
        self.stems.values().map(|(_, w)| u32::from(*w)).sum()
    }

    /// How much two texts say the same thing, 0–100, and the words they share (as this
    /// side wrote them, heaviest first). The score is the weight of the shared stems over
    /// the weight of the shorter text, capped at its first 12 words' worth: a short title
    /// that another listing repeats scores high; two long texts must share several words.
    pub fn similarity(&self, other: &Words) -> (u8, Vec<String>) {
        let mut shared: Vec<(u8, &str)> = self
            .stems
            .iter()
            .filter_map(|(stem, (word, weight))| {
                other
                    .stems
                    .get(stem)
                    .map(|(_, theirs)| ((*weight).min(*theirs), word.as_str()))
            })
            .collect();
        if shared.is_empty() {
            return (0, Vec::new());
        }
        shared.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let common: u32 = shared.iter().map(|(w, _)| u32::from(*w)).sum();
        let shorter = self.weight().min(other.weight()).clamp(1, 24);
        let score = (100 * common).div_ceil(shorter).min(100) as u8;
        (
            score,
            shared
                .into_iter()
                .map(|(_, word)| word.to_string())
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_accents_and_case_do_not_matter() {
        let offer = Words::of(
            "Chutes et sciure de CHÊNE",
            "Dosses et délignures de chênes.",
        );
        let need = Words::of(
            "Bois pour chaufferie",
            "Nous brûlons des chutes de chene et de la sciure.",
        );
        let (score, shared) = offer.similarity(&need);
        assert!(score >= 30, "{score}");
        assert!(shared.contains(&"chêne".to_string()), "{shared:?}");
        assert!(shared.contains(&"sciure".to_string()));
        assert!(shared.contains(&"chutes".to_string()));
    }

    #[test]
    fn stop_words_and_short_words_are_not_shared() {
        let a = Words::of("Nous avons des offres pour vous", "le la les de du en");
        let b = Words::of("Nous cherchons pour nos ateliers", "le la les de du en");
        let (score, shared) = a.similarity(&b);
        assert_eq!((score, shared), (0, Vec::<String>::new()));
    }

    #[test]
    fn unrelated_texts_score_zero_and_identical_ones_one_hundred() {
        let a = Words::of(
            "Drêches de brasserie",
            "Orge maltée humide, chaque semaine.",
        );
        let b = Words::of(
            "Formation à la soudure",
            "Soudure à l'arc pour cadres de vélos.",
        );
        assert_eq!(a.similarity(&b).0, 0);
        assert_eq!(a.similarity(&a).0, 100);
    }
}
