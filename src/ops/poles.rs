//! Pôles: the public directory, creation by admins, appointing coordinators.

use diesel::PgConnection;

use crate::auth::Caller;
use crate::domain::account::Email;
use crate::domain::pole::Slug;
use crate::domain::territory::DepartementCode;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::pole::{self, NewPole};
use crate::models::{account, reference as reference_model};
use crate::views::poles::{Coordination, MemberGroup, MemberView, PoleList, PoleView};

/// Every pôle, by name.
pub fn list(conn: &mut PgConnection) -> AppResult<PoleList> {
    Ok(PoleList {
        items: pole::list(conn)?
            .into_iter()
            .map(|d| PoleView::from_details(d, None, false))
            .collect(),
    })
}

/// A pôle with its coordinators and approved members; anonymous visitors do not see the
/// members' communes.
pub fn show(conn: &mut PgConnection, caller: Option<&Caller>, slug: &str) -> AppResult<PoleView> {
    let found = pole::find_by_slug(conn, slug)?;
    let signed_in = caller.is_some();
    let members = pole::approved_members(conn, found.id)?
        .into_iter()
        .map(|(id, name, commune, naf)| MemberView {
            id,
            name,
            commune: signed_in.then_some(commune),
            naf,
        })
        .collect();
    Ok(PoleView::from_details(
        pole::details(conn, found)?,
        Some(members),
        signed_in,
    ))
}

pub struct NewPoleCommand {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub commune: String,
    pub departements: Vec<String>,
}

/// Creates a pôle (admins). 409 `pole_slug_taken`.
pub fn create(
    conn: &mut PgConnection,
    caller: &Caller,
    new: NewPoleCommand,
) -> AppResult<PoleView> {
    caller.require_admin()?;
    let mut errors = FieldErrors::new();
    let slug = errors.check("slug", Slug::parse(&new.slug));
    let name = new.name.trim().to_string();
    if !(2..=120).contains(&name.chars().count()) {
        errors.add(
            "name",
            Invalid::new("length").with("min", 2).with("max", 120),
        );
    }
    let description = new.description.trim().to_string();
    if description.chars().count() > 5000 {
        errors.add("description", Invalid::new("too_long").with("max", 5000));
    }
    let commune = errors.check("commune", super::reference::locate(conn, &new.commune)?);
    if new.departements.is_empty() || new.departements.len() > 30 {
        errors.add(
            "departements",
            Invalid::new("length").with("min", 1).with("max", 30),
        );
    }
    // (index as sent, code): a refusal names the element that was sent.
    let mut parsed = Vec::new();
    for (index, code) in new.departements.iter().enumerate() {
        if let Some(code) = errors.check(
            &format!("departements[{index}]"),
            DepartementCode::parse(code),
        ) {
            parsed.push((index, code.as_str().to_string()));
        }
    }
    let departements: Vec<String> = parsed.iter().map(|(_, code)| code.clone()).collect();
    let known = reference_model::existing_departements(conn, &departements)?;
    for (index, code) in &parsed {
        if !known.contains(code) {
            errors.add(
                &format!("departements[{index}]"),
                Invalid::new("unknown_departement").with("code", code),
            );
        }
    }
    errors.finish()?;
    let (Some(slug), Some(commune)) = (slug, commune) else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "checked fields missing"
        )));
    };
    let created = pole::create(
        conn,
        &NewPole {
            slug: slug.as_str(),
            name: &name,
            description: &description,
            commune_code: commune.code.as_str(),
        },
        &departements,
    )
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => AppError::conflict("pole_slug_taken"),
        other => other,
    })?;
    Ok(PoleView::from_details(
        pole::details(conn, created)?,
        None,
        false,
    ))
}

/// Appoints an existing account as a coordinator of the pôle (admins); a member account
/// becomes a coordinator; appointing twice changes nothing.
pub fn appoint_coordinator(
    conn: &mut PgConnection,
    caller: &Caller,
    slug: &str,
    email: &str,
) -> AppResult<PoleView> {
    caller.require_admin()?;
    let email = Email::parse_with(email, true).map_err(|e| AppError::invalid_field("email", e))?;
    let found = pole::find_by_slug(conn, slug)?;
    let Some(appointee) = account::find_by_email(conn, &email)? else {
        return Err(AppError::invalid_field(
            "email",
            Invalid::new("unknown_account"),
        ));
    };
    pole::add_coordinator(conn, found.id, appointee.id)?;
    Ok(PoleView::from_details(
        pole::details(conn, found)?,
        None,
        true,
    ))
}

/// What a coordinator follows: the pôles it coordinates (every pôle for admins) as
/// (slug, name), by name, and the membership requests pending in them, oldest first.
/// 403 `coordinators_only` for anyone else.
pub fn coordination(conn: &mut PgConnection, caller: &Caller) -> AppResult<Coordination> {
    let ids = if caller.is_admin() {
        pole::list(conn)?.into_iter().map(|d| d.pole.id).collect()
    } else {
        pole::coordinated_by(conn, caller.id())?
    };
    if ids.is_empty() {
        return Err(AppError::forbidden("coordinators_only"));
    }
    Ok(Coordination {
        poles: pole::names_of(conn, &ids)?,
        pending: pole::pending_members(conn, &ids)?,
    })
}

/// Every approved member, grouped by pôle: (pôle name, [(enterprise id, name)]), for a
/// coordinator recording an exchange between two members. 403 `coordinators_only`.
pub fn member_directory(conn: &mut PgConnection, caller: &Caller) -> AppResult<Vec<MemberGroup>> {
    if !caller.is_admin() && pole::coordinated_by(conn, caller.id())?.is_empty() {
        return Err(AppError::forbidden("coordinators_only"));
    }
    let mut groups: Vec<MemberGroup> = Vec::new();
    for (pole_name, id, name) in pole::approved_directory(conn)? {
        match groups.last_mut() {
            Some(group) if group.pole == pole_name => group.members.push((id, name)),
            _ => groups.push(MemberGroup {
                pole: pole_name,
                members: vec![(id, name)],
            }),
        }
    }
    Ok(groups)
}

/// The pôle of a slug, or the field refusal `unknown_pole` naming it (for operations that
/// take a pôle among their fields).
pub fn by_slug(
    conn: &mut PgConnection,
    slug: &str,
) -> AppResult<Result<crate::models::pole::Pole, crate::domain::Invalid>> {
    match pole::find_by_slug(conn, slug) {
        Ok(found) => Ok(Ok(found)),
        Err(diesel::result::Error::NotFound) => Ok(Err(crate::domain::Invalid::new(
            "unknown_pole",
        )
        .with("slug", slug))),
        Err(e) => Err(e.into()),
    }
}
