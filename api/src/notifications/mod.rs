//! Notifications: the one event outbox every use case writes to when a change concerns a person
//! (`outbox::notify`, in the transaction of the change). Preferences per event type are under
//! `/v1/me` (`crate::identity::preferences`); the rules are in `inps_domain::notification`.

pub mod outbox;
