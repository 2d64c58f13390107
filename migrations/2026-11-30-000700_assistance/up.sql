-- Assistance (Assistenza): manuals per profile, versioned, their bytes stored as attachments
-- (owner `manual`); FAQ entries searched with PostgreSQL full-text search (Italian and
-- English); support tickets and their threads, their files stored as attachments (owner
-- `support_ticket`). The first manual of each profile and the first FAQ entries are seeded here,
-- so they exist on every fresh database.

ALTER TABLE attachments DROP CONSTRAINT attachments_owner_kind_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_owner_kind_check
    CHECK (owner_kind IN ('inquiry', 'appointment', 'message', 'manual', 'support_ticket'));
ALTER TABLE attachments DROP CONSTRAINT attachments_media_type_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_media_type_check
    CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png', 'image/tiff', 'text/markdown'));

-- One row per published version; the newest version of a (profile, service) is the current one.
-- `service` null: the manual covers both services.
CREATE TABLE manuals (
    id           uuid PRIMARY KEY,
    profile      text NOT NULL CHECK (profile IN ('public', 'employer', 'intermediary', 'worker', 'client', 'operator')),
    service      text CHECK (service IN ('domestic_work', 'occasional_work')),
    version      integer NOT NULL CHECK (version > 0),
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    format       text NOT NULL CHECK (format IN ('pdf', 'markdown')),
    published_at timestamptz NOT NULL,
    published_by text
);
CREATE UNIQUE INDEX manuals_one_version ON manuals (profile, coalesce(service, ''), version);

CREATE TABLE faq_entries (
    id          uuid PRIMARY KEY,
    service     text CHECK (service IN ('domestic_work', 'occasional_work')),
    topic       text NOT NULL CHECK (topic ~ '^[a-z][a-z0-9_]{0,31}$'),
    question_it text NOT NULL,
    answer_it   text NOT NULL,
    question_en text NOT NULL,
    answer_en   text NOT NULL,
    version     integer NOT NULL DEFAULT 1,
    updated_at  timestamptz NOT NULL,
    updated_by  text,
    search      tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('italian', question_it), 'A')
        || setweight(to_tsvector('italian', answer_it), 'B')
        || setweight(to_tsvector('english', question_en), 'C')
        || setweight(to_tsvector('english', answer_en), 'D')
    ) STORED
);
CREATE INDEX faq_entries_search ON faq_entries USING gin (search);
CREATE INDEX faq_entries_by_topic ON faq_entries (service, topic, id);

CREATE TABLE support_tickets (
    id               uuid PRIMARY KEY,
    requester        text NOT NULL,
    service          text NOT NULL CHECK (service IN ('domestic_work', 'occasional_work')),
    category         text NOT NULL CHECK (category IN ('access', 'technical', 'contributions', 'payments', 'other')),
    subject          text NOT NULL,
    text             text NOT NULL,
    related_resource text,
    state            text NOT NULL CHECK (state IN ('open', 'taken', 'closed')),
    created_at       timestamptz NOT NULL,
    taken_by         text,
    taken_at         timestamptz,
    closed_by        text,
    closed_at        timestamptz
);
CREATE INDEX support_tickets_by_requester ON support_tickets (requester, created_at DESC, id);
CREATE INDEX support_tickets_newest ON support_tickets (created_at DESC, id);
-- The queue the estimate counts: open tickets of a category, oldest first.
CREATE INDEX support_tickets_queue ON support_tickets (category, created_at, id) WHERE state = 'open';

CREATE TABLE support_ticket_messages (
    id        uuid PRIMARY KEY,
    ticket_id uuid NOT NULL REFERENCES support_tickets (id),
    author    text NOT NULL,
    by_office boolean NOT NULL,
    text      text NOT NULL,
    sent_at   timestamptz NOT NULL
);
CREATE INDEX support_ticket_messages_by_ticket ON support_ticket_messages (ticket_id, sent_at, id);

