# Emails, in English. `<key>-subject` is the subject, `<key>-body` the body (one paragraph
# a line).

email-greeting = Hello { $name },
email-view = View on PTCE Exchange
email-unsubscribe = To stop receiving these messages: { $url }

email-welcome-subject = Welcome to PTCE Exchange: confirm your address
email-welcome-body =
    Your account is ready. You can now link your enterprise to its pôle, post offers and needs, and receive the matches that concern you.
    Please confirm your e-mail address with the link below.
email-welcome-button = Confirm my address

email-password-reset-subject = Choose a new password
email-password-reset-body =
    Someone asked to reset this account's password. If it was you, this link works once, for 30 minutes.
    If it was not you, ignore this message: nothing changes.

email-digest-subject = Your PTCE Exchange digest for { $date }: { $count ->
    [one] one update
   *[other] { $count } updates
}
email-digest-intro = Here is what happened since your last digest:
email-digest-open = Open PTCE Exchange

email-new-match-subject = New match ({ $score } / 100) for “{ $mine }”
email-new-match-body = Your listing “{ $mine }” matches “{ $other }”, with a score of { $score } out of 100. You can accept or decline it.
email-new-matches-subject = { $count } new matches for your listings
email-new-matches-body = Your listings have { $count } new matches, best first. You can accept or decline them.
    { $lines }
email-new-matches-line = “{ $other }” ({ $score }/100) for “{ $mine }”

email-match-accepted-subject = Match accepted for “{ $mine }”
email-match-accepted-body = The other side accepted the match between “{ $mine }” and “{ $other }”.
email-match-declined-subject = Match declined for “{ $mine }”
email-match-declined-body = The other side declined the match between “{ $mine }” and “{ $other }”.

email-exchange-created-subject = New exchange: { $title }
email-exchange-created-body = { $provider } and { $beneficiary } agreed on the exchange “{ $title }”.
email-exchange-status-subject = Exchange { $status ->
        [agreed] agreed
        [in_progress] in progress
        [completed] completed
        [cancelled] cancelled
       *[other] { $status }
    }: { $title }
email-exchange-status-body = The exchange “{ $title }” is now { $status ->
        [agreed] agreed
        [in_progress] in progress
        [completed] completed
        [cancelled] cancelled
       *[other] { $status }
    }.

email-transaction-recorded-subject = Transaction recorded on “{ $title }”
email-transaction-recorded-body = Amount including tax: { $amount }. { $description }
email-transaction-reversed-subject = Transaction reversed on “{ $title }”
email-transaction-reversed-body = Amount including tax: { $amount }. { $description }

email-membership-requested-subject = { $enterprise } asks to join your pôle
email-membership-requested-body = The enterprise { $enterprise } asks to join the pôle. You can approve its membership.
email-membership-approved-subject = Welcome to { $pole }
email-membership-approved-body = Your membership of { $pole } is approved: your listings are now visible and can be matched.

email-alert-offer-subject = New offer for your alert: { $title }
email-alert-offer-body = “{ $title }” ({ $category ->
    [local_resource] local resources
    [know_how] know-how
    [business_takeover] business takeover
    [relocated_production] relocated production
   *[other] { $category }
}, { $place }) fits one of your saved searches.
email-alert-need-subject = New need for your alert: { $title }
email-alert-need-body = “{ $title }” ({ $category ->
    [local_resource] local resources
    [know_how] know-how
    [business_takeover] business takeover
    [relocated_production] relocated production
   *[other] { $category }
}, { $place }) fits one of your saved searches.

email-listing-expiring-subject = Your listing “{ $title }” expires on { $date }
email-listing-expiring-body = Your listing “{ $title }” closes on { $date }. To keep it open, move its end date later.

reversal-description = Reversal of transaction { $id }

email-contact-requested-subject = Contact request: { $title }
email-contact-requested-body = { $buyer } asks to be put in touch about your listing “{ $title }” and has committed to keep what it learns confidential. Accept to reveal who you are to them, or decline.
email-contact-accepted-subject = Contact request accepted: { $title }
email-contact-accepted-body = The seller accepted your contact request about “{ $title }”: the whole listing is now open to you. What you read there stays confidential, as you committed.
email-contact-declined-subject = Contact request declined: { $title }
email-contact-declined-body = The seller declined your contact request about “{ $title }”.
email-link-line = { $label }: { $url }

email-new-messages-subject = { $count ->
    [one] New message: { $title }
   *[other] { $count } new messages: { $title }
}
email-new-messages-body = { $from } wrote to you about “{ $title }”:
    “{ $excerpt }”
    { $count ->
        [one] Answer from the conversation.
       *[other] { $count } messages are waiting for you in the conversation.
    }
email-proposal-received-subject = New proposal: { $title }
email-proposal-received-body = { $from } answers your listing “{ $title }”. Accept or decline the proposal from the listing, or ask your questions in the conversation.
email-exchange-follow-up-subject = Did the exchange take place? { $title }
email-exchange-follow-up-body = The exchange “{ $title }” was agreed a while ago, with no news since. How is it going? One click is enough:
    In progress: { $in_progress }
    Completed: { $completed }
    Cancelled: { $cancelled }
    Each link works once.
