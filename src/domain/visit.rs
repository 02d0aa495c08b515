//! Learning visits (*visites apprenantes*) and the know-how library: the closed sets of
//! values they are described with, and the rules a visit's dates and seats follow. The
//! themes and cross-cutting questions are those the PTCE network organises its visits
//! around (issue 15: governance, economic models, financial engineering, the
//! entrepreneur's stance; the territory's development model, local effects,
//! macro-economic effects, social impact).

use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Europe::Paris;

use super::Invalid;

/// What a visit (or a resource of the library) is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    Governance,
    EconomicModel,
    FinancialEngineering,
    /// The entrepreneur's stance.
    Entrepreneurship,
    Other,
}

crate::named!(Theme {
    Governance => "governance",
    EconomicModel => "economic_model",
    FinancialEngineering => "financial_engineering",
    Entrepreneurship => "entrepreneurship",
    Other => "other",
});

/// The cross-cutting question a visit looks at.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TransversalIssue {
    /// The territory's economic development model.
    TerritorialDevelopment,
    LocalEffects,
    MacroeconomicEffects,
    SocialImpact,
    Other,
}

crate::named!(TransversalIssue {
    TerritorialDevelopment => "territorial_development",
    LocalEffects => "local_effects",
    MacroeconomicEffects => "macroeconomic_effects",
    SocialImpact => "social_impact",
    Other => "other",
});

/// Who may register: every pôle's members, or the organising pôle's only.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Network,
    Pole,
}

crate::named!(Audience {
    Network => "network",
    Pole => "pole",
});

/// What the organisers decided. A planned visit whose end has passed is shown as
/// [`VisitStatus::Held`]; only `planned` and `cancelled` are stored.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    Planned,
    Held,
    Cancelled,
}

crate::named!(VisitStatus {
    Planned => "planned",
    Held => "held",
    Cancelled => "cancelled",
});

impl VisitStatus {
    /// The status shown at `now` of a visit stored as `stored` that ends at `ends_at`.
    pub fn at(stored: VisitStatus, ends_at: DateTime<Utc>, now: DateTime<Utc>) -> VisitStatus {
        match stored {
            VisitStatus::Planned if ends_at <= now => VisitStatus::Held,
            other => other,
        }
    }
}

/// A registration's state: a seat, a place in the waiting list (first come, first
/// served), or given up.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    Confirmed,
    Waitlisted,
    Cancelled,
}

crate::named!(RegistrationStatus {
    Confirmed => "confirmed",
    Waitlisted => "waitlisted",
    Cancelled => "cancelled",
});

/// What a resource of the library is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    Method,
    Tool,
    CaseStudy,
    /// The record of a learning visit, written by its organisers after it.
    VisitReport,
    Template,
    Other,
}

crate::named!(ResourceKind {
    Method => "method",
    Tool => "tool",
    CaseStudy => "case_study",
    VisitReport => "visit_report",
    Template => "template",
    Other => "other",
});

/// Who reads a resource: anyone, or signed-in accounts only.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ResourceVisibility {
    Public,
    Members,
}

crate::named!(ResourceVisibility {
    Public => "public",
    Members => "members",
});

/// Seats of a visit: 1 to 500.
pub const CAPACITY: std::ops::RangeInclusive<i32> = 1..=500;

/// The licence of a resource, a SPDX licence identifier such as `CC-BY-SA-4.0` (checked
/// against the SPDX licence list of the `spdx` crate, whatever its case), or `LicenseRef-…` for a licence of
/// one's own (SPDX specification, annex D).
pub fn licence(text: &str) -> Result<String, Invalid> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix("LicenseRef-") {
        let ok = !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        return if ok {
            Ok(text.to_string())
        } else {
            Err(Invalid::new("licence_unknown"))
        };
    }
    if let Some(id) = spdx::license_id(text) {
        return Ok(id.name.to_string());
    }
    // SPDX identifiers match whatever their case (SPDX specification, annex B); the
    // canonical spelling is kept.
    spdx::identifiers::LICENSES
        .iter()
        .find(|(id, _, _)| id.eq_ignore_ascii_case(text))
        .map(|(id, _, _)| id.to_string())
        .ok_or_else(|| Invalid::new("licence_unknown"))
}

