//! NAF rév. 2 sector codes at any level of the hierarchy, and their closeness.

use super::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NafLevel {
    Section,
    Division,
    Group,
    Class,
    Subclass,
}

impl NafLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            NafLevel::Section => "section",
            NafLevel::Division => "division",
            NafLevel::Group => "group",
            NafLevel::Class => "class",
            NafLevel::Subclass => "subclass",
        }
    }
}

/// A syntactically valid NAF code in its canonical spelling (`C`, `10`, `10.5`, `10.51`,
/// `10.51A`). Whether it exists is checked against the reference table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NafCode(String);

impl NafCode {
    /// Accepts the canonical form, lower case and the dot-less form ("1051a").
    pub fn parse(input: &str) -> Result<NafCode, Invalid> {
        let malformed = || Invalid::new("naf_format");
        let trimmed = input.trim();
        // A dot, when given, separates the division from the rest, and only there.
        if trimmed.contains('.')
            && (trimmed.find('.') != Some(2)
                || trimmed.matches('.').count() != 1
                || trimmed.len() < 4)
        {
            return Err(malformed());
        }
        let compact: String = trimmed
            .chars()
            .filter(|c| *c != '.' && !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect();
        let bytes = compact.as_bytes();
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        let canonical = match (bytes.len(), digits) {
            (1, 0) if bytes[0].is_ascii_uppercase() && bytes[0] <= b'U' => compact.clone(),
            (2, 2) => compact.clone(),
            (3, 3) => format!("{}.{}", &compact[..2], &compact[2..]),
            (4, 4) => format!("{}.{}", &compact[..2], &compact[2..]),
            (5, 4) if bytes[4].is_ascii_uppercase() => {
                format!("{}.{}", &compact[..2], &compact[2..])
            }
            _ => return Err(malformed()),
        };
        Ok(NafCode(canonical))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> NafLevel {
        match self.0.len() {
            1 => NafLevel::Section,
            2 => NafLevel::Division,
            4 => NafLevel::Group,
            5 => NafLevel::Class,
            _ => NafLevel::Subclass,
        }
    }

    /// How deep two codes agree in the hierarchy below the section: 0 nothing in common,
    /// The code and the codes above it, division first (`10`, `10.7`, `10.71`, `10.71C`);
    /// a section has no digits to shorten and is its own only ancestor here.
    pub fn ancestors(&self) -> Vec<String> {
        if self.0.len() == 1 {
            return vec![self.0.clone()];
        }
        [2usize, 4, 5, 6]
            .into_iter()
            .filter(|end| *end <= self.0.len())
            .map(|end| self.0[..end].to_string())
            .collect()
    }

    /// 1 same division, 2 same group, 3 same class, 4 same subclass. Sections are compared
    /// through the reference data, not here: a division alone does not spell its section.
    pub fn common_depth(&self, other: &NafCode) -> u8 {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        // Positions in "10.51A" where each level ends: division 2, group 4, class 5, subclass 6.
        let ends = [2usize, 4, 5, 6];
        let mut depth = 0;
        for end in ends {
            if a.len() >= end && b.len() >= end && a[..end] == b[..end] {
                depth += 1;
            } else {
                break;
            }
        }
        depth
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_level_into_canonical_form() {
        assert_eq!(NafCode::parse("C").unwrap().as_str(), "C");
        assert_eq!(NafCode::parse("10").unwrap().as_str(), "10");
        assert_eq!(NafCode::parse("10.5").unwrap().as_str(), "10.5");
        assert_eq!(NafCode::parse("105").unwrap().as_str(), "10.5");
        assert_eq!(NafCode::parse("10.51").unwrap().as_str(), "10.51");
        assert_eq!(NafCode::parse("10.71c").unwrap().as_str(), "10.71C");
        assert_eq!(NafCode::parse(" 1071C ").unwrap().as_str(), "10.71C");
        assert_eq!(
            NafCode::parse("10.71C").unwrap().level(),
            NafLevel::Subclass
        );
        assert_eq!(NafCode::parse("C").unwrap().level(), NafLevel::Section);
    }

    #[test]
    fn refuses_malformed_codes() {
        for bad in [
            "", "Z", "1", "10.5.1", "1.051", "10.", "10.51AB", "AB", "10A", "1051-A", "é",
        ] {
            assert!(NafCode::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn ancestors_run_from_the_division_down() {
        let code = |s| NafCode::parse(s).unwrap();
        assert_eq!(
            code("10.71C").ancestors(),
            vec!["10", "10.7", "10.71", "10.71C"]
        );
        assert_eq!(code("10.5").ancestors(), vec!["10", "10.5"]);
        assert_eq!(code("C").ancestors(), vec!["C"]);
    }

    #[test]
    fn common_depth_counts_shared_levels() {
        let code = |s| NafCode::parse(s).unwrap();
        assert_eq!(code("10.71C").common_depth(&code("10.71C")), 4);
        assert_eq!(code("10.71C").common_depth(&code("10.71D")), 3);
        assert_eq!(code("10.71C").common_depth(&code("10.72Z")), 2);
        assert_eq!(code("10.71C").common_depth(&code("10.51A")), 1);
        assert_eq!(code("10.71C").common_depth(&code("16.10A")), 0);
        assert_eq!(code("10").common_depth(&code("10.71C")), 1);
    }
}
