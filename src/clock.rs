//! Time as the service sees it. Every "today" and every period boundary is a French date:
//! the calendar day in `Europe/Paris` (IANA time zone database, through `chrono-tz`), so a
//! transaction recorded at 00:30 on 1 December, Paris time, is dated 1 December whatever
//! the servers' zone. Tests inject a clock instead of sleeping.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use chrono_tz::Tz;

/// The zone of every date the service computes or shows.
pub const ZONE: Tz = Paris;

/// The service's clock: the system's, or one set by a test.
#[derive(Clone)]
pub struct Clock(Source);

#[derive(Clone)]
enum Source {
    System,
    Manual(Arc<Mutex<DateTime<Utc>>>),
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Source::System => f.write_str("Clock::system"),
            Source::Manual(at) => write!(f, "Clock::manual({:?})", at.lock().map(|a| *a)),
        }
    }
}

impl Clock {
    pub fn system() -> Clock {
        Clock(Source::System)
    }

    /// A clock that stays at `at` until [`Clock::set`] moves it (tests).
    pub fn manual(at: DateTime<Utc>) -> Clock {
        Clock(Source::Manual(Arc::new(Mutex::new(at))))
    }

    /// Moves a manual clock (every copy of it); no effect on the system clock.
    pub fn set(&self, at: DateTime<Utc>) {
        if let Source::Manual(current) = &self.0 {
            *current.lock().unwrap_or_else(|e| e.into_inner()) = at;
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            Source::System => Utc::now(),
            Source::Manual(at) => *at.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Today in Paris.
    pub fn today(&self) -> NaiveDate {
        paris_date(self.now())
    }
}

/// The calendar date in Paris at an instant.
pub fn paris_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&ZONE).date_naive()
}

/// The instant a Paris calendar day begins (00:00 Paris time, 23:00 or 22:00 UTC the day
/// before, depending on daylight saving time).
pub fn paris_day_start(date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    // Paris changes its clocks at 02:00 or 03:00, never at midnight: midnight is never
    // skipped nor repeated, but `earliest` keeps this total anyway.
    ZONE.from_local_datetime(&midnight)
        .earliest()
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight).with_timezone(&ZONE))
        .with_timezone(&Utc)
}

/// The instant a Paris calendar day ends (the next day's start, exclusive).
pub fn paris_day_end(date: NaiveDate) -> DateTime<Utc> {
    paris_day_start(date.checked_add_days(Days::new(1)).unwrap_or(date))
}

/// An instant as people in France read it.
pub fn in_paris(at: DateTime<Utc>) -> DateTime<Tz> {
    at.with_timezone(&ZONE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn half_past_midnight_in_paris_is_already_the_next_day() {
        // 00:30 on 1 December in Paris (winter, UTC+1) is 23:30 UTC on 30 November.
        let clock = Clock::manual(utc("2026-11-30T23:30:00Z"));
        assert_eq!(clock.today(), date("2026-12-01"));
        // In summer (UTC+2), 00:30 on 1 July is 22:30 UTC on 30 June.
        clock.set(utc("2026-06-30T22:30:00Z"));
        assert_eq!(clock.today(), date("2026-07-01"));
        clock.set(utc("2026-06-30T21:59:59Z"));
        assert_eq!(clock.today(), date("2026-06-30"));
    }

    #[test]
    fn days_begin_at_paris_midnight_across_both_daylight_saving_changes() {
        // Spring forward: Sunday 29 March 2026, 02:00 → 03:00. The day is 23 hours long.
        assert_eq!(
            paris_day_start(date("2026-03-29")),
            utc("2026-03-28T23:00:00Z")
        );
        assert_eq!(
            paris_day_end(date("2026-03-29")),
            utc("2026-03-29T22:00:00Z")
        );
        // Fall back: Sunday 25 October 2026, 03:00 → 02:00. The day is 25 hours long.
        assert_eq!(
            paris_day_start(date("2026-10-25")),
            utc("2026-10-24T22:00:00Z")
        );
        assert_eq!(
            paris_day_end(date("2026-10-25")),
            utc("2026-10-25T23:00:00Z")
        );
        // Around each change, the date flips at Paris midnight, not UTC midnight.
        assert_eq!(paris_date(utc("2026-03-28T22:59:59Z")), date("2026-03-28"));
        assert_eq!(paris_date(utc("2026-03-28T23:00:00Z")), date("2026-03-29"));
        assert_eq!(paris_date(utc("2026-03-29T21:59:59Z")), date("2026-03-29"));
        assert_eq!(paris_date(utc("2026-03-29T22:00:00Z")), date("2026-03-30"));
        assert_eq!(paris_date(utc("2026-10-24T21:59:59Z")), date("2026-10-24"));
        assert_eq!(paris_date(utc("2026-10-24T22:00:00Z")), date("2026-10-25"));
        assert_eq!(paris_date(utc("2026-10-25T22:59:59Z")), date("2026-10-25"));
        assert_eq!(paris_date(utc("2026-10-25T23:00:00Z")), date("2026-10-26"));
    }

    #[test]
    fn copies_of_a_manual_clock_move_together() {
        let clock = Clock::manual(utc("2026-01-01T00:00:00Z"));
        let copy = clock.clone();
        clock.set(utc("2026-02-01T00:00:00Z"));
        assert_eq!(copy.now(), utc("2026-02-01T00:00:00Z"));
        Clock::system().set(utc("2000-01-01T00:00:00Z"));
        assert!(Clock::system().now() > utc("2026-01-01T00:00:00Z"));
    }
}
