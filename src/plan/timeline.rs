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

/// Whether the room's lamps are lit at `t`: the last `lights_out` or `lights_on` beat before
/// it decides; lit when there is none.
pub fn lamps_on_at(layout: &Layout, t: f32) -> bool {
    layout
        .timeline
        .iter()
        .filter(|b| matches!(b.event, BeatEvent::LightsOut | BeatEvent::LightsOn) && b.at <= t)
        .max_by(|a, b| a.at.total_cmp(&b.at))
        .is_none_or(|b| b.event == BeatEvent::LightsOn)
}

/// How long a shake beat without `seconds` lasts.
pub const SHAKE_S: f32 = 8.0;

/// How hard the ground shakes at `t`, 0 to 1: it builds up over the first second of a shake
/// beat, holds, and dies away over its last two seconds.
pub fn shaking_at(layout: &Layout, t: f32) -> f32 {
    layout
        .timeline
        .iter()
        .filter(|b| b.event == BeatEvent::Shake && b.at <= t)
        .map(|b| {
            let (since, length) = (t - b.at, b.seconds.unwrap_or(SHAKE_S).max(0.5));
            let rise = (since / 1.0).min(1.0);
            let fall = ((length - since) / 2.0_f32.min(length / 2.0)).clamp(0.0, 1.0);
            rise.min(fall)
        })
        .fold(0.0, f32::max)
}

/// A tremor in [-1, 1] on three axes at `t`: sines at unrelated rates of 4 to 13 Hz, so the
/// shaking never repeats visibly; `phase` gives each thing its own.
pub fn tremor(t: f32, phase: f32) -> [f32; 3] {
    const RATES: [[f32; 3]; 3] = [[5.3, 8.9, 12.7], [4.1, 7.7, 11.3], [6.1, 9.7, 13.1]];
    RATES.map(|rates| {
        let mut v = 0.0;
        for (k, hz) in rates.iter().enumerate() {
            v += (std::f32::consts::TAU * hz * t + phase * (k as f32 + 1.7) * 2.3).sin() / (k as f32 + 1.0);
        }
        v / 1.84
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::plan;
    use crate::scene::scene_from_value;

    fn layout(timeline: serde_json::Value) -> Layout {
        let scene = scene_from_value(
            &serde_json::json!({
                "format": "sayscape.scene/1", "title": "beats",
                "setting": {"terrain": "city", "time_of_day": "night",
                    "room": {"purpose": "office", "size": [8, 10, 3]}},
                "player": {"vantage": "ground"}, "entities": [], "timeline": timeline
            }),
            "test",
        )
        .unwrap();
        plan(&scene, 0)
    }

    #[test]
    fn the_lamps_go_out_and_come_back_on_with_their_beats() {
        let l = layout(serde_json::json!([
            {"at": 5.0, "event": "lights_on"},
            {"at": 2.0, "event": "lights_out"}
        ]));
        assert!(lamps_on_at(&l, 0.0));
        assert!(lamps_on_at(&l, 1.99));
        assert!(!lamps_on_at(&l, 2.0));
        assert!(!lamps_on_at(&l, 4.9));
        assert!(lamps_on_at(&l, 5.0));
        assert!(lamps_on_at(&layout(serde_json::json!([])), 100.0));
    }

    #[test]
    fn a_shake_builds_holds_and_dies_away_within_its_seconds() {
        let l = layout(serde_json::json!([{"at": 3.0, "event": "shake", "seconds": 6.0}]));
        assert_eq!(shaking_at(&l, 2.9), 0.0);
        assert!(shaking_at(&l, 3.5) > 0.3 && shaking_at(&l, 3.5) < 0.7);
        assert_eq!(shaking_at(&l, 5.0), 1.0);
        assert!(shaking_at(&l, 8.5) > 0.0 && shaking_at(&l, 8.5) < 0.5);
        assert_eq!(shaking_at(&l, 9.01), 0.0);
        let default = layout(serde_json::json!([{"at": 0.0, "event": "shake"}]));
        assert!(shaking_at(&default, SHAKE_S - 0.5) > 0.0 && shaking_at(&default, SHAKE_S + 0.01) == 0.0);
        for k in 0..200 {
            let v = tremor(k as f32 * 0.013, 0.7);
            assert!(v.iter().all(|x| x.abs() <= 1.0), "{v:?}");
        }
        assert_ne!(tremor(1.0, 0.0), tremor(1.0, 1.0), "each thing shakes its own way");
    }
}
