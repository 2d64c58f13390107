//! The problem registry: every problem `type` the API can answer is one row of [`Problem::spec`]
//! (slug, status, Italian and English title, a short explanation of the rule). Call sites name a
//! row; nothing else invents a slug. A test enumerates [`Problem::ALL`], and the contract lists,
//! per operation, the types it can answer.
//!
//! This module knows no HTTP framework: statuses are plain numbers, so use cases can refuse with
//! a [`Problem`] without seeing actix.

use std::borrow::Cow;

/// Base of every problem `type` URI; `GET /v1/help/problems/{slug}` documents each.
pub const PROBLEM_TYPE_BASE: &str = "https://inps.example/problems/";

/// A text in the two languages the API speaks (Italian by default, English on request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// Italian.
    pub it: Cow<'static, str>,
    /// English.
    pub en: Cow<'static, str>,
}

impl Text {
    /// A text from its two translations.
    pub fn new(it: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Self {
        Self {
            it: it.into(),
            en: en.into(),
        }
    }

    /// The translation for `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::It => &self.it,
            Lang::En => &self.en,
        }
    }
}

/// Response language, negotiated from `Accept-Language`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Italian (default).
    It,
    /// English.
    En,
}

impl Lang {
    /// Picks the preferred supported language of an `Accept-Language` value (RFC 9110 q-values).
    pub fn negotiate(accept_language: Option<&str>) -> Self {
        let Some(value) = accept_language else {
            return Self::It;
        };
        let mut best: Option<(Self, f32)> = None;
        for item in value.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let lang = if tag == "en" || tag.starts_with("en-") {
                Self::En
            } else if tag == "it" || tag.starts_with("it-") || tag == "*" {
                Self::It
            } else {
                continue;
            };
            if q > 0.0 && best.is_none_or(|(_, bq)| q > bq) {
                best = Some((lang, q));
            }
        }
        best.map_or(Self::It, |(lang, _)| lang)
    }
}

/// One row of the registry.
#[derive(Debug, Clone, Copy)]
pub struct ProblemSpec {
    /// HTTP status.
    pub status: u16,
    /// Last segment of the `type` URI.
    pub slug: &'static str,
    /// Italian title.
    pub title_it: &'static str,
    /// English title.
    pub title_en: &'static str,
    /// What the rule is, in Italian (with its legal source where there is one).
    pub explanation_it: &'static str,
    /// What the rule is, in English.
    pub explanation_en: &'static str,
}

impl ProblemSpec {
    /// The full `type` URI.
    pub fn type_uri(&self) -> String {
        format!("{PROBLEM_TYPE_BASE}{}", self.slug)
    }
}

