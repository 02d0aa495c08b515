//! Pure domain types and rules: no database, no HTTP. Constructors enforce invariants, so
//! code past a handler never sees an unchecked SIRET, NAF code or commune code.

pub mod account;
pub mod calendar;
pub mod conversation;
pub mod decimal;
pub mod enterprise;
pub mod files;
pub mod ledger;
pub mod listing;
pub mod matching;
pub mod naf;
pub mod pole;
pub mod siret;
pub mod takeover;
pub mod territory;
pub mod text;
pub mod units;
pub mod visit;
pub mod words;

/// A closed set of values stored (TEXT columns) and sent (JSON strings) by name. Reading an
/// unknown name is an error, never a default.
pub trait Named: Copy + Sized + 'static {
    /// Every value, in display order.
    const ALL: &'static [Self];

    fn as_str(self) -> &'static str;

    fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|value| value.as_str() == text)
    }
}

/// Implements [`Named`] from a list of `Variant => "name"`.
#[macro_export]
macro_rules! named {
    ($name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $crate::named!(@names $name { $($variant => $text),+ });

        impl $name {
            /// The value of a name; `None` for an unknown one.
            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }
    };
    // For a type with its own, more lenient `parse` (such as legal forms typed by people).
    (@names $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value's name, as stored and sent.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl $crate::domain::Named for $name {
            const ALL: &'static [$name] = $name::ALL;

            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        }
    };
}

/// A value given to a message: text (a name, a title), a whole number (for plural forms
/// and limits), or a value written the reader's way when the message is rendered: an exact
/// decimal, an amount in euros, a date, an instant (in Paris time).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Arg {
    Text(String),
    Number(i64),
    Decimal(#[serde(with = "rust_decimal::serde::str")] rust_decimal::Decimal),
    Money(#[serde(with = "rust_decimal::serde::str")] rust_decimal::Decimal),
    Date(chrono::NaiveDate),
    /// An instant, shown in Paris time.
    Time(chrono::DateTime<chrono::Utc>),
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(value)
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(value.to_string())
    }
}

impl From<&String> for Arg {
    fn from(value: &String) -> Self {
        Arg::Text(value.clone())
    }
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(value: $t) -> Self {
                Arg::Number(i64::try_from(value).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_arg!(i64, i32, u32, u16, u64, usize);

/// Named arguments of a message.
pub type Args = Vec<(&'static str, Arg)>;

/// Why a value was refused: a stable machine code, and the values its message needs. The
/// words themselves are in the Fluent files (`invalid-<code>`, or `invalid-<code>-<field>`
/// where a field says it better), in every language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub code: &'static str,
    pub args: Args,
}

impl Invalid {
    pub fn new(code: &'static str) -> Self {
        Invalid {
            code,
            args: Vec::new(),
        }
    }

    /// Adds a value the message names (`{ $name }`).
    pub fn with(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code)
    }
}
