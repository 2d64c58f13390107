//! The commands that manage consultation points: create one, replace its opening hours, add a
//! closure. The API builds them from its wire shapes and the demo data directly; the plan rules
//! ([`super::plan`]) check them when they are applied.

use time::{Date, Weekday};

use super::plan::{DayPlan, Exception, Opening, PlanError, WeeklyPlan};

/// The command that creates a consultation point, with no opening hours yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsultationPoint {
    /// Name (the office).
    pub name: String,
    /// Address.
    pub address: String,
}

/// The command that replaces a point's opening hours (orario di apertura): the weekly plan and
/// the dated exceptions, kept as given (in the order given, to show them back), checked by
/// [`OpeningHours::checked`]. Weekdays not listed are closed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpeningHours {
    /// How the point opens on each weekday it opens.
    pub days: Vec<(Weekday, DayPlan)>,
    /// Extra openings on single dates.
    pub exceptions: Vec<Exception>,
}

impl OpeningHours {
    /// The weekly plan, checked by [`WeeklyPlan::new`], and the exceptions (checked with the
    /// closures by [`super::plan::Schedule::new`]).
    pub fn checked(&self) -> Result<(WeeklyPlan, Vec<Exception>), PlanError> {
        let weekly = WeeklyPlan::new(self.days.iter().cloned())?;
        Ok((weekly, self.exceptions.clone()))
    }
}

/// The command that closes a point on one date: the whole day, or only some hours of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClosure {
    /// The closed date.
    pub date: Date,
    /// The closed hours, if not the whole day.
    pub hours: Option<Opening>,
    /// Why.
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use time::Time;

    use super::*;

    fn day(seats: u16) -> DayPlan {
        DayPlan {
            openings: vec![Opening {
                start: Time::from_hms(8, 30, 0).expect("time"),
                end: Time::from_hms(12, 30, 0).expect("time"),
            }],
            slot_minutes: 30,
            seats,
        }
    }

    #[test]
    fn opening_hours_are_checked_by_the_plan_rules() {
        let hours = OpeningHours {
            days: vec![(Weekday::Monday, day(2)), (Weekday::Friday, day(1))],
            exceptions: Vec::new(),
        };
        let (weekly, exceptions) = hours.checked().expect("a valid plan");
        assert_eq!(weekly.day(Weekday::Friday).map(|d| d.seats), Some(1));
        assert!(weekly.day(Weekday::Tuesday).is_none());
        assert!(exceptions.is_empty());
        let twice = OpeningHours {
            days: vec![(Weekday::Monday, day(2)), (Weekday::Monday, day(1))],
            exceptions: Vec::new(),
        };
        assert_eq!(
            twice.checked(),
            Err(PlanError::DuplicateWeekday {
                weekday: Weekday::Monday
            })
        );
        let no_seats = OpeningHours {
            days: vec![(Weekday::Monday, day(0))],
            exceptions: Vec::new(),
        };
        assert!(no_seats.checked().is_err());
    }
}
