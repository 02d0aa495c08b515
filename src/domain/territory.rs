//! INSEE territorial codes and distances between places.

use super::text::fold;
use super::Invalid;

/// The key a commune name is searched by, and the key a query is turned into, so that
/// people find a commune as they type it: case, accents, hyphens and apostrophes (' and ’)
/// do not matter, a leading article (le, la, les, l') may be left out, and `st`/`ste`
/// stand for Saint/Sainte. "Le Havre" → `havre`, "L'Île-Bouchard" → `ile bouchard`,
/// "St-Malo" → `saint malo`, "Paris 8e Arrondissement" → `paris 8e arrondissement`.
pub fn commune_search_key(input: &str) -> String {
    let folded = fold(input);
    let mut words: Vec<&str> = folded
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "st" => "saint",
            "ste" => "sainte",
            other => other,
        })
        .collect();
    if words.len() > 1 && matches!(words[0], "le" | "la" | "les" | "l") {
        words.remove(0);
    }
    words.join(" ")
}

/// An INSEE commune code: five characters, digits except Corsica's `2A`/`2B`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CommuneCode(String);

impl CommuneCode {
    pub fn parse(input: &str) -> Result<CommuneCode, Invalid> {
        let code = input.trim().to_ascii_uppercase();
        let b = code.as_bytes();
        let well_formed = b.len() == 5
            && b[0].is_ascii_digit()
            && (b[1].is_ascii_digit() || (b[0] == b'2' && matches!(b[1], b'A' | b'B')))
            && b[2..].iter().all(u8::is_ascii_digit);
        if !well_formed {
            return Err(Invalid::new("commune_format"));
        }
        Ok(CommuneCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A département code: `01`–`95`, `2A`, `2B`, or three digits overseas (`971`…`989`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DepartementCode(String);

impl DepartementCode {
    pub fn parse(input: &str) -> Result<DepartementCode, Invalid> {
        let code = input.trim().to_ascii_uppercase();
        let b = code.as_bytes();
        let well_formed = match b.len() {
            2 => {
                (b[0].is_ascii_digit() && b[1].is_ascii_digit())
                    || (b[0] == b'2' && matches!(b[1], b'A' | b'B'))
            }
            3 => b.iter().all(u8::is_ascii_digit) && b[0] == b'9' && b[1] >= b'7',
            _ => false,
        };
        if !well_formed {
            return Err(Invalid::new("departement_format"));
        }
        Ok(DepartementCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A commune (or an arrondissement municipal) found in the reference data: what every
/// place of a listing, an enterprise, a pôle or an alert is checked into. An
/// arrondissement carries its own code, name and coordinates, and its commune's
/// département, région and EPCI.
#[derive(Debug, Clone, PartialEq)]
pub struct LocatedCommune {
    pub code: CommuneCode,
    pub name: String,
    pub departement: String,
    pub region: String,
    pub epci: Option<String>,
    /// The commune of an arrondissement (75056, 69123, 13055).
    pub parent: Option<String>,
    /// Approximate coordinates (latitude, longitude), when known.
    pub point: Option<(f64, f64)>,
}

impl LocatedCommune {
    /// How pages name it: "Valence (26)".
    pub fn label(&self) -> String {
        format!("{} ({})", self.name, self.departement)
    }
}

/// Great-circle distance in kilometres (haversine, mean Earth radius). Coordinates are
/// approximate town centres, so this is an estimate, never a money input.
pub fn distance_km(from: (f64, f64), to: (f64, f64)) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6371.0088;
    let (lat1, lon1) = (from.0.to_radians(), from.1.to_radians());
    let (lat2, lon2) = (to.0.to_radians(), to.1.to_radians());
    let a = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commune_codes() {
        assert_eq!(CommuneCode::parse("26281").unwrap().as_str(), "26281");
        assert_eq!(CommuneCode::parse("2a004").unwrap().as_str(), "2A004");
        assert_eq!(CommuneCode::parse("97411").unwrap().as_str(), "97411");
        for bad in ["", "2628", "262811", "3A004", "ABCDE", "26 28"] {
            assert!(CommuneCode::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn commune_names_are_searched_as_people_type_them() {
        for (name, query) in [
            ("Le Havre", "havre"),
            ("Le Havre", "le havre"),
            ("Le Havre", "LE HAVRE"),
            ("La Rochelle", "rochelle"),
            ("L'Île-Bouchard", "ile bouchard"),
            ("L’Île-Bouchard", "l'ile-bouchard"),
            ("Saint-Étienne", "st etienne"),
            ("Saint-Étienne", "saint-etienne"),
            ("Saint-Malo", "St-Malo"),
            ("Saint-Malo", "st. malo"),
            ("Sainte-Maxime", "ste maxime"),
            ("Les Sables-d'Olonne", "sables d olonne"),
            ("Paris 8e Arrondissement", "Paris 8e"),
            ("Lyon 3e Arrondissement", "lyon 3e"),
        ] {
            let key = commune_search_key(name);
            let typed = commune_search_key(query);
            assert!(
                key.starts_with(&typed),
                "{query:?} ({typed}) should find {name:?} ({key})"
            );
        }
        // An article alone, or inside a name, stays.
        assert_eq!(commune_search_key("Les"), "les");
        assert_eq!(
            commune_search_key("Saint-Jean-de-la-Ruelle"),
            "saint jean de la ruelle"
        );
    }

    #[test]
    fn parses_departement_codes() {
        for good in ["01", "26", "2A", "2b", "974", "988"] {
            assert!(DepartementCode::parse(good).is_ok(), "{good}");
        }
        for bad in ["1", "2C", "123", "960", "ABC", ""] {
            assert!(DepartementCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn distance_between_lyon_and_paris_is_about_392_km() {
        let lyon = (45.75, 4.85);
        let paris = (48.8566, 2.3522);
        let d = distance_km(lyon, paris);
        assert!((385.0..400.0).contains(&d), "{d}");
        assert_eq!(distance_km(lyon, lyon), 0.0);
    }
}
