# Pourquoi deux annonces se correspondent, facteur par facteur.

match-sector = { $level ->
    [division] Même division
    [group] Même groupe
    [class] Même classe
   *[subclass] Même sous-classe
} NAF { $code }{ $label ->
    [none] {""}
   *[other] {" — "}{ $label }
}
match-distance-unknown = Distance inconnue, portée nationale des deux côtés
match-distance = { $km } km, dans le rayon de { $radius } km
match-distance-national = { $km } km, portée nationale
match-quantity = L'offre couvre { $percent } % du besoin ({ $offered } { $offered_unit } pour { $wanted } { $wanted_unit })
match-price = Prix demandé { $asked } €/{ $unit } pour un budget de { $budget } €/{ $unit } ({ $headroom } % de marge)
match-dates-overlap = { $days } jours en commun sur les { $wanted } de la période recherchée
match-dates-until = Périodes compatibles jusqu'au { $date }
match-dates-open = Périodes compatibles, sans date de fin
