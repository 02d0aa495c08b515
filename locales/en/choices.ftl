# Values chosen from a list, and statuses, in English. Keys follow the API's values.

category-local_resource = Local resources
category-know_how = Know-how
category-business_takeover = Business takeover
category-relocated_production = Relocated production

kind-offer = Offer
kind-need = Need

status-draft = Draft
status-open = Open
status-closed = Closed
status-expired = Expired
status-proposed = To answer
status-accepted = Accepted
status-declined = Declined
status-withdrawn = Withdrawn
status-pending = Pending
status-approved = Approved
status-agreed = Agreed
status-in_progress = In progress
status-completed = Completed
status-cancelled = Cancelled
status-fulfilled = Fulfilled

factor-sector = Sector
factor-material = Material
factor-text = Words
factor-distance = Distance
factor-quantity = Quantity
factor-price = Price
factor-dates = Dates


unit-kg = kg
unit-t = t
unit-l = l
unit-m3 = m³
unit-m2 = m²
unit-m = m
unit-kwh = kWh
unit-mwh = MWh
unit-h = h
unit-day = day(s)
unit-unit = unit(s)

family-matches = Matches
family-exchanges = Exchanges
family-memberships = Memberships
family-listings = My listings
family-alerts = Alerts
family-messages = Messages
family-visits = Learning visits

notifications-instant = Right away
notifications-daily = Daily digest
notifications-off = Never

frequency-instant = Right away
frequency-daily = Daily digest

option-resource_type-materials = Materials
option-resource_type-equipment = Equipment
option-resource_type-premises = Premises
option-resource_type-by_product = By-products
option-resource_type-energy = Energy
option-recurrence-one_off = One-off
option-recurrence-recurring = Recurring
option-format-training = Training
option-format-mentoring = Mentoring
option-format-apprenticeship = Apprenticeship
option-revenue_band-under_100k = Under €100k
option-revenue_band-100k_500k = €100k–500k
option-revenue_band-500k_2m = €500k–2M
option-revenue_band-2m_10m = €2M–10M
option-revenue_band-over_10m = Over €10M
option-headcount_band-0 = No employee
option-headcount_band-1_9 = 1–9 employees
option-headcount_band-10_49 = 10–49 employees
option-headcount_band-50_249 = 50–249 employees
option-headcount_band-250_plus = 250 employees or more
option-reason-retirement = Retirement
option-reason-reorientation = Change of career
option-reason-health = Health
option-reason-growth = Growth
option-reason-other = Other
option-legal_form-scop = SCOP (worker co-operative)
option-legal_form-scic = SCIC (multi-stakeholder co-operative)
option-legal_form-association = Association
option-legal_form-sas = SAS
option-legal_form-sarl = SARL
option-legal_form-ei = Sole proprietorship
option-legal_form-cooperative = Co-operative
option-legal_form-other = Other
option-close_reason-fulfilled = Fulfilled
option-close_reason-withdrawn = Withdrawn
option-visibility-public = Everyone
option-visibility-members = Signed-in members

family-matches-help = New matches, the other side's answers, contact requests
family-exchanges-help = Exchanges created, status changes, transactions recorded or reversed
family-memberships-help = Membership requests (coordinators) and approved memberships
family-listings-help = My listings that expire within three days
family-alerts-help = New listings that fit my alerts
family-messages-help = New messages in my conversations
family-visits-help = Learning visits: registrations, confirmations, reminders
alert-frequency-instant = Right away
alert-frequency-daily = Daily digest
impact-jobs_created = Jobs created
impact-jobs_kept = Jobs kept
impact-tonnes_diverted = Waste avoided (t)
impact-km_avoided = Km of transport avoided

option-material-wood = Wood
option-material-metal = Metals
option-material-plastic = Plastics
option-material-paper_cardboard = Paper, cardboard
option-material-textile = Textile
option-material-glass = Glass
option-material-organic_food = Organic food matter
option-material-organic_green = Green waste
option-material-oil_fat = Oils and fats
option-material-construction_minerals = Construction minerals
option-material-chemicals = Chemicals
option-material-electronic = Electronic equipment
option-material-other = Other material
option-period-week = per week
option-period-month = per month
option-period-year = per year

detail-resource-type = Type of resource
detail-recurrence = Recurrence
detail-material = Material
detail-ewc-code = Waste code (European List of Waste)
detail-format = Format
detail-hours = Hours
detail-revenue-band = Revenue
detail-headcount-band = Headcount
detail-asking-price = Asking price
detail-reason = Reason
detail-timeline-months = Timeline (months)
detail-monthly-capacity = Monthly capacity
detail-lead-time-days = Lead time (days)
