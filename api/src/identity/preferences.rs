//! `GET|PUT /v1/me/notification-preferences`: per event type, the channels and frequency.

use std::collections::HashSet;

use actix_web::{HttpResponse, get, put, web};
use inps_persistence::profile::{self, PreferenceRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::Caller;
use crate::db;
use crate::error::{ApiError, Text};
use crate::extract::ValidatedJson;
use crate::state::AppState;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// The stored text.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}

text_enum! {
    /// Events a person can be notified of.
    EventType {
        /// An appointment was confirmed, rescheduled, cancelled or closed.
        AppointmentChanged = "appointment_changed",
        /// An inquiry got its answer.
        InquiryAnswered = "inquiry_answered",
        /// A delegation was created, accepted, rejected, revoked or expired.
        DelegationChanged = "delegation_changed",
        /// A contribution is due soon.
        ContributionDue = "contribution_due",
        /// A service (prestazione) was recorded, rectified or revoked.
        ServiceRecorded = "service_recorded",
        /// A worker's payment method changed.
        PaymentMethodChanged = "payment_method_changed",
        /// A payment changed status.
        PaymentStatusChanged = "payment_status_changed",
    }
}

text_enum! {
    /// Delivery channels. The in-app inbox is always on.
    Channel {
        /// The in-app inbox.
        Inbox = "inbox",
        /// E-mail (needs an e-mail address on file).
        Email = "email",
        /// PEC (needs a PEC address on file).
        Pec = "pec",
        /// SMS (needs a mobile number on file).
        Sms = "sms",
    }
}

text_enum! {
    /// How often to deliver.
    Frequency {
        /// At once.
        Immediate = "immediate",
        /// One daily digest.
        Daily = "daily",
        /// One weekly digest.
        Weekly = "weekly",
    }
}

/// The preference for one event type.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Preference {
    /// Event type.
    pub event_type: EventType,
    /// Channels (the inbox is always added).
    #[validate(length(max = 4))]
    #[schema(max_items = 4)]
    pub channels: Vec<Channel>,
    /// Frequency.
    pub frequency: Frequency,
}

/// All preferences (event types not listed use the default: inbox, immediate).
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"items": [{"event_type": "appointment_changed", "channels": ["inbox", "email"], "frequency": "immediate"}]}))]
pub struct Preferences {
    /// One entry per event type.
    #[validate(length(max = 7), nested)]
    #[schema(max_items = 7)]
    pub items: Vec<Preference>,
}

fn to_view(rows: Vec<PreferenceRow>) -> Preferences {
    Preferences {
        items: rows
            .into_iter()
            .filter_map(|r| {
                Some(Preference {
                    event_type: EventType::parse(&r.event_type)?,
                    channels: r
                        .channels
                        .iter()
                        .filter_map(|c| Channel::parse(c))
                        .collect(),
                    frequency: Frequency::parse(&r.frequency)?,
                })
            })
            .collect(),
    }
}

/// My notification preferences
///
/// Per event type, the channels and frequency chosen.
#[utoipa::path(tag = "me", operation_id = "show_my_notification_preferences",
    responses((status = 200, description = "The preferences.", body = Preferences),
              (status = 401, description = "No valid session.")),
    security(("bearer" = [])))]
#[get("/me/notification-preferences")]
pub async fn show_my_notification_preferences(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let rows = db::with_conn(&state, move |conn| {
        Ok(profile::preferences_of(conn, caller.tax_code.as_str())?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(to_view(rows)))
}

/// Replace my notification preferences
///
/// Each channel other than the inbox needs the matching contact on file (422 otherwise); an
/// event type may appear once.
#[utoipa::path(tag = "me", operation_id = "replace_my_notification_preferences",
    request_body = Preferences,
    responses((status = 200, description = "The preferences.", body = Preferences),
              (status = 400, description = "The body is not JSON."),
              (status = 401, description = "No valid session."),
              (status = 415, description = "The body is not `application/json`."),
              (status = 422, description = "A channel without a contact, or a repeated event type.")),
    security(("bearer" = [])))]
#[put("/me/notification-preferences")]
pub async fn replace_my_notification_preferences(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidatedJson<Preferences>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let input = body.value;
    let mut seen = HashSet::new();
    for (i, p) in input.items.iter().enumerate() {
        if !seen.insert(p.event_type) {
            return Err(ApiError::invalid_field(
                format!("items[{i}].event_type"),
                Text::new("tipo di evento ripetuto", "repeated event type"),
            ));
        }
    }
    let rows = db::transaction(&state, move |conn| {
        let tax_code = caller.tax_code.as_str().to_owned();
        let contacts = profile::contacts_of(conn, &tax_code)?;
        let mut rows = Vec::new();
        for (i, p) in input.items.iter().enumerate() {
            let mut channels = vec![Channel::Inbox];
            for c in &p.channels {
                let on_file = match c {
                    Channel::Inbox => true,
                    Channel::Email => contacts.email.is_some(),
                    Channel::Pec => contacts.pec.is_some(),
                    Channel::Sms => contacts.mobile.is_some(),
                };
                if !on_file {
                    return Err(ApiError::invalid_field(
                        format!("items[{i}].channels"),
                        Text::new(
                            format!("nessun recapito {} registrato", c.as_str()),
                            format!("no {} contact on file", c.as_str()),
                        ),
                    ));
                }
                if !channels.contains(c) {
                    channels.push(*c);
                }
            }
            rows.push(PreferenceRow {
                event_type: p.event_type.as_str().to_owned(),
                channels: channels.iter().map(|c| c.as_str().to_owned()).collect(),
                frequency: p.frequency.as_str().to_owned(),
            });
        }
        profile::put_preferences(conn, &tax_code, &rows, now)?;
        inps_persistence::audit::append(
            conn,
            caller.audit(
                "notification_preferences.replace",
                "/v1/me/notification-preferences",
                Some(&tax_code),
            ),
            now,
        )?;
        Ok(profile::preferences_of(conn, &tax_code)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(to_view(rows)))
}
