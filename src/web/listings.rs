//! A listing's page: the details, or the teaser of a confidential takeover with the form
//! to ask for contact; for its managers, the matches best first with their explanation,
//! the proposals and contact requests to answer; on someone else's open need, the form to
//! propose. The actions these pages post (publish, close, answers) live here too.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::confirm::{confirmed, redirect_with, ConfirmPage};
use super::forms::FormReader;
use super::listing_form::own_enterprises;
use super::{redirect, see_other, Ctx, FormErrors, NoFields, Posted, Web};
use crate::domain::listing::{Category, CloseReason, Kind, Status};
use crate::domain::matching::{FactorKind, MatchStatus, ProposalStatus};
use crate::domain::takeover::ContactStatus;
use crate::domain::units::Unit;
use crate::error::{AppError, AppResult};
use crate::models::ids::{ContactRequestId, EnterpriseId, ListingId, MatchId, ProposalId};
use crate::ops::access::managed_by;
use crate::ops::contact_requests::{self, NewContactRequestCommand};
use crate::ops::listings as ops;
use crate::ops::matches;
use crate::ops::proposals::{self, NewProposalCommand};
use crate::views::contact_requests::ContactRequestView;
use crate::views::listings::ListingView;
use crate::views::matches::{MatchView, NearMissView, ProposalView};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(super::listing_form::routes)
        .route("/listings/{id}", web::get().to(show))
        .route("/listings/{id}/publish", web::post().to(publish))
        .route("/listings/{id}/close", web::post().to(close))
        .route("/listings/{id}/proposals", web::post().to(propose))
        .route(
            "/listings/{id}/contact-requests",
            web::post().to(request_contact),
        )
        .route("/matches/{id}/{answer}", web::post().to(answer_match))
        .route("/proposals/{id}/{answer}", web::post().to(answer_proposal))
        .route(
            "/contact-requests/{id}/{answer}",
            web::post().to(answer_contact),
        );
}

#[derive(Template)]
#[template(path = "listing.html")]
struct ListingPage {
    ctx: Ctx,
    l: ListingView,
    owner: bool,
    matches: Vec<MatchView>,
    /// For its managers: close listings that fail one rule, and what would make them match.
    near_misses: Vec<NearMissView>,
    proposals: Vec<ProposalView>,
    /// For the seller: every request; for a buyer: its own.
    contact_requests: Vec<ContactRequestView>,
    /// Photos and documents (its managers add them; none in a teaser).
    files: Vec<crate::views::conversations::AttachmentView>,
    /// Library resources a know-how listing teaches from.
    resources: Vec<crate::views::visits::ResourceLink>,
    /// Enterprises the caller may act for on this listing (propose, ask for contact).
    own: Vec<(EnterpriseId, String)>,
    form: ActionForm,
    errors: FormErrors,
    details: Vec<(String, String)>,
    /// Which action just succeeded (`proposed`, `contact`), for its confirmation.
    done: String,
}

impl ListingPage {
    fn can_publish(&self) -> bool {
        matches!(self.l.status, Status::Draft | Status::Expired)
    }

    fn is_open(&self) -> bool {
        self.l.status == Status::Open
    }

    fn is_closed(&self) -> bool {
        self.l.status == Status::Closed
    }

    fn is_need(&self) -> bool {
        self.l.kind == Kind::Need
    }

    fn is_takeover(&self) -> bool {
        self.l.category == Category::BusinessTakeover
    }

    /// A stranger may answer an open need or offer with a proposal (not a takeover: those
    /// are asked about).
    fn can_propose(&self) -> bool {
        !self.owner && self.is_open() && !self.is_takeover() && !self.own.is_empty()
    }

    /// A stranger reading a takeover's teaser may ask for contact, once per enterprise.
    fn can_request_contact(&self) -> bool {
        !self.owner
            && self.l.teaser
            && self.is_open()
            && !self.own.is_empty()
            && self.contact_requests.is_empty()
    }

    fn units(&self) -> Vec<(&'static str, String)> {
        Unit::ALL
            .iter()
            .map(|u| (u.as_str(), self.ctx.unit(&Some(*u))))
            .collect()
    }

    fn factor(&self, factor: &FactorKind) -> String {
        self.ctx.t(&format!("factor-{}", factor.as_str()))
    }