/// The dates of a visit as organisers give them. Each error names its field.
pub struct Schedule {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub registration_deadline: DateTime<Utc>,
}

/// How far ahead a visit can be planned, in years.
pub const MAX_YEARS_AHEAD: i64 = 3;
/// How long a visit can last, in days.
pub const MAX_DAYS: i64 = 7;

impl Schedule {
    /// The fields at fault: the end after the start and at most [`MAX_DAYS`] later, the
    /// deadline no later than the start; a new (or moved) visit starts in the future, at
    /// most [`MAX_YEARS_AHEAD`] years ahead, and its deadline has not passed.
    pub fn refusals(&self, now: DateTime<Utc>, is_new: bool) -> Vec<(&'static str, Invalid)> {
        let mut refusals = Vec::new();
        if is_new && self.starts_at <= now {
            refusals.push(("starts_at", Invalid::new("starts_in_past")));
        } else if is_new && self.starts_at > now + chrono::Duration::days(365 * MAX_YEARS_AHEAD) {
            refusals.push((
                "starts_at",
                Invalid::new("starts_too_far").with("years", MAX_YEARS_AHEAD),
            ));
        }
        if self.ends_at <= self.starts_at {
            refusals.push(("ends_at", Invalid::new("ends_before_start")));
        } else if self.ends_at - self.starts_at > chrono::Duration::days(MAX_DAYS) {
            refusals.push((
                "ends_at",
                Invalid::new("visit_too_long").with("days", MAX_DAYS),
            ));
        }
        if is_new
            && self.registration_deadline <= now
            && self.registration_deadline <= self.starts_at
            && self.starts_at > now
        {
            refusals.push(("registration_deadline", Invalid::new("deadline_in_past")));
        }
        if self.registration_deadline > self.starts_at {
            refusals.push((
                "registration_deadline",
                Invalid::new("deadline_after_start"),
            ));
        }
        refusals
    }
}

/// A time as shown to people and sent in JSON: Paris time, with its offset
/// (`2026-12-10T09:30:00+01:00`).
pub fn paris(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&Paris).fixed_offset()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 10, h, 0, 0).unwrap()
    }

    #[test]
    fn a_planned_visit_is_held_once_it_has_ended() {
        assert_eq!(
            VisitStatus::at(VisitStatus::Planned, at(12), at(11)),
            VisitStatus::Planned
        );
        assert_eq!(
            VisitStatus::at(VisitStatus::Planned, at(12), at(12)),
            VisitStatus::Held
        );
        assert_eq!(
            VisitStatus::at(VisitStatus::Cancelled, at(12), at(13)),
            VisitStatus::Cancelled
        );
    }

    #[test]
    fn a_schedule_names_each_field_at_fault() {
        let bad = Schedule {
            starts_at: at(10),
            ends_at: at(9),
            registration_deadline: at(11),
        };
        let fields: Vec<_> = bad.refusals(at(12), true).iter().map(|r| r.0).collect();
        assert_eq!(fields, ["starts_at", "ends_at", "registration_deadline"]);
        let good = Schedule {
            starts_at: at(10),
            ends_at: at(12),
            registration_deadline: at(10),
        };
        assert!(good.refusals(at(8), true).is_empty());
        // An organiser may still correct a visit that has started.
        assert!(good.refusals(at(11), false).is_empty());
    }

    #[test]
    fn licences_are_spdx_identifiers() {
        assert_eq!(licence("CC-BY-SA-4.0").unwrap(), "CC-BY-SA-4.0");
        assert_eq!(licence("Etalab-2.0").unwrap(), "etalab-2.0");
        assert!(licence("LicenseRef-interne").is_ok());
        assert!(licence("CC-BY-XYZ").is_err());
        assert!(licence("").is_err());
    }

    #[test]
    fn times_are_shown_in_paris_time() {
        // 09:30 UTC in December is 10:30 in Paris (CET, UTC+1); in July 11:30 (CEST).
        assert_eq!(paris(at(9)).to_rfc3339(), "2026-12-10T10:00:00+01:00");
        let summer = Utc.with_ymd_and_hms(2026, 7, 10, 9, 30, 0).unwrap();
        assert_eq!(paris(summer).to_rfc3339(), "2026-07-10T11:30:00+02:00");
    }
}
