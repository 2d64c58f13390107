//! Notifications: the one event outbox every use case writes to when a change concerns a person
//! (`outbox::notify`, in the transaction of the change), and each person's inbox
//! (`/v1/notifications`), and webhooks for integrators (`/v1/webhook-subscriptions`). Preferences per event type are under `/v1/me`
//! (`crate::identity::preferences`); the rules are in `inps_domain::notification`.

pub mod digests;
pub mod inbox;
pub mod outbox;
pub mod reminders;
pub mod webhooks;
pub mod worker;

/// Mounts the notifications context's operations.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(inbox::list_notifications)
        .service(inbox::mark_notifications_read)
        .service(inbox::mark_notification_read)
        .service(inbox::list_notification_deliveries)
        .service(webhooks::create_webhook_subscription)
        .service(webhooks::list_webhook_subscriptions)
        .service(webhooks::show_webhook_subscription)
        .service(webhooks::delete_webhook_subscription)
        .service(webhooks::list_webhook_deliveries)
        .service(webhooks::retry_webhook_delivery)
        .service(webhooks::replay_webhook_events);
}
