//! Calendar files (iCalendar, RFC 5545) of learning visits, written by the `icalendar`
//! crate (escaping, line folding at 75 octets, CRLF). Times are in UTC (`…Z`, RFC 5545
//! §3.3.5 form 2), which every calendar shows in its reader's zone — Paris time in France.
//! The UID is stable per visit (`visit-<id>@<host>`) and SEQUENCE grows with each change
//! of time or place, so a calendar updates the event instead of adding a second one; a
//! cancelled visit says `STATUS:CANCELLED`.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

/// One visit as a calendar shows it.
#[derive(Debug, Clone)]
pub struct CalendarEvent {
    pub visit_id: i64,
    pub title: String,
    pub description: String,
    /// The commune (and host) where it takes place, for LOCATION.
    pub location: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Absolute link to the visit's page.
    pub url: String,
    pub cancelled: bool,
    pub sequence: i32,
    /// Last change (DTSTAMP).
    pub updated_at: DateTime<Utc>,
}

/// The `.ics` text of these events; `name` titles a feed (X-WR-CALNAME), `host` makes the
/// UIDs unique to this service.
pub fn render(name: &str, host: &str, events: &[CalendarEvent]) -> String {
    let mut calendar = Calendar::new();
    // The crate writes PRODID itself; the calendar's name goes in X-WR-CALNAME (escaped).
    calendar
        .append_property(("METHOD", "PUBLISH"))
        .append_property(("X-WR-CALNAME", name));
    for visit in events {
        let mut event = Event::new();
        event
            .uid(&format!("visit-{}@{host}", visit.visit_id))
            .summary(&visit.title)
            .description(&visit.description)
            .location(&visit.location)
            .starts(visit.starts_at)
            .ends(visit.ends_at)
            .timestamp(visit.updated_at)
            .sequence(visit.sequence.max(0) as u32)
            .url(&visit.url)
            .status(if visit.cancelled {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            });
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn visit(cancelled: bool) -> CalendarEvent {
        CalendarEvent {
            visit_id: 7,
            title: "Gouvernance partagée, à Romans".into(),
            description: "Une journée; deux ateliers, un repas".into(),
            location: "Romans-sur-Isère (26)".into(),
            starts_at: Utc.with_ymd_and_hms(2026, 12, 10, 8, 30, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2026, 12, 10, 16, 0, 0).unwrap(),
            url: "https://ptce.example/visits/7".into(),
            cancelled,
            sequence: 2,
            updated_at: Utc.with_ymd_and_hms(2026, 11, 29, 10, 0, 0).unwrap(),
        }
    }

    #[test]
    fn an_event_has_a_stable_uid_utc_times_and_its_status() {
        let ics = render("Visites", "ptce.example", &[visit(false)]);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(ics.contains("UID:visit-7@ptce.example\r\n"));
        // 09:30 in Paris on 10 December is 08:30 UTC.
        assert!(ics.contains("DTSTART:20261210T083000Z\r\n"), "{ics}");
        assert!(ics.contains("DTEND:20261210T160000Z\r\n"));
        assert!(ics.contains("SEQUENCE:2\r\n"));
        assert!(ics.contains("STATUS:CONFIRMED\r\n"));
        assert!(ics.contains("LOCATION:Romans-sur-Isère (26)\r\n"));
        assert!(ics.contains("URL:https://ptce.example/visits/7\r\n"));
        // RFC 5545 §3.3.11: commas and semicolons of text are escaped.
        assert!(ics.contains("DESCRIPTION:Une journée\\; deux ateliers\\, un repas"));
        assert!(ics.trim_end().ends_with("END:VCALENDAR"));
        assert_eq!(
            ics.matches("PRODID:").count(),
            1,
            "one PRODID (RFC 5545 §3.7.3)"
        );
    }

    #[test]
    fn a_cancelled_visit_says_so() {
        let ics = render("Visites", "ptce.example", &[visit(true)]);
        assert!(ics.contains("STATUS:CANCELLED\r\n"));
    }
}
