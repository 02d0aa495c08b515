use super::*;
use proptest::prelude::*;
use rust_decimal_macros::dec;

fn side(naf: &str, point: (f64, f64), reach: Reach) -> Side {
    Side {
        category: Category::KnowHow,
        what: What::Sector,
        naf: NafCode::parse(naf).unwrap(),
        commune: format!("{:.3}{:.3}", point.0, point.1),
        point: Some(point),
        reach,
        quantity: None,
        unit_price: None,
        available_from: None,
        valid_until: None,
        period: None,
        words: Words::default(),
    }
}

fn matter(naf: &str, material: Material, ewc: Option<&str>, title: &str, text: &str) -> Side {
    Side {
        category: Category::LocalResource,
        what: What::Matter {
            material,
            ewc: ewc.map(|c| EwcCode::parse(c).unwrap()),
        },
        words: Words::of(title, text),
        ..side(naf, ROMANS, Reach::RadiusKm(50))
    }
}

const ROMANS: (f64, f64) = (45.04639, 5.0562);
const VALENCE: (f64, f64) = (44.92560, 4.90956);
const LYON: (f64, f64) = (45.75, 4.85);

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn no_labels() -> Labels<'static> {
    Labels::default()
}

fn factor(evaluation: &Evaluation, kind: FactorKind) -> &Factor {
    evaluation
        .factors
        .iter()
        .find(|f| f.factor == kind)
        .unwrap()
}

#[test]
fn same_subclass_nearby_scores_high_and_explains_each_factor() {
    let offer = side("16.10A", ROMANS, Reach::RadiusKm(50));
    let need = side("16.10A", VALENCE, Reach::RadiusKm(50));
    let labels = Labels {
        sector: Some("Sciage et rabotage du bois"),
        ..Labels::default()
    };
    let evaluation = evaluate(&offer, &need, labels).unwrap();
    assert!(evaluation.score >= 80, "{evaluation:?}");
    let sector = &evaluation.factors[0];
    assert_eq!(sector.factor, FactorKind::Sector);
    assert_eq!(sector.score, 100);
    assert_eq!(sector.key, "match-sector");
    assert_eq!(sector.arg("level"), Some(&Arg::from("subclass")));
    assert_eq!(sector.arg("code"), Some(&Arg::from("16.10A")));
    assert_eq!(
        sector.arg("label"),
        Some(&Arg::from("Sciage et rabotage du bois"))
    );
    let distance = &evaluation.factors[1];
    assert_eq!(distance.key, "match-distance");
    assert_eq!(distance.arg("km"), Some(&Arg::Number(18)));
    assert_eq!(distance.arg("radius"), Some(&Arg::Number(50)));
}

#[test]
fn sector_closeness_orders_scores() {
    let need = side("10.71C", ROMANS, Reach::RadiusKm(50));
    let scores: Vec<u8> = ["10.71C", "10.71D", "10.72Z", "10.51A"]
        .iter()
        .map(|naf| {
            evaluate(&side(naf, ROMANS, Reach::RadiusKm(50)), &need, no_labels())
                .unwrap()
                .score
        })
        .collect();
    assert!(scores.windows(2).all(|w| w[0] > w[1]), "{scores:?}");
    assert!(
        evaluate(
            &side("16.10A", ROMANS, Reach::RadiusKm(50)),
            &need,
            no_labels()
        )
        .is_err(),
        "different divisions without words in common never match"
    );
}

#[test]
fn the_three_cross_sector_flows_match_by_what_is_exchanged() {
    // Oak offcuts from a sawmill heat a wood-fired heating network.
    let offcuts = matter(
        "16.10A",
        Material::Wood,
        Some("03 01 05"),
        "Chutes et sciure de chêne",
        "Dosses, délignures et sciure de chêne brut, non traité.",
    );
    let heating = matter(
        "35.30Z",
        Material::Wood,
        Some("03 01 05"),
        "Bois de chauffage pour notre réseau de chaleur",
        "Nous brûlons des plaquettes, chutes et sciure de bois non traité.",
    );
    // A brewery's spent grain feeds a farm's animals.
    let grain = matter(
        "11.05Z",
        Material::OrganicFood,
        Some("02 07 02"),
        "Drêches de brasserie",
        "Orge maltée humide, chaque semaine.",
    );
    let farm = matter(
        "01.41Z",
        Material::OrganicFood,
        None,
        "Aliment pour vaches laitières",
        "Nous cherchons des drêches ou coproduits de brasserie pour nos vaches.",
    );
    // A clothing workshop's textile scraps become an insulation maker's input.
    let scraps = matter(
        "14.13Z",
        Material::Textile,
        Some("04 02 22"),
        "Chutes de tissus",
        "Coton et polyester, découpes d'atelier.",
    );
    let insulation = matter(
        "23.99Z",
        Material::Textile,
        Some("04 02 22"),
        "Fibres textiles pour isolant",
        "Nous fabriquons un isolant en fibres textiles recyclées.",
    );
    for (offer, need) in [
        (&offcuts, &heating),
        (&grain, &farm),
        (&scraps, &insulation),
    ] {
        let evaluation = evaluate(offer, need, no_labels()).unwrap();
        let what = factor(&evaluation, FactorKind::Material);
        assert!(what.score >= 70, "{evaluation:?}");
        assert!(evaluation.score >= 60, "{evaluation:?}");
    }
    let wood = evaluate(&offcuts, &heating, no_labels()).unwrap();
    assert_eq!(factor(&wood, FactorKind::Material).key, "match-ewc");
    let text = factor(&wood, FactorKind::Text);
    assert_eq!(text.key, "match-text");
    let Some(Arg::Text(words)) = text.arg("words") else {
        panic!("words in common")
    };
    assert!(
        words.contains("sciure") && words.contains("chutes"),
        "{words}"
    );
    // Another material never matches, whatever the words.
    assert!(evaluate(&offcuts, &farm, no_labels()).is_err());
}

