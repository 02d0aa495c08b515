//! Pôles: their slugs.

use super::Invalid;

/// A pôle's address in URLs: lower-case letters and digits in words joined by hyphens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(input: &str) -> Result<Slug, Invalid> {
        let slug = input.trim();
        let well_formed = (2..=60).contains(&slug.len())
            && slug.split('-').all(|word| {
                !word.is_empty()
                    && word
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if !well_formed {
            return Err(Invalid::new("slug"));
        }
        Ok(Slug(slug.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_words_joined_by_hyphens() {
        assert!(Slug::parse("pole-sud-archer").is_ok());
        assert!(Slug::parse("ptce42").is_ok());
        for bad in ["", "a", "Pole", "pole--sud", "-pole", "pôle", "pole_sud"] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }
}
