# Refusals, by stable code. `invalid-<code>` explains a field refused in a 422 answer (a
# field may have its own wording: `invalid-<code>-<field>`); `refusal-<code>` explains
# every other refusal. The API sends these English words; pages and emails say them in the
# reader's language.

## Fields (422)

invalid-required = This field is required.
invalid-required-radius_km = Give a radius in km, or choose national.
invalid-required-unit = Give the unit of the quantity or price.
invalid-required-enterprise_id = Choose the enterprise.
invalid-required-category = Choose a category.
invalid-required-provider_enterprise_id = Choose the provider.
invalid-required-beneficiary_enterprise_id = Choose the beneficiary.
invalid-required-side = You manage both sides of this match: say which one you answer for.
invalid-required-commune = Give the commune.
invalid-required-mine = Ask for your enterprises with mine=true.
invalid-invalid_type = This value has the wrong type: { $detail }.
invalid-unknown_field = This field is not expected here.
invalid-invalid_value = "{ $value }" is not one of the accepted values.
invalid-length = Give { $min } to { $max } characters.
invalid-length-poles = Choose { $min } to { $max } pôles.
invalid-length-departements = Give { $min } to { $max } départements.
invalid-range = Give a number from { $min } to { $max }.
invalid-too_long = At most { $max } characters.
invalid-email = This is not a valid e-mail address.
invalid-email_not_ascii = This address has accents or other non-ASCII characters before the @, and our mail server cannot deliver to such addresses: use another address.
invalid-password_too_short = The password needs at least { $min } characters.
invalid-password_too_long = The password may have at most { $max } characters.
invalid-wrong_password = The current password is not correct.
invalid-confirm_mismatch = The two passwords differ.
invalid-invalid_token = This link is not valid, was used already or has expired; ask for a new one.
invalid-unknown_account = No account has this e-mail; ask the person to register first.
invalid-siret_format = A SIRET has exactly 14 digits.
invalid-siret_checksum = This SIRET is not valid: its check digit does not match.
invalid-siren_format = A SIREN has exactly 9 digits.
invalid-siren_checksum = This SIRET is not valid: its first nine digits are not a valid SIREN (Luhn key).
invalid-naf_format = A NAF code looks like C, 10, 10.5, 10.51 or 10.51A.
invalid-naf_too_broad = Choose at least a NAF division (two digits), such as 16.
invalid-unknown_naf = No NAF rév. 2 code is spelled like this.
invalid-commune_format = An INSEE commune code has five characters, such as 26281 or 2A004.
invalid-unknown_commune = No commune has this INSEE code.
invalid-commune_ambiguous = Several communes fit: choose yours in the list.
invalid-no_coordinates = This commune has no known coordinates.
invalid-departement_format = A département code looks like 26, 2A or 974.
invalid-unknown_departement = No département has the code { $code }.
invalid-region_format = A région code has two digits, such as 84.
invalid-epci_format = An EPCI is named by its 9-digit SIREN code.
invalid-unknown_epci = No EPCI has the code { $code }.
invalid-unknown_pole = No pôle has the slug { $slug }.
invalid-slug = A slug has 2 to 60 lower-case letters or digits, words joined by single hyphens (pole-sud-archer).
invalid-title_length = The title needs 5 to 120 characters.
invalid-description_length = The description may have at most 5,000 characters.
invalid-radius_range = The radius is between 1 and { $max } km; beyond, choose national.
invalid-quantity_not_positive = The quantity must be more than zero.
invalid-quantity_precision = At most 6 decimals and 14 digits before the point.
invalid-price_negative = The price cannot be negative.
invalid-price_precision = At most 6 decimals and 14 digits before the point.
invalid-money_precision = An amount in euros has at most 2 decimals and 14 digits before the point.
invalid-amount_not_positive = The amount must be more than zero; a mistake is undone by a reversal.
invalid-amount_or_quantity = Give either an amount, or a quantity with a unit price.
invalid-amount_too_large = This amount is too large to record.
invalid-vat_rate = The VAT rate is one of 0, 2.1, 5.5, 10 and 20.
invalid-dates_order = The end comes after the start.
invalid-invalid_date = Dates are written YYYY-MM-DD.
invalid-in_the_past = This listing has ended: move its end date to today or later first.
invalid-details = These details do not fit the category: { $detail }.
invalid-committed = Exchanges have taken part of this quantity: it can no longer be removed, nor its unit changed.
invalid-below_committed = Exchanges have already taken more than this quantity.
invalid-message_length = The message needs 1 to 2,000 characters.
invalid-material_required = Say what this material or by-product is made of.
invalid-material_for_matter_only = A material is given for materials and by-products only.
invalid-ewc_format = A European List of Waste code has six digits in three pairs, such as 03 01 05.
invalid-unknown_ewc = No entry of the European List of Waste has the code { $code }.
invalid-not_a_number = Give a number, such as 12.50.
invalid-not_a_whole_number = Give a whole number, such as 12.
invalid-email_taken = An account already uses this address.
invalid-must_accept = Tick the box to commit to confidentiality.
invalid-negative = Give zero or more.
invalid-impact_precision = Give zero or more, with at most { $scale } decimals.
invalid-same_enterprise = An enterprise cannot exchange with itself.
invalid-not_approved = This enterprise is not an approved member of any pôle.
invalid-no_criteria = Give at least one criterion: kind, category, NAF code, place or keywords.
invalid-commune_required = A radius is counted around a commune: give it.
invalid-limit_range = The limit is between 1 and 100.
invalid-invalid_cursor = This cursor does not belong to this search.
invalid-idempotency_key = An Idempotency-Key has 1 to 200 characters.
invalid-idempotency_key_reused = This Idempotency-Key was used with another request.