-- The first manual of each profile (version 1, Markdown), written from the API's own flows.
CREATE TEMPORARY TABLE seed_manuals (id uuid, profile text, service text, title text, file_name text, body text);
INSERT INTO seed_manuals VALUES
('6f1c2a40-0001-4000-8000-000000000001', 'public', NULL,
 'Guida generale: accesso, deleghe e assistenza / General guide', 'guida-generale.md',
$md$# Guida generale ai servizi INPS lavoro domestico e prestazioni occasionali

*General guide: logging in, delegations and assistance.*

## 1. Accedere / Logging in

Non esistono password locali. Si accede con **SPID** (livello 2 o 3), **CIE**, **CNS** o **eIDAS**:

1. il front end completa l'autenticazione presso il proprio identity provider;
2. consegna all'API l'asserzione firmata con `POST /v1/sessions`;
3. riceve un **token** da usare come `Authorization: Bearer <token>`.

La sessione scade dopo **30 minuti** di inattività e comunque **8 ore** dopo l'accesso.
`DELETE /v1/sessions/current` chiude la sessione.

*There are no passwords: log in with SPID level 2 or 3, CIE, CNS or eIDAS; the session ends after
30 idle minutes or 8 hours.*

## 2. Il profilo / Your profile

`GET /v1/me` mostra i ruoli (datore di lavoro, prestatore, utilizzatore, intermediario,
operatore), i consensi da dare e le azioni in sospeso. I recapiti (`PUT /v1/me/contacts`) e le
preferenze di notifica (`PUT /v1/me/notification-preferences`) si cambiano da qui: un recapito
cambiato va verificato prima di ricevere messaggi.

## 3. Le deleghe / Delegations

Un datore di lavoro, un prestatore o un utilizzatore può delegare un **intermediario abilitato**
(circ. INPS 49/2011: consulente del lavoro, commercialista, patronato, CAF, associazione di
categoria) con `POST /v1/delegations`, scegliendo il servizio e gli ambiti (`read`,
`inquiries`, `appointments`, `services`, `payments`). L'intermediario accetta con il codice di
verifica di 8 cifre ricevuto dal delegante. Per il lavoro domestico si ha **una sola delega
attiva** alla volta (msg. INPS 465/2017): accettarne una nuova revoca la precedente.

## 4. Assistenza / Help

- **Manuali**: `GET /v1/help/manuals` elenca quelli del proprio profilo.
- **FAQ**: `GET /v1/help/faq?q=appuntamento` cerca nelle domande frequenti.
- **Errori**: ogni errore dell'API ha un campo `type`; la pagina `GET /v1/help/problems/{slug}`
  spiega la regola in italiano e in inglese, con la fonte normativa.
- **Ticket**: `POST /v1/support-tickets` apre una richiesta di assistenza e indica il tempo
  stimato per la presa in carico.
$md$),
('6f1c2a40-0001-4000-8000-000000000002', 'employer', 'domestic_work',
 'Manuale del datore di lavoro domestico / Household employer manual', 'manuale-datore-di-lavoro.md',
$md$# Manuale del datore di lavoro domestico

*Household employer manual: the cassetto previdenziale, inquiries, appointments, delegations.*

## 1. Leggere il cassetto previdenziale / Reading the cassetto

1. `GET /v1/employers/{tax_code}`: i propri dati anagrafici, i recapiti e la delega attiva.
2. `GET /v1/employers/{tax_code}/employments`: i **rapporti di lavoro** (colf, badante, baby
   sitter), ciascuno con il proprio **codice rapporto** di 10 cifre (l'ultima è una cifra di
   controllo: un codice sbagliato viene riconosciuto subito).
3. `GET /v1/employments/{employment_code}/contributions`: per trimestre le settimane retribuite,
   le ore, la tariffa oraria dell'anno, l'importo, la finestra di pagamento (dal 1° al 10 del mese
   successivo al trimestre, spostata al giorno lavorativo seguente) e lo stato:
   `paid` (pagato), `due` (da pagare), `overdue` (scaduto), `partial` (parziale),
   `prescribed` (prescritto: dopo 5 anni non si può più pagare).

Filtri utili: `?status=overdue` per vedere solo i trimestri scaduti; `?from=2025-Q1&to=2025-Q4`.

## 2. Inviare un quesito / Sending an inquiry

1. `GET /v1/inquiry-topics`: gli argomenti (MAV, anagrafiche, contributi, rapporti, avvisi),
   ciascuno con i giorni che INPS ha per rispondere (di norma 30).
2. `POST /v1/employments/{employment_code}/inquiries` in `multipart/form-data` con `topic`,
   `text` e fino a **3 allegati** (PDF, JPEG, PNG o TIFF, **3 MiB in totale**). Il tipo del file è
   riconosciuto dal contenuto, non dal nome.
3. Il quesito riceve un **numero di protocollo**; la risposta arriva come notifica
   (`inquiry_answered`) e si legge con `GET /v1/inquiries/{id}`.

*Send an inquiry about one employment with up to 3 attachments; the answer is notified.*

## 3. Prenotare un appuntamento / Booking an appointment

Un quesito con risposta **negativa**, o senza risposta oltre il termine, diventa **prenotabile**
(`GET /v1/employments/{code}/inquiries?eligible_for_appointment=true`). Con l'agenda
appuntamenti si sceglie un punto di consulenza e una fascia libera, si crea la bozza e la si
conferma; l'appuntamento confermato si può cancellare fino all'inizio.

## 4. Delegare un intermediario / Delegating an intermediary

Con `POST /v1/delegations` (servizio `domestic_work`) si delega un intermediario abilitato; il
codice di verifica ricevuto va comunicato all'intermediario, che accetta. Una sola delega attiva:
la nuova sostituisce la vecchia. `POST /v1/delegations/{id}/revoke` la revoca in qualsiasi momento.
Il registro delle attività (`GET /v1/audit-events?subject_tax_code=...`) mostra chi ha consultato
o modificato i propri dati.
$md$),
('6f1c2a40-0001-4000-8000-000000000003', 'intermediary', NULL,
 'Manuale dell''intermediario abilitato / Intermediary manual', 'manuale-intermediario.md',
$md$# Manuale dell'intermediario abilitato

*Qualified intermediary manual (circ. INPS 49/2011).*

## 1. Essere nel registro / The register

Solo gli intermediari iscritti nel registro (`GET /v1/intermediaries/{tax_code}`) possono
ricevere deleghe: consulenti del lavoro, commercialisti, patronati, CAF e associazioni di
categoria. L'iscrizione la fa un operatore INPS.

## 2. Accettare una delega / Accepting a delegation

1. Il delegante crea la delega: ricevete la notifica `delegation_requested`.
2. Vi comunica il **codice di verifica** di 8 cifre.
3. `POST /v1/delegations/{id}/accept` con `{"verification_code": "..."}`. Dopo 5 codici errati
   la delega si blocca e va richiesta di nuovo.

La delega vale tra `valid_from` e `valid_until` per il servizio e gli **ambiti** concessi:
`read` (consultare), `inquiries` (quesiti), `appointments` (appuntamenti), `services`,
`payments`, `registration` (lavoro occasionale).

## 3. Agire per il delegante / Acting for the delegator

Con una delega attiva si usano le stesse operazioni del delegante: il cassetto
(`GET /v1/employers/{tax_code}/employments`), i contributi, i quesiti (ambito `inquiries`).
Un'azione fuori dagli ambiti concessi riceve **403 `scope-not-granted`** con l'ambito mancante;
ogni consultazione è scritta nel registro delle attività a nome vostro.

## 4. Quando la delega finisce / When it ends

Revoca (da una delle due parti), scadenza o sostituzione con una nuova delega: da quel momento
i dati del delegante rispondono 404. Una settimana prima della scadenza arriva il promemoria
`delegation_expiring`.
$md$),
('6f1c2a40-0001-4000-8000-000000000004', 'worker', 'occasional_work',
 'Manuale del prestatore / Occasional worker manual', 'manuale-prestatore.md',
$md$# Manuale del prestatore di lavoro occasionale

*Occasional worker manual (Libretto Famiglia and PrestO).*

## 1. Registrarsi / Registering

`POST /v1/workers` con l'**autodichiarazione** (la propria categoria: pensionato, studente,
disoccupato, percettore di sostegno al reddito, altro) e il **metodo di pagamento** (bonifico su
IBAN, bonifico domiciliato, mandato pagabile presso ufficio postale). Un cambio di IBAN
(`PUT /v1/workers/{tax_code}/payment-method`) viene notificato al prestatore e agli
utilizzatori con prestazioni aperte.

