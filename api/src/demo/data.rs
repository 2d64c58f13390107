//! The demo dataset as tables: the personas, their employments, how each quarter was paid and
//! the inquiries sent. Dates are counted back from the day of seeding, so the history always
//! looks current; every tax code is valid (check character included).

use inps_domain::employment::EmploymentType;
use inps_domain::identity::IntermediaryQualification;
use inps_domain::inquiry::InquiryOutcome;

/// A person of the dataset.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    /// Codice fiscale.
    pub tax_code: &'static str,
    /// Given name.
    pub given_name: &'static str,
    /// Family name.
    pub family_name: &'static str,
}

pub(super) const fn person(
    tax_code: &'static str,
    given_name: &'static str,
    family_name: &'static str,
) -> Person {
    Person {
        tax_code,
        given_name,
        family_name,
    }
}

/// The INPS operator (territorial office of Roma).
pub const OPERATOR: Person = person("FRRGLI80M41H501N", "Giulia", "Ferrari");

/// A qualified intermediary of the registry.
#[derive(Debug, Clone, Copy)]
pub struct Intermediary {
    /// The person.
    pub person: Person,
    /// Qualification (circ. INPS 49/2011).
    pub qualification: IntermediaryQualification,
    /// Number in the professional register.
    pub registration_number: &'static str,
}

/// The labour consultant, delegated by [`DELEGATING_EMPLOYER`].
pub const LABOUR_CONSULTANT: Intermediary = Intermediary {
    person: person("RMNCHR78C52F205J", "Chiara", "Romano"),
    qualification: IntermediaryQualification::LabourConsultant,
    registration_number: "CDL-MI-4521",
};

/// The patronato's officer, with no delegation yet.
pub const PATRONATO: Intermediary = Intermediary {
    person: person("GRCPLA69S05F839X", "Paolo", "Greco"),
    qualification: IntermediaryQualification::Patronato,
    registration_number: "PATR-NA-0173",
};

/// A household employer and their residence.
#[derive(Debug, Clone, Copy)]
pub struct Employer {
    /// The person.
    pub person: Person,
    /// Street and number.
    pub street: &'static str,
    /// CAP.
    pub postal_code: &'static str,
    /// Comune.
    pub municipality: &'static str,
    /// Province.
    pub province: &'static str,
}

/// The employers; the first one also marks the dataset as already seeded.
pub const EMPLOYERS: [Employer; 3] = [
    Employer {
        person: person("RSSMRA85T10A562S", "Mario", "Rossi"),
        street: "Via Appia Nuova 120",
        postal_code: "00183",
        municipality: "Roma",
        province: "RM",
    },
    Employer {
        person: person("CNTNNA62D62F205T", "Anna", "Conti"),
        street: "Corso Buenos Aires 45",
        postal_code: "20124",
        municipality: "Milano",
        province: "MI",
    },
    Employer {
        person: person("SPSGNN50P14F839W", "Giovanni", "Esposito"),
        street: "Via Toledo 256",
        postal_code: "80134",
        municipality: "Napoli",
        province: "NA",
    },
];

/// Index in [`EMPLOYERS`] of the employer who delegates the labour consultant.
pub const DELEGATING_EMPLOYER: usize = 0;

/// A day `months` months before the month of seeding.
#[derive(Debug, Clone, Copy)]
pub struct MonthsAgo {
    /// Months back.
    pub months: i32,
    /// Day of that month (1 to 28).
    pub day: u8,
}

/// How a quarter was paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payment {
    /// In full, within the payment window.
    OnTime,
    /// In full, this many days after the deadline.
    Late(i64),
    /// This percentage of the amount, on time.
    Partial(i64),
    /// Not at all.
    Unpaid,
}

/// An employment and its payment history.
#[derive(Debug, Clone, Copy)]
pub struct EmploymentSpec {
    /// Index in [`EMPLOYERS`].
    pub employer: usize,
    /// The worker.
    pub worker: Person,
    /// Kind of work.
    pub kind: EmploymentType,
    /// First day.
    pub start: MonthsAgo,
    /// Last day, when ended.
    pub end: Option<MonthsAgo>,
    /// Weekly hours, in hundredths.
    pub weekly_hours_cents: i64,
    /// Hourly pay, in cents.
    pub hourly_pay_cents: i64,
    /// Convivente.
    pub live_in: bool,
    /// Tempo determinato.
    pub fixed_term: bool,
    /// CUAF due.
    pub cuaf: bool,
    /// Exceptions among the quarters whose year has a rate table, counted back from the latest
    /// quarter whose deadline has passed (0); the others are paid on time.
    pub recent: &'static [(usize, Payment)],
    /// Older quarters (no rate table): every `old_gap_every`-th from the start is unpaid.
    pub old_gap_every: usize,
}