## Other refusals

refusal-validation_failed = Some fields are invalid.
refusal-unauthorized = Sign in first (a valid bearer token or session).
refusal-not_found = Nothing here, or not for you.
refusal-rate_limited = Too many requests: try again in { $seconds } seconds.
refusal-payload_too_large = The request body is too large.
refusal-unsupported_media_type = The request body must be application/json.
refusal-unavailable = The service is temporarily unavailable; try again in a moment.
refusal-internal_error = An unexpected error happened; it is logged.
refusal-malformed_request = The request is malformed.
refusal-malformed_json = The body is not valid JSON: { $detail }.
refusal-malformed_form = The form is malformed.
refusal-unreadable_body = The request body could not be read.
refusal-invalid_query = The query string is invalid.
refusal-nul_character = Text may not contain NUL characters.
refusal-idempotency_key_ascii = Idempotency-Key must be ASCII.
refusal-unknown_status = Unknown status.
refusal-csrf_refused = This form has expired or does not come from this site: nothing was changed.
refusal-forbidden = Not allowed.
refusal-admin_only = Only administrators may do this.
refusal-coordinators_only = This is for pôle coordinators and admins.
refusal-not_pole_coordinator = Only this pôle's coordinators (and admins) may do this.
refusal-not_enterprise_account = Only the enterprise's own accounts may do this.
refusal-not_listing_manager = Only the listing's enterprise and its pôles' coordinators may do this.
refusal-not_exchange_party = Only the exchange's parties and their pôles' coordinators may do this.
refusal-not_your_enterprise = You may act only for an enterprise you belong to.
refusal-not_your_side = You do not manage that side.
refusal-already_exists = This already exists.
refusal-concurrent_change = A concurrent change got there first; try again.
refusal-email_taken = An account with this e-mail already exists.
refusal-siret_taken = An enterprise with this SIRET is registered already.
refusal-pole_slug_taken = A pôle with this slug already exists.
refusal-membership_exists = This enterprise is a member of this pôle already, or has asked to join it.
refusal-listing_closed = This listing is closed.
refusal-listing_not_open = The listing is not open.
refusal-own_listing = An enterprise cannot answer its own listing.
refusal-contact_requests_for_takeovers = Contact requests are for business takeovers; answer other listings with a proposal.
refusal-contact_request_exists = Your enterprise has already asked to be put in touch about this listing.
refusal-contact_request_already_decided = This contact request has been answered already.
refusal-takeover_by_contact_request = A business takeover is asked about with a contact request, not a proposal.
refusal-offer_exhausted = The offer has nothing left to give.
refusal-quantity_rounds_to_zero = The quantity rounds to zero in the offer's unit.
refusal-total_too_large = The total of these terms is too large to record.
refusal-match_already_decided = This match is { $status } already.
refusal-proposal_already_decided = This proposal is { $status } already.
refusal-transition_not_allowed = An exchange { $from ->
        [agreed] agreed
        [in_progress] in progress
        [completed] completed
        [cancelled] cancelled
       *[other] { $from }
    } cannot become { $to ->
        [agreed] agreed
        [in_progress] in progress
        [completed] completed
        [cancelled] cancelled
       *[other] { $to }
    }.