    /// What a visitor who is not the owner can do next when no form above fits them:
    /// `sign-in` (anonymous), `attach-enterprise` (an account without an enterprise),
    /// `post-need` (an offer: matching answers it), `closed`, or nothing.
    fn visitor_next_step(&self, signed_in: bool) -> &'static str {
        if self.owner || self.can_propose() || self.can_request_contact() {
            ""
        } else if !self.is_open() {
            "closed"
        } else if !signed_in {
            "sign-in"
        } else if self.own.is_empty() {
            "attach-enterprise"
        } else if !self.is_need() && !self.is_takeover() {
            "post-need"
        } else {
            ""
        }
    }

    fn is_proposed(&self, status: &MatchStatus) -> bool {
        *status == MatchStatus::Proposed
    }

    fn is_pending(&self, status: &ProposalStatus) -> bool {
        *status == ProposalStatus::Pending
    }

    fn is_waiting(&self, status: &ContactStatus) -> bool {
        *status == ContactStatus::Pending
    }
}

/// The fields of the forms a listing's page posts: a proposal or a contact request.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    pub enterprise_id: String,
    pub message: String,
    pub quantity: String,
    pub unit: String,
    pub unit_price: String,
    pub confidentiality_accepted: String,
}

async fn listing_page(
    web: &Web,
    id: ListingId,
    form: ActionForm,
    errors: FormErrors,
) -> AppResult<HttpResponse> {
    let caller = web.caller.clone();
    let (l, owner, (matches, near_misses), proposals, contact_requests, (files, resources)) = web
        .read(move |conn, _| {
            let l = ops::show(conn, caller.as_ref(), id)?;
            let files = (
                crate::ops::attachments::of_listing(conn, caller.as_ref(), id)?,
                crate::ops::resources::of_listing(conn, caller.as_ref(), id)?,
            );
            let managed = managed_by(conn, caller.as_ref())?;
            let owner = l.enterprise_id.is_some_and(|e| managed.contains(&e));
            let (mut found, mut offered, mut asked) =
                ((Vec::new(), Vec::new()), Vec::new(), Vec::new());
            if let Some(caller) = caller.as_ref() {
                if owner {
                    let list = matches::of_listing(conn, caller, id)?;
                    found = (list.items, list.near_misses.unwrap_or_default());
                    if l.category != Category::BusinessTakeover {
                        offered = proposals::of_listing(conn, caller, id)?.items;
                    }
                }
                if l.category == Category::BusinessTakeover {
                    asked = contact_requests::of_listing(conn, caller, id)?.items;
                }
            }
            Ok((l, owner, found, offered, asked, files))
        })
        .await?;
    let own = if owner {
        Vec::new()
    } else {
        own_enterprises(web).await?
    };
    let details = super::i18n::details_lines(&web.ctx, &l.details);
    let done = match web.req.query_string() {
        q if q.contains("proposed=1") => "proposed",
        q if q.contains("contact=1") => "contact",
        _ => "",
    };
    web.page_with(
        errors.status(),
        &ListingPage {
            ctx: web.ctx.clone(),
            l,
            owner,
            matches,
            near_misses,
            proposals,
            contact_requests,
            files,
            resources,
            own,
            form,
            errors,
            details,
            done: done.into(),
        },
    )
}

async fn show(web: Web, id: web::Path<ListingId>) -> AppResult<HttpResponse> {
    listing_page(
        &web,
        id.into_inner(),
        ActionForm::default(),
        FormErrors::default(),
    )
    .await
}

async fn publish(posted: Posted<NoFields>, id: web::Path<ListingId>) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let id = id.into_inner();
    posted
        .web
        .run(move |conn, env| ops::publish(conn, env, &caller, id))
        .await?;
    Ok(redirect_with(
        &posted.web.state,
        &format!("/listings/{id}"),
        "published",
    ))
}

#[derive(Deserialize)]
struct CloseForm {
    #[serde(default)]
    reason: String,
}

/// Closes a listing, after a confirmation step: a closed listing cannot be opened again.
async fn close(posted: Posted<CloseForm>, id: web::Path<ListingId>) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let id = id.into_inner();
    let reason = CloseReason::parse(&posted.form.reason).unwrap_or(CloseReason::Withdrawn);
    if !confirmed(&posted.pairs) {
        let what = match reason {
            CloseReason::Withdrawn => "withdraw",
            _ => "close-fulfilled",
        };
        return ConfirmPage::answer(
            &posted.web,
            what,
            format!("/listings/{id}/close"),
            &posted.pairs,
            format!("/listings/{id}"),
        );
    }
    posted
        .web
        .run(move |conn, _| ops::close(conn, &caller, id, reason))
        .await?;
    let flash = match reason {
        CloseReason::Withdrawn => "withdrawn",
        _ => "closed",
    };
    Ok(redirect_with(
        &posted.web.state,
        &format!("/listings/{id}"),
        flash,
    ))
}

