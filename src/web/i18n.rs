//! French first, English on request: the language of a page comes from the `lang` cookie
//! (set by the switch in the footer), else the account's language, else Accept-Language,
//! else French. Strings live in one typed struct per language.

use actix_web::cookie::{time, Cookie};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::api::auth::CurrentAccount;
use crate::domain::account::Locale;
use crate::domain::matching::FactorKind;

pub const LANG_COOKIE: &str = "lang";

pub fn tr(lang: Locale) -> &'static Tr {
    match lang {
        Locale::Fr => &FR,
        Locale::En => &EN,
    }
}

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

pub fn locale_of(req: &HttpRequest, caller: Option<&CurrentAccount>) -> Locale {
    if let Some(locale) = req.cookie(LANG_COOKIE).and_then(|c| parse(c.value())) {
        return locale;
    }
    if let Some(caller) = caller {
        return caller.account.locale();
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

/// A field error in the page's language: the API's codes that people meet most are
/// translated; others keep the API's English sentence.
pub fn field_message(tr: &Tr, code: &str, message: &str) -> String {
    if std::ptr::eq(tr, &EN) {
        return message.to_string();
    }
    let fr = match code {
        "required" => "Ce champ est obligatoire.",
        "title_length" => "Le titre doit compter de 5 à 120 caractères.",
        "description_length" => "La description compte au plus 5 000 caractères.",
        "unknown_naf" => "Aucun code NAF rév. 2 ne s'écrit ainsi.",
        "naf_too_broad" => "Choisissez au moins une division NAF (deux chiffres), par exemple 16.",
        "unknown_commune" => "Aucune commune ne correspond.",
        "radius_range" => {
            "Le rayon est compris entre 1 et 1 000 km ; au-delà, choisissez « Toute la France »."
        }
        "quantity_not_positive" => "La quantité doit être supérieure à zéro.",
        "quantity_precision" | "price_precision" => "Six décimales au plus.",
        "price_negative" => "Le prix ne peut pas être négatif.",
        "not_a_number" => "Indiquez un nombre, par exemple 12,50.",
        "invalid_date" => "Indiquez une date, par exemple 31/03/2026.",
        "dates_order" => "La fin de disponibilité vient après son début.",
        "invalid_value" => "Choisissez l'une des valeurs proposées.",
        "confirm_mismatch" => "Les deux mots de passe diffèrent.",
        "invalid_token" => {
            "Ce lien n'est pas valide, a déjà servi ou a expiré ; demandez-en un nouveau."
        }
        "vat_rate" => "Les taux de TVA français sont 0, 2,1, 5,5, 10 et 20 %.",
        "negative" => "Indiquez zéro ou plus.",
        "impact_precision" => {
            "Indiquez zéro ou plus, sans trop de décimales (3 pour les tonnes, 1 pour les km)."
        }
        "same_enterprise" => "Une entreprise ne peut pas échanger avec elle-même.",
        "not_approved" => "Cette entreprise n'est membre approuvé d'aucun pôle.",
        "amount_or_quantity" => {
            "Indiquez soit un montant, soit une quantité avec un prix unitaire."
        }
        "in_the_past" => "Cette annonce est terminée : repoussez la date de fin.",
        "taken" => "Un compte existe déjà avec cette adresse.",
        "not_found" => "Aucun compte n'a cette adresse.",
        "forbidden" => "Vous n'agissez pas pour cette entreprise.",
        "details" => "Complétez les précisions propres à la catégorie.",
        "committed" => "Des échanges ont déjà pris une partie de cette quantité : elle ne peut plus changer ainsi.",
        "message_length" => "Le message compte de 1 à 2 000 caractères.",
        "amount_too_large" => "Ce montant est trop grand pour être enregistré.",
        "unknown_pole" => "Aucun pôle ne porte cet identifiant.",
        "region_format" => "Un code de région compte deux chiffres, par exemple 84.",
        "limit_range" => "La limite est comprise entre 1 et 100.",
        code if code.starts_with("siret") => {
            "Le SIRET compte 14 chiffres et doit être valide (clé de Luhn)."
        }
        code if code.starts_with("password") => "Le mot de passe compte de 10 à 128 caractères.",
        code if code.starts_with("email") => "Cette adresse e-mail n'est pas valide.",
        code if code.starts_with("length") || code == "too_long" => "Longueur incorrecte.",
        _ => return message.to_string(),
    };
    fr.to_string()
}

/// A refusal of the current state (409) in the reader's language: the API's own sentence in
/// English, its translation in French where the page can lead to it, else a general one.
pub fn conflict_message(tr: &Tr, detail: &str) -> String {
    if std::ptr::eq(tr, &EN) {
        return if detail.is_empty() {
            tr.conflict_text.to_string()
        } else {
            detail.to_string()
        };
    }
    let fr = match detail {
        "Impact can be filled in until 30 days after completion." => {
            "Les chiffres d'impact se saisissent jusqu'à 30 jours après la fin de l'échange."
        }
        "An account with this e-mail already exists." => {
            "Un compte existe déjà avec cette adresse."
        }
        "An enterprise with this SIRET is registered already." => {
            "Une entreprise avec ce SIRET est déjà inscrite."
        }
        "A pôle with this slug already exists." => "Un pôle porte déjà cet identifiant.",
        "An enterprise cannot answer its own need." => {
            "Une entreprise ne peut pas répondre à son propre besoin."
        }
        "The offer has nothing left to give." => "L'offre n'a plus rien à donner.",
        "This transaction is reversed already." => "Cette opération est déjà contre-passée.",
        "Transactions are recorded on exchanges in progress or completed." => {
            "Les opérations s'enregistrent sur les échanges en cours ou terminés."
        }
        "The total of these terms is too large to record." => {
            "Le total de ces conditions est trop grand pour être enregistré."
        }
        "This enterprise is a member of this pôle already, or has asked to join it." => {
            "Cette entreprise est déjà membre de ce pôle, ou a déjà demandé à le rejoindre."
        }
        _ => tr.conflict_text,
    };
    fr.to_string()
}

pub fn status_label(tr: &Tr, value: &str) -> &'static str {
    let fr = std::ptr::eq(tr, &FR);
    match (value, fr) {
        ("draft", true) => "Brouillon",
        ("draft", false) => "Draft",
        ("open", true) => "Ouverte",
        ("open", false) => "Open",
        ("closed", true) => "Close",
        ("closed", false) => "Closed",
        ("expired", true) => "Expirée",
        ("expired", false) => "Expired",
        ("proposed", true) => "À traiter",
        ("proposed", false) => "To answer",
        ("accepted", true) => "Acceptée",
        ("accepted", false) => "Accepted",
        ("declined", true) => "Déclinée",
        ("declined", false) => "Declined",
        ("withdrawn", true) => "Retirée",
        ("withdrawn", false) => "Withdrawn",
        ("pending", true) => "En attente",
        ("pending", false) => "Pending",
        ("approved", true) => "Approuvée",
        ("approved", false) => "Approved",
        ("agreed", true) => "Convenu",
        ("agreed", false) => "Agreed",
        ("in_progress", true) => "En cours",
        ("in_progress", false) => "In progress",
        ("completed", true) => "Terminé",
        ("completed", false) => "Completed",
        ("cancelled", true) => "Annulé",
        ("cancelled", false) => "Cancelled",
        (_, true) => "Autre",
        (_, false) => "Other",
    }
}

pub fn factor_label(tr: &Tr, factor: FactorKind) -> &'static str {
    let fr = std::ptr::eq(tr, &FR);
    match (factor, fr) {
        (FactorKind::Sector, true) => "Secteur",
        (FactorKind::Sector, false) => "Sector",
        (FactorKind::Distance, true) => "Distance",
        (FactorKind::Distance, false) => "Distance",
        (FactorKind::Quantity, true) => "Quantité",
        (FactorKind::Quantity, false) => "Quantity",
        (FactorKind::Price, true) => "Prix",
        (FactorKind::Price, false) => "Price",
        (FactorKind::Dates, true) => "Dates",
        (FactorKind::Dates, false) => "Dates",
    }
}

