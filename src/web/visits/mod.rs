//! The pages of learning visits: the calendar (by month), a visit's page with the
//! registration form and, for its organisers, the registrations with attendance, the CSV,
//! cancelling and the report; planning and changing a visit; and the `.ics` calendars.

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::confirm::{confirmed, redirect_with, ConfirmPage};
use super::forms::FormReader;
use super::{Ctx, FormErrors, Posted, Web};
use crate::domain::visit::Theme;
use crate::error::{AppResult, Problem};
use crate::models::ids::{EnterpriseId, RegistrationId, VisitId};
use crate::models::{enterprise, pole};
use crate::ops::resources::{self, ReportInput};
use crate::ops::visits::registrations;
use crate::ops::visits::{self as ops, VisitQuery};
use crate::views::visits::{RegistrationList, VisitView};

mod form;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/visits", web::get().to(calendar))
        .route("/visits/new", web::get().to(form::new_form))
        .route("/visits/new", web::post().to(form::create))
        .route("/visits/{id:\\d+}.ics", web::get().to(visit_ics))
        .route("/poles/{slug}/visits.ics", web::get().to(pole_ics))
        .route("/visits/{id}", web::get().to(show))
        .route("/visits/{id}/edit", web::get().to(form::edit_form))
        .route("/visits/{id}/edit", web::post().to(form::update))
        .route("/visits/{id}/register", web::post().to(register))
        .route(
            "/visits/{id}/registrations/{registration_id}/cancel",
            web::post().to(unregister),
        )
        .route("/visits/{id}/attendance", web::post().to(attendance))
        .route("/visits/{id}/registrations.csv", web::get().to(csv))
        .route("/visits/{id}/cancel", web::post().to(cancel))
        .route("/visits/{id}/report", web::post().to(report));
}

const CALENDAR: &str = "text/calendar; charset=utf-8";