#[test]
fn the_same_ewc_code_scores_above_the_same_chapter_above_the_same_material() {
    let need = matter("35.30Z", Material::Wood, Some("03 01 05"), "Bois", "");
    let score = |ewc: Option<&str>| {
        let offer = matter("16.10A", Material::Wood, ewc, "Bois", "");
        factor(
            &evaluate(&offer, &need, no_labels()).unwrap(),
            FactorKind::Material,
        )
        .score
    };
    let scores = [
        score(Some("03 01 05")),
        score(Some("03 01 04")),
        score(Some("03 03 01")),
        score(None),
    ];
    assert!(scores.windows(2).all(|w| w[0] > w[1]), "{scores:?}");
}

#[test]
fn equipment_matches_equipment_only() {
    let mut offer = side("16.23Z", ROMANS, Reach::RadiusKm(50));
    offer.category = Category::LocalResource;
    offer.what = What::Resource(ResourceType::Equipment);
    let mut need = side("31.01Z", ROMANS, Reach::RadiusKm(50));
    need.category = Category::LocalResource;
    need.what = What::Resource(ResourceType::Equipment);
    assert_eq!(
        factor(
            &evaluate(&offer, &need, no_labels()).unwrap(),
            FactorKind::Material
        )
        .key,
        "match-resource"
    );
    need.what = What::Resource(ResourceType::Premises);
    assert!(evaluate(&offer, &need, no_labels()).is_err());
}

#[test]
fn know_how_across_divisions_matches_when_the_words_agree() {
    let mut offer = side("15.20Z", ROMANS, Reach::RadiusKm(50));
    offer.words = Words::of(
        "Formation au montage de chaussures",
        "Montage cousu Blake, piqûre de tiges, en atelier.",
    );
    let mut need = side("95.23Z", VALENCE, Reach::RadiusKm(50));
    need.words = Words::of(
        "Apprendre le montage de chaussures",
        "Nos salariés réparent des chaussures : piqûre et montage.",
    );
    let evaluation = evaluate(&offer, &need, no_labels()).unwrap();
    assert_eq!(
        factor(&evaluation, FactorKind::Sector).key,
        "match-sector-across"
    );
    need.words = Words::of(
        "Formation comptabilité",
        "Tenue des comptes d'une association.",
    );
    let misses = evaluate(&offer, &need, no_labels()).unwrap_err();
    assert_eq!(misses[0].rule, Rule::What);
}

#[test]
fn each_side_must_reach_the_other_and_a_near_miss_says_by_how_much() {
    // Romans–Lyon is about 80 km.
    let offer = side("16.10A", ROMANS, Reach::RadiusKm(100));
    let need = side("16.10A", LYON, Reach::RadiusKm(50));
    let misses = evaluate(&offer, &need, no_labels()).unwrap_err();
    let miss = near_miss(&misses).unwrap();
    assert_eq!(miss.rule, Rule::Distance);
    assert_eq!(miss.arg("radius"), Some(&Arg::Number(50)));
    assert_eq!(miss.arg("side"), Some(&Arg::from("need")));
    assert!(matches!(miss.arg("beyond"), Some(Arg::Number(n)) if (25..=35).contains(n)));
    let need = side("16.10A", LYON, Reach::National);
    assert!(evaluate(&offer, &need, no_labels()).is_ok());
    let offer = side("16.10A", ROMANS, Reach::National);
    let evaluation = evaluate(&offer, &need, no_labels()).unwrap();
    assert_eq!(evaluation.factors[1].key, "match-distance-national");
}

