//! The OpenAPI 3.1 document of the JSON API, served at `/api/v1/openapi.json` and browsed at
//! `/api/docs`. Every handler documents its own path (`#[utoipa::path]`); this module
//! gathers them, declares the bearer scheme, and lists every stable refusal code with its
//! English message under `x-problem-codes`, read from the same Fluent file the API answers
//! with, so the list cannot drift from what clients receive.

use std::collections::BTreeMap;

use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::{
    accounts, admin, alerts, contact_requests, enterprises, exchanges, health, listings, matches,
    poles, reference, reports,
};
use crate::error::{FieldError, Problem};
use crate::web::links;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "PTCE Exchange API",
        description = "The marketplace of the pôles territoriaux de coopération économique: offers and needs, matching by sector and territory, exchanges and exact transaction records. Errors are application/problem+json (RFC 9457) with a stable `code`; `x-problem-codes` lists them all.",
    ),
    paths(
        accounts::register, accounts::login, accounts::logout, accounts::me, accounts::update_me,
        accounts::request_password_reset, accounts::confirm_password_reset, accounts::verify_email,
        alerts::create, alerts::list, alerts::delete,
        poles::list, poles::show, poles::create, poles::appoint_coordinator,
        enterprises::create, enterprises::list, enterprises::show, enterprises::update,
        enterprises::approve, enterprises::join,
        listings::create, listings::search, listings::show, listings::update, listings::publish, listings::close,
        contact_requests::create, contact_requests::of_listing, contact_requests::accept, contact_requests::decline,
        matches::of_listing, matches::mine, matches::accept, matches::decline,
        matches::propose, matches::proposals_of, matches::accept_proposal, matches::decline_proposal,
        exchanges::create, exchanges::list, exchanges::show, exchanges::transition, exchanges::set_impact,
        exchanges::record_transaction, exchanges::transactions, exchanges::reverse,
        reports::flows, reports::pole_report, reports::transactions_csv,
        reference::communes, reference::naf, reference::ewc, reference::departements, reference::regions,
        admin::dead_messages, admin::retry_dead,
        links::unsubscribe_page, links::unsubscribe, links::verify_page,
        health::live, health::ready, health::metrics,
    ),
    components(schemas(Problem, FieldError)),
    modifiers(&BearerAuth, &ProblemCodes),
    tags(
        (name = "accounts", description = "Registration, sign-in and preferences"),
        (name = "poles", description = "The pôles and their coordinators"),
        (name = "enterprises", description = "Enterprises and pôle membership"),
        (name = "listings", description = "Offers and needs: post, publish, search"),
        (name = "matches", description = "Offer–need matches, proposals, and the exchanges they create"),
        (name = "exchanges", description = "Exchanges, their lifecycle and their transactions"),
        (name = "alerts", description = "Saved searches that email new listings"),
        (name = "reports", description = "Inter-pôle flows, pôle activity, CSV export"),
        (name = "reference", description = "French territorial and sector reference data"),
        (name = "operations", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The refusals in English, as the API sends them.
const ENGLISH_ERRORS: &str = include_str!("../locales/en/errors.ftl");

/// Every stable code of a problem (`refusal-<code>`) or of a refused field
/// (`invalid-<code>`), with its English message: `{"problem": {code: message}, "field":
/// {code: message}}`.
pub fn problem_codes() -> serde_json::Value {
    let mut problem = BTreeMap::new();
    let mut field = BTreeMap::new();
    for line in ENGLISH_ERRORS.lines() {
        let Some((id, message)) = line.split_once(" = ") else {
            continue;
        };
        if let Some(code) = id.strip_prefix("refusal-") {
            problem.insert(code.to_string(), message.trim().to_string());
        } else if let Some(code) = id.strip_prefix("invalid-") {
            // `invalid-<code>-<field>` words one field better; the code is the same.
            if !code.contains('-') {
                field.insert(code.to_string(), message.trim().to_string());
            }
        }
    }
    serde_json::json!({ "problem": problem, "field": field })
}

struct ProblemCodes;

impl Modify for ProblemCodes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let extensions = openapi.extensions.get_or_insert_with(Extensions::default);
        extensions.insert("x-problem-codes".to_string(), problem_codes());
    }
}