/// A visit's calendar file (RFC 5545): stable UID, UTC times, STATUS:CANCELLED once
/// cancelled. Anyone may download it.
#[utoipa::path(get, path = "/visits/{id}.ics", tag = "visits",
    params(("id" = i64, Path, description = "Visit id")),
    responses(
        (status = 200, description = "iCalendar (RFC 5545)", content_type = "text/calendar"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn visit_ics(web: Web, id: web::Path<VisitId>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let ics = web.run(move |conn, env| ops::ics(conn, env, id)).await?;
    Ok(HttpResponse::Ok()
        .content_type(CALENDAR)
        .insert_header((
            "Content-Disposition",
            format!("inline; filename=\"visite-{id}.ics\""),
        ))
        .body(ics))
}

/// A pôle's visits as a calendar feed to subscribe to (the coming ones and those of the
/// last year).
#[utoipa::path(get, path = "/poles/{slug}/visits.ics", tag = "visits",
    params(("slug" = String, Path, description = "Slug of the pôle")),
    responses(
        (status = 200, description = "iCalendar (RFC 5545)", content_type = "text/calendar"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn pole_ics(web: Web, slug: web::Path<String>) -> AppResult<HttpResponse> {
    let slug = slug.into_inner();
    let ics = web
        .run(move |conn, env| ops::pole_ics(conn, env, &slug))
        .await?;
    Ok(HttpResponse::Ok().content_type(CALENDAR).body(ics))
}

#[derive(Debug, Default, Deserialize)]
struct CalendarQuery {
    #[serde(default)]
    pole: String,
    #[serde(default)]
    theme: String,
    /// `past` for the visits held.
    #[serde(default)]
    when: String,
}

/// The visits of one month (Paris time), for the calendar.
struct Month {
    title: String,
    visits: Vec<VisitView>,
}

#[derive(Template)]
#[template(path = "visits.html")]
struct CalendarPage {
    ctx: Ctx,
    months: Vec<Month>,
    poles: Vec<(String, String)>,
    pole: String,
    theme: String,
    past: bool,
    may_plan: bool,
}

impl CalendarPage {
    fn themes(&self) -> &'static [Theme] {
        Theme::ALL
    }

    fn when(&self, v: &VisitView) -> String {
        visit_when(&self.ctx, v)
    }
}

async fn calendar(web: Web, query: web::Query<CalendarQuery>) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let past = query.when == "past";
    let caller = web.caller.clone();
    let theme = Theme::parse(&query.theme);
    let pole_slug = query.pole.clone();
    let (list, poles, may_plan) = web
        .run(move |conn, env| {
            let now = env.clock.now();
            let q = VisitQuery {
                pole: Some(pole_slug).filter(|p| !p.is_empty()),
                theme,
                from: (!past).then(|| now.to_rfc3339()),
                to: past.then(|| now.to_rfc3339()),
                limit: Some(100),
                ..VisitQuery::default()
            };
            let list = ops::list(conn, env, caller.as_ref(), q)?;
            let poles = pole::all_names(conn)?;
            let may_plan = match &caller {
                Some(c) => c.is_admin() || !pole::coordinated_by(conn, c.id())?.is_empty(),
                None => false,
            };
            Ok((list, poles, may_plan))
        })
        .await?;
    let mut items = list.items;
    if past {
        items.reverse();
    }
    let mut months: Vec<Month> = Vec::new();
    for v in items {
        let title = month_title(&web.ctx, &v.starts_at.with_timezone(&Utc));
        match months.last_mut() {
            Some(m) if m.title == title => m.visits.push(v),
            _ => months.push(Month {
                title,
                visits: vec![v],
            }),
        }
    }
    web.page(&CalendarPage {
        ctx: web.ctx.clone(),
        months,
        poles,
        pole: query.pole,
        theme: query.theme,
        past,
        may_plan,
    })
}

/// "Décembre 2026" / "December 2026", in Paris time.
fn month_title(ctx: &Ctx, at: &DateTime<Utc>) -> String {
    use chrono::Datelike;
    let local = crate::clock::in_paris(*at);
    let month = ctx.t(&format!("month-{}", local.month()));
    let mut letters = month.chars();
    let capitalised: String = letters
        .next()
        .map(|first| first.to_uppercase().chain(letters).collect())
        .unwrap_or_default();
    format!("{capitalised} {}", local.year())
}

/// What a refused form on the visit's page had typed, shown again.
#[derive(Debug, Default, Clone, Deserialize)]
struct Typed {
    #[serde(default)]
    note: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    lessons: String,
    #[serde(default)]
    next_steps: String,
    #[serde(default)]
    visibility: String,
}

#[derive(Template)]
#[template(path = "visit.html")]
struct VisitPage {
    ctx: Ctx,
    v: VisitView,
    /// The caller's enterprises, to register for.
    enterprises: Vec<(EnterpriseId, String)>,
    registrations: Option<RegistrationList>,
    errors: FormErrors,
    typed: Typed,
    started: bool,
}

impl VisitPage {
    fn when(&self) -> String {
        visit_when(&self.ctx, &self.v)
    }

    fn deadline(&self) -> String {
        self.ctx
            .datetime(&self.v.registration_deadline.with_timezone(&Utc))
    }
}

/// "jeudi 10/12/2026, 09:30 – 16:30" in Paris time.
pub fn visit_when(ctx: &Ctx, v: &VisitView) -> String {
    let starts = v.starts_at.with_timezone(&Utc);
    let ends = v.ends_at.with_timezone(&Utc);
    let same_day = v.starts_at.date_naive() == v.ends_at.date_naive();
    let end = if same_day {
        crate::clock::in_paris(ends).format("%H:%M").to_string()
    } else {
        ctx.datetime(&ends)
    };
    format!("{} – {}", ctx.datetime(&starts), end)
}

async fn visit_page(
    web: &Web,
    id: VisitId,
    errors: FormErrors,
    typed: Typed,
) -> AppResult<HttpResponse> {
    let caller = web.caller.clone();
    let (v, enterprises, registrations, started) = web
        .run(move |conn, env| {
            let v = ops::show(conn, env, caller.as_ref(), id)?;
            let enterprises = match &caller {
                Some(c) => enterprise::of_account(conn, c.id())?
                    .into_iter()
                    .map(|e| (e.id, e.name))
                    .collect(),
                None => Vec::new(),
            };
            let registrations = match (&caller, v.organiser) {
                (Some(c), true) => Some(registrations::registrations(conn, c, id)?),
                _ => None,
            };
            let started = v.starts_at.with_timezone(&Utc) <= env.clock.now();
            Ok((v, enterprises, registrations, started))
        })
        .await?;
    web.page_with(
        errors.status(),
        &VisitPage {
            ctx: web.ctx.clone(),
            v,
            enterprises,
            registrations,
            errors,
            typed,
            started,
        },
    )
}

async fn show(web: Web, id: web::Path<VisitId>) -> AppResult<HttpResponse> {
    visit_page(
        &web,
        id.into_inner(),
        FormErrors::default(),
        Typed::default(),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
struct RegisterForm {
    #[serde(default)]
    enterprise_id: String,
    #[serde(default)]
    note: String,
}

async fn register(posted: Posted<RegisterForm>, id: web::Path<VisitId>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let id = id.into_inner();
    let mut reader = FormReader::new(web.words());
    let enterprise = reader.whole::<i64>("enterprise_id", &form.enterprise_id);
    let enterprise = reader.required("enterprise_id", enterprise);
    let Some(enterprise) = enterprise else {
        let typed = Typed {
            note: form.note,
            ..Typed::default()
        };
        return visit_page(&web, id, reader.errors, typed).await;
    };
    let note = form.note.clone();
    match web
        .run(move |conn, env| {
            registrations::register(conn, env, &caller, id, EnterpriseId(enterprise), &note)
        })
        .await
    {
        Ok(r) => {
            let flash = match r.status {
                crate::domain::visit::RegistrationStatus::Confirmed => "visit-registered",
                _ => "visit-waitlisted",
            };
            Ok(redirect_with(&web.state, &format!("/visits/{id}"), flash))
        }
        Err(error) => {
            let errors = FormErrors::from_error(error, web.words())?;
            let typed = Typed {
                note: form.note,
                ..Typed::default()
            };
            visit_page(&web, id, errors, typed).await
        }
    }
}

async fn unregister(
    posted: Posted<super::NoFields>,
    path: web::Path<(VisitId, RegistrationId)>,
) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let (id, registration) = path.into_inner();
    if !confirmed(&posted.pairs) {
        return ConfirmPage::answer(
            &posted.web,
            "unregister",
            format!("/visits/{id}/registrations/{registration}/cancel"),
            &posted.pairs,
            format!("/visits/{id}"),
        );
    }
    posted
        .web
        .run(move |conn, env| registrations::unregister(conn, env, &caller, id, registration))
        .await?;
    Ok(redirect_with(
        &posted.web.state,
        &format!("/visits/{id}"),
        "visit-unregistered",
    ))
}

async fn attendance(
    posted: Posted<super::NoFields>,
    id: web::Path<VisitId>,
) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let id = id.into_inner();
    let ids: Vec<RegistrationId> = posted
        .all("attended")
        .iter()
        .filter_map(|v| v.parse().ok().map(RegistrationId))
        .collect();
    match posted
        .web
        .run(move |conn, env| registrations::attendance(conn, env, &caller, id, &ids))
        .await
    {
        Ok(_) => Ok(redirect_with(
            &posted.web.state,
            &format!("/visits/{id}#registrations"),
            "visit-attendance",
        )),
        Err(error) => {
            let errors = FormErrors::from_error(error, posted.web.words())?;
            visit_page(&posted.web, id, errors, Typed::default()).await
        }
    }
}

async fn csv(web: Web, id: web::Path<VisitId>) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    let id = id.into_inner();
    let csv = web
        .run(move |conn, _| registrations::registrations_csv(conn, &caller, id))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"visite-{id}-inscriptions.csv\""),
        ))
        .body(csv))
}

