//! Support tickets (richieste di assistenza): opened by a person about a service, with a
//! category, a subject, the request, a related resource and up to 3 attachments; answered with
//! the estimated time to be taken in charge (`inps_domain::assistance::estimate`). Operators
//! take, answer (messages) and close them; the requester and their delegate follow the thread;
//! every change by the office notifies the requester through the outbox.
//!
//! - [`handlers`]: open, list, show, download an attachment, write, take, close;
//! - [`wire`]: the ticket with its estimate, thread and files; the form; the message;
//! - [`use_cases`]: `open_ticket`, `tickets`, `show_ticket`, `attachment`, `post_message`,
//!   `take_ticket`, `close_ticket`.

pub mod handlers;
pub mod use_cases;
pub mod wire;
