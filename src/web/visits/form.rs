//! Planning and changing a visit with a form: times typed in Paris time
//! (`datetime-local`), a commune by name or INSEE code, every error of one submission at
//! once (what the form could not read and what the operation would refuse), nothing
//! written while any remains.

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;

use crate::domain::visit::{Audience, Theme, TransversalIssue};
use crate::error::{AppError, AppResult};
use crate::models::ids::{EnterpriseId, VisitId};
use crate::models::pole;
use crate::ops::visits::{self as ops, VisitInput};
use crate::web::confirm::redirect_with;
use crate::web::forms::FormReader;
use crate::web::{commune, Ctx, FormErrors, Posted, Web};

/// The planning form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub(super) struct VisitForm {
    #[serde(default)]
    pole: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    transversal_issue: String,
    #[serde(default)]
    host_enterprise_id: String,
    #[serde(default)]
    commune: String,
    #[serde(default)]
    commune_code: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    ends_at: String,
    #[serde(default)]
    registration_deadline: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    audience: String,
}

#[derive(Template)]
#[template(path = "visit_form.html")]
struct VisitFormPage {
    ctx: Ctx,
    /// `None` when planning, the visit's id when changing it.
    editing: Option<VisitId>,
    form: VisitForm,
    errors: FormErrors,
    /// Pôles the caller organises: (slug, name).
    poles: Vec<(String, String)>,
    /// Possible hosts: (id, "name — pôle").
    hosts: Vec<(EnterpriseId, String)>,
}

impl VisitFormPage {
    fn themes(&self) -> &'static [Theme] {
        Theme::ALL
    }
    fn issues(&self) -> &'static [TransversalIssue] {
        TransversalIssue::ALL
    }
    fn audiences(&self) -> &'static [Audience] {
        Audience::ALL
    }
}

async fn form_page(
    web: &Web,
    editing: Option<VisitId>,
    form: VisitForm,
    errors: FormErrors,
) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    let (poles, hosts) = web
        .run(move |conn, _| {
            let names = pole::all_names(conn)?;
            let ids = if caller.is_admin() {
                None
            } else {
                Some(pole::coordinated_by(conn, caller.id())?)
            };
            let mut poles = Vec::new();
            let mut hosts = Vec::new();
            for (slug, name) in names {
                let found = pole::find_by_slug(conn, &slug)?;
                if ids.as_ref().is_some_and(|ids| !ids.contains(&found.id)) {
                    continue;
                }
                for (id, enterprise, _, _) in pole::approved_members(conn, found.id)? {
                    hosts.push((id, format!("{enterprise} — {name}")));
                }
                poles.push((slug, name));
            }
            Ok((poles, hosts))
        })
        .await?;
    if poles.is_empty() {
        return Err(AppError::forbidden("not_pole_coordinator"));
    }
    web.page_with(
        errors.status(),
        &VisitFormPage {
            ctx: web.ctx.clone(),
            editing,
            form,
            errors,
            poles,
            hosts,
        },
    )
}

pub(super) async fn new_form(web: Web) -> AppResult<HttpResponse> {
    let form = VisitForm {
        capacity: "20".into(),
        audience: "network".into(),
        ..VisitForm::default()
    };
    form_page(&web, None, form, FormErrors::default()).await
}

/// A `datetime-local` value ("2026-12-10T09:30"), read as Paris time.
fn paris_time(reader: &mut FormReader, field: &str, text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let parsed = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%d/%m/%Y %H:%M"))
        .ok()
        .and_then(|t| t.and_local_timezone(chrono_tz::Europe::Paris).earliest());
    if parsed.is_none() {
        reader.refuse(field, crate::domain::Invalid::new("invalid_date"));
    }
    parsed.map(|t| t.with_timezone(&Utc))
}