/// The employments, one of each type: over 24 hours a week and more than five years old, without
/// CUAF (a relative living together), fixed term, ended.
pub const EMPLOYMENTS: [EmploymentSpec; 5] = [
    EmploymentSpec {
        employer: 0,
        worker: person("PPSLNE68B43Z129R", "Elena", "Popescu"),
        kind: EmploymentType::Badante,
        start: MonthsAgo { months: 75, day: 7 },
        end: None,
        weekly_hours_cents: 3000,
        hourly_pay_cents: 820,
        live_in: true,
        fixed_term: false,
        cuaf: true,
        recent: &[
            (0, Payment::Unpaid),
            (2, Payment::Late(23)),
            (3, Payment::Partial(60)),
        ],
        old_gap_every: 7,
    },
    EmploymentSpec {
        employer: 0,
        worker: person("MRNRSO90H58H501Y", "Rosa", "Marino"),
        kind: EmploymentType::Colf,
        start: MonthsAgo { months: 26, day: 3 },
        end: None,
        weekly_hours_cents: 1000,
        hourly_pay_cents: 1050,
        live_in: false,
        fixed_term: false,
        cuaf: false,
        recent: &[(1, Payment::Unpaid)],
        old_gap_every: 0,
    },
    EmploymentSpec {
        employer: 1,
        worker: person("CLMSRA98R47A794X", "Sara", "Colombo"),
        kind: EmploymentType::BabySitter,
        start: MonthsAgo {
            months: 14,
            day: 15,
        },
        end: None,
        weekly_hours_cents: 2000,
        hourly_pay_cents: 940,
        live_in: false,
        fixed_term: true,
        cuaf: true,
        recent: &[(0, Payment::Partial(50))],
        old_gap_every: 0,
    },
    EmploymentSpec {
        employer: 1,
        worker: person("SNTMRA75T70Z216T", "Maria", "Santos"),
        kind: EmploymentType::Colf,
        start: MonthsAgo {
            months: 50,
            day: 10,
        },
        end: Some(MonthsAgo { months: 8, day: 28 }),
        weekly_hours_cents: 1500,
        hourly_pay_cents: 1200,
        live_in: false,
        fixed_term: false,
        cuaf: true,
        recent: &[(1, Payment::Late(40))],
        old_gap_every: 5,
    },
    EmploymentSpec {
        employer: 2,
        worker: person("KVLLNO65E49Z138R", "Olena", "Kovalenko"),
        kind: EmploymentType::Badante,
        start: MonthsAgo { months: 38, day: 1 },
        end: None,
        weekly_hours_cents: 1800,
        hourly_pay_cents: 1100,
        live_in: false,
        fixed_term: false,
        cuaf: true,
        recent: &[(0, Payment::Unpaid)],
        old_gap_every: 6,
    },
];

/// An inquiry and its answer.
#[derive(Debug, Clone, Copy)]
pub struct InquirySpec {
    /// Index in [`EMPLOYMENTS`].
    pub employment: usize,
    /// Topic code.
    pub topic: &'static str,
    /// The question.
    pub text: &'static str,
    /// Sent this many days before seeding.
    pub days_ago: i64,
    /// Sent by the labour consultant through the delegation (otherwise by the employer).
    pub by_delegate: bool,
    /// A PDF receipt attached, with this file name.
    pub receipt: Option<&'static str>,
    /// The office's answer: outcome, days before seeding, text.
    pub answer: Option<(InquiryOutcome, i64, &'static str)>,
}

/// The inquiries, one in each state: past the deadline unanswered (eligible), awaiting within
/// the deadline, answered positive, answered negative (eligible).
pub const INQUIRIES: [InquirySpec; 5] = [
    InquirySpec {
        employment: 0,
        topic: "contributions",
        text: "Il contributo del trimestre indicato nella ricevuta allegata è stato versato con \
               avviso pagoPA ma non compare nell'estratto conto della lavoratrice. Chiediamo la \
               verifica e l'accredito.",
        days_ago: 45,
        by_delegate: true,
        receipt: Some("ricevuta-pagopa.pdf"),
        answer: None,
    },
    InquirySpec {
        employment: 0,
        topic: "mav",
        text: "Non ho ricevuto l'avviso di pagamento pagoPA del trimestre in corso: potete \
               inviarmelo o indicarmi come generarlo dal portale?",
        days_ago: 5,
        by_delegate: false,
        receipt: None,
        answer: None,
    },
    InquirySpec {
        employment: 1,
        topic: "registry_data",
        text: "Ho cambiato residenza: il nuovo indirizzo è Via Appia Nuova 120, 00183 Roma. Vi \
               chiedo di aggiornare l'anagrafica del rapporto.",
        days_ago: 70,
        by_delegate: false,
        receipt: None,
        answer: Some((
            InquiryOutcome::Positive,
            55,
            "Anagrafica aggiornata con il nuovo indirizzo di residenza.",
        )),
    },
    InquirySpec {
        employment: 3,
        topic: "employment_status",
        text: "Il rapporto con la collaboratrice è cessato ma nel cassetto risulta ancora da \
               definire. Come posso chiuderlo?",
        days_ago: 100,
        by_delegate: false,
        receipt: None,
        answer: Some((
            InquiryOutcome::Negative,
            80,
            "La comunicazione di cessazione non risulta pervenuta nei termini: è necessario un \
             appuntamento in sede con la lettera di dimissioni firmata.",
        )),
    },
    InquirySpec {
        employment: 4,
        topic: "notices",
        text: "Ho ricevuto un avviso bonario per contributi non versati: vorrei sapere a quali \
               trimestri si riferisce e come regolarizzare.",
        days_ago: 12,
        by_delegate: false,
        receipt: None,
        answer: None,
    },
];
