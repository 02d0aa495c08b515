# Refus, par code stable. `invalid-<code>` explique un champ refusé (réponse 422), avec au
# besoin une formulation propre au champ (`invalid-<code>-<champ>`) ; `refusal-<code>`
# explique les autres refus. Typographie française : espace fine insécable (U+202F) avant
# ; : ! ? et espace insécable (U+00A0) dans les « » et entre un nombre et son unité.

## Champs (422)

invalid-required = Ce champ est obligatoire.
invalid-required-radius_km = Indiquez un rayon en km, ou choisissez « Toute la France ».
invalid-required-unit = Indiquez l’unité de la quantité ou du prix.
invalid-required-enterprise_id = Choisissez l’entreprise.
invalid-required-category = Choisissez une catégorie.
invalid-required-provider_enterprise_id = Choisissez le fournisseur.
invalid-required-beneficiary_enterprise_id = Choisissez le bénéficiaire.
invalid-required-side = Vous gérez les deux côtés de cette correspondance : précisez pour lequel vous répondez.
invalid-required-commune = Indiquez la commune.
invalid-required-mine = Demandez vos entreprises avec mine=true.
invalid-invalid_type = Cette valeur n’a pas le bon type : { $detail }.
invalid-unknown_field = Ce champ n’est pas attendu ici.
invalid-invalid_value = « { $value } » ne fait pas partie des valeurs proposées.
invalid-length = Indiquez de { $min } à { $max } caractères.
invalid-length-poles = Choisissez de { $min } à { $max } pôles.
invalid-length-departements = Indiquez de { $min } à { $max } départements.
invalid-range = Indiquez un nombre de { $min } à { $max }.
invalid-too_long = { $max } caractères au plus.
invalid-email = Cette adresse e-mail n’est pas valide.
invalid-email_not_ascii = Cette adresse contient des accents ou d’autres caractères non ASCII avant le @, et notre serveur de messagerie ne peut pas y écrire : utilisez une autre adresse.
invalid-password_too_short = Le mot de passe compte au moins { $min } caractères.
invalid-password_too_long = Le mot de passe compte au plus { $max } caractères.
invalid-wrong_password = Le mot de passe actuel n’est pas le bon.
invalid-confirm_mismatch = Les deux mots de passe diffèrent.
invalid-invalid_token = Ce lien n’est pas valide, a déjà servi ou a expiré ; demandez-en un nouveau.
invalid-unknown_account = Aucun compte n’a cette adresse ; demandez à la personne de s’inscrire d’abord.
invalid-siret_format = Un SIRET compte exactement 14 chiffres.
invalid-siret_checksum = Ce SIRET n’est pas valide : sa clé de contrôle ne correspond pas.
invalid-siren_format = Un SIREN compte exactement 9 chiffres.
invalid-siren_checksum = Ce SIRET n’est pas valide : ses neuf premiers chiffres ne forment pas un SIREN valide (clé de Luhn).
invalid-naf_format = Un code NAF s’écrit C, 10, 10.5, 10.51 ou 10.51A.
invalid-naf_too_broad = Choisissez au moins une division NAF (deux chiffres), par exemple 16.
invalid-unknown_naf = Aucun code NAF rév. 2 ne s’écrit ainsi.
invalid-commune_format = Un code commune INSEE compte cinq caractères, par exemple 26281 ou 2A004.
invalid-unknown_commune = Aucune commune ne correspond.
invalid-commune_ambiguous = Plusieurs communes correspondent : choisissez la vôtre dans la liste.
invalid-no_coordinates = La position de cette commune n’est pas connue.
invalid-departement_format = Un code de département s’écrit 26, 2A ou 974.
invalid-unknown_departement = Aucun département n’a le code { $code }.
invalid-region_format = Un code de région compte deux chiffres, par exemple 84.
invalid-epci_format = Un EPCI se désigne par son code SIREN à 9 chiffres.
invalid-unknown_epci = Aucun EPCI n’a le code { $code }.
invalid-unknown_pole = Aucun pôle ne porte l’identifiant { $slug }.
invalid-slug = Un identifiant compte de 2 à 60 lettres minuscules ou chiffres, mots reliés par un trait d’union (pole-sud-archer).
invalid-title_length = Le titre doit compter de 5 à 120 caractères.
invalid-description_length = La description compte au plus 5 000 caractères.
invalid-radius_range = Le rayon est compris entre 1 et { $max } km ; au-delà, choisissez « Toute la France ».
invalid-quantity_not_positive = La quantité doit être supérieure à zéro.
invalid-quantity_precision = Six décimales au plus, et 14 chiffres avant la virgule.
invalid-price_negative = Le prix ne peut pas être négatif.
invalid-price_precision = Six décimales au plus, et 14 chiffres avant la virgule.
invalid-money_precision = Un montant en euros compte deux décimales au plus.
invalid-amount_not_positive = Le montant doit être supérieur à zéro ; une erreur se corrige par une contre-passation.
invalid-amount_or_quantity = Indiquez soit un montant, soit une quantité avec un prix unitaire.
invalid-amount_too_large = Ce montant est trop grand pour être enregistré.
invalid-vat_rate = Les taux de TVA français sont 0, 2,1, 5,5, 10 et 20 %.
invalid-dates_order = La fin vient après le début.
invalid-invalid_date = Indiquez une date, par exemple 31/03/2026.
invalid-in_the_past = Cette annonce est terminée : repoussez sa date de fin à aujourd’hui ou plus tard.
invalid-details = Ces précisions ne correspondent pas à la catégorie : { $detail }.
invalid-committed = Des échanges ont déjà pris une partie de cette quantité : elle ne peut plus être retirée, ni son unité changer.
invalid-below_committed = Des échanges ont déjà pris davantage que cette quantité.
invalid-message_length = Le message compte de 1 à 2 000 caractères.
invalid-material_required = Indiquez la matière de ce matériau ou coproduit.
invalid-material_for_matter_only = La matière s’indique pour les matériaux et coproduits seulement.
invalid-ewc_format = Un code de la liste européenne des déchets compte six chiffres en trois paires, par exemple 03 01 05.
invalid-unknown_ewc = Aucune rubrique de la liste européenne des déchets n’a le code { $code }.
invalid-not_a_number = Indiquez un nombre, par exemple 12,50.
invalid-not_a_whole_number = Indiquez un nombre entier, par exemple 12.
invalid-email_taken = Un compte utilise déjà cette adresse.
invalid-must_accept = Cochez la case pour vous engager à la confidentialité.
invalid-negative = Indiquez zéro ou plus.
invalid-impact_precision = Indiquez zéro ou plus, avec { $scale } décimales au plus.
invalid-same_enterprise = Une entreprise ne peut pas échanger avec elle-même.
invalid-not_approved = Cette entreprise n’est membre approuvé d’aucun pôle.
invalid-no_criteria = Indiquez au moins un critère : type, catégorie, code NAF, lieu ou mots-clés.
invalid-commune_required = Un rayon se compte autour d’une commune : indiquez-la.
invalid-limit_range = La limite est comprise entre 1 et 100.
invalid-invalid_cursor = Ce curseur n’appartient pas à cette recherche.
invalid-idempotency_key = Une clé Idempotency-Key compte de 1 à 200 caractères.
invalid-idempotency_key_reused = Ce formulaire a déjà été envoyé avec d’autres valeurs.

