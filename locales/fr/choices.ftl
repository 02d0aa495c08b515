# Les valeurs que l'on choisit dans une liste, et les états, en français. Les clés
# reprennent les valeurs de l'API : `category-local_resource`, `status-open`…

category-local_resource = Ressources locales
category-know_how = Savoir-faire
category-business_takeover = Reprise d’entreprise
category-relocated_production = Production relocalisée

kind-offer = Offre
kind-need = Besoin

status-draft = Brouillon
status-open = Ouverte
status-closed = Close
status-expired = Expirée
status-proposed = À traiter
status-accepted = Acceptée
status-declined = Déclinée
status-withdrawn = Retirée
status-pending = En attente
status-approved = Approuvée
status-agreed = Convenu
status-in_progress = En cours
status-completed = Terminé
status-cancelled = Annulé
status-fulfilled = Réalisée

factor-sector = Secteur
factor-material = Matière
factor-text = Mots
factor-distance = Distance
factor-quantity = Quantité
factor-price = Prix
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
unit-day = jour(s)
unit-unit = unité(s)

family-matches = Correspondances
family-exchanges = Échanges
family-memberships = Adhésions
family-listings = Mes annonces
family-alerts = Alertes
family-messages = Messages
family-visits = Visites apprenantes

notifications-instant = Tout de suite
notifications-daily = Résumé quotidien
notifications-off = Jamais

frequency-instant = Tout de suite
frequency-daily = Résumé quotidien

option-resource_type-materials = Matériaux
option-resource_type-equipment = Équipement
option-resource_type-premises = Locaux
option-resource_type-by_product = Coproduits, déchets valorisables
option-resource_type-energy = Énergie
option-recurrence-one_off = Ponctuelle
option-recurrence-recurring = Récurrente
option-format-training = Formation
option-format-mentoring = Tutorat
option-format-apprenticeship = Apprentissage
option-revenue_band-under_100k = Moins de 100 k€
option-revenue_band-100k_500k = 100 à 500 k€
option-revenue_band-500k_2m = 500 k€ à 2 M€
option-revenue_band-2m_10m = 2 à 10 M€
option-revenue_band-over_10m = Plus de 10 M€
option-headcount_band-0 = Aucun salarié
option-headcount_band-1_9 = 1 à 9 salariés
option-headcount_band-10_49 = 10 à 49 salariés
option-headcount_band-50_249 = 50 à 249 salariés
option-headcount_band-250_plus = 250 salariés et plus
option-reason-retirement = Départ à la retraite
option-reason-reorientation = Reconversion
option-reason-health = Santé
option-reason-growth = Croissance
option-reason-other = Autre
option-legal_form-scop = SCOP
option-legal_form-scic = SCIC
option-legal_form-association = Association
option-legal_form-sas = SAS
option-legal_form-sarl = SARL
option-legal_form-ei = Entreprise individuelle
option-legal_form-cooperative = Coopérative
option-legal_form-other = Autre
option-close_reason-fulfilled = Réalisée
option-close_reason-withdrawn = Retirée
option-visibility-public = Tout le monde
option-visibility-members = Membres connectés

family-matches-help = Nouvelles correspondances, réponses de l’autre partie, demandes de mise en relation
family-exchanges-help = Échanges créés, changements d’état, opérations enregistrées ou annulées
family-memberships-help = Demandes d’adhésion (coordinateurs) et adhésions approuvées
family-listings-help = Mes annonces qui expirent dans trois jours
family-alerts-help = Nouvelles annonces qui correspondent à mes alertes
family-messages-help = Nouveaux messages dans mes conversations
family-visits-help = Visites apprenantes : inscriptions, confirmations, rappels
alert-frequency-instant = Tout de suite
alert-frequency-daily = Résumé quotidien
impact-jobs_created = Emplois créés
impact-jobs_kept = Emplois maintenus
impact-tonnes_diverted = Déchets évités (t)
impact-km_avoided = Km de transport évités

option-material-wood = Bois
option-material-metal = Métaux
option-material-plastic = Plastiques
option-material-paper_cardboard = Papier, carton
option-material-textile = Textile
option-material-glass = Verre
option-material-organic_food = Matières organiques alimentaires
option-material-organic_green = Déchets verts
option-material-oil_fat = Huiles et graisses
option-material-construction_minerals = Minéraux du BTP
option-material-chemicals = Produits chimiques
option-material-electronic = Équipements électroniques
option-material-other = Autre matière
option-period-week = par semaine
option-period-month = par mois
option-period-year = par an

detail-resource-type = Type de ressource
detail-recurrence = Fréquence
detail-material = Matière
detail-ewc-code = Code déchet (liste européenne)
detail-format = Format
detail-hours = Heures
detail-revenue-band = Chiffre d’affaires
detail-headcount-band = Effectif
detail-asking-price = Prix demandé
detail-reason = Motif
detail-timeline-months = Échéance (mois)
detail-monthly-capacity = Capacité mensuelle
detail-lead-time-days = Délai (jours)
