//! What a request names outright. A 270M model's likelihoods carry what a request *implies*
//! well ("a pirate's life": a sailing ship, the age of sail) but barely move for what it
//! *says* in so many words ("at sunrise" lifts dawn by 0.7 nats; "al tramonto" not at all).
//! The words that name a value are read by [`crate::lexicon`]; such a value's lift is raised
//! to [`NAMED_LIFT`], so that the place choice and the composition take it as explicit.

use super::rank::Ranking;

/// The lift a named value gets: above every threshold for "explicit".
pub const NAMED_LIFT: f32 = 8.0;

/// Raises the lift of every value the request names to at least [`NAMED_LIFT`], and clear of
/// the values it does not name (by [`NAMED_LEAD`]), so that a named value always reads as explicit.
/// A named value the ranking did not score (the catalog is larger than the first stage) joins it.
pub fn raise_named(ranking: &mut Ranking, named: &[(&str, &str)]) {
    for (field, value) in named {
        // Setting fields are ranked whole; a named kind the first stage did not score, or a
        // value of a field nobody ranked (a caller without the model), joins its field.
        let options = ranking.fields.entry(field.to_string()).or_default();
        if !options.iter().any(|(v, _)| v == value) {
            options.push((value.to_string(), 0.0));
        }
    }
    for (field, options) in ranking.fields.iter_mut() {
        let is_named = |v: &str| named.contains(&(field.as_str(), v));
        let unnamed_best = options.iter().filter(|(v, _)| !is_named(v)).map(|(_, s)| *s).fold(f32::NEG_INFINITY, f32::max);
        for (value, lift) in options.iter_mut().filter(|(v, _)| is_named(v)) {
            *lift = lift.max(NAMED_LIFT).max(unnamed_best + NAMED_LEAD);
            tracing::debug!("named: {field} = {value}");
        }
        options.sort_by(|a, b| b.1.total_cmp(&a.1));
    }
}

/// How far a named value stands above every value the request does not name.
pub const NAMED_LEAD: f32 = 3.0;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::rank::RankPrompts;
    use crate::lexicon::lexicon;

    #[test]
    fn the_lexicon_names_only_values_the_ranking_knows() {
        let lists = RankPrompts::builtin().option_lists();
        for (field, value, phrases) in lexicon().entries() {
            if [crate::lexicon::PLACE, crate::lexicon::PLACE_HINT, crate::lexicon::SITUATION].contains(&field) {
                continue; // read by composition, not ranked
            }
            if field == "water" {
                // Not ranked: the template's water stays unless the request names another.
                assert!(serde_json::from_value::<crate::scene::WaterKind>(serde_json::json!(value)).is_ok(), "words.json: water {value}");
                continue;
            }
            if field == "sky" {
                // Not ranked either: a sky feature is added only when the request names it.
                assert!(serde_json::from_value::<crate::scene::SkyFeature>(serde_json::json!(value)).is_ok(), "words.json: sky {value}");
                continue;
            }
            let pool = RankPrompts::builtin().kind_pool();
            let list = if field == "kind" {
                &pool
            } else {
                lists.iter().find(|(f, _, _)| f == field).unwrap_or_else(|| panic!("words.json: no ranked field {field}"))
            };
            assert!(list.2.iter().any(|(v, _)| v == value), "words.json: {field} has no value {value}");
            if field != "kind" {
                assert!(!phrases.is_empty(), "words.json: {field}.{value} has no words");
            }
        }
    }

    #[test]
    fn a_named_value_becomes_the_best_of_its_field() {
        let mut r = Ranking::default();
        r.fields.insert("time_of_day".into(), vec![("dawn".into(), 2.4), ("dusk".into(), 0.1)]);
        raise_named(&mut r, &lexicon().named("gondola in Venezia al tramonto"));
        assert_eq!(r.best("time_of_day"), Some("dusk"));
        assert_eq!(r.lift("time_of_day", "dusk"), NAMED_LIFT);
    }
}
