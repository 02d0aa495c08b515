# Learning visits and the know-how library (pages, choices, refusals, emails).

## Choices

option-theme-governance = Governance
option-theme-economic_model = Economic model
option-theme-financial_engineering = Financial engineering
option-theme-entrepreneurship = Entrepreneurial stance
option-theme-other = Other theme
option-issue-territorial_development = The territory's development model
option-issue-local_effects = Local effects
option-issue-macroeconomic_effects = Macro-economic effects
option-issue-social_impact = Social impact
option-issue-other = Other question
option-audience-network = The whole network (members of every pôle)
option-audience-pole = Members of the organising pôle only
option-visit-status-planned = Planned
option-visit-status-held = Held
option-visit-status-cancelled = Cancelled
option-registration-confirmed = Registered
option-registration-waitlisted = Waiting list
option-registration-cancelled = Cancelled
option-resource-kind-method = Method
option-resource-kind-tool = Tool
option-resource-kind-case_study = Case study
option-resource-kind-visit_report = Visit report
option-resource-kind-template = Template
option-resource-kind-other = Other resource
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Pages

nav-visits = Visits
nav-library = Library
visits-title = Learning visits
visits-lead = Visits to the pôles and their enterprises, each on a theme, to learn from each other.
visits-coming = Coming visits
visits-past = Past visits
visits-none = No visit for these criteria.
visits-subscribe = Subscribe to the pôle's calendar (.ics)
visit-plan = Plan a visit
edit-visit = Change the visit
visite-apprenante = Learning visit
all-poles = All pôles
all-themes = All themes
filter = Filter
audience-pole-short = Pôle members only
seats-left = { $count ->
    [one] { $count } seat left
   *[other] { $count } seats left
}
visit-full = Full: registration on the waiting list
visit-full-waitlist = The visit is full: you will be on the waiting list, and told by email if a seat frees.
hosted-by = hosted by
practical = Practical
paris-time = Paris time
visit-theme = Theme
visit-issue = Cross-cutting question
visit-when = When
visit-where = Where (commune)
visit-audience = Who may register
visit-seats = Seats
visit-deadline = Registration until
visit-deadline-hint = by default, until it starts
visit-starts = Starts
visit-ends = Ends
add-to-calendar = Add to my calendar (.ics)
visit-registration = Registration
you-are-registered = You are registered.
you-are-waitlisted = You are on the waiting list
waitlist-position = position { $position }
cancel-my-registration = Cancel my registration
visit-was-cancelled = This visit is cancelled.
registration-closed = Registration is closed.
sign-in-to-register = Sign in to register
register-needs-enterprise = To register, first link your account to an enterprise that is a member of a pôle.
register-for = I come for the enterprise
visit-register = Register
join-waitlist = Join the waiting list
visit-report = Report
read-visit-report = Read the report in the library
organiser-view = Registrations (organisers)
confirmed-count = { $count ->
    [one] { $count } registered
   *[other] { $count } registered
}
waitlisted-count = { $count } waiting
attended-count = { $count } attended
export-csv = Export the list (CSV)
no-registrations = No registration yet.
participant = Participant
attended = Attended
cancel-registration = Cancel registration
save-attendance = Save attendance
write-visit-report = Write the report
write-visit-report-hint = It joins the library, linked to the visit and its theme, so other territories can repeat what worked.
report-summary = Summary: what happened
report-lessons = Lessons
report-next-steps = Next steps
publish-report = Publish the report
cancel-visit = Cancel the visit
organising-pole = Organising pôle
host-enterprise = Host enterprise
host-the-pole = The pôle itself
library-title = Know-how library
library-lead = Knowledge, tools and methods drawn from the pôles' practice, to repeat elsewhere what worked.
library-search = Search
library-search-placeholder = for example: cooperative governance, takeover by a SCOP
library-members-note = Sign in to see the members-only resources too.
library-none = No resource for these criteria.
resource-kind = Kind
all-resource-kinds = All kinds
resource-publish = Share a resource
resource-publish-lead = A method, a tool, a case study: what worked for you can help elsewhere.
resource-summary = Summary
resource-themes = Themes
resource-url = Link (optional)
resource-visibility = Who may read it
resource-files-after = You can attach files (PDF, images, documents) on the resource's page.
resource-open-link = Open the resource
resource-from-visit = See the visit it comes from
resource-taught-in = Know-how listings that use it
licence = Licence
licence-hint = SPDX identifier, for example CC-BY-SA-4.0
back-to-library = Back to the library
resource-no-pole = No pôle in particular
listing = Listing
confirm-unregister-title = Cancel this registration?
confirm-unregister-text = The seat goes to the first person on the waiting list, who is told by email.
confirm-unregister-button = Yes, cancel the registration
confirm-cancel-visit-title = Cancel the visit?
confirm-cancel-visit-text = Everyone registered, waiting list included, is told by email, and the visit leaves their calendars. A cancelled visit cannot be restored.
confirm-cancel-visit-button = Yes, cancel the visit
flash-visit-planned = Visit published: its audience is told by email.
flash-visit-updated = Visit changed.
flash-visit-registered = You are registered: the confirmation and the calendar file come by email.
flash-visit-waitlisted = You are on the waiting list: you will be told by email if a seat frees.
flash-visit-unregistered = Registration cancelled.
flash-visit-attendance = Attendance saved.
flash-visit-cancelled = Visit cancelled: everyone registered is told.
flash-visit-report-published = Report published in the library.
flash-resource-published = Resource published.
field-starts_at = Starts
field-ends_at = Ends
field-registration_deadline = Registration until
field-capacity = Seats
field-theme = Theme
field-transversal_issue = Cross-cutting question
field-host_enterprise_id = Host enterprise
field-audience = Who may register
field-summary = Summary
field-licence = Licence
field-kind = Kind
field-url = Link
field-registration_ids = Attendance

