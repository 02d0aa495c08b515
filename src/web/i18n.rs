//! French first, English on request: the language of a page comes from the `lang` cookie
//! (set by the switch in the footer), else the account's language, else Accept-Language,
//! else French. The words themselves are in the Fluent files (`crate::i18n`).

use actix_web::cookie::{time, Cookie};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::auth::Caller;
use crate::domain::account::Locale;

pub const LANG_COOKIE: &str = "lang";

fn parse(code: &str) -> Option<Locale> {
    match code
        .trim()
        .get(..2)
        .map(|c| c.to_ascii_lowercase())
        .as_deref()
    {
        Some("fr") => Some(Locale::Fr),
        Some("en") => Some(Locale::En),
        _ => None,
    }
}

/// The first of French or English the browser asks for, in its order of preference.
fn from_accept_language(value: &str) -> Option<Locale> {
    let mut ranked: Vec<(u16, usize, Locale)> = value
        .split(',')
        .enumerate()
        .filter_map(|(index, part)| {
            let mut pieces = part.split(';');
            let locale = parse(pieces.next()?)?;
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            Some(((q * 1000.0) as u16, index, locale))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.first().map(|r| r.2)
}

pub fn locale_of(req: &HttpRequest, caller: Option<&Caller>) -> Locale {
    if let Some(locale) = req.cookie(LANG_COOKIE).and_then(|c| parse(c.value())) {
        return locale;
    }
    if let Some(caller) = caller {
        return caller.locale();
    }
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(from_accept_language)
        .unwrap_or(Locale::Fr)
}

#[derive(Deserialize)]
pub struct SwitchQuery {
    #[serde(default)]
    next: String,
}

/// `GET /lang/{fr|en}?next=/path`: remembers the choice for a year and goes back.
pub async fn switch(path: web::Path<String>, query: web::Query<SwitchQuery>) -> HttpResponse {
    let locale = parse(&path).unwrap_or(Locale::Fr);
    let next = if query.next.is_empty() {
        "/".into()
    } else {
        super::redirect::local_target(&query.next)
    };
    let cookie = Cookie::build(LANG_COOKIE, locale.as_str())
        .path("/")
        .same_site(actix_web::cookie::SameSite::Lax)
        .max_age(time::Duration::days(365))
        .finish();
    let mut response = super::see_other(&next);
    let _ = response.add_cookie(&cookie);
    response
}

/// The values of each list a form offers, in display order; their labels are
/// `option-<list>-<value>` in the Fluent files.
pub fn option_values(name: &str) -> &'static [&'static str] {
    match name {
        "resource_type" => &["materials", "equipment", "premises", "by_product", "energy"],
        "recurrence" => &["one_off", "recurring"],
        "format" => &["training", "mentoring", "apprenticeship"],
        "revenue_band" => &["under_100k", "100k_500k", "500k_2m", "2m_10m", "over_10m"],
        "headcount_band" => &["0", "1_9", "10_49", "50_249", "250_plus"],
        "reason" => &["retirement", "reorientation", "health", "growth", "other"],
        "legal_form" => &[
            "scop",
            "scic",
            "association",
            "sas",
            "sarl",
            "ei",
            "cooperative",
            "other",
        ],
        "material" => &[
            "wood",
            "metal",
            "plastic",
            "paper_cardboard",
            "textile",
            "glass",
            "organic_food",
            "organic_green",
            "oil_fat",
            "construction_minerals",
            "chemicals",
            "electronic",
            "other",
        ],
        "period" => &["week", "month", "year"],
        _ => &[],
    }
}

/// The choices of a select, as (value, label) in the page's language.
pub fn options(ctx: &super::Ctx, name: &str) -> Vec<(&'static str, String)> {
    option_values(name)
        .iter()
        .map(|value| (*value, ctx.option(name, value)))
        .collect()
}

/// The category details of a listing as (label, value) lines, in the page's language.
pub fn details_lines(ctx: &super::Ctx, details: &serde_json::Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(map) = details.as_object() else {
        return out;
    };
    for (key, value) in map {
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => continue,
        };
        let label = ctx.t(&format!("detail-{}", key.replace('_', "-")));
        let shown = if key == "asking_price" || key == "monthly_capacity" {
            text.parse::<rust_decimal::Decimal>()
                .map(|d| {
                    if key == "asking_price" {
                        crate::format::money(d, ctx.lang)
                    } else {
                        crate::format::number(d, ctx.lang)
                    }
                })
                .unwrap_or(text)
        } else if option_values(key).contains(&text.as_str()) {
            ctx.option(key, &text)
        } else {
            text
        };
        out.push((label, shown));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Named;
    use crate::i18n::words;

    fn assert_known(key: &str) {
        for locale in [Locale::Fr, Locale::En] {
            assert!(
                crate::i18n::own_keys(locale).contains(key),
                "{key} is missing in {locale:?}"
            );
        }
    }

    fn names<T: Named>() -> Vec<&'static str> {
        T::ALL.iter().map(|v| v.as_str()).collect()
    }

    /// Keys the pages build from values (`status-<value>`, `option-<list>-<value>`, …)
    /// exist in both languages for every value.
    #[test]
    fn every_value_shown_on_a_page_has_its_words() {
        use crate::domain::{account, enterprise, ledger, listing, matching, takeover, units};
        for (prefix, values) in [
            ("category", names::<listing::Category>()),
            ("kind", names::<listing::Kind>()),
            ("unit", names::<units::Unit>()),
            ("factor", names::<matching::FactorKind>()),
            ("family", names::<account::Family>()),
            ("notifications", names::<account::Notifications>()),
            ("alert-frequency", names::<account::AlertFrequency>()),
        ] {
            for value in values {
                assert_known(&format!("{prefix}-{value}"));
            }
        }
        for family in names::<account::Family>() {
            assert_known(&format!("family-{family}-help"));
        }
        let statuses = [
            names::<listing::Status>(),
            names::<listing::CloseReason>(),
            names::<matching::MatchStatus>(),
            names::<matching::Decision>(),
            names::<matching::ProposalStatus>(),
            names::<ledger::ExchangeStatus>(),
            names::<enterprise::MembershipStatus>(),
            names::<takeover::ContactStatus>(),
        ];
        for value in statuses.concat() {
            assert_known(&format!("status-{value}"));
        }
        for rule in names::<matching::Rule>() {
            assert_known(&format!("miss-{rule}-vague"));
        }
        for list in [
            "resource_type",
            "recurrence",
            "format",
            "revenue_band",
            "headcount_band",
            "reason",
            "legal_form",
            "material",
            "period",
        ] {
            assert!(!option_values(list).is_empty(), "{list}");
            for value in option_values(list) {
                assert_known(&format!("option-{list}-{value}"));
            }
            assert!(
                list == "legal_form"
                    || words(Locale::Fr).knows(&format!("detail-{}", list.replace('_', "-")))
                    || list == "period",
                "detail-{list}"
            );
        }
        for detail in [
            "resource_type",
            "recurrence",
            "material",
            "ewc_code",
            "format",
            "hours",
            "revenue_band",
            "headcount_band",
            "asking_price",
            "reason",
            "timeline_months",
            "monthly_capacity",
            "lead_time_days",
        ] {
            assert_known(&format!("detail-{}", detail.replace('_', "-")));
        }
    }

    #[test]
    fn accept_language_picks_the_preferred_of_french_and_english() {
        assert_eq!(
            from_accept_language("en-GB,en;q=0.9,fr;q=0.8"),
            Some(Locale::En)
        );
        assert_eq!(
            from_accept_language("de,fr;q=0.5,en;q=0.4"),
            Some(Locale::Fr)
        );
        assert_eq!(from_accept_language("de"), None);
    }
}