async fn propose(posted: Posted<ActionForm>, id: web::Path<ListingId>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let id = id.into_inner();
    let mut reader = FormReader::new(web.words());
    let enterprise_id = reader.whole::<i64>("enterprise_id", &form.enterprise_id);
    let enterprise_id = reader.required("enterprise_id", enterprise_id);
    let quantity = reader.decimal("quantity", &form.quantity);
    let unit = reader.choice::<Unit>("unit", &form.unit);
    let unit_price = reader.decimal("unit_price", &form.unit_price);
    let Some(enterprise_id) = enterprise_id.filter(|_| reader.errors.is_empty()) else {
        return listing_page(&web, id, form, reader.errors).await;
    };
    let command = NewProposalCommand {
        enterprise_id: EnterpriseId(enterprise_id),
        message: form.message.clone(),
        quantity,
        unit,
        unit_price,
    };
    let requester = web.requester();
    let answer = web
        .run(move |conn, env| proposals::propose(conn, env, &caller, &requester, id, command))
        .await;
    match answer {
        Ok(_) => Ok(see_other(&format!("/listings/{id}?proposed=1"))),
        Err(error) => {
            let errors = FormErrors::from_error(error, web.words())?;
            listing_page(&web, id, form, errors).await
        }
    }
}

async fn request_contact(
    posted: Posted<ActionForm>,
    id: web::Path<ListingId>,
) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let id = id.into_inner();
    let mut reader = FormReader::new(web.words());
    let enterprise_id = reader.whole::<i64>("enterprise_id", &form.enterprise_id);
    let enterprise_id = reader.required("enterprise_id", enterprise_id);
    let Some(enterprise_id) = enterprise_id.filter(|_| reader.errors.is_empty()) else {
        return listing_page(&web, id, form, reader.errors).await;
    };
    let command = NewContactRequestCommand {
        enterprise_id: EnterpriseId(enterprise_id),
        message: form.message.clone(),
        confidentiality_accepted: !form.confidentiality_accepted.is_empty(),
    };
    let requester = web.requester();
    let answer = web
        .run(move |conn, env| {
            contact_requests::request(conn, env, &caller, &requester, id, command)
        })
        .await;
    match answer {
        Ok(_) => Ok(see_other(&format!("/listings/{id}?contact=1"))),
        Err(error) => {
            let errors = FormErrors::from_error(error, web.words())?;
            listing_page(&web, id, form, errors).await
        }
    }
}

#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    back: String,
    #[serde(default)]
    side: String,
}

/// Where to go after answering: back to the page the answer was given from, when it is one
/// of the pages that offer answers.
fn back_to(back: &str) -> String {
    let back = redirect::local_target(back);
    if back == "/dashboard" || back.starts_with("/listings/") || back.starts_with("/coordinator") {
        back
    } else {
        "/dashboard".into()
    }
}

fn accepted(answer: &str) -> AppResult<bool> {
    match answer {
        "accept" => Ok(true),
        "decline" => Ok(false),
        _ => Err(AppError::NotFound),
    }
}

async fn answer_match(
    posted: Posted<AnswerForm>,
    path: web::Path<(MatchId, String)>,
) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let (id, answer) = path.into_inner();
    let accepted = accepted(&answer)?;
    let side = Kind::parse(&posted.form.side);
    posted
        .web
        .run(move |conn, env| matches::decide(conn, env, &caller, id, side, accepted))
        .await?;
    let flash = if accepted {
        "match-accepted"
    } else {
        "match-declined"
    };
    Ok(redirect_with(
        &posted.web.state,
        &back_to(&posted.form.back),
        flash,
    ))
}

async fn answer_proposal(
    posted: Posted<AnswerForm>,
    path: web::Path<(ProposalId, String)>,
) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let (id, answer) = path.into_inner();
    let accepted = accepted(&answer)?;
    posted
        .web
        .run(move |conn, env| proposals::decide(conn, env, &caller, id, accepted))
        .await?;
    let flash = if accepted {
        "proposal-accepted"
    } else {
        "proposal-declined"
    };
    Ok(redirect_with(
        &posted.web.state,
        &back_to(&posted.form.back),
        flash,
    ))
}

async fn answer_contact(
    posted: Posted<AnswerForm>,
    path: web::Path<(ContactRequestId, String)>,
) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let (id, answer) = path.into_inner();
    let accepted = accepted(&answer)?;
    posted
        .web
        .run(move |conn, env| contact_requests::decide(conn, env, &caller, id, accepted))
        .await?;
    let flash = if accepted {
        "contact-accepted"
    } else {
        "contact-declined"
    };
    Ok(redirect_with(
        &posted.web.state,
        &back_to(&posted.form.back),
        flash,
    ))
}