## 2. Le prestazioni / Services

Gli utilizzatori registrano le prestazioni; il prestatore le vede con
`GET /v1/workers/{tax_code}/services` e, se qualcosa non torna, chiede un chiarimento con
`POST /v1/services/{id}/disputes`. I **limiti annui** (5.000 euro per prestatore da tutti gli
utilizzatori, 2.500 euro dallo stesso utilizzatore) si controllano con
`GET /v1/workers/{tax_code}/limits?year=`.

## 3. I pagamenti / Payments

INPS paga il mese successivo: stato `scheduled` (programmato), `in_payment` (in erogazione),
`credited` (accreditato). La ricevuta è un PDF.
$md$),
('6f1c2a40-0001-4000-8000-000000000005', 'client', 'occasional_work',
 'Manuale dell''utilizzatore / Client manual', 'manuale-utilizzatore.md',
$md$# Manuale dell'utilizzatore (Libretto Famiglia e PrestO)

*Client manual: funding, recording a service, rectifying it.*

## 1. Registrarsi e versare / Registering and funding

`POST /v1/clients`: una persona fisica per il **Libretto Famiglia**, un'impresa tramite il legale
rappresentante per il **Contratto di prestazione occasionale (PrestO)**. Prima di registrare
prestazioni si versano fondi sul portafoglio (`POST /v1/clients/{id}/fundings`); il portafoglio
(`GET /v1/clients/{id}/wallet`) mostra versato, impegnato e disponibile.

## 2. Registrare una prestazione / Recording a service

`POST /v1/services` con canale (`libretto_famiglia` o `presto`), prestatore, data, ora di inizio,
durata, luogo, attività e compenso. Tutti i limiti di legge si controllano nella stessa
transazione: se uno è superato la risposta è **422** con la regola violata e gli importi
residui. La prestazione registrata è `recorded`.

## 3. Rettificare o revocare / Rectifying or revoking

`PATCH /v1/services/{id}` (con `If-Match`) crea una nuova versione e conserva la vecchia
(`GET /v1/services/{id}/versions`); `POST /v1/services/{id}/revocation` la revoca. Alle
richieste di chiarimento del prestatore si risponde con `POST /v1/disputes/{id}/reply`.
$md$),
('6f1c2a40-0001-4000-8000-000000000006', 'operator', NULL,
 'Manuale dell''operatore INPS / INPS operator manual', 'manuale-operatore.md',
$md$# Manuale dell'operatore INPS

*INPS operator manual: back office, inquiries, assistance.*

## 1. Back office del lavoro domestico

- Registrare un rapporto: `POST /v1/employments`, oppure l'import CSV (`inps-api import
  employments --file F.csv`, tutto o niente).
- Registrare un pagamento pagoPA: `POST /v1/employments/{code}/contribution-payments`; lo stesso
  avviso due volte è **409 `payment-already-recorded`**.

## 2. Rispondere ai quesiti

`POST /v1/inquiries/{id}/answer` con esito `positive` o `negative` e il testo: una risposta sola
per quesito. L'esito negativo rende il quesito prenotabile per un appuntamento; il datore di
lavoro (e il suo delegato con l'ambito `inquiries`) riceve la notifica `inquiry_answered`. I
termini di risposta per argomento si cambiano con `PUT /v1/inquiry-topics/{code}`.

## 3. Intermediari e ruoli

`POST /v1/intermediaries` iscrive un intermediario abilitato; i ruoli si assegnano e revocano
con `PUT|DELETE /v1/persons/{tax_code}/roles/{role}` o con `inps-api grant-role`.

## 4. Assistenza

- **Manuali**: `POST /v1/help/manuals` pubblica una nuova versione (PDF o Markdown, riconosciuto
  dal contenuto) per un profilo e un servizio.
- **FAQ**: `POST /v1/help/faq` e `PUT /v1/help/faq/{id}` le scrivono e correggono.
- **Ticket**: `GET /v1/support-tickets?state=open` è la coda; `POST .../{id}/assignment` prende
  in carico, `POST .../{id}/messages` risponde, `POST .../{id}/closure` chiude. Ogni passaggio è
  notificato al richiedente.
$md$);

INSERT INTO manuals (id, profile, service, version, title, format, published_at, published_by)
SELECT id, profile, service, 1, title, 'markdown', now(), NULL FROM seed_manuals;
INSERT INTO attachments (id, owner_kind, owner_id, file_name, media_type, size_bytes, sha256, content, created_at)
SELECT gen_random_uuid(), 'manual', id, file_name, 'text/markdown',
       octet_length(convert_to(body, 'UTF8')), sha256(convert_to(body, 'UTF8')),
       convert_to(body, 'UTF8'), now()
FROM seed_manuals;
DROP TABLE seed_manuals;

-- The first FAQ entries, from the same flows.
INSERT INTO faq_entries (id, service, topic, question_it, answer_it, question_en, answer_en, updated_at) VALUES
('7a2d3b50-0001-4000-8000-000000000001', 'domestic_work', 'appointments',
 'Quando posso prenotare un appuntamento presso la sede INPS?',
 'Gli appuntamenti si prenotano per un quesito che ha ricevuto risposta negativa, oppure che non ha avuto risposta entro il termine dell''argomento (di norma 30 giorni). I quesiti prenotabili si trovano con il filtro eligible_for_appointment=true.',
 'When can I book an appointment at an INPS office?',
 'Appointments are booked for an inquiry answered negatively, or left unanswered past its topic''s deadline (usually 30 days). List them with eligible_for_appointment=true.', now()),
('7a2d3b50-0001-4000-8000-000000000002', 'domestic_work', 'inquiries',
 'Quali allegati posso inviare con un quesito?',
 'Fino a 3 file PDF, JPEG, PNG o TIFF, al massimo 3 MiB in totale. Il tipo è riconosciuto dal contenuto del file, non dal nome: un file .pdf che non è un PDF viene rifiutato.',
 'Which attachments can I send with an inquiry?',
 'Up to 3 PDF, JPEG, PNG or TIFF files, 3 MiB in total, recognised from their content, not their name.', now()),
('7a2d3b50-0001-4000-8000-000000000003', 'domestic_work', 'contributions',
 'Entro quando si pagano i contributi del lavoro domestico?',
 'Dal 1° al 10 del mese successivo al trimestre (10 aprile, 10 luglio, 10 ottobre, 10 gennaio), oppure entro 10 giorni dalla fine del rapporto. Se il termine cade di domenica o in un giorno festivo si sposta al primo giorno lavorativo successivo. Dopo 5 anni i contributi sono prescritti e non si possono più versare.',
 'When are domestic-work contributions due?',
 'From the 1st to the 10th of the month after the quarter, or within 10 days of the end of the employment, moved past Sundays and holidays. After 5 years they are prescribed.', now()),
('7a2d3b50-0001-4000-8000-000000000004', NULL, 'delegations',
 'Come delego un consulente del lavoro o un patronato?',
 'Si crea la delega indicando l''intermediario abilitato, il servizio e gli ambiti; si comunica all''intermediario il codice di verifica di 8 cifre, con cui accetta. Per il lavoro domestico è attiva una sola delega alla volta: la nuova sostituisce la precedente.',
 'How do I delegate a labour consultant or a patronato?',
 'Create the delegation naming the qualified intermediary, the service and the scopes; give them the 8-digit verification code to accept it. Domestic work allows one active delegation at a time.', now()),
('7a2d3b50-0001-4000-8000-000000000005', 'occasional_work', 'limits',
 'Quali sono i limiti annui delle prestazioni occasionali?',
 'Ogni prestatore può ricevere al massimo 5.000 euro all''anno da tutti gli utilizzatori e 2.500 euro dallo stesso utilizzatore; ogni utilizzatore può pagare al massimo 10.000 euro all''anno. Una prestazione oltre i limiti è rifiutata indicando la regola violata e gli importi residui.',
 'What are the yearly limits of occasional work?',
 'A worker may receive at most 5,000 euro a year from all clients and 2,500 euro from one client; a client may pay at most 10,000 euro a year.', now()),
('7a2d3b50-0001-4000-8000-000000000006', NULL, 'access',
 'Con quali credenziali accedo?',
 'Con SPID di livello 2 o 3, CIE, CNS o eIDAS. SPID di livello 1 non è accettato. La sessione scade dopo 30 minuti di inattività e dopo 8 ore dall''accesso.',
 'Which credentials do I log in with?',
 'SPID level 2 or 3, CIE, CNS or eIDAS; SPID level 1 is refused. Sessions end after 30 idle minutes or 8 hours.', now()),
('7a2d3b50-0001-4000-8000-000000000007', NULL, 'support',
 'Quanto tempo serve perché un ticket di assistenza sia preso in carico?',
 'La risposta all''apertura del ticket indica il tempo stimato: il livello di servizio della categoria (da 4 a 24 ore lavorative) aumentato in proporzione ai ticket aperti della stessa categoria già in coda, contando solo l''orario dello sportello (dal lunedì al venerdì, 8-18, esclusi i festivi).',
 'How long until a support ticket is taken in charge?',
 'The answer to a new ticket gives the estimate: the category''s service level (4 to 24 working hours) grown with the open tickets of the same category ahead of it, counting only the desk''s hours.', now());
