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
    accounts, admin, alerts, contact_requests, conversations, enterprises, exchanges, health,
    library, listings, matches, poles, reference, reports, visits,
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
        conversations::list, conversations::show, conversations::messages, conversations::post, conversations::read,
        conversations::attach_to_listing, conversations::of_listing, conversations::attach_to_exchange, conversations::download,
        matches::of_listing, matches::mine, matches::accept, matches::decline,
        matches::propose, matches::proposals_of, matches::accept_proposal, matches::decline_proposal,
        exchanges::create, exchanges::list, exchanges::show, exchanges::transition, exchanges::set_impact,
        exchanges::record_transaction, exchanges::transactions, exchanges::reverse,
        visits::create, visits::list, visits::show, visits::update, visits::cancel,
        visits::register, visits::registrations, visits::registrations_csv, visits::unregister,
        visits::attendance, visits::report,
        library::create, library::search, library::show, library::attach,
        library::of_listing, library::link_listing,
        crate::web::visits::visit_ics, crate::web::visits::pole_ics,
        reports::flows, reports::pole_report, reports::transactions_csv,
        reference::communes, reference::naf, reference::ewc, reference::departements, reference::regions,
        admin::dead_messages, admin::retry_dead,
        links::unsubscribe_page, links::unsubscribe, links::verify_page,
        health::live, health::ready, health::metrics,
    ),
    components(schemas(Problem, FieldError)),
    modifiers(&BearerAuth, &ProblemCodes, &BodyRefusals),
    tags(
        (name = "accounts", description = "Registration, sign-in and preferences"),
        (name = "poles", description = "The pôles and their coordinators"),
        (name = "enterprises", description = "Enterprises and pôle membership"),
        (name = "listings", description = "Offers and needs: post, publish, search"),
        (name = "matches", description = "Offer–need matches, proposals, and the exchanges they create"),
        (name = "conversations", description = "Conversations about matches, proposals, contact requests and exchanges; files"),
        (name = "exchanges", description = "Exchanges, their lifecycle and their transactions"),
        (name = "visits", description = "Learning visits (visites apprenantes): planning, registration, waiting list, attendance, reports, calendars"),
        (name = "library", description = "The shared know-how library: methods, tools, case studies, visit reports"),
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

/// The methods the document gives for the path of a request (`/api/v1/listings/12` matches
/// `/api/v1/listings/{id}`), upper-case; `None` for a path it does not describe. Lets the
/// service answer 405 with `Allow` rather than 404 for a documented path asked with another
/// method.
pub fn allowed_methods(path: &str) -> Option<Vec<String>> {
    static PATHS: std::sync::LazyLock<Vec<(Vec<String>, Vec<String>)>> =
        std::sync::LazyLock::new(|| {
            let document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
            let mut out = Vec::new();
            if let Some(paths) = document.get("paths").and_then(|p| p.as_object()) {
                for (template, item) in paths {
                    let segments = template.split('/').map(str::to_string).collect();
                    let methods = item
                        .as_object()
                        .map(|ops| {
                            ops.keys()
                                .filter(|k| {
                                    ["get", "post", "put", "patch", "delete", "head", "options"]
                                        .contains(&k.as_str())
                                })
                                .map(|k| k.to_ascii_uppercase())
                                .collect()
                        })
                        .unwrap_or_default();
                    out.push((segments, methods));
                }
            }
            out
        });
    let asked: Vec<&str> = path.split('/').collect();
    PATHS
        .iter()
        .find(|(segments, _)| {
            segments.len() == asked.len()
                && segments.iter().zip(&asked).all(|(template, asked)| {
                    (template.starts_with('{') && !asked.is_empty()) || template == asked
                })
        })
        .map(|(_, methods)| methods.clone())
}

/// Refusals every operation of a kind shares, said once here rather than on each handler:
/// an operation that reads a body answers 400 (`malformed_json`), 415
/// (`unsupported_media_type`) and 422 (`validation_failed`); one that reads a query string
/// answers 400 (`invalid_query`: a repeated or malformed parameter).
struct BodyRefusals;

impl Modify for BodyRefusals {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let problem = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/problem+json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build(),
            )
        };
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                item.get.as_mut(),
                item.post.as_mut(),
                item.put.as_mut(),
                item.patch.as_mut(),
                item.delete.as_mut(),
            ]
            .into_iter()
            .flatten()
            {
                let reads_query = operation.parameters.as_ref().is_some_and(|parameters| {
                    parameters.iter().any(|p| {
                        matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query)
                    })
                });
                if reads_query {
                    operation
                        .responses
                        .responses
                        .entry("400".into())
                        .or_insert_with(|| {
                            problem("`invalid_query`: a parameter repeated or malformed")
                        });
                }
                if operation.request_body.is_none() {
                    continue;
                }
                let responses = &mut operation.responses.responses;
                responses
                    .entry("422".into())
                    .or_insert_with(|| problem("`validation_failed`: fields at fault in `errors`"));
                responses.entry("400".into()).or_insert_with(|| {
                    problem("`malformed_json`: the body is not what its type says")
                });
                responses
                    .entry("415".into())
                    .or_insert_with(|| problem("`unsupported_media_type`: the body must be application/json (or multipart/form-data where said)"));
            }
        }
    }
}
