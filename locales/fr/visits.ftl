# Visites apprenantes et bibliothèque de savoir-faire (pages, choix, refus, courriels).

## Choix

option-theme-governance = Gouvernance
option-theme-economic_model = Modèle économique
option-theme-financial_engineering = Ingénierie financière
option-theme-entrepreneurship = Posture entrepreneuriale
option-theme-other = Autre thème
option-issue-territorial_development = Modèle de développement du territoire
option-issue-local_effects = Effets locaux
option-issue-macroeconomic_effects = Effets macro-économiques
option-issue-social_impact = Impact social
option-issue-other = Autre question
option-audience-network = Tout le réseau (membres de tous les pôles)
option-audience-pole = Membres du pôle organisateur seulement
option-visit-status-planned = Prévue
option-visit-status-held = Réalisée
option-visit-status-cancelled = Annulée
option-registration-confirmed = Inscrit
option-registration-waitlisted = Liste d’attente
option-registration-cancelled = Désinscrit
option-resource-kind-method = Méthode
option-resource-kind-tool = Outil
option-resource-kind-case_study = Étude de cas
option-resource-kind-visit_report = Compte rendu de visite
option-resource-kind-template = Modèle de document
option-resource-kind-other = Autre ressource
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre

## Pages

nav-visits = Visites
nav-library = Bibliothèque
visits-title = Visites apprenantes
visits-lead = Des visites chez les pôles et leurs entreprises, chacune sur un thème, pour apprendre les uns des autres.
visits-coming = Visites à venir
visits-past = Visites passées
visits-none = Aucune visite pour ces critères.
visits-subscribe = S’abonner au calendrier du pôle (.ics)
visit-plan = Organiser une visite
edit-visit = Modifier la visite
visite-apprenante = Visite apprenante
all-poles = Tous les pôles
all-themes = Tous les thèmes
filter = Filtrer
audience-pole-short = Réservée au pôle
seats-left = { $count ->
    [one] { $count } place restante
   *[other] { $count } places restantes
}
visit-full = Complet : inscription en liste d’attente
visit-full-waitlist = La visite est complète : votre inscription ira en liste d’attente, et vous serez prévenu par courriel si une place se libère.
hosted-by = accueillie par
practical = En pratique
paris-time = heure de Paris
visit-theme = Thème
visit-issue = Question transversale
visit-when = Quand
visit-where = Où (commune)
visit-audience = Qui peut s’inscrire
visit-seats = Places
visit-deadline = Inscriptions jusqu’au
visit-deadline-hint = par défaut, jusqu’au début
visit-starts = Début
visit-ends = Fin
add-to-calendar = Ajouter à mon agenda (.ics)
visit-registration = Inscription
you-are-registered = Vous êtes inscrit.
you-are-waitlisted = Vous êtes en liste d’attente
waitlist-position = position { $position }
cancel-my-registration = Me désinscrire
visit-was-cancelled = Cette visite est annulée.
registration-closed = Les inscriptions sont closes.
sign-in-to-register = Connectez-vous pour vous inscrire
register-needs-enterprise = Pour vous inscrire, rattachez d’abord votre compte à une entreprise membre d’un pôle.
register-for = Je viens pour l’entreprise
visit-register = M’inscrire
join-waitlist = M’inscrire en liste d’attente
visit-report = Compte rendu
read-visit-report = Lire le compte rendu dans la bibliothèque
organiser-view = Inscriptions (organisateurs)
confirmed-count = { $count ->
    [one] { $count } inscrit
   *[other] { $count } inscrits
}
waitlisted-count = { $count } en attente
attended-count = { $count ->
    [one] { $count } présent
   *[other] { $count } présents
}
export-csv = Exporter la liste (CSV)
no-registrations = Aucune inscription pour l’instant.
participant = Participant
attended = Présent
cancel-registration = Désinscrire
save-attendance = Enregistrer les présences
write-visit-report = Écrire le compte rendu
write-visit-report-hint = Il rejoint la bibliothèque, lié à la visite et à son thème, pour que d’autres territoires puissent refaire ce qui a marché.
report-summary = Résumé : ce qui s’est passé
report-lessons = Enseignements
report-next-steps = Suites
publish-report = Publier le compte rendu
cancel-visit = Annuler la visite
organising-pole = Pôle organisateur
host-enterprise = Entreprise qui accueille
host-the-pole = Le pôle lui-même
library-title = Bibliothèque de savoir-faire
library-lead = Connaissances, outils et méthodes tirés de la pratique des pôles, pour refaire ailleurs ce qui a marché.
library-search = Rechercher
library-search-placeholder = par exemple : gouvernance coopérative, reprise en SCOP
library-members-note = Connectez-vous pour voir aussi les ressources réservées aux membres.
library-none = Aucune ressource pour ces critères.
resource-kind = Type
all-resource-kinds = Tous les types
resource-publish = Partager une ressource
resource-publish-lead = Une méthode, un outil, une étude de cas : ce qui a marché chez vous peut servir ailleurs.
resource-summary = Résumé
resource-themes = Thèmes
resource-url = Lien (facultatif)
resource-visibility = Qui peut la lire
resource-files-after = Vous pourrez joindre des fichiers (PDF, images, documents) sur la page de la ressource.
resource-open-link = Ouvrir la ressource
resource-from-visit = Voir la visite d’où elle vient
resource-taught-in = Annonces de savoir-faire qui s’en servent
licence = Licence
licence-hint = identifiant SPDX, par exemple CC-BY-SA-4.0
back-to-library = Retour à la bibliothèque
resource-no-pole = Aucun pôle en particulier
listing = Annonce
confirm-unregister-title = Annuler cette inscription ?
confirm-unregister-text = La place sera donnée à la première personne de la liste d’attente, prévenue par courriel.
confirm-unregister-button = Oui, annuler l’inscription
confirm-cancel-visit-title = Annuler la visite ?
confirm-cancel-visit-text = Tous les inscrits, y compris en liste d’attente, seront prévenus par courriel, et la visite disparaîtra de leurs agendas. Une visite annulée ne peut pas être rétablie.
confirm-cancel-visit-button = Oui, annuler la visite
flash-visit-planned = Visite publiée : son public est prévenu par courriel.
flash-visit-updated = Visite modifiée.
flash-visit-registered = Vous êtes inscrit : la confirmation et le fichier d’agenda arrivent par courriel.
flash-visit-waitlisted = Vous êtes en liste d’attente : vous serez prévenu par courriel si une place se libère.
flash-visit-unregistered = Inscription annulée.
flash-visit-attendance = Présences enregistrées.
flash-visit-cancelled = Visite annulée : les inscrits sont prévenus.
flash-visit-report-published = Compte rendu publié dans la bibliothèque.
flash-resource-published = Ressource publiée.
field-starts_at = Début
field-ends_at = Fin
field-registration_deadline = Inscriptions jusqu’au
field-capacity = Places
field-theme = Thème
field-transversal_issue = Question transversale
field-host_enterprise_id = Entreprise qui accueille
field-audience = Qui peut s’inscrire
field-summary = Résumé
field-licence = Licence
field-kind = Type
field-url = Lien
field-registration_ids = Présences

