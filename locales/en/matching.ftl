# Why two listings match, factor by factor; and what keeps a close listing from matching
# (the near misses).

match-sector = Same NAF { $level ->
    [division] division
    [group] group
    [class] class
   *[subclass] subclass
} { $code }{ $label ->
    [none] {""}
   *[other] {" — "}{ $label }
}
match-sector-across = Different sectors (NAF { $offer } and { $need }), the same trade by their words
match-material = Same material: { $material ->
    [wood] wood
    [metal] metals
    [plastic] plastics
    [paper_cardboard] paper, cardboard
    [textile] textile
    [glass] glass
    [organic_food] organic food matter
    [organic_green] green waste
    [oil_fat] oils and fats
    [construction_minerals] construction minerals
    [chemicals] chemicals
    [electronic] electronic equipment
   *[other] other material
}
match-ewc = { $level ->
    [code] Same waste code { $code }
    [subchapter] Same sub-chapter of the List of Waste
   *[chapter] Same chapter of the List of Waste
}{ $label_en ->
    [none] {""}
   *[other] {" — "}{ $label_en }
}
match-resource = Same kind of resource: { $resource ->
    [equipment] equipment
    [premises] premises
   *[energy] energy
}
match-text = Words in common: { $words }
match-text-none = No word in common
match-distance-unknown = Distance unknown, national reach on both sides
match-distance = { $km } km apart, within the { $radius } km reach
match-distance-national = { $km } km apart, national reach
match-quantity = The offer covers { $percent } % of the need ({ $offered } { $offered_unit }{ $offered_period ->
    [week] {" a week"}
    [month] {" a month"}
    [year] {" a year"}
   *[none] {""}
} for { $wanted } { $wanted_unit }{ $wanted_period ->
    [week] {" a week"}
    [month] {" a month"}
    [year] {" a year"}
   *[none] {""}
})
match-price = Asking { $asked } €/{ $unit } against a budget of { $budget } €/{ $unit } ({ $headroom } % headroom)
match-dates-overlap = { $days } days in common out of the { $wanted } wanted
match-dates-until = Availability overlaps until { $date }
match-dates-open = Availability overlaps, open-ended

miss-what = Not the same thing
miss-distance = { $beyond } km beyond { $whose ->
    [yours] your
   *[theirs] its
} { $radius } km reach
miss-price = Asking price { $percent } % above the budget ({ $asked } €/{ $unit } for { $budget } €/{ $unit })
miss-unit = Quantities in units that do not compare ({ $offered_unit } and { $wanted_unit })
miss-dates = No day in common: one starts on { $from }, the other ends on { $until }
miss-what-vague = Not the same thing
miss-distance-vague = A little beyond the reach
miss-price-vague = Above the budget
miss-unit-vague = Units that do not compare
miss-dates-vague = No day in common
