//! How numbers, money, dates and distances read — on pages, in emails, in messages — in
//! French or English: the service's one formatter. Money stays a decimal from the database
//! to the text. French typography: a narrow no-break space (U+202F) groups thousands, a
//! no-break space (U+00A0) keeps a number with its unit ("1 234,50 €", "12 km").

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::domain::account::Locale;
use crate::domain::decimal::ExactDecimal;

/// Groups thousands with `separator` and writes `point` for the decimal point.
fn grouped(value: Decimal, separator: char, point: char) -> String {
    let text = value.normalize().to_string();
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text, None),
    };
    let (sign, digits) = match int.strip_prefix('-') {
        Some(d) => ("-", d.to_string()),
        None => ("", int),
    };
    let mut grouped = String::new();
    for (index, c) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(separator);
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}{point}{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A quantity or any exact number: "1 234,5" / "1,234.5".
pub fn number(value: Decimal, lang: Locale) -> String {
    match lang {
        Locale::Fr => grouped(value, '\u{202f}', ','),
        Locale::En => grouped(value, ',', '.'),
    }
}

/// Euros with the cents: "1 234,50 €" / "€1,234.50".
pub fn money(value: Decimal, lang: Locale) -> String {
    let mut cents = value.round_dp(2);
    cents.rescale(2);
    // `french`/`english` drop trailing zeros; put the cents back.
    let text = number(cents, lang);
    let sep = if lang == Locale::Fr { ',' } else { '.' };
    let text = match text.split_once(sep) {
        Some((int, frac)) => format!("{int}{sep}{frac:0<2}"),
        None => format!("{text}{sep}00"),
    };
    match lang {
        Locale::Fr => format!("{text}\u{a0}€"),
        Locale::En => match text.strip_prefix('-') {
            Some(rest) => format!("-€{rest}"),
            None => format!("€{text}"),
        },
    }
}

pub fn money_of(value: &ExactDecimal, lang: Locale) -> String {
    money(value.0, lang)
}

/// A unit price keeps up to 6 decimals, at least the cents.
pub fn price(value: &ExactDecimal, lang: Locale) -> String {
    if value.0.normalize().scale() <= 2 {
        return money(value.0, lang);
    }
    let text = number(value.0, lang);
    match lang {
        Locale::Fr => format!("{text}\u{a0}€"),
        Locale::En => format!("€{text}"),
    }
}

pub fn date(value: &NaiveDate, lang: Locale) -> String {
    match lang {
        Locale::Fr => value.format("%d/%m/%Y").to_string(),
        Locale::En => value.format("%-d %b %Y").to_string(),
    }
}

/// An instant in Paris time ("31/03/2026 14:05"), whatever the server's zone.
pub fn datetime(value: &DateTime<Utc>, lang: Locale) -> String {
    let value = crate::clock::in_paris(*value);
    match lang {
        Locale::Fr => value.format("%d/%m/%Y %H:%M").to_string(),
        Locale::En => value.format("%-d %b %Y %H:%M").to_string(),
    }
}

/// A distance in km with one decimal (distances are geometry, not money).
pub fn km(value: f64, lang: Locale) -> String {
    let text = format!("{value:.1}");
    match lang {
        Locale::Fr => format!("{}\u{a0}km", text.replace('.', ",")),
        Locale::En => format!("{text} km"),
    }
}

/// A percentage (a score, a share): "80 %" / "80%".
pub fn percent(value: i64, lang: Locale) -> String {
    match lang {
        Locale::Fr => format!("{value}\u{a0}%"),
        Locale::En => format!("{value}%"),
    }
}

/// A whole number of km, for sentences: "23 km".
pub fn whole_km(value: i64, lang: Locale) -> String {
    format!("{}\u{a0}km", number(Decimal::from(value), lang))
}

/// Percent-encodes a query value.
pub fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A text cell of a CSV export: text a spreadsheet would run as a formula is prefixed with
/// an apostrophe (OWASP, CSV injection).
pub fn csv_text_cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn money_reads_the_french_and_english_way() {
        assert_eq!(money(dec!(1234.5), Locale::Fr), "1\u{202f}234,50\u{a0}€");
        assert_eq!(money(dec!(1234.5), Locale::En), "€1,234.50");
        assert_eq!(money(dec!(-12), Locale::En), "-€12.00");
        assert_eq!(money(dec!(0), Locale::Fr), "0,00\u{a0}€");
        assert_eq!(
            money(dec!(1000000.05), Locale::Fr),
            "1\u{202f}000\u{202f}000,05\u{a0}€"
        );
        assert_eq!(
            price(&ExactDecimal(dec!(0.125)), Locale::Fr),
            "0,125\u{a0}€"
        );
    }

    #[test]
    fn numbers_group_thousands_in_each_language() {
        assert_eq!(number(dec!(1234.5), Locale::Fr), "1\u{202f}234,5");
        assert_eq!(number(dec!(12), Locale::Fr), "12");
        assert_eq!(number(dec!(-1234567.25), Locale::En), "-1,234,567.25");
        assert_eq!(whole_km(1200, Locale::Fr), "1\u{202f}200\u{a0}km");
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            url_encode("/listings?x=1&y=é"),
            "/listings%3Fx%3D1%26y%3D%C3%A9"
        );
    }
}