## Autres refus

refusal-validation_failed = Certains champs ne sont pas valides.
refusal-unauthorized = Connectez-vous d’abord.
refusal-not_found = Rien ici, ou rien pour vous.
refusal-rate_limited = Trop de demandes : réessayez dans { $seconds } secondes.
refusal-payload_too_large = Le contenu envoyé est trop volumineux.
refusal-unsupported_media_type = Le contenu envoyé doit être du JSON.
refusal-unavailable = Le service est momentanément indisponible ; réessayez dans un instant.
refusal-internal_error = Une erreur inattendue s’est produite ; elle est consignée.
refusal-malformed_request = La demande est mal formée.
refusal-malformed_json = Le contenu n’est pas du JSON valide : { $detail }.
refusal-malformed_form = Le formulaire est mal formé.
refusal-unreadable_body = Le contenu de la demande n’a pas pu être lu.
refusal-invalid_query = Les paramètres de l’adresse ne sont pas valides.
refusal-nul_character = Le texte ne peut pas contenir de caractère NUL.
refusal-idempotency_key_ascii = La clé Idempotency-Key s’écrit en ASCII.
refusal-unknown_status = État inconnu.
refusal-csrf_refused = Ce formulaire a expiré ou ne vient pas de ce site : rien n’a été modifié.
refusal-forbidden = Action non autorisée.
refusal-admin_only = Seuls les administrateurs peuvent faire cela.
refusal-coordinators_only = Réservé aux coordinateurs de pôle et aux administrateurs.
refusal-not_pole_coordinator = Seuls les coordinateurs de ce pôle (et les administrateurs) peuvent faire cela.
refusal-not_enterprise_account = Seuls les comptes de l’entreprise peuvent faire cela.
refusal-not_listing_manager = Seuls l’entreprise de l’annonce et les coordinateurs de ses pôles peuvent faire cela.
refusal-not_exchange_party = Seules les parties de l’échange et les coordinateurs de leurs pôles peuvent faire cela.
refusal-not_your_enterprise = Vous n’agissez que pour une entreprise dont vous faites partie.
refusal-not_your_side = Vous ne gérez pas ce côté.
refusal-already_exists = Cela existe déjà.
refusal-concurrent_change = Une autre modification est passée avant : réessayez.
refusal-email_taken = Un compte existe déjà avec cette adresse.
refusal-siret_taken = Une entreprise avec ce SIRET est déjà inscrite.
refusal-pole_slug_taken = Un pôle porte déjà cet identifiant.
refusal-membership_exists = Cette entreprise est déjà membre de ce pôle, ou a déjà demandé à le rejoindre.
refusal-listing_closed = Cette annonce est close.
refusal-listing_not_open = L’annonce n’est pas ouverte.
refusal-own_listing = Une entreprise ne peut pas répondre à sa propre annonce.
refusal-contact_requests_for_takeovers = Les demandes de mise en relation concernent les reprises d’entreprise ; répondez aux autres annonces par une proposition.
refusal-contact_request_exists = Votre entreprise a déjà demandé une mise en relation pour cette annonce.
refusal-contact_request_already_decided = Cette demande de mise en relation a déjà reçu une réponse.
refusal-takeover_by_contact_request = Une reprise d’entreprise se demande par une demande de contact, pas par une proposition.
refusal-offer_exhausted = L’offre n’a plus rien à donner.
refusal-quantity_rounds_to_zero = La quantité s’arrondit à zéro dans l’unité de l’offre.
refusal-total_too_large = Le total de ces conditions est trop grand pour être enregistré.
refusal-match_already_decided = Cette correspondance est déjà { $status ->
    [accepted] acceptée
    [declined] déclinée
    [withdrawn] retirée
   *[other] traitée
}.
refusal-proposal_already_decided = Cette proposition est déjà { $status ->
    [accepted] acceptée
    [declined] déclinée
    [withdrawn] retirée
   *[other] traitée
}.
refusal-transition_not_allowed = Un échange { $from ->
        [agreed] convenu
        [in_progress] en cours
        [completed] terminé
        [cancelled] annulé
       *[other] { $from }
    } ne peut pas devenir { $to ->
        [agreed] convenu
        [in_progress] en cours
        [completed] terminé
        [cancelled] annulé
       *[other] { $to }
    }.
