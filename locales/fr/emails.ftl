# Les e-mails, en français. `<clé>-subject` est l'objet, `<clé>-body` le corps (un
# paragraphe par ligne).

email-greeting = Bonjour { $name },
email-view = Voir sur PTCE Exchange
email-unsubscribe = Pour ne plus recevoir ces messages : { $url }

email-welcome-subject = Bienvenue sur PTCE Exchange : confirmez votre adresse
email-welcome-body =
    Votre compte est créé. Vous pouvez maintenant rattacher votre entreprise à son pôle, publier des offres et des besoins, et recevoir les correspondances qui vous concernent.
    Confirmez votre adresse e-mail avec le lien ci-dessous.
email-welcome-button = Confirmer mon adresse

email-password-reset-subject = Choisir un nouveau mot de passe
email-password-reset-body =
    Quelqu’un a demandé à réinitialiser le mot de passe de ce compte. Si c’est vous, ce lien est valable 30 minutes, une seule fois.
    Si ce n’est pas vous, ignorez ce message : rien ne change.

email-digest-subject = Votre résumé PTCE Exchange du { $date } : { $count ->
    [one] une nouvelle
   *[other] { $count } nouvelles
}
email-digest-intro = Voici ce qui s’est passé depuis votre dernier résumé :
email-digest-open = Ouvrir PTCE Exchange

email-new-match-subject = Nouvelle correspondance ({ $score } / 100) pour « { $mine } »
email-new-match-body = Votre annonce « { $mine } » correspond à « { $other } », avec un score de { $score } sur 100. Vous pouvez l’accepter ou la décliner.
email-new-matches-subject = { $count } nouvelles correspondances pour vos annonces
email-new-matches-body = Vos annonces ont { $count } nouvelles correspondances, de la meilleure à la moins bonne. Vous pouvez les accepter ou les décliner.
    { $lines }
email-new-matches-line = « { $other } » ({ $score }/100) pour « { $mine } »

email-match-accepted-subject = Correspondance acceptée pour « { $mine } »
email-match-accepted-body = L’autre partie a accepté la correspondance entre « { $mine } » et « { $other } ».
email-match-declined-subject = Correspondance déclinée pour « { $mine } »
email-match-declined-body = L’autre partie a décliné la correspondance entre « { $mine } » et « { $other } ».

email-exchange-created-subject = Nouvel échange : { $title }
email-exchange-created-body = { $provider } et { $beneficiary } ont conclu l’échange « { $title } ».
email-exchange-status-subject = Échange { $status ->
        [agreed] convenu
        [in_progress] en cours
        [completed] terminé
        [cancelled] annulé
       *[other] { $status }
    } : { $title }
email-exchange-status-body = L’échange « { $title } » est maintenant { $status ->
        [agreed] convenu
        [in_progress] en cours
        [completed] terminé
        [cancelled] annulé
       *[other] { $status }
    }.

email-transaction-recorded-subject = Opération enregistrée sur « { $title } »
email-transaction-recorded-body = Montant TTC : { $amount }. { $description }
email-transaction-reversed-subject = Opération annulée sur « { $title } »
email-transaction-reversed-body = Montant TTC : { $amount }. { $description }

email-membership-requested-subject = { $enterprise } demande à rejoindre votre pôle
email-membership-requested-body = L’entreprise { $enterprise } demande à rejoindre le pôle. Vous pouvez approuver son adhésion.
email-membership-approved-subject = Bienvenue dans le pôle { $pole }
email-membership-approved-body = Votre adhésion au pôle { $pole } est approuvée : vos annonces sont maintenant visibles et peuvent trouver des correspondances.

email-alert-offer-subject = Nouvelle offre pour votre alerte : { $title }
email-alert-offer-body = « { $title } » ({ $category ->
    [local_resource] ressources locales
    [know_how] savoir-faire
    [business_takeover] reprise d’entreprise
    [relocated_production] production relocalisée
   *[other] { $category }
}, { $place }) correspond à une de vos recherches enregistrées.
email-alert-need-subject = Nouveau besoin pour votre alerte : { $title }
email-alert-need-body = « { $title } » ({ $category ->
    [local_resource] ressources locales
    [know_how] savoir-faire
    [business_takeover] reprise d’entreprise
    [relocated_production] production relocalisée
   *[other] { $category }
}, { $place }) correspond à une de vos recherches enregistrées.

email-listing-expiring-subject = Votre annonce « { $title } » expire le { $date }
email-listing-expiring-body = Votre annonce « { $title } » sera close le { $date }. Pour la garder ouverte, repoussez sa date de fin.

reversal-description = Contre-passation de l’opération { $id }

email-contact-requested-subject = Demande de mise en relation : { $title }
email-contact-requested-body = { $buyer } souhaite être mise en relation au sujet de votre annonce « { $title } » et s’est engagée à garder confidentiel ce qu’elle apprendra. Acceptez pour lui révéler votre identité, ou déclinez.
email-contact-accepted-subject = Mise en relation acceptée : { $title }
email-contact-accepted-body = Le cédant a accepté votre demande de mise en relation au sujet de « { $title } » : l’annonce complète vous est maintenant ouverte. Ce que vous y lirez reste confidentiel, comme vous vous y êtes engagés.
email-contact-declined-subject = Mise en relation déclinée : { $title }
email-contact-declined-body = Le cédant a décliné votre demande de mise en relation au sujet de « { $title } ».
email-link-line = { $label } : { $url }

email-new-messages-subject = { $count ->
    [one] Nouveau message : { $title }
   *[other] { $count } nouveaux messages : { $title }
}
email-new-messages-body = { $from } vous a écrit à propos de « { $title } » :
    « { $excerpt } »
    { $count ->
        [one] Répondez depuis la conversation.
       *[other] { $count } messages vous attendent dans la conversation.
    }
email-proposal-received-subject = Nouvelle proposition : { $title }
email-proposal-received-body = { $from } répond à votre annonce « { $title } ». Acceptez ou déclinez sa proposition depuis l’annonce, ou posez-lui vos questions dans la conversation.
email-exchange-follow-up-subject = L’échange a-t-il eu lieu ? { $title }
email-exchange-follow-up-body = L’échange « { $title } » est convenu depuis un moment, sans nouvelles depuis. Où en est-il ? Un clic suffit :
    En cours : { $in_progress }
    Réalisé : { $completed }
    Annulé : { $cancelled }
    Chaque lien ne sert qu’une fois.