## Courriels

email-visit-planned-subject = Nouvelle visite apprenante : { $title }
email-visit-planned-body = { $pole } organise une visite apprenante, « { $title } », le { $when } à { $place }.
    Inscrivez-vous depuis sa page tant qu’il reste des places.
email-visit-confirmed-subject = Inscription confirmée : { $title }
email-visit-confirmed-body = Votre place est réservée pour « { $title } », le { $when } (heure de Paris) à { $place }.
    Le fichier d’agenda joint (visite.ics) l’ajoute à votre calendrier.
email-visit-waitlisted-subject = Liste d’attente : { $title }
email-visit-waitlisted-body = La visite « { $title } » du { $when } est complète : vous êtes en position { $position } de la liste d’attente.
    Vous serez prévenu par courriel si une place se libère.
email-visit-promoted-subject = Une place s’est libérée : { $title }
email-visit-promoted-body = Bonne nouvelle : une place s’est libérée et votre inscription à « { $title } », le { $when } (heure de Paris) à { $place }, est confirmée.
    Le fichier d’agenda joint (visite.ics) l’ajoute à votre calendrier.
email-visit-reminder-subject = Rappel : { $title }, le { $when }
email-visit-reminder-body = La visite apprenante « { $title } » a lieu le { $when } (heure de Paris) à { $place }.
    Si vous ne pouvez plus venir, désinscrivez-vous depuis sa page : votre place ira à la liste d’attente.
email-visit-cancelled-subject = Visite annulée : { $title }
email-visit-cancelled-body = { $pole } a annulé la visite « { $title } » prévue le { $when }.
    Le fichier d’agenda joint la retire de votre calendrier.

cancel = Annuler

learning-figures = Visites apprenantes et bibliothèque
visits-held = Visites réalisées
visit-participants = Participants
attendance-rate = Taux de présence
resources-published = Ressources publiées
participants-by-pole = Participants par pôle d’origine
listing-resources = Ressources de la bibliothèque
pole-visits = Visites apprenantes du pôle
pole-resources = Ressources partagées par le pôle

email-visit-changed-subject = Visite modifiée : { $title }
email-visit-changed-body = La visite apprenante « { $title } » a changé : elle a lieu le { $when } (heure de Paris) à { $place }.
    Le fichier d’agenda joint met votre calendrier à jour.
email-visit-unregistered-subject = Inscription annulée : { $title }
email-visit-unregistered-body = Votre inscription à la visite « { $title } » du { $when } a été annulée par ses organisateurs.
    Pour toute question, écrivez aux coordinateurs du pôle organisateur.