refusal-exchange_not_in_progress = Transactions are recorded on exchanges in progress or completed.
refusal-transaction_reversed = This transaction is reversed already.
refusal-reversal_of_reversal = A reversal cannot itself be reversed.
refusal-impact_window_closed = Impact figures can be filled in until 30 days after completion, and not on a cancelled exchange.
refusal-too_many_alerts = An account keeps at most { $max } alerts: delete one first.

## Problem titles (API)

problem-validation-error = Some fields are invalid
problem-bad-request = The request is malformed
problem-unauthorized = Authentication required
problem-forbidden = Not allowed
problem-not-found = Not found
problem-conflict = Conflict
problem-too-many-requests = Too many requests
problem-payload-too-large = The request body is too large
problem-unsupported-media-type = The request body must be application/json
problem-unavailable = Service temporarily unavailable
problem-internal-error = Internal error
invalid-message_required = Write a message.
invalid-message_too_long = A message has { $max } characters at most.
invalid-file_empty = This file is empty.
invalid-file_too_large = A file weighs { $max_mb } MB at most.
invalid-file_type = By its content, this file is neither a photo (PNG, JPEG, WebP) nor an accepted document (PDF, ODT, ODS, DOCX, XLSX).
invalid-image_unreadable = This photo cannot be read.
invalid-too_many_files = { $max } files at most.
refusal-link_invalid = This link no longer works: it was used already, the exchange changed since, or it is incomplete.
refusal-file_refused = File refused: { $reason }
refusal-malformed_multipart = The form sent is malformed.
invalid-unit_incompatible = This unit cannot be counted in the offer's unit ({ $offer_unit }).
refusal-unit_incompatible = A quantity in { $unit } cannot be taken from an offer counted in { $offer_unit }.

## Learning visits and the library

invalid-starts_in_past = The visit must start in the future.
invalid-ends_before_start = The end must come after the start.
invalid-deadline_after_start = Registration must close no later than the start of the visit.
invalid-host_not_member = This enterprise is not an approved member of the organising pôle.
invalid-capacity_below_confirmed = Already { $confirmed } confirmed registrations: the capacity cannot be smaller.
invalid-licence_unknown = Give a SPDX licence identifier, for example CC-BY-SA-4.0 or etalab-2.0.
invalid-url_format = Give a full web address starting with http:// or https://.
invalid-unknown_visit = This visit does not exist.
invalid-not_confirmed_registration = This is not a confirmed registration of this visit.
invalid-unknown_resource = This resource does not exist.
invalid-too_many = At most { $max }.
invalid-date_format = Give a date (2026-12-01) or a date and time with an offset (2026-12-01T09:30:00+01:00).
refusal-not_visit_organiser = Only the visit's organisers (the pôle's coordinators, admins) may do this.
refusal-visit_cancelled = This visit is cancelled.
refusal-visit_held = This visit has already taken place.
refusal-registration_closed = Registration for this visit is closed.
refusal-already_registered = You are already registered for this visit.
refusal-not_network_member = You must be an approved member of a pôle of the network.
refusal-not_pole_member = You must be an approved member of this pôle (or coordinate it).
refusal-audience_pole_only = This visit is for the organising pôle's members only.
refusal-registration_cancelled = This registration is already cancelled.
refusal-visit_not_held_yet = The report is written once the visit has started.
refusal-report_exists = This visit's report already exists.
refusal-not_resource_editor = Only the resource's author, its pôle's coordinators and admins may add to it.
refusal-resources_for_know_how = Only know-how listings link to library resources.
invalid-deadline_in_past = The registration deadline has already passed.
invalid-starts_too_far = A visit is planned at most { $years } years ahead.
invalid-visit_too_long = A visit lasts at most { $days } days.
invalid-registered_outside_pole = Enterprises of other pôles are registered: cancel their registrations before keeping the visit for the pôle's members.
refusal-visit_started = This visit has started.
refusal-visit_not_started = Attendance is marked once the visit has started.