pub fn impact_label(tr: &Tr, key: &str) -> &'static str {
    let fr = std::ptr::eq(tr, &FR);
    match (key, fr) {
        ("jobs_created", true) => "Emplois créés",
        ("jobs_created", false) => "Jobs created",
        ("jobs_kept", true) => "Emplois maintenus",
        ("jobs_kept", false) => "Jobs kept",
        ("tonnes_diverted", true) => "Tonnes détournées",
        ("tonnes_diverted", false) => "Tonnes diverted",
        ("km_avoided", true) => "Km évités",
        ("km_avoided", false) => "Km avoided",
        (_, true) => "Autre",
        (_, false) => "Other",
    }
}

/// The choices of a select, as (value, label).
pub fn options(lang: Locale, name: &str) -> Vec<(&'static str, &'static str)> {
    let fr = lang == Locale::Fr;
    let pick = |items: &[(&'static str, &'static str, &'static str)]| {
        items
            .iter()
            .map(|(v, f, e)| (*v, if fr { *f } else { *e }))
            .collect()
    };
    match name {
        "resource_type" => pick(&[
            ("materials", "Matériaux", "Materials"),
            ("equipment", "Équipement", "Equipment"),
            ("premises", "Locaux", "Premises"),
            (
                "by_product",
                "Coproduits, déchets valorisables",
                "By-products",
            ),
            ("energy", "Énergie", "Energy"),
        ]),
        "recurrence" => pick(&[
            ("one_off", "Ponctuelle", "One-off"),
            ("recurring", "Récurrente", "Recurring"),
        ]),
        "format" => pick(&[
            ("training", "Formation", "Training"),
            ("mentoring", "Tutorat", "Mentoring"),
            ("apprenticeship", "Apprentissage", "Apprenticeship"),
        ]),
        "revenue_band" => pick(&[
            ("under_100k", "Moins de 100 k€", "Under €100k"),
            ("100k_500k", "100 à 500 k€", "€100k–500k"),
            ("500k_2m", "500 k€ à 2 M€", "€500k–2M"),
            ("2m_10m", "2 à 10 M€", "€2M–10M"),
            ("over_10m", "Plus de 10 M€", "Over €10M"),
        ]),
        "headcount_band" => pick(&[
            ("0", "Aucun salarié", "No employee"),
            ("1_9", "1 à 9", "1–9"),
            ("10_49", "10 à 49", "10–49"),
            ("50_249", "50 à 249", "50–249"),
            ("250_plus", "250 et plus", "250 or more"),
        ]),
        "reason" => pick(&[
            ("retirement", "Départ à la retraite", "Retirement"),
            ("reorientation", "Reconversion", "Change of career"),
            ("health", "Santé", "Health"),
            ("growth", "Croissance", "Growth"),
            ("other", "Autre", "Other"),
        ]),
        "legal_form" => pick(&[
            ("scop", "SCOP", "SCOP (worker co-op)"),
            ("scic", "SCIC", "SCIC (multi-stakeholder co-op)"),
            ("association", "Association", "Association"),
            ("sas", "SAS", "SAS"),
            ("sarl", "SARL", "SARL"),
            ("ei", "Entreprise individuelle", "Sole proprietorship"),
            ("cooperative", "Coopérative", "Co-operative"),
            ("other", "Autre", "Other"),
        ]),
        _ => Vec::new(),
    }
}

/// The category details of a listing as (label, value) lines.
pub fn details_lines(lang: Locale, details: &serde_json::Value) -> Vec<(&'static str, String)> {
    let t = tr(lang);
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
        let label = match key.as_str() {
            "resource_type" => t.resource_type,
            "recurrence" => t.recurrence,
            "format" => t.format,
            "hours" => t.hours,
            "revenue_band" => t.revenue_band,
            "headcount_band" => t.headcount_band,
            "asking_price" => t.asking_price_total,
            "reason" => t.reason,
            "timeline_months" => t.timeline_months,
            "monthly_capacity" => t.monthly_capacity,
            "lead_time_days" => t.lead_time_days,
            _ => continue,
        };
        let shown = if key == "asking_price" {
            text.parse::<rust_decimal::Decimal>()
                .map(|d| super::format::money(d, lang))
                .unwrap_or(text)
        } else {
            options(lang, key)
                .into_iter()
                .find(|(v, _)| *v == text)
                .map(|(_, l)| l.to_string())
                .unwrap_or(text)
        };
        out.push((label, shown));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_of_the_current_state_are_said_in_the_readers_language() {
        let late = "Impact can be filled in until 30 days after completion.";
        assert_eq!(conflict_message(&EN, late), late);
        assert!(conflict_message(&FR, late).contains("30 jours"));
        // A sentence without a translation falls back to the general French one.
        assert_eq!(
            conflict_message(&FR, "Something new happened."),
            FR.conflict_text
        );
        assert_eq!(conflict_message(&EN, ""), EN.conflict_text);
        assert!(
            field_message(&FR, "committed", "Exchanges have taken…").starts_with("Des échanges")
        );
        assert_eq!(field_message(&EN, "committed", "As sent"), "As sent");
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

/// Every string of the pages, one field per text: a locale that misses one does not compile.
#[derive(Debug)]
pub struct Tr {
    pub accept: &'static str,
    pub actions: &'static str,
    pub agreed_total: &'static str,
    pub all: &'static str,
    pub amount_excl_tax: &'static str,
    pub amount_hint: &'static str,
    pub amount_incl_tax: &'static str,
    pub api_docs: &'static str,
    pub appoint: &'static str,
    pub appoint_coordinator: &'static str,
    pub approve: &'static str,
    pub ask_to_join: &'static str,
    pub asking_price: &'static str,
    pub asking_price_total: &'static str,
    pub available_from: &'static str,
    pub back_home: &'static str,
    pub bad_request_text: &'static str,
    pub bad_request_title: &'static str,
    pub beneficiary: &'static str,
    pub beneficiary_pole: &'static str,
    pub category: &'static str,
    pub close_fulfilled: &'static str,
    pub close_withdrawn: &'static str,
    pub commune: &'static str,
    pub confidential: &'static str,
    pub confirm_password: &'static str,
    pub conflict_text: &'static str,
    pub conflict_title: &'static str,
    pub coordinators: &'static str,
    pub create_enterprise: &'static str,
    pub create_pole: &'static str,
    pub csrf_text: &'static str,
    pub csrf_title: &'static str,
    pub csv_excel: &'static str,
    pub csv_export: &'static str,
    pub data_table: &'static str,
    pub date: &'static str,
    pub decline: &'static str,
    pub departement_short: &'static str,
    pub departements: &'static str,
    pub description: &'static str,
    pub details: &'static str,
    pub display_name: &'static str,
    pub edit: &'static str,
    pub edit_listing: &'static str,
    pub edit_enterprise: &'static str,
    pub email: &'static str,
    pub email_taken: &'static str,
    pub enterprise: &'static str,
    pub enterprise_lead: &'static str,
    pub enterprise_name: &'static str,
    pub error_code: &'static str,
    pub error_text: &'static str,
    pub error_title: &'static str,
    pub ess: &'static str,
    pub exchange: &'static str,
    pub exchanges_to_follow: &'static str,
    pub exchanges_word: &'static str,
    pub filters: &'static str,
    pub first_page: &'static str,
    pub flows_desc: &'static str,
    pub flows_title: &'static str,
    pub follow_up: &'static str,
    pub footer_tagline: &'static str,
    pub forbidden_text: &'static str,
    pub forbidden_title: &'static str,
    pub forgot_lead: &'static str,
    pub forgot_password: &'static str,
    pub forgot_sent: &'static str,
    pub forgot_title: &'static str,
    pub form_has_errors: &'static str,
    pub form_sent_already: &'static str,
    pub form_malformed: &'static str,
    pub format: &'static str,
    pub have_account: &'static str,
    pub headcount: &'static str,
    pub headcount_band: &'static str,
    pub home_commune: &'static str,
    pub home_heading: &'static str,
    pub home_lead: &'static str,
    pub hours: &'static str,
    pub impact: &'static str,
    pub impact_intro: &'static str,
    pub save_impact: &'static str,
    pub new_exchange: &'static str,
    pub new_exchange_intro: &'static str,
    pub create_exchange: &'static str,
    pub choose_enterprise: &'static str,
    pub join_another_pole: &'static str,
    pub join_pole: &'static str,
    pub key_figures: &'static str,
    pub keywords: &'static str,
    pub kind: &'static str,
    pub kind_need: &'static str,
    pub kind_need_long: &'static str,
    pub kind_needs: &'static str,
    pub kind_offer: &'static str,
    pub kind_offer_long: &'static str,
    pub kind_offers: &'static str,
    pub lead_time_days: &'static str,
    pub legal_form: &'static str,
    pub login: &'static str,
    pub login_failed: &'static str,
    pub login_title: &'static str,
    pub logout: &'static str,
    pub make_proposal: &'static str,
    pub manage_listing: &'static str,
    pub match_between_own: &'static str,
    pub matches: &'static str,
    pub matches_to_answer: &'static str,
    pub max_budget: &'static str,
    pub member_enterprises: &'static str,
    pub members_word: &'static str,
    pub memberships_to_approve: &'static str,
    pub message: &'static str,
    pub month: &'static str,
    pub monthly_capacity: &'static str,
    pub move_to: &'static str,
    pub my_enterprises: &'static str,
    pub my_exchanges: &'static str,
    pub my_listings: &'static str,
    pub naf_code: &'static str,
    pub naf_hint: &'static str,
    pub name: &'static str,
    pub national: &'static str,
    pub nav_admin: &'static str,
    pub nav_coordinator: &'static str,
    pub nav_dashboard: &'static str,
    pub nav_label: &'static str,
    pub nav_poles: &'static str,
    pub nav_post: &'static str,
    pub nav_search: &'static str,
    pub near: &'static str,
    pub need_enterprise_first: &'static str,
    pub need_side: &'static str,
    pub new_password: &'static str,
    pub next_page: &'static str,
    pub no_account: &'static str,
    pub no_enterprises: &'static str,
    pub no_exchanges: &'static str,
    pub no_flows: &'static str,
    pub no_impact: &'static str,
    pub no_listings: &'static str,
    pub no_matches: &'static str,
    pub no_matches_to_answer: &'static str,
    pub no_pending: &'static str,
    pub no_pole: &'static str,
    pub no_proposals: &'static str,
    pub no_results: &'static str,
    pub no_such_account: &'static str,
    pub no_transactions: &'static str,
    pub not_found_text: &'static str,
    pub not_found_title: &'static str,
    pub not_your_enterprise: &'static str,
    pub not_your_pole: &'static str,
    pub note_optional: &'static str,
    pub notifications: &'static str,
    pub saved_alerts: &'static str,
    pub manage_notifications: &'static str,
    pub offer_side: &'static str,
    pub open_listings: &'static str,
    pub open_needs: &'static str,
    pub open_offers: &'static str,
    pub pagination: &'static str,
    pub parties: &'static str,
    pub password: &'static str,
    pub password_hint: &'static str,
    pub place: &'static str,
    pub place_hint: &'static str,
    pub pole: &'static str,
    pub poles_heading: &'static str,
    pub poles_lead: &'static str,
    pub poles_to_join: &'static str,
    pub post_listing: &'static str,
    pub proposal_lead: &'static str,
    pub proposal_sent: &'static str,
    pub proposals: &'static str,
    pub provider: &'static str,
    pub provider_pole: &'static str,
    pub publish: &'static str,
    pub publish_now: &'static str,
    pub quantity: &'static str,
    pub radius: &'static str,
    pub reach: &'static str,
    pub reason: &'static str,
    pub record: &'static str,
    pub record_transaction: &'static str,
    pub recurrence: &'static str,
    pub register: &'static str,
    pub register_lead: &'static str,
    pub register_title: &'static str,
    pub remaining: &'static str,
    pub requested_on: &'static str,
    pub reset_done: &'static str,
    pub reset_filters: &'static str,
    pub reset_submit: &'static str,
    pub reset_title: &'static str,
    pub resource_type: &'static str,
    pub results: &'static str,
    pub revenue_band: &'static str,
    pub reversal: &'static str,
    pub reverse: &'static str,
    pub reversed: &'static str,
    pub save: &'static str,
    pub score: &'static str,
    pub search: &'static str,
    pub search_title: &'static str,
    pub see_exchange: &'static str,
    pub send_link: &'static str,
    pub send_proposal: &'static str,
    pub show: &'static str,
    pub siret_hint: &'static str,
    pub skip_to_content: &'static str,
    pub slug: &'static str,
    pub status: &'static str,
    pub takeover_confidential: &'static str,
    pub teaser_note: &'static str,
    pub terms: &'static str,
    pub timeline_months: &'static str,
    pub title: &'static str,
    pub too_large_text: &'static str,
    pub too_large_title: &'static str,
    pub total: &'static str,
    pub transactions: &'static str,
    pub unavailable_text: &'static str,
    pub unavailable_title: &'static str,
    pub unit: &'static str,
    pub unit_price: &'static str,
    pub unit_price_hint: &'static str,
    pub unknown_place: &'static str,
    pub valid_until: &'static str,
    pub vat: &'static str,
    pub vat_rate: &'static str,
    pub visibility: &'static str,
    pub visibility_members: &'static str,
    pub visibility_public: &'static str,
    pub volume_desc: &'static str,
    pub volume_title: &'static str,
    pub waiting: &'static str,
}

pub static FR: Tr = Tr {
    accept: "Accepter",
    actions: "Actions",
    agreed_total: "Montant convenu",
    all: "Toutes",
    amount_excl_tax: "Montant HT",
    amount_hint: "ou quantité × prix",
    amount_incl_tax: "Montant TTC",
    api_docs: "Documentation de l'API",
    appoint: "Nommer",
    appoint_coordinator: "Nommer un coordinateur",
    approve: "Approuver",
    ask_to_join: "Demander l'adhésion",
    asking_price: "Prix demandé",
    asking_price_total: "Prix de cession (€)",
    available_from: "Disponible à partir du",
    back_home: "Retour à l'accueil",
    bad_request_text: "La demande n'a pas pu être comprise. Revenez à la page précédente et réessayez.",
    bad_request_title: "Demande invalide",
    beneficiary: "Bénéficiaire",
    beneficiary_pole: "Pôle bénéficiaire",
    category: "Catégorie",
    close_fulfilled: "Clore : réalisée",
    close_withdrawn: "Retirer l'annonce",
    commune: "Commune",
    confidential: "Entreprise confidentielle",
    confirm_password: "Confirmez le mot de passe",
    conflict_text: "Cette action n'est pas possible dans l'état actuel (déjà fait, ou changé entre-temps). Rechargez la page.",
    conflict_title: "Action impossible",
    coordinators: "Coordination",
    create_enterprise: "Créer une entreprise",
    create_pole: "Créer un pôle",
    csrf_text: "Ce formulaire a expiré ou ne vient pas de ce site : rien n'a été modifié. Rechargez la page et envoyez-le à nouveau.",
    csrf_title: "Formulaire refusé",
    csv_excel: "CSV pour tableur français",
    csv_export: "Exporter les transactions (CSV)",
    data_table: "Voir les données en tableau",
    date: "Date",
    decline: "Décliner",
    departement_short: "Dép.",
    departements: "Départements",
    description: "Description",
    details: "Précisions selon la catégorie",
    display_name: "Nom affiché",
    edit: "Modifier",
    edit_listing: "Modifier l'annonce",
    edit_enterprise: "Modifier l'entreprise",
    email: "Adresse e-mail",
    email_taken: "Un compte existe déjà avec cette adresse.",
    enterprise: "Entreprise",
    enterprise_lead: "Votre entreprise rejoint un ou plusieurs pôles ; chaque adhésion attend l'accord de la coordination du pôle.",
    enterprise_name: "Raison sociale",
    error_code: "Code",
    error_text: "Une erreur inattendue s'est produite. Réessayez dans un instant.",
    error_title: "Erreur",
    ess: "Entreprise de l'économie sociale et solidaire (ESS)",
    exchange: "Échange",
    exchanges_to_follow: "Échanges à suivre",
    exchanges_word: "Échanges",
    filters: "Filtres",
    first_page: "Première page",
    flows_desc: "Montants HT des transactions, du pôle fournisseur (lignes) au pôle bénéficiaire (colonnes) ; plus la case est foncée, plus le montant est élevé.",
    flows_title: "Flux entre pôles",
    follow_up: "Suivi",
    footer_tagline: "PTCE Exchange — la place de marché des pôles territoriaux de coopération économique.",
    forbidden_text: "Vous n'avez pas accès à cette page ou à cette action.",
    forbidden_title: "Accès refusé",
    forgot_lead: "Indiquez l'adresse de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe.",
    forgot_password: "Mot de passe oublié ?",
    forgot_sent: "Si un compte existe avec cette adresse, un lien vient de lui être envoyé. Il est valable 30 minutes.",
    forgot_title: "Réinitialiser le mot de passe",
    form_has_errors: "Certains champs sont à corriger.",
    form_sent_already: "Ce formulaire a déjà été envoyé avec d'autres valeurs. Vérifiez que l'enregistrement n'existe pas déjà, puis envoyez-le à nouveau.",
    form_malformed: "Le formulaire est incomplet ou mal formé.",
    format: "Format",
    have_account: "Déjà un compte ? Se connecter",
    headcount: "Effectif",
    headcount_band: "Tranche d'effectif",
    home_commune: "Commune du siège",
    home_heading: "Offres et besoins des pôles territoriaux",
    home_lead: "Ressources locales, savoir-faire, reprises d'entreprise et production relocalisée : trouvez près de chez vous ce que les entreprises de l'ESS proposent ou recherchent.",
    hours: "Nombre d'heures",
    impact: "Impact",
    impact_intro: "Ce que l'échange apporte au territoire. Laissez vide ce que vous ne savez pas ; modifiable jusqu'à 30 jours après la fin de l'échange.",
    save_impact: "Enregistrer l'impact",
    new_exchange: "Nouvel échange",
    new_exchange_intro: "Enregistrez un échange convenu hors de la place de marché entre deux entreprises membres, dont l'une au moins appartient à un pôle que vous coordonnez.",
    create_exchange: "Créer l'échange",
    choose_enterprise: "Choisissez une entreprise",
    join_another_pole: "Rejoindre un autre pôle",
    join_pole: "Rejoindre ce pôle",
    key_figures: "Chiffres clés",
    keywords: "Mots-clés",
    kind: "Type",
    kind_need: "Besoin",
    kind_need_long: "Un besoin (je recherche)",
    kind_needs: "Besoins",
    kind_offer: "Offre",
    kind_offer_long: "Une offre (je propose)",
    kind_offers: "Offres",
    lead_time_days: "Délai (jours)",
    legal_form: "Forme juridique",
    login: "Se connecter",
    login_failed: "Adresse ou mot de passe incorrect.",
    login_title: "Connexion",
    logout: "Se déconnecter",
    make_proposal: "Faire une proposition",
    manage_listing: "Gérer l'annonce",
    match_between_own: "Rapprochement entre deux de vos annonces",
    matches: "Correspondances",
    matches_to_answer: "Correspondances à traiter",
    max_budget: "Budget maximum",
    member_enterprises: "Entreprises membres",
    members_word: "membres",
    memberships_to_approve: "Adhésions à approuver",
    message: "Message",
    month: "Mois",
    monthly_capacity: "Capacité mensuelle",
    move_to: "Passer à",
    my_enterprises: "Mes entreprises",
    my_exchanges: "Mes échanges",
    my_listings: "Mes annonces",
    naf_code: "Code NAF",
    naf_hint: "ex. 16.10A ou 16",
    name: "Nom",
    national: "Toute la France",
    nav_admin: "Administration",
    nav_coordinator: "Coordination",
    nav_dashboard: "Mon espace",
    nav_label: "Navigation principale",
    nav_poles: "Pôles",
    nav_post: "Publier",
    nav_search: "Annonces",
    near: "autour de",
    need_enterprise_first: "Pour publier, créez d'abord votre entreprise.",
    need_side: "Besoin",
    new_password: "Nouveau mot de passe",
    next_page: "Page suivante",
    no_account: "Pas encore de compte ? S'inscrire",
    no_enterprises: "Vous n'avez pas encore d'entreprise.",
    no_exchanges: "Aucun échange pour l'instant.",
    no_flows: "Aucune transaction enregistrée pour l'instant.",
    no_impact: "Aucun chiffre d'impact saisi.",
    no_listings: "Aucune annonce pour l'instant.",
    no_matches: "Aucune correspondance pour l'instant : elles apparaissent dès qu'une annonce compatible est publiée.",
    no_matches_to_answer: "Rien à traiter.",
    no_pending: "Aucune demande en attente.",
    no_pole: "Hors pôle",
    no_proposals: "Aucune proposition reçue.",
    no_results: "Aucune annonce ne correspond à ces critères.",
    no_such_account: "Aucun compte n'a cette adresse.",
    no_transactions: "Aucune transaction.",
    not_found_text: "Cette page n'existe pas, ou vous n'y avez pas accès.",
    not_found_title: "Page introuvable",
    not_your_enterprise: "Vous n'agissez pas pour cette entreprise.",
    not_your_pole: "L'une des deux entreprises au moins doit appartenir à un pôle que vous coordonnez.",
    note_optional: "Note (facultatif)",
    notifications: "Notifications et alertes",
    saved_alerts: "Alertes enregistrées",
    manage_notifications: "Gérer mes notifications et alertes",
    offer_side: "Offre",
    open_listings: "Annonces ouvertes",
    open_needs: "Besoins ouverts",
    open_offers: "Offres ouvertes",
    pagination: "Pagination",
    parties: "Parties",
    password: "Mot de passe",
    password_hint: "10 caractères au moins",
    place: "Lieu",
    place_hint: "commune ou code postal",
    pole: "Pôle",
    poles_heading: "Les pôles territoriaux",
    poles_lead: "Les PTCE regroupent des entreprises de l'économie sociale et solidaire qui coopèrent sur leur territoire.",
    poles_to_join: "Pôles à rejoindre",
    post_listing: "Publier une annonce",
    proposal_lead: "Votre entreprise peut répondre à ce besoin sans annonce : décrivez ce que vous proposez.",
    proposal_sent: "Votre proposition a été envoyée à l'entreprise.",
    proposals: "Propositions reçues",
    provider: "Fournisseur",
    provider_pole: "Pôle fournisseur",
    publish: "Publier",
    publish_now: "Publier tout de suite (les correspondances sont calculées aussitôt)",
    quantity: "Quantité",
    radius: "Rayon (km)",
    reach: "Portée",
    reason: "Motif",
    record: "Enregistrer",
    record_transaction: "Enregistrer une transaction",
    recurrence: "Fréquence",
    register: "Créer un compte",
    register_lead: "Un compte vous permet de publier les offres et besoins de votre entreprise et de répondre aux correspondances.",
    register_title: "Inscription",
    remaining: "Reste disponible",
    requested_on: "Demandée le",
    reset_done: "Votre mot de passe a été changé. Connectez-vous avec le nouveau.",
    reset_filters: "Effacer les filtres",
    reset_submit: "Changer le mot de passe",
    reset_title: "Nouveau mot de passe",
    resource_type: "Type de ressource",
    results: "Résultats",
    revenue_band: "Chiffre d'affaires",
    reversal: "Contre-passation",
    reverse: "Annuler",
    reversed: "Annulée",
    save: "Enregistrer",
    score: "Score",
    search: "Rechercher",
    search_title: "Annonces",
    see_exchange: "Voir l'échange",
    send_link: "Envoyer le lien",
    send_proposal: "Envoyer la proposition",
    show: "Afficher",
    siret_hint: "14 chiffres",
    skip_to_content: "Aller au contenu",
    slug: "Identifiant (slug)",
    status: "Statut",
    takeover_confidential: "Annonce confidentielle : le public ne voit qu'un aperçu anonyme (secteur, département, tranches) jusqu'à ce que vous acceptiez un contact.",
    teaser_note: "l'identité est révélée quand le cédant accepte un contact",
    terms: "Conditions",
    timeline_months: "Échéance (mois)",
    title: "Titre",
    too_large_text: "Le formulaire envoyé est trop volumineux.",
    too_large_title: "Envoi trop volumineux",
    total: "Total",
    transactions: "Transactions",
    unavailable_text: "Le service est momentanément indisponible. Réessayez dans quelques secondes.",
    unavailable_title: "Service indisponible",
    unit: "Unité",
    unit_price: "Prix unitaire HT (€)",
    unit_price_hint: "offre : prix demandé ; besoin : budget max.",
    unknown_place: "Aucune commune ne porte ce nom ou ce code postal.",
    valid_until: "Valable jusqu'au",
    vat: "TVA",
    vat_rate: "Taux de TVA",
    visibility: "Visibilité",
    visibility_members: "Membres connectés seulement",
    visibility_public: "Publique",
    volume_desc: "Montant HT des transactions du pôle, mois par mois.",
    volume_title: "Volume par mois",
    waiting: "en attente",
};

pub static EN: Tr = Tr {
    accept: "Accept",
    actions: "Actions",
    agreed_total: "Agreed amount",
    all: "All",
    amount_excl_tax: "Amount excl. tax",
    amount_hint: "or quantity × price",
    amount_incl_tax: "Amount incl. tax",
    api_docs: "API documentation",
    appoint: "Appoint",
    appoint_coordinator: "Appoint a coordinator",
    approve: "Approve",
    ask_to_join: "Ask to join",
    asking_price: "Asking price",
    asking_price_total: "Asking price (€)",
    available_from: "Available from",
    back_home: "Back to the home page",
    bad_request_text: "The request could not be understood. Go back and try again.",
    bad_request_title: "Invalid request",
    beneficiary: "Beneficiary",
    beneficiary_pole: "Beneficiary pôle",
    category: "Category",
    close_fulfilled: "Close: fulfilled",
    close_withdrawn: "Withdraw the listing",
    commune: "Commune",
    confidential: "Confidential enterprise",
    confirm_password: "Confirm the password",
    conflict_text: "This action is not possible in the current state (done already, or changed meanwhile). Reload the page.",
    conflict_title: "Action not possible",
    coordinators: "Coordinators",
    create_enterprise: "Create an enterprise",
    create_pole: "Create a pôle",
    csrf_text: "This form has expired or did not come from this site: nothing was changed. Reload the page and send it again.",
    csrf_title: "Form refused",
    csv_excel: "CSV for French spreadsheets",
    csv_export: "Export the transactions (CSV)",
    data_table: "Show the data as a table",
    date: "Date",
    decline: "Decline",
    departement_short: "Dept.",
    departements: "Départements",
    description: "Description",
    details: "Details of the category",
    display_name: "Display name",
    edit: "Edit",
    edit_listing: "Edit the listing",
    edit_enterprise: "Edit the enterprise",
    email: "E-mail address",
    email_taken: "An account with this e-mail exists already.",
    enterprise: "Enterprise",
    enterprise_lead: "Your enterprise joins one or more pôles; each membership waits for the pôle's coordinators to approve it.",
    enterprise_name: "Company name",
    error_code: "Code",
    error_text: "Something unexpected went wrong. Try again in a moment.",
    error_title: "Error",
    ess: "Social and solidarity economy enterprise (ESS)",
    exchange: "Exchange",
    exchanges_to_follow: "Exchanges to follow",
    exchanges_word: "Exchanges",
    filters: "Filters",
    first_page: "First page",
    flows_desc: "Amounts excluding tax, from the provider pôle (rows) to the beneficiary pôle (columns); the darker the cell, the larger the amount.",
    flows_title: "Flows between pôles",
    follow_up: "Follow-up",
    footer_tagline: "PTCE Exchange — the marketplace of the pôles territoriaux de coopération économique.",
    forbidden_text: "You may not see this page or do this.",
    forbidden_title: "Access denied",
    forgot_lead: "Give your account's address: we will send a link to choose a new password.",
    forgot_password: "Forgot your password?",
    forgot_sent: "If an account has this address, a link is on its way. It is valid for 30 minutes.",
    forgot_title: "Reset the password",
    form_has_errors: "Some fields need correcting.",
    form_sent_already: "This form was sent already with other values. Check that the record does not exist already, then send it again.",
    form_malformed: "The form is incomplete or malformed.",
    format: "Format",
    have_account: "Have an account? Sign in",
    headcount: "Headcount",
    headcount_band: "Headcount band",
    home_commune: "Home commune",
    home_heading: "Offers and needs of the territorial pôles",
    home_lead: "Local resources, know-how, business takeovers and relocated production: find what social-economy enterprises near you offer or seek.",
    hours: "Hours",
    impact: "Impact",
    impact_intro: "What the exchange brings to the territory. Leave blank what you do not know; it can be changed until 30 days after the exchange is completed.",
    save_impact: "Save the impact",
    new_exchange: "New exchange",
    new_exchange_intro: "Record an exchange agreed outside the marketplace between two member enterprises, at least one of them in a pôle you coordinate.",
    create_exchange: "Create the exchange",
    choose_enterprise: "Choose an enterprise",
    join_another_pole: "Join another pôle",
    join_pole: "Join this pôle",
    key_figures: "Key figures",
    keywords: "Keywords",
    kind: "Type",
    kind_need: "Need",
    kind_need_long: "A need (I am looking for)",
    kind_needs: "Needs",
    kind_offer: "Offer",
    kind_offer_long: "An offer (I provide)",
    kind_offers: "Offers",
    lead_time_days: "Lead time (days)",
    legal_form: "Legal form",
    login: "Sign in",
    login_failed: "Wrong e-mail or password.",
    login_title: "Sign in",
    logout: "Sign out",
    make_proposal: "Make a proposal",
    manage_listing: "Manage the listing",
    match_between_own: "Match between two of your listings",
    matches: "Matches",
    matches_to_answer: "Matches to answer",
    max_budget: "Maximum budget",
    member_enterprises: "Member enterprises",
    members_word: "members",
    memberships_to_approve: "Memberships to approve",
    message: "Message",
    month: "Month",
    monthly_capacity: "Monthly capacity",
    move_to: "Move to",
    my_enterprises: "My enterprises",
    my_exchanges: "My exchanges",
    my_listings: "My listings",
    naf_code: "NAF code",
    naf_hint: "e.g. 16.10A or 16",
    name: "Name",
    national: "All of France",
    nav_admin: "Administration",
    nav_coordinator: "Coordination",
    nav_dashboard: "My dashboard",
    nav_label: "Main navigation",
    nav_poles: "Pôles",
    nav_post: "Post",
    nav_search: "Listings",
    near: "around",
    need_enterprise_first: "To post, create your enterprise first.",
    need_side: "Need",
    new_password: "New password",
    next_page: "Next page",
    no_account: "No account yet? Register",
    no_enterprises: "You have no enterprise yet.",
    no_exchanges: "No exchange yet.",
    no_flows: "No transaction recorded yet.",
    no_impact: "No impact figure recorded.",
    no_listings: "No listing yet.",
    no_matches: "No match yet: they appear as soon as a compatible listing is published.",
    no_matches_to_answer: "Nothing to answer.",
    no_pending: "No pending request.",
    no_pole: "No pôle",
    no_proposals: "No proposal received.",
    no_results: "No listing fits these filters.",
    no_such_account: "No account has this address.",
    no_transactions: "No transaction.",
    not_found_text: "This page does not exist, or you may not see it.",
    not_found_title: "Page not found",
    not_your_enterprise: "You do not act for this enterprise.",
    not_your_pole: "At least one of the two enterprises must belong to a pôle you coordinate.",
    note_optional: "Note (optional)",
    notifications: "Notifications and alerts",
    saved_alerts: "Saved alerts",
    manage_notifications: "Manage my notifications and alerts",
    offer_side: "Offer",
    open_listings: "Open listings",
    open_needs: "Open needs",
    open_offers: "Open offers",
    pagination: "Pagination",
    parties: "Parties",
    password: "Password",
    password_hint: "at least 10 characters",
    place: "Place",
    place_hint: "commune or postal code",
    pole: "Pôle",
    poles_heading: "The territorial pôles",
    poles_lead: "PTCEs bring together social-economy enterprises that cooperate in their territory.",
    poles_to_join: "Pôles to join",
    post_listing: "Post a listing",
    proposal_lead: "Your enterprise can answer this need without a listing: describe what you offer.",
    proposal_sent: "Your proposal was sent to the enterprise.",
    proposals: "Proposals received",
    provider: "Provider",
    provider_pole: "Provider pôle",
    publish: "Publish",
    publish_now: "Publish now (matches are computed at once)",
    quantity: "Quantity",
    radius: "Radius (km)",
    reach: "Reach",
    reason: "Reason",
    record: "Record",
    record_transaction: "Record a transaction",
    recurrence: "Recurrence",
    register: "Create an account",
    register_lead: "An account lets you post your enterprise's offers and needs and answer matches.",
    register_title: "Registration",
    remaining: "Still available",
    requested_on: "Requested on",
    reset_done: "Your password was changed. Sign in with the new one.",
    reset_filters: "Clear the filters",
    reset_submit: "Change the password",
    reset_title: "New password",
    resource_type: "Resource type",
    results: "Results",
    revenue_band: "Revenue",
    reversal: "Reversal",
    reverse: "Reverse",
    reversed: "Reversed",
    save: "Save",
    score: "Score",
    search: "Search",
    search_title: "Listings",
    see_exchange: "See the exchange",
    send_link: "Send the link",
    send_proposal: "Send the proposal",
    show: "Show",
    siret_hint: "14 digits",
    skip_to_content: "Skip to content",
    slug: "Slug",
    status: "Status",
    takeover_confidential: "Confidential listing: the public sees an anonymous teaser (sector, département, bands) until you accept a contact.",
    teaser_note: "the identity is revealed when the owner accepts a contact",
    terms: "Terms",
    timeline_months: "Timeline (months)",
    title: "Title",
    too_large_text: "The form sent is too large.",
    too_large_title: "Too large",
    total: "Total",
    transactions: "Transactions",
    unavailable_text: "The service is briefly unavailable. Try again in a few seconds.",
    unavailable_title: "Service unavailable",
    unit: "Unit",
    unit_price: "Unit price excl. tax (€)",
    unit_price_hint: "offer: asking price; need: max budget",
    unknown_place: "No commune has this name or postal code.",
    valid_until: "Valid until",
    vat: "VAT",
    vat_rate: "VAT rate",
    visibility: "Visibility",
    visibility_members: "Signed-in members only",
    visibility_public: "Public",
    volume_desc: "The pôle's transaction amounts excluding tax, month by month.",
    volume_title: "Volume by month",
    waiting: "waiting",
};
