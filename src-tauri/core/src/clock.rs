//! The clock everything that depends on "now" reads: timestamps of writes, today's date, what
//! is upcoming, and (from the coming issues) reminders, waitlist deadlines and door hours.
//!
//! Code never asks the operating system for the time itself; it takes a [`Clock`], which the
//! app and the CLI make with [`Clock::system`] and tests with [`Clock::manual`], so a test can
//! put "now" wherever it needs and move it forward.

use std::sync::{Arc, Mutex, PoisonError};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// Where the time comes from, and the organizer's time zone (the laptop's, followed while the
/// app runs), which decides what "today" is. Cheap to clone; clones of a manual clock share its
/// time.
#[derive(Clone, Debug)]
pub struct Clock {
    source: Source,
    /// `None`: the system's zone, asked each time (a laptop travels).
    zone: Option<TimeZone>,
}

#[derive(Clone, Debug)]
enum Source {
    System,
    Manual(Arc<Mutex<Timestamp>>),
}

impl Clock {
    /// The operating system's clock, in the laptop's time zone.
    pub fn system() -> Self {
        Clock {
            source: Source::System,
            zone: None,
        }
    }

    /// A clock that stands at `at` until it is [`set`](Self::set) or
    /// [`advanced`](Self::advance), with `zone` as the organizer's zone.
    pub fn manual(at: Timestamp, zone: TimeZone) -> Self {
        Clock {
            source: Source::Manual(Arc::new(Mutex::new(at))),
            zone: Some(zone),
        }
    }

    pub fn now(&self) -> Timestamp {
        match &self.source {
            Source::System => Timestamp::now(),
            Source::Manual(at) => *at.lock().unwrap_or_else(PoisonError::into_inner),
        }
    }

    /// Now, as stored: RFC 3339 in UTC to the second.
    pub fn stamp(&self) -> String {
        crate::time::stamp(self.now())
    }

    /// The organizer's time zone.
    pub fn time_zone(&self) -> TimeZone {
        self.zone.clone().unwrap_or_else(TimeZone::system)
    }

    /// Today on the organizer's calendar.
    pub fn today(&self) -> Date {
        self.now().to_zoned(self.time_zone()).date()
    }

    /// Puts a manual clock at `at`. The system clock cannot be set: a test that tries is wrong.
    pub fn set(&self, at: Timestamp) {
        match &self.source {
            Source::Manual(now) => *now.lock().unwrap_or_else(PoisonError::into_inner) = at,
            Source::System => panic!("the system clock cannot be set; use Clock::manual"),
        }
    }

    /// Moves a manual clock forward (or back, with a negative span).
    pub fn advance(&self, by: SignedDuration) {
        let at = self.now().checked_add(by).unwrap_or_else(|_| self.now());
        self.set(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_stands_still_until_moved_and_its_clones_follow() {
        let at: Timestamp = "2027-01-31T23:30:00Z".parse().unwrap();
        let clock = Clock::manual(at, TimeZone::get("Europe/Berlin").unwrap());
        let clone = clock.clone();
        assert_eq!(clock.now(), at);
        assert_eq!(clock.stamp(), "2027-01-31T23:30:00Z");
        // Already February in Berlin.
        assert_eq!(clock.today(), jiff::civil::date(2027, 2, 1));
        clock.advance(SignedDuration::from_hours(2));
        assert_eq!(clone.stamp(), "2027-02-01T01:30:00Z");
    }

    #[test]
    #[should_panic(expected = "cannot be set")]
    fn the_system_clock_cannot_be_set() {
        Clock::system().set(Timestamp::UNIX_EPOCH);
    }
}
