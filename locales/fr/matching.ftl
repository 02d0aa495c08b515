# Pourquoi deux annonces se correspondent, facteur par facteur ; et ce qui empêche une
# annonce proche de correspondre (les « presque »).

match-sector = { $level ->
    [division] Même division
    [group] Même groupe
    [class] Même classe
   *[subclass] Même sous-classe
} NAF { $code }{ $label ->
    [none] {""}
   *[other] {" — "}{ $label }
}
match-sector-across = Secteurs différents (NAF { $offer } et { $need }), même métier d’après les mots
match-material = Même matière : { $material ->
    [wood] bois
    [metal] métaux
    [plastic] plastiques
    [paper_cardboard] papier, carton
    [textile] textile
    [glass] verre
    [organic_food] matières organiques alimentaires
    [organic_green] déchets verts
    [oil_fat] huiles et graisses
    [construction_minerals] minéraux du BTP
    [chemicals] produits chimiques
    [electronic] équipements électroniques
   *[other] autre matière
}
match-ewc = { $level ->
    [code] Même code déchet { $code }
    [subchapter] Même sous-chapitre de la liste des déchets
   *[chapter] Même chapitre de la liste des déchets
}{ $label_fr ->
    [none] {""}
   *[other] {" — "}{ $label_fr }
}
match-resource = Même type de ressource : { $resource ->
    [equipment] équipement
    [premises] locaux
   *[energy] énergie
}
match-text = Mots en commun : { $words }
match-text-none = Aucun mot en commun
match-distance-unknown = Distance inconnue, portée nationale des deux côtés
match-distance = { $km } km, dans le rayon de { $radius } km
match-distance-national = { $km } km, portée nationale
match-quantity = L’offre couvre { $percent } % du besoin ({ $offered } { $offered_unit }{ $offered_period ->
    [week] {" par semaine"}
    [month] {" par mois"}
    [year] {" par an"}
   *[none] {""}
} pour { $wanted } { $wanted_unit }{ $wanted_period ->
    [week] {" par semaine"}
    [month] {" par mois"}
    [year] {" par an"}
   *[none] {""}
})
match-price = Prix demandé { $asked } €/{ $unit } pour un budget de { $budget } €/{ $unit } ({ $headroom } % de marge)
match-dates-overlap = { $days } jours en commun sur les { $wanted } de la période recherchée
match-dates-until = Périodes compatibles jusqu’au { $date }
match-dates-open = Périodes compatibles, sans date de fin

miss-what = Ce n’est pas la même chose
miss-distance = À { $beyond } km au-delà { $whose ->
    [yours] de votre rayon
   *[theirs] de son rayon
} de { $radius } km
miss-price = Prix demandé { $percent } % au-dessus du budget ({ $asked } €/{ $unit } pour { $budget } €/{ $unit })
miss-unit = Quantités dans des unités qui ne se comparent pas ({ $offered_unit } et { $wanted_unit })
miss-dates = Périodes sans jour commun : l’une commence le { $from }, l’autre finit le { $until }
miss-what-vague = Pas la même chose
miss-distance-vague = Un peu au-delà du rayon
miss-price-vague = Au-dessus du budget
miss-unit-vague = Unités qui ne se comparent pas
miss-dates-vague = Périodes sans jour commun