#[test]
fn quantities_compare_after_conversion_and_only_in_one_dimension() {
    let mut offer = side("38.32Z", ROMANS, Reach::RadiusKm(50));
    let mut need = side("38.32Z", ROMANS, Reach::RadiusKm(50));
    offer.quantity = Some((dec!(800), Unit::Kg));
    need.quantity = Some((dec!(1), Unit::T));
    let evaluation = evaluate(&offer, &need, no_labels()).unwrap();
    let quantity = factor(&evaluation, FactorKind::Quantity);
    assert_eq!(quantity.score, 80);
    assert_eq!(quantity.arg("percent"), Some(&Arg::Number(80)));
    assert_eq!(quantity.arg("offered"), Some(&Arg::Decimal(dec!(800))));
    assert_eq!(quantity.arg("wanted_unit"), Some(&Arg::from("t")));
    need.quantity = Some((dec!(1), Unit::M3));
    let misses = evaluate(&offer, &need, no_labels()).unwrap_err();
    assert_eq!(
        near_miss(&misses).unwrap().rule,
        Rule::Unit,
        "kg and m3 do not compare"
    );
    need.quantity = None;
    let evaluation = evaluate(&offer, &need, no_labels()).unwrap();
    assert!(evaluation
        .factors
        .iter()
        .all(|f| f.factor != FactorKind::Quantity));
}

#[test]
fn recurring_quantities_compare_per_the_same_period() {
    let mut offer = side("38.32Z", ROMANS, Reach::RadiusKm(50));
    let mut need = side("38.32Z", ROMANS, Reach::RadiusKm(50));
    // 3 t a week against 24 t a month: 156 t against 288 t a year, 54 %.
    offer.quantity = Some((dec!(3), Unit::T));
    offer.period = Some(Period::Week);
    need.quantity = Some((dec!(24), Unit::T));
    need.period = Some(Period::Month);
    let evaluation = evaluate(&offer, &need, no_labels()).unwrap();
    assert_eq!(factor(&evaluation, FactorKind::Quantity).score, 54);
    // A one-off 10 t against 24 t a month: one period, 42 %.
    offer.quantity = Some((dec!(10), Unit::T));
    offer.period = None;
    let evaluation = evaluate(&offer, &need, no_labels()).unwrap();
    assert_eq!(factor(&evaluation, FactorKind::Quantity).score, 42);
}

#[test]
fn the_offer_price_must_fit_the_budget_after_conversion() {
    let mut offer = side("38.32Z", ROMANS, Reach::RadiusKm(50));
    let mut need = side("38.32Z", ROMANS, Reach::RadiusKm(50));
    offer.unit_price = Some((dec!(120), Unit::T));
    need.unit_price = Some((dec!(0.15), Unit::Kg));
    let evaluation = evaluate(&offer, &need, no_labels()).unwrap();
    let price = factor(&evaluation, FactorKind::Price);
    assert_eq!(price.score, 70);
    assert_eq!(price.arg("asked"), Some(&Arg::Decimal(dec!(0.12))));
    assert_eq!(price.arg("headroom"), Some(&Arg::Number(20)));
    need.unit_price = Some((dec!(0.11), Unit::Kg));
    let misses = evaluate(&offer, &need, no_labels()).unwrap_err();
    let miss = near_miss(&misses).unwrap();
    assert_eq!(miss.rule, Rule::Price);
    assert_eq!(
        miss.arg("percent"),
        Some(&Arg::Number(10)),
        "0.12 is 10 % above 0.11"
    );
    need.unit_price = Some((dec!(0.12), Unit::Kg));
    let at_budget = evaluate(&offer, &need, no_labels()).unwrap();
    assert_eq!(factor(&at_budget, FactorKind::Price).score, 50);
}

#[test]
fn availability_windows_must_overlap() {
    let mut offer = side("38.32Z", ROMANS, Reach::RadiusKm(50));
    let mut need = side("38.32Z", ROMANS, Reach::RadiusKm(50));
    offer.available_from = Some(date("2027-01-01"));
    offer.valid_until = Some(date("2027-01-31"));
    need.available_from = Some(date("2027-01-17"));
    need.valid_until = Some(date("2027-02-15"));
    let evaluation = evaluate(&offer, &need, no_labels()).unwrap();
    let dates = factor(&evaluation, FactorKind::Dates);
    assert_eq!(dates.arg("days"), Some(&Arg::Number(15)));
    assert_eq!(dates.arg("wanted"), Some(&Arg::Number(30)));
    assert_eq!(dates.score, 50);
    need.available_from = Some(date("2027-02-01"));
    let misses = evaluate(&offer, &need, no_labels()).unwrap_err();
    assert_eq!(near_miss(&misses).unwrap().rule, Rule::Dates);
}