/// Reads the form; `None` (with the errors) when a field cannot be read.
async fn read_form(web: &Web, form: &VisitForm) -> AppResult<(VisitInput, FormErrors)> {
    let mut reader = FormReader::new(web.words());
    let theme = reader.choice::<Theme>("theme", &form.theme);
    let transversal_issue =
        reader.choice::<TransversalIssue>("transversal_issue", &form.transversal_issue);
    let audience = reader.choice::<Audience>("audience", &form.audience);
    let capacity = reader.whole::<i64>("capacity", &form.capacity);
    let host = reader.whole::<i64>("host_enterprise_id", &form.host_enterprise_id);
    let starts_at = paris_time(&mut reader, "starts_at", &form.starts_at);
    let ends_at = paris_time(&mut reader, "ends_at", &form.ends_at);
    let registration_deadline = paris_time(
        &mut reader,
        "registration_deadline",
        &form.registration_deadline,
    );
    let commune = commune::resolve(
        web,
        &mut reader.errors,
        "commune",
        &form.commune,
        &form.commune_code,
    )
    .await?;
    let input = VisitInput {
        title: Some(form.title.clone()),
        description: Some(form.description.clone()),
        theme,
        transversal_issue,
        host_enterprise_id: host.map(EnterpriseId),
        commune,
        starts_at,
        ends_at,
        capacity,
        registration_deadline,
        audience,
    };
    Ok((input, reader.errors))
}

pub(super) async fn create(posted: Posted<VisitForm>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let (input, errors) = read_form(&web, &form).await?;
    let slug = form.pole.clone();
    if !errors.is_empty() {
        return refused(&web, &caller, None, form, errors, input).await;
    }
    match web
        .run(move |conn, env| ops::create(conn, env, &caller, &slug, input))
        .await
    {
        Ok(v) => Ok(redirect_with(
            &web.state,
            &format!("/visits/{}", v.id),
            "visit-planned",
        )),
        Err(error) => {
            let found = FormErrors::from_error(error, web.words())?;
            form_page(&web, None, form, found).await
        }
    }
}

/// The form again with the fields it could not read and what the operation would refuse
/// besides, nothing written.
async fn refused(
    web: &Web,
    caller: &crate::auth::Caller,
    editing: Option<VisitId>,
    form: VisitForm,
    errors: FormErrors,
    input: VisitInput,
) -> AppResult<HttpResponse> {
    let (caller, slug) = (caller.clone(), form.pole.clone());
    let checked = web
        .run(move |conn, env| ops::refusals(conn, env, &caller, &slug, editing, input))
        .await;
    let errors = match checked {
        Ok(()) => errors,
        Err(error) => errors.fill(FormErrors::from_error(error, web.words())?),
    };
    form_page(web, editing, form, errors).await
}

pub(super) async fn edit_form(web: Web, id: web::Path<VisitId>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let caller = web.caller.clone();
    let v = web
        .run(move |conn, env| ops::show(conn, env, caller.as_ref(), id))
        .await?;
    if !v.organiser {
        return Err(AppError::forbidden("not_visit_organiser"));
    }
    let local = |t: &chrono::DateTime<chrono::FixedOffset>| t.format("%Y-%m-%dT%H:%M").to_string();
    let form = VisitForm {
        pole: v.pole.clone(),
        title: v.title.clone(),
        description: v.description.clone(),
        theme: v.theme.as_str().into(),
        transversal_issue: v.transversal_issue.as_str().into(),
        host_enterprise_id: v
            .host_enterprise_id
            .map(|h| h.to_string())
            .unwrap_or_default(),
        commune: v.commune_name.clone(),
        commune_code: v.commune.clone(),
        starts_at: local(&v.starts_at),
        ends_at: local(&v.ends_at),
        registration_deadline: local(&v.registration_deadline),
        capacity: v.capacity.to_string(),
        audience: v.audience.as_str().into(),
    };
    form_page(&web, Some(id), form, FormErrors::default()).await
}

pub(super) async fn update(
    posted: Posted<VisitForm>,
    id: web::Path<VisitId>,
) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let id = id.into_inner();
    let (input, errors) = read_form(&web, &form).await?;
    if !errors.is_empty() {
        return refused(&web, &caller, Some(id), form, errors, input).await;
    }
    match web
        .run(move |conn, env| ops::update(conn, env, &caller, id, input))
        .await
    {
        Ok(_) => Ok(redirect_with(
            &web.state,
            &format!("/visits/{id}"),
            "visit-updated",
        )),
        Err(error) => {
            let found = FormErrors::from_error(error, web.words())?;
            form_page(&web, Some(id), form, found).await
        }
    }
}
