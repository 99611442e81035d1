//! The timeline's state at any moment, as a function of the beats before it: the world and
//! the soundscape both ask it, so a snapshot or a recording at 30 s agree with a live run.

use std::collections::HashSet;

use super::layout::Layout;
use crate::scene::{BeatEvent, Weather};

/// Entities hidden at time `t`: those with an `appear` beat still to come, or a `vanish` beat
/// already past (whichever of their beats came last wins).
pub fn hidden_at(layout: &Layout, t: f32) -> HashSet<String> {
    let mut beats: Vec<_> = layout.timeline.iter().filter(|b| matches!(b.event, BeatEvent::Appear | BeatEvent::Vanish)).collect();
    beats.sort_by(|a, b| a.at.total_cmp(&b.at));
    let mut hidden = HashSet::new();
    for beat in &beats {
        if let (BeatEvent::Appear, Some(e)) = (beat.event, &beat.entity)
            && beat.at > 0.0
        {
            hidden.insert(e.clone());
        }
    }
    for beat in beats.iter().filter(|b| b.at <= t) {
        let Some(e) = &beat.entity else { continue };
        match beat.event {
            BeatEvent::Appear => hidden.remove(e),
            _ => hidden.insert(e.clone()),
        };
    }
    hidden
}

/// The weather at time `t` and when it last changed.
pub fn weather_at(layout: &Layout, t: f32) -> (Weather, f32) {
    layout
        .timeline
        .iter()
        .filter(|b| b.event == BeatEvent::Weather && b.at <= t)
        .filter_map(|b| b.weather.map(|w| (w, b.at)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or((layout.setting.weather, f32::NEG_INFINITY))
}