refusal-exchange_not_in_progress = Les opérations s’enregistrent sur les échanges en cours ou terminés.
refusal-transaction_reversed = Cette opération est déjà contre-passée.
refusal-reversal_of_reversal = Une contre-passation ne se contre-passe pas.
refusal-impact_window_closed = Les chiffres d’impact se saisissent jusqu’à 30 jours après la fin de l’échange, et pas sur un échange annulé.
refusal-too_many_alerts = Un compte garde au plus { $max } alertes : supprimez-en une d’abord.

## Titres des problèmes (API)

problem-validation-error = Certains champs ne sont pas valides
problem-bad-request = La demande est mal formée
problem-unauthorized = Connexion requise
problem-forbidden = Non autorisé
problem-not-found = Introuvable
problem-conflict = Conflit
problem-too-many-requests = Trop de demandes
problem-payload-too-large = Contenu trop volumineux
problem-unsupported-media-type = Le contenu doit être du JSON
problem-unavailable = Service momentanément indisponible
problem-internal-error = Erreur interne
invalid-message_required = Écrivez un message.
invalid-message_too_long = Un message compte { $max } caractères au plus.
invalid-file_empty = Ce fichier est vide.
invalid-file_too_large = Un fichier pèse { $max_mb } Mo au plus.
invalid-file_type = Ce fichier n’est ni une photo (PNG, JPEG, WebP) ni un document accepté (PDF, ODT, ODS, DOCX, XLSX), d’après son contenu.
invalid-image_unreadable = Cette photo ne peut pas être lue.
invalid-too_many_files = { $max } fichiers au plus.
refusal-link_invalid = Ce lien n’est plus valable : il a déjà servi, l’échange a changé depuis, ou il est incomplet.
refusal-file_refused = Fichier refusé : { $reason }
refusal-malformed_multipart = Le formulaire envoyé est mal formé.
invalid-unit_incompatible = Cette unité ne se compte pas dans celle de l’offre ({ $offer_unit }).
refusal-unit_incompatible = Une quantité en { $unit } ne peut pas être prise sur une offre comptée en { $offer_unit }.

