//! Pure domain types and rules: no database, no HTTP. Constructors enforce invariants, so
//! code past a handler never sees an unchecked SIRET, NAF code or commune code.

pub mod account;
pub mod decimal;
pub mod enterprise;
pub mod ledger;
pub mod listing;
pub mod matching;
pub mod naf;
pub mod pole;
pub mod siret;
pub mod territory;
pub mod text;
pub mod units;

/// Why a value was refused: a stable machine code and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub code: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Invalid {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