#[test]
fn two_failed_rules_are_not_a_near_miss() {
    let mut offer = side("38.32Z", ROMANS, Reach::RadiusKm(10));
    let mut need = side("38.32Z", LYON, Reach::RadiusKm(10));
    offer.unit_price = Some((dec!(2), Unit::Kg));
    need.unit_price = Some((dec!(1), Unit::Kg));
    let misses = evaluate(&offer, &need, no_labels()).unwrap_err();
    assert_eq!(misses.len(), 2);
    assert!(near_miss(&misses).is_none());
}

fn arbitrary_side() -> impl Strategy<Value = Side> {
    let nafs = prop::sample::select(vec![
        "10.71C", "10.71D", "10.72Z", "10.51A", "10", "10.7", "10.71",
    ]);
    let units = prop::sample::select(vec![Unit::Kg, Unit::T, Unit::L, Unit::Unit]);
    let periods = prop::option::of(prop::sample::select(vec![
        Period::Week,
        Period::Month,
        Period::Year,
    ]));
    let texts = prop::sample::select(vec![
        "Farine de blé",
        "Pain rassis et farine",
        "Drêches",
        "Levure de boulangerie",
        "",
    ]);
    (
        (nafs, texts),
        (43.0f64..50.0, -1.0f64..7.0),
        prop::option::of(1i32..400),
        prop::option::of((1i64..100_000, units.clone())),
        prop::option::of((0i64..100_000, units)),
        prop::option::of(0i64..400),
        prop::option::of(0i64..400),
        periods,
    )
        .prop_map(
            |((naf, text), point, radius, quantity, price, from, len, period)| Side {
                category: Category::KnowHow,
                what: What::Sector,
                naf: NafCode::parse(naf).unwrap(),
                commune: format!("{:.4}{:.4}", point.0, point.1),
                point: Some(point),
                reach: radius.map_or(Reach::National, Reach::RadiusKm),
                quantity: quantity.map(|(q, u)| (Decimal::new(q, 2), u)),
                unit_price: price.map(|(p, u)| (Decimal::new(p, 3), u)),
                available_from: from.map(|d| date("2027-01-01") + chrono::Duration::days(d)),
                valid_until: from
                    .zip(len)
                    .map(|(d, l)| date("2027-01-01") + chrono::Duration::days(d + l)),
                period,
                words: Words::of(text, ""),
            },
        )
}

proptest! {
    #[test]
    fn scores_stay_between_0_and_100(offer in arbitrary_side(), need in arbitrary_side()) {
        if let Ok(evaluation) = evaluate(&offer, &need, no_labels()) {
            prop_assert!(evaluation.score <= 100);
            prop_assert!(evaluation.factors.iter().all(|f| f.score <= 100));
        }
    }

    #[test]
    fn a_farther_pair_never_scores_higher(offer in arbitrary_side(), need in arbitrary_side(), shift in 0.0f64..2.0) {
        let mut farther = need.clone();
        let (lat, lon) = need.point.unwrap();
        let (olat, olon) = offer.point.unwrap();
        // Move the need straight away from the offer.
        farther.point = Some((lat + (lat - olat).signum() * shift, lon + (lon - olon).signum() * shift));
        farther.commune = "elsewhere".into();
        let near = evaluate(&offer, &need, no_labels());
        let far = evaluate(&offer, &farther, no_labels());
        if let (Ok(near), Ok(far)) = (&near, &far) {
            prop_assert!(far.score <= near.score, "near {:?} far {:?}", near, far);
        }
        if near.is_err() && need.commune != offer.commune {
            prop_assert!(far.is_err(), "a pair out of reach stays out of reach farther away");
        }
    }

    #[test]
    fn evaluation_is_deterministic_whatever_the_order_of_calls(offer in arbitrary_side(), need in arbitrary_side()) {
        // Publishing the need first or the offer first runs the same evaluation.
        let labels = Labels { sector: Some("x"), ..Labels::default() };
        let first = evaluate(&offer, &need, labels);
        let _ = evaluate(&need, &offer, labels);
        let second = evaluate(&offer, &need, labels);
        prop_assert_eq!(first, second);
    }

    #[test]
    fn a_near_miss_fails_exactly_one_rule(offer in arbitrary_side(), need in arbitrary_side()) {
        if let Err(misses) = evaluate(&offer, &need, no_labels()) {
            prop_assert!(!misses.is_empty());
            if let Some(miss) = near_miss(&misses) {
                prop_assert_eq!(misses.len(), 1);
                prop_assert!(miss.rule.is_near());
            }
        }
    }
}