async fn cancel(
    posted: Posted<super::NoFields>,
    id: web::Path<VisitId>,
) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let id = id.into_inner();
    if !confirmed(&posted.pairs) {
        return ConfirmPage::answer(
            &posted.web,
            "cancel-visit",
            format!("/visits/{id}/cancel"),
            &posted.pairs,
            format!("/visits/{id}"),
        );
    }
    posted
        .web
        .run(move |conn, env| ops::cancel(conn, env, &caller, id))
        .await?;
    Ok(redirect_with(
        &posted.web.state,
        &format!("/visits/{id}"),
        "visit-cancelled",
    ))
}

async fn report(posted: Posted<Typed>, id: web::Path<VisitId>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let id = id.into_inner();
    let input = ReportInput {
        summary: form.summary.clone(),
        lessons: form.lessons.clone(),
        next_steps: form.next_steps.clone(),
        licence: None,
        visibility: crate::domain::visit::ResourceVisibility::parse(&form.visibility),
    };
    match web
        .run(move |conn, env| resources::report(conn, env, &caller, id, input))
        .await
    {
        Ok(resource) => Ok(redirect_with(
            &web.state,
            &format!("/library/{}", resource.id),
            "visit-report-published",
        )),
        Err(error) => {
            let errors = FormErrors::from_error(error, web.words())?;
            visit_page(&web, id, errors, form).await
        }
    }
}