## Visites apprenantes et bibliothèque

invalid-starts_in_past = La visite doit commencer dans le futur.
invalid-ends_before_start = La fin doit venir après le début.
invalid-deadline_after_start = La clôture des inscriptions doit précéder le début de la visite.
invalid-host_not_member = Cette entreprise n’est pas membre approuvé du pôle organisateur.
invalid-capacity_below_confirmed = Déjà { $confirmed } inscrits confirmés : la capacité ne peut pas être plus petite.
invalid-licence_unknown = Indiquez un identifiant de licence SPDX, par exemple CC-BY-SA-4.0 ou etalab-2.0.
invalid-url_format = Indiquez une adresse web complète, commençant par http:// ou https://.
invalid-unknown_visit = Cette visite n’existe pas.
invalid-not_confirmed_registration = Ce n’est pas une inscription confirmée de cette visite.
invalid-unknown_resource = Cette ressource n’existe pas.
invalid-too_many = Au plus { $max }.
invalid-date_format = Indiquez une date (2026-12-01) ou une date et heure avec fuseau (2026-12-01T09:30:00+01:00).
refusal-not_visit_organiser = Seuls les organisateurs de la visite (coordinateurs du pôle, administrateurs) peuvent faire cela.
refusal-visit_cancelled = Cette visite est annulée.
refusal-visit_held = Cette visite a déjà eu lieu.
refusal-registration_closed = Les inscriptions à cette visite sont closes.
refusal-already_registered = Vous êtes déjà inscrit à cette visite.
refusal-not_network_member = Il faut être membre approuvé d’un pôle du réseau.
refusal-not_pole_member = Il faut être membre approuvé de ce pôle (ou le coordonner).
refusal-audience_pole_only = Cette visite est réservée aux membres du pôle organisateur.
refusal-registration_cancelled = Cette inscription est déjà annulée.
refusal-visit_not_held_yet = Le compte rendu s’écrit une fois la visite commencée.
refusal-report_exists = Le compte rendu de cette visite existe déjà.
refusal-not_resource_editor = Seuls l’auteur de la ressource, les coordinateurs de son pôle et les administrateurs peuvent la compléter.
refusal-resources_for_know_how = Seules les annonces de savoir-faire renvoient à des ressources de la bibliothèque.
invalid-deadline_in_past = La clôture des inscriptions est déjà passée.
invalid-starts_too_far = Une visite se planifie au plus { $years } ans à l’avance.
invalid-visit_too_long = Une visite dure au plus { $days } jours.
invalid-registered_outside_pole = Des entreprises d’autres pôles sont inscrites : annulez leurs inscriptions avant de réserver la visite aux membres du pôle.
refusal-visit_started = Cette visite a commencé.
refusal-visit_not_started = Les présences se notent une fois la visite commencée.