macro_rules! registry {
    ($( $(#[$doc:meta])* $variant:ident => ($status:literal, $slug:literal,
        $title_it:literal, $title_en:literal, $expl_it:literal, $expl_en:literal) ),+ $(,)?) => {
        /// Every problem type the API can answer.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Problem {
            $( $(#[$doc])* $variant, )+
        }

        impl Problem {
            /// Every row, in registry order.
            pub const ALL: &'static [Problem] = &[ $( Problem::$variant, )+ ];

            /// The row of this problem.
            pub const fn spec(self) -> ProblemSpec {
                match self {
                    $( Problem::$variant => ProblemSpec {
                        status: $status,
                        slug: $slug,
                        title_it: $title_it,
                        title_en: $title_en,
                        explanation_it: $expl_it,
                        explanation_en: $expl_en,
                    }, )+
                }
            }
        }
    };
}

registry! {
    /// The request cannot be parsed (malformed JSON, bad query string, unreadable body).
    MalformedRequest => (400, "malformed-request", "Richiesta non valida", "Malformed request",
        "La richiesta non è leggibile: JSON malformato, parametri di ricerca errati o corpo incompleto.",
        "The request cannot be read: malformed JSON, wrong query parameters or an incomplete body."),
    /// No session, or an expired or revoked one.
    Unauthenticated => (401, "unauthenticated", "Autenticazione richiesta", "Authentication required",
        "Serve una sessione valida: le sessioni scadono dopo 30 minuti di inattività e 8 ore dall'accesso.",
        "A valid session is required: sessions expire after 30 minutes of inactivity and 8 hours after login."),
    /// An identity assertion that is not a well-formed JWT.
    AssertionMalformed => (401, "assertion-malformed", "Asserzione di identità rifiutata", "Identity assertion refused",
        "L'asserzione di identità non è un JWT ben formato.",
        "The identity assertion is not a well-formed JWT."),
    /// An identity assertion signed with an algorithm other than RS256 or ES256.
    AssertionUnsupportedAlgorithm => (401, "assertion-unsupported-algorithm", "Asserzione di identità rifiutata", "Identity assertion refused",
        "Sono accettate solo asserzioni firmate RS256 o ES256.",
        "Only assertions signed with RS256 or ES256 are accepted."),
    /// An identity assertion whose `kid` is not among the trusted keys.
    AssertionUnknownKey => (401, "assertion-unknown-key", "Asserzione di identità rifiutata", "Identity assertion refused",
        "L'asserzione è firmata con una chiave non attendibile.",
        "The assertion is signed with a key that is not trusted."),
    /// An identity assertion whose signature does not verify.
    AssertionBadSignature => (401, "assertion-bad-signature", "Asserzione di identità rifiutata", "Identity assertion refused",
        "La firma dell'asserzione non è valida.",
        "The assertion's signature does not verify."),
    /// An identity assertion from another issuer.
    AssertionWrongIssuer => (401, "assertion-wrong-issuer", "Asserzione di identità rifiutata", "Identity assertion refused",
        "L'asserzione proviene da un emittente non previsto.",
        "The assertion comes from an unexpected issuer."),
    /// An identity assertion meant for another audience.
    AssertionWrongAudience => (401, "assertion-wrong-audience", "Asserzione di identità rifiutata", "Identity assertion refused",
        "L'asserzione è destinata a un altro servizio.",
        "The assertion is meant for another service."),
    /// An expired identity assertion.
    AssertionExpired => (401, "assertion-expired", "Asserzione di identità rifiutata", "Identity assertion refused",
        "L'asserzione è scaduta: ripetere l'autenticazione.",
        "The assertion has expired: authenticate again."),
    /// An identity assertion not yet valid.
    AssertionNotYetValid => (401, "assertion-not-yet-valid", "Asserzione di identità rifiutata", "Identity assertion refused",
        "L'asserzione non è ancora valida.",
        "The assertion is not valid yet."),
    /// An identity assertion issued more than 10 minutes ago.
    AssertionStale => (401, "assertion-stale", "Asserzione di identità rifiutata", "Identity assertion refused",
        "L'asserzione è stata emessa da più di 10 minuti.",
        "The assertion was issued more than 10 minutes ago."),
    /// An identity assertion below SPID level 2.
    AssertionInsufficientLevel => (401, "assertion-insufficient-level", "Asserzione di identità rifiutata", "Identity assertion refused",
        "Serve un'identità almeno di livello SPID 2 (o CIE, CNS, eIDAS equivalenti).",
        "An identity of at least SPID level 2 (or equivalent CIE, CNS, eIDAS) is required."),
    /// An identity assertion already used once.
    AssertionReplayed => (401, "assertion-replayed", "Asserzione di identità rifiutata", "Identity assertion refused",
        "Ogni asserzione si usa una sola volta.",
        "Each assertion can be used only once."),
    /// An identity assertion that names no valid personal tax code.
    AssertionInvalidSubject => (401, "assertion-invalid-subject", "Asserzione di identità rifiutata", "Identity assertion refused",
        "L'asserzione non indica un codice fiscale personale valido.",
        "The assertion does not name a valid personal tax code."),
    /// Authenticated but not allowed (e.g. an operation reserved to INPS operators).
    Forbidden => (403, "forbidden", "Operazione non consentita", "Operation not allowed",
        "La persona autenticata non ha il ruolo richiesto per questa operazione.",
        "The authenticated person does not hold the role this operation requires."),
    /// A delegate sees the resource but the delegation does not grant the action.
    ScopeNotGranted => (403, "scope-not-granted", "Ambito della delega insufficiente", "Scope not granted",
        "La delega in vigore non comprende l'ambito richiesto da questa operazione.",
        "The delegation in force does not include the scope this operation needs."),
    /// The caller holds no position that can delegate.
    DelegatorNotEligible => (403, "delegator-not-eligible", "Delega non consentita", "Delegation not allowed",
        "Può delegare solo chi è datore di lavoro domestico, prestatore, utilizzatore o rappresentante legale di un utilizzatore.",
        "Only a domestic employer, a worker, a client or a client's legal representative can delegate."),
    /// Unknown, or not visible to the caller.
    NotFound => (404, "not-found", "Risorsa non trovata", "Resource not found",
        "La risorsa non esiste o non è visibile a chi chiama.",
        "The resource does not exist or is not visible to the caller."),
    /// The path exists, the method does not.
    MethodNotAllowed => (405, "method-not-allowed", "Metodo non consentito", "Method not allowed",
        "Il percorso esiste ma non accetta questo metodo: l'intestazione Allow elenca quelli ammessi.",
        "The path exists but does not accept this method: the Allow header lists those it does."),
    /// The response media type asked for cannot be produced.
    NotAcceptable => (406, "not-acceptable", "Formato di risposta non disponibile", "Response format not available",
        "Il formato richiesto con Accept non è disponibile.",
        "The format asked for with Accept is not available."),
    /// The body did not arrive in time.
    RequestTimeout => (408, "request-timeout", "Richiesta incompleta", "Request timeout",
        "Il corpo della richiesta non è arrivato per intero entro il tempo massimo.",
        "The request body did not arrive in full within the time allowed."),
    /// The resource's state does not allow the action.
    StateConflict => (409, "state-conflict", "Stato della risorsa incompatibile", "Resource state conflict",
        "Lo stato attuale della risorsa non consente l'operazione.",
        "The resource's current state does not allow the operation."),
    /// A concurrent request changed the same data first.
    ConcurrentUpdate => (409, "concurrent-update", "Richiesta concorrente", "Concurrent request",
        "Un'altra richiesta ha modificato gli stessi dati: riprovare.",
        "Another request changed the same data: please retry."),
    /// Too many wrong contact verification codes.
    ContactCodeExhausted => (409, "contact-code-exhausted", "Troppi codici errati", "Too many wrong codes",
        "Dopo 5 codici errati il codice non vale più: chiederne uno nuovo.",
        "After 5 wrong codes the code is void: ask for a new one."),
    /// Another delegation for the service became active at the same time.
    DelegationAlreadyActive => (409, "delegation-already-active", "Delega già attiva", "Delegation already active",
        "Per il lavoro domestico un datore ha al massimo una delega attiva (msg. INPS 465/2017).",
        "For domestic work an employer has at most one active delegation (INPS msg. 465/2017)."),
    /// The appointment's slot is full or no longer offered.
    SlotUnavailable => (409, "slot-unavailable", "Fascia oraria non disponibile", "Slot not available",
        "La fascia oraria scelta non ha più posti o non è più offerta dal punto di consulenza: il campo nearest_free_slots propone le 3 fasce libere più vicine (msg. INPS 2651/2019, Agenda Appuntamenti).",
        "The chosen slot has no seat left or is no longer offered by the consultation point: the nearest_free_slots member offers the 3 nearest free slots (INPS message 2651/2019, Agenda Appuntamenti)."),
    /// A quesito of the appointment is already on another confirmed appointment.
    InquiryOnAnotherAppointment => (409, "inquiry-on-another-appointment", "Quesito già in un altro appuntamento", "Inquiry already on another appointment",
        "Un quesito si discute in un solo appuntamento confermato alla volta.",
        "An inquiry is discussed at one confirmed appointment at a time."),
    /// The pagoPA notice was already recorded for a payment.
    PaymentAlreadyRecorded => (409, "payment-already-recorded", "Versamento già registrato", "Payment already recorded",
        "Un avviso pagoPA corrisponde a un solo versamento.",
        "A pagoPA notice stands for one payment only."),
    /// `If-Match` does not match the current version.
    PreconditionFailed => (412, "precondition-failed", "La risorsa è stata modificata", "The resource has changed",
        "La versione indicata in If-Match non è più quella attuale: rileggere la risorsa.",
        "The version given in If-Match is no longer current: read the resource again."),
    /// The body is too large.
    PayloadTooLarge => (413, "payload-too-large", "Contenuto troppo grande", "Payload too large",
        "Il corpo della richiesta supera la dimensione massima.",
        "The request body exceeds the maximum size."),
    /// The attachments exceed 3 MiB in total.
    AttachmentsTooLarge => (413, "attachments-too-large", "Allegati troppo grandi", "Attachments too large",
        "Gli allegati non possono superare 3 MiB in totale.",
        "Attachments cannot exceed 3 MiB in total."),
    /// The body's media type is not accepted.
    UnsupportedMediaType => (415, "unsupported-media-type", "Formato del contenuto non supportato", "Unsupported media type",
        "Il corpo deve avere il tipo di contenuto indicato dal contratto.",
        "The body must have the media type the contract states."),
    /// An attachment that is not PDF, JPEG, PNG or TIFF by its bytes.
    UnsupportedAttachmentType => (415, "unsupported-attachment-type", "Tipo di allegato non ammesso", "Attachment type not accepted",
        "Sono ammessi solo PDF, JPEG, PNG e TIFF, riconosciuti dal contenuto e non dal nome.",
        "Only PDF, JPEG, PNG and TIFF are accepted, recognised from the content, not the name."),
    /// A manual that is neither PDF nor Markdown.
    UnsupportedManualFormat => (415, "unsupported-manual-format", "Formato del manuale non ammesso", "Manual format not accepted",
        "Un manuale si pubblica in PDF o in Markdown (testo UTF-8 senza caratteri binari), riconosciuti dal contenuto e non dal nome (msg. INPS 2651/2019: manuali scaricabili per profilo).",
        "A manual is published as PDF or Markdown (UTF-8 text without binary characters), recognised from the content, not the name (INPS message 2651/2019: manuals downloadable per profile)."),
    /// Well-formed input that breaks a validation rule.
    ValidationFailed => (422, "validation-failed", "Dati non validi", "Validation failed",
        "Uno o più campi non rispettano le regole: l'elenco errors li indica.",
        "One or more fields break a rule: the errors list names them."),
    /// More than 3 attachments.
    TooManyAttachments => (422, "too-many-attachments", "Troppi allegati", "Too many attachments",
        "Al massimo 3 allegati per richiesta.",
        "At most 3 attachments per request."),
    /// The same `Idempotency-Key` with another body, method or path.
    IdempotencyKeyReused => (422, "idempotency-key-reused", "Chiave di idempotenza già usata", "Idempotency key already used",
        "Una Idempotency-Key vale per una sola richiesta: la stessa chiave con un altro corpo o su un'altra operazione è rifiutata.",
        "An Idempotency-Key stands for one request: the same key with another body, or on another operation, is refused."),
    /// A payment for a prescribed quarter.
    ContributionPrescribed => (422, "contribution-prescribed", "Contributo prescritto", "Contribution prescribed",
        "I contributi si prescrivono in 5 anni dalla scadenza e non possono più essere versati (L. 335/1995 art. 3 c. 9).",
        "Contributions are prescribed 5 years after their deadline and can no longer be paid (L. 335/1995 art. 3 c. 9)."),
    /// The delegate is not a registered, active qualified intermediary.
    DelegateNotQualified => (422, "delegate-not-qualified", "Delegato non abilitato", "Delegate not qualified",
        "Si può delegare solo un intermediario abilitato e registrato (circ. INPS 49/2011).",
        "Only a registered qualified intermediary can be delegated (INPS circ. 49/2011)."),
    /// A wrong delegation verification code.
    WrongVerificationCode => (422, "wrong-verification-code", "Codice di verifica errato", "Wrong verification code",
        "Il codice di verifica non corrisponde; dopo 5 errori la delega va richiesta di nuovo.",
        "The verification code does not match; after 5 mistakes the delegation must be requested again."),
    /// A wrong contact verification code.
    ContactCodeWrong => (422, "contact-code-wrong", "Codice di verifica errato", "Wrong verification code",
        "Il codice non corrisponde a quello inviato al recapito; dopo 5 errori va chiesto un nuovo codice.",
        "The code does not match the one sent to the contact; after 5 mistakes a new code must be asked for."),
    /// No valid contact verification code: none sent, expired, or the contact changed since.
    ContactCodeExpired => (422, "contact-code-expired", "Codice di verifica scaduto", "Verification code expired",
        "Nessun codice valido per questo recapito: i codici valgono 15 minuti e decadono se il recapito cambia; chiederne uno nuovo.",
        "No valid code for this contact: codes last 15 minutes and lapse when the contact changes; ask for a new one."),
    /// A verification code asked for again before the resend interval.
    ContactCodeTooSoon => (429, "contact-code-too-soon", "Codice di verifica già inviato", "Verification code sent already",
        "Un nuovo codice per lo stesso recapito si può chiedere solo dopo l'intervallo di reinvio (60 secondi salvo diversa configurazione): attendere quanto indicato da Retry-After. Il codice già inviato resta valido.",
        "A new code for the same contact can be asked for only after the resend interval (60 seconds unless configured otherwise): wait as long as Retry-After says. The code already sent stays valid."),
    /// Occasional work before the onboarding consents.
    OnboardingIncomplete => (409, "onboarding-incomplete", "Consensi da prestare", "Consents to give",
        "Prima di registrarsi alle prestazioni occasionali vanno prestati i consensi (informativa privacy e condizioni d'uso) in /v1/me/consents.",
        "Before registering for occasional work, the consents (privacy notice and terms of use) must be given at /v1/me/consents."),
    /// PrestO is closed to the business (art. 54-bis c.14); `rule` names the rule.
    PrestoNotAllowed => (422, "presto-not-allowed", "PrestO non consentito", "PrestO not allowed",
        "Il contratto di prestazione occasionale è escluso oltre 10 dipendenti a tempo indeterminato (25 per congressi, fiere, terme e parchi) e in edilizia, cave e miniere, lavorazione della pietra e agricoltura (art. 54-bis c.14 D.L. 50/2017).",
        "PrestO is closed above 10 open-ended employees (25 for congresses, fairs, spas and parks) and in building, quarries and mines, stone working and agriculture (art. 54-bis c.14 D.L. 50/2017)."),
    /// A rule of occasional work (declaration, channel, activity, duration, minimum pay, notice,
    /// revocation window); `rule` names it.
    OccasionalRuleBroken => (422, "occasional-rule-broken", "Regola delle prestazioni occasionali non rispettata", "Occasional-work rule broken",
        "La prestazione non rispetta una regola dell'art. 54-bis D.L. 50/2017 (autodichiarazione, strumento, attività, durata, compenso minimo, preavviso di un'ora, finestra di revoca): il campo rule la indica.",
        "The service breaks a rule of art. 54-bis D.L. 50/2017 (self-declaration, instrument, activity, duration, minimum pay, one-hour notice, revocation window): the rule member names it."),
    /// An annual limit of occasional work; `rule`, `broken` and `residual` say which and what is left.
    OccasionalLimitExceeded => (422, "occasional-limit-exceeded", "Limite annuo superato", "Annual limit exceeded",
        "Compensi annui per anno civile: 5.000 euro per prestatore, 10.000 (15.000 nei settori indicati) per utilizzatore, 2.500 per coppia, 280 ore PrestO per coppia; nessuna prestazione per chi ha avuto il prestatore come dipendente negli ultimi 6 mesi (art. 54-bis c.1, c.14, c.20).",
        "Annual pay per calendar year: 5,000 EUR per worker, 10,000 (15,000 in the listed sectors) per client, 2,500 per pair, 280 PrestO hours per pair; no work for a client who employed the worker in the last 6 months (art. 54-bis c.1, c.14, c.20)."),
    /// The wallet does not hold enough available funds.
    InsufficientFunds => (422, "insufficient-funds", "Fondi insufficienti", "Insufficient funds",
        "Il portafoglio non ha fondi disponibili sufficienti: INPS paga solo nei limiti delle somme versate (art. 54-bis c.19).",
        "The wallet lacks available funds: INPS pays only up to the funds paid in (art. 54-bis c.19)."),
    /// The action requires `If-Match`.
    WebhookUrlRefused => (422, "webhook-url-refused", "Indirizzo del webhook non ammesso", "Webhook URL refused",
        "Un webhook raggiunge solo indirizzi pubblici via HTTPS: indirizzi di loopback, privati, link-local e riservati sono rifiutati, anche dopo la risoluzione DNS.",
        "A webhook reaches public addresses over HTTPS only: loopback, private, link-local and reserved addresses are refused, also after DNS resolution."),
    PreconditionRequired => (428, "precondition-required", "Intestazione If-Match obbligatoria", "If-Match header required",
        "L'operazione richiede l'intestazione If-Match con l'ETag letto.",
        "The operation requires the If-Match header with the ETag read."),
    /// Too many requests.
    RateLimited => (429, "rate-limited", "Troppe richieste", "Too many requests",
        "Superato il numero di richieste per finestra: attendere quanto indicato da Retry-After.",
        "Too many requests in the window: wait as long as Retry-After says."),
    /// A bug; details only in the log.
    Internal => (500, "internal-error", "Errore interno", "Internal error",
        "Errore imprevisto: è stato registrato con l'identificativo della richiesta.",
        "An unexpected error: it was logged with the request id."),
    /// A dependency (the database) is unavailable.
    ServiceUnavailable => (503, "service-unavailable", "Servizio temporaneamente non disponibile", "Service temporarily unavailable",
        "Il servizio non è raggiungibile in questo momento: riprovare dopo Retry-After.",
        "The service cannot be reached right now: retry after Retry-After."),
}

impl Problem {
    /// The row whose slug is `slug`.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.spec().slug == slug)
    }

    /// The generic row for `status`, for errors raised outside our handlers.
    pub fn for_status(status: u16) -> Self {
        const GENERIC: &[Problem] = &[
            Problem::MalformedRequest,
            Problem::Unauthenticated,
            Problem::Forbidden,
            Problem::NotFound,
            Problem::MethodNotAllowed,
            Problem::NotAcceptable,
            Problem::RequestTimeout,
            Problem::StateConflict,
            Problem::PreconditionFailed,
            Problem::PayloadTooLarge,
            Problem::UnsupportedMediaType,
            Problem::ValidationFailed,
            Problem::PreconditionRequired,
            Problem::RateLimited,
            Problem::Internal,
            Problem::ServiceUnavailable,
        ];
        GENERIC
            .iter()
            .copied()
            .find(|p| p.spec().status == status)
            .unwrap_or(if (400..500).contains(&status) {
                Problem::MalformedRequest
            } else {
                Problem::Internal
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_language() {
        assert_eq!(Lang::negotiate(None), Lang::It);
        assert_eq!(Lang::negotiate(Some("en")), Lang::En);
        assert_eq!(Lang::negotiate(Some("en-GB,en;q=0.9")), Lang::En);
        assert_eq!(Lang::negotiate(Some("it-IT,en;q=0.5")), Lang::It);
        assert_eq!(Lang::negotiate(Some("fr, en;q=0.8, it;q=0.9")), Lang::It);
        assert_eq!(Lang::negotiate(Some("de")), Lang::It);
        assert_eq!(Lang::negotiate(Some("en;q=0")), Lang::It);
    }

    #[test]
    fn the_registry_has_one_row_per_slug_and_explains_each() {
        let mut slugs = std::collections::HashSet::new();
        for problem in Problem::ALL {
            let spec = problem.spec();
            assert!(slugs.insert(spec.slug), "slug {} twice", spec.slug);
            assert!((400..600).contains(&spec.status), "{}", spec.slug);
            assert!(
                spec.slug
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                spec.slug
            );
            for text in [
                spec.title_it,
                spec.title_en,
                spec.explanation_it,
                spec.explanation_en,
            ] {
                assert!(!text.trim().is_empty(), "{} lacks a text", spec.slug);
            }
            assert_eq!(Problem::from_slug(spec.slug), Some(*problem));
        }
    }

    #[test]
    fn every_generic_status_maps_back_to_its_row() {
        for status in [
            400u16, 401, 403, 404, 405, 406, 408, 409, 412, 413, 415, 422, 428, 429, 500, 503,
        ] {
            assert_eq!(Problem::for_status(status).spec().status, status);
        }
        assert_eq!(Problem::for_status(418), Problem::MalformedRequest);
        assert_eq!(Problem::for_status(502), Problem::Internal);
    }
}
