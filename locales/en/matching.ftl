# Why two listings match, factor by factor.

match-sector = Same NAF { $level ->
    [division] division
    [group] group
    [class] class
   *[subclass] subclass
} { $code }{ $label ->
    [none] {""}
   *[other] {" — "}{ $label }
}
match-distance-unknown = Distance unknown, national reach on both sides
match-distance = { $km } km apart, within the { $radius } km reach
match-distance-national = { $km } km apart, national reach
match-quantity = The offer covers { $percent } % of the need ({ $offered } { $offered_unit } for { $wanted } { $wanted_unit })
match-price = Asking { $asked } €/{ $unit } against a budget of { $budget } €/{ $unit } ({ $headroom } % headroom)
match-dates-overlap = { $days } days in common out of the { $wanted } wanted
match-dates-until = Availability overlaps until { $date }
match-dates-open = Availability overlaps, open-ended