## Emails

email-visit-planned-subject = New learning visit: { $title }
email-visit-planned-body = { $pole } organises a learning visit, "{ $title }", on { $when } in { $place }.
    Register from its page while seats are left.
email-visit-confirmed-subject = Registration confirmed: { $title }
email-visit-confirmed-body = Your seat is booked for "{ $title }", on { $when } (Paris time) in { $place }.
    The attached calendar file (visite.ics) adds it to your calendar.
email-visit-waitlisted-subject = Waiting list: { $title }
email-visit-waitlisted-body = The visit "{ $title }" on { $when } is full: you are number { $position } on the waiting list.
    You will be told by email if a seat frees.
email-visit-promoted-subject = A seat is free: { $title }
email-visit-promoted-body = Good news: a seat freed and your registration for "{ $title }", on { $when } (Paris time) in { $place }, is confirmed.
    The attached calendar file (visite.ics) adds it to your calendar.
email-visit-reminder-subject = Reminder: { $title }, on { $when }
email-visit-reminder-body = The learning visit "{ $title }" takes place on { $when } (Paris time) in { $place }.
    If you can no longer come, cancel from its page: your seat goes to the waiting list.
email-visit-cancelled-subject = Visit cancelled: { $title }
email-visit-cancelled-body = { $pole } cancelled the visit "{ $title }" planned on { $when }.
    The attached calendar file removes it from your calendar.

cancel = Cancel

learning-figures = Learning visits and library
visits-held = Visits held
visit-participants = Participants
attendance-rate = Attendance rate
resources-published = Resources published
participants-by-pole = Participants by pôle of origin
listing-resources = Library resources
pole-visits = The pôle's learning visits
pole-resources = Resources shared by the pôle

email-visit-changed-subject = Visit changed: { $title }
email-visit-changed-body = The learning visit "{ $title }" has changed: it takes place on { $when } (Paris time) in { $place }.
    The attached calendar file updates your calendar.
email-visit-unregistered-subject = Registration cancelled: { $title }
email-visit-unregistered-body = Your registration for the visit "{ $title }" on { $when } was cancelled by its organisers.
    For any question, write to the organising pôle's coordinators.
