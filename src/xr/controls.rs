//! Comfort-first controller input: snap turns of 30° on the right thumbstick, a 3 m teleport
//! on the left one (push forward, release to jump). No smooth rotation: it makes people sick.
//! A or X: hold to talk; B or Y: undo the last change; a click of the left thumbstick steps
//! the spoken language (detected, English, French, …).

use std::ops::Deref;

use bevy::prelude::*;
use bevy_mod_openxr::action_binding::{OxrSendActionBindings, OxrSuggestActionBinding};
use bevy_mod_openxr::action_set_attaching::OxrAttachActionSet;
use bevy_mod_openxr::action_set_syncing::{OxrActionSetSyncSet, OxrSyncActionSet};
use bevy_mod_openxr::openxr_session_running;
use bevy_mod_openxr::resources::OxrInstance;
use bevy_mod_openxr::session::OxrSession;
use bevy_mod_xr::session::{XrSessionCreated, session_available};

use crate::plan::Surface;
use crate::state::{CurrentLayout, HistoryStep, SpokenLanguage, TalkButton};
use crate::world::Player;

const SNAP_DEG: f32 = 30.0;
const TELEPORT_M: f32 = 3.0;
/// Thumbstick travel that counts as a push; it must come back under half of it to re-arm.
const PUSH: f32 = 0.7;

pub struct ControlsPlugin;

impl Plugin for ControlsPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Startup, create_actions.run_if(session_available))
            .add_systems(OxrSendActionBindings, suggest_bindings)
            .add_systems(XrSessionCreated, attach_actions)
            .add_systems(PreUpdate, sync_actions.before(OxrActionSetSyncSet).run_if(openxr_session_running))
            .add_systems(Update, (snap_turn, teleport, talk, undo, step_language).run_if(openxr_session_running));
    }
}

#[derive(Resource)]
struct Actions {
    set: openxr::ActionSet,
    turn: openxr::Action<openxr::Vector2f>,
    walk: openxr::Action<openxr::Vector2f>,
    /// Push-to-talk: hold A (or X) and say a change or the next scenario.
    talk: openxr::Action<bool>,
    /// B (or Y): undo the last change.
    undo: openxr::Action<bool>,
    /// The left thumbstick's click: the next spoken language.
    language: openxr::Action<bool>,
}

fn create_actions(instance: Res<OxrInstance>, mut commands: Commands) {
    let created = (|| -> Result<Actions, openxr::sys::Result> {
        let set = instance.create_action_set("locomotion", "Locomotion", 0)?;
        let turn = set.create_action("snap_turn", "Snap turn", &[])?;
        let walk = set.create_action("teleport", "Teleport", &[])?;
        let talk = set.create_action("talk", "Push to talk", &[])?;
        let undo = set.create_action("undo", "Undo the last change", &[])?;
        let language = set.create_action("spoken_language", "Next spoken language", &[])?;
        Ok(Actions { set, turn, walk, talk, undo, language })
    })();
    match created {
        Ok(actions) => commands.insert_resource(actions),
        Err(e) => warn!("no controller actions ({e}); look around only"),
    }
}

fn suggest_bindings(actions: Option<Res<Actions>>, mut bindings: MessageWriter<OxrSuggestActionBinding>) {
    let Some(actions) = actions else { return };
    for profile in ["/interaction_profiles/oculus/touch_controller", "/interaction_profiles/valve/index_controller"] {
        bindings.write(OxrSuggestActionBinding {
            action: actions.turn.as_raw(),
            interaction_profile: profile.into(),
            bindings: vec!["/user/hand/right/input/thumbstick".into()],
        });
        bindings.write(OxrSuggestActionBinding {
            action: actions.walk.as_raw(),
            interaction_profile: profile.into(),
            bindings: vec!["/user/hand/left/input/thumbstick".into()],
        });
        bindings.write(OxrSuggestActionBinding {
            action: actions.language.as_raw(),
            interaction_profile: profile.into(),
            bindings: vec!["/user/hand/left/input/thumbstick/click".into()],
        });
    }
    bindings.write(OxrSuggestActionBinding {
        action: actions.talk.as_raw(),
        interaction_profile: "/interaction_profiles/oculus/touch_controller".into(),
        bindings: vec!["/user/hand/right/input/a/click".into(), "/user/hand/left/input/x/click".into()],
    });
    bindings.write(OxrSuggestActionBinding {
        action: actions.undo.as_raw(),
        interaction_profile: "/interaction_profiles/oculus/touch_controller".into(),
        bindings: vec!["/user/hand/right/input/b/click".into(), "/user/hand/left/input/y/click".into()],
    });
}

fn attach_actions(actions: Option<Res<Actions>>, mut attach: MessageWriter<OxrAttachActionSet>) {
    if let Some(actions) = actions {
        attach.write(OxrAttachActionSet(actions.set.clone()));
    }
}

fn sync_actions(actions: Option<Res<Actions>>, mut sync: MessageWriter<OxrSyncActionSet>) {
    if let Some(actions) = actions {
        sync.write(OxrSyncActionSet(actions.set.clone()));
    }
}

fn stick(action: &openxr::Action<openxr::Vector2f>, session: &OxrSession) -> Vec2 {
    action.state(session.deref(), openxr::Path::NULL).map(|s| Vec2::new(s.current_state.x, s.current_state.y)).unwrap_or(Vec2::ZERO)
}

fn snap_turn(actions: Option<Res<Actions>>, session: Res<OxrSession>, player: Option<ResMut<Player>>, mut armed: Local<bool>) {
    let (Some(actions), Some(mut player)) = (actions, player) else { return };
    let x = stick(&actions.turn, &session).x;
    if x.abs() < PUSH * 0.5 {
        *armed = true;
    } else if *armed && x.abs() > PUSH {
        player.yaw_deg += SNAP_DEG * x.signum();
        *armed = false;
    }
}

fn teleport(
    actions: Option<Res<Actions>>,
    session: Res<OxrSession>,
    player: Option<ResMut<Player>>,
    layout: Option<Res<CurrentLayout>>,
    mut aiming: Local<bool>,
) {
    let (Some(actions), Some(mut player), Some(layout)) = (actions, player, layout) else { return };
    let y = stick(&actions.walk, &session).y;
    if y > PUSH {
        *aiming = true;
    } else if *aiming && y < PUSH * 0.5 {
        *aiming = false;
        let (fx, fz) = crate::plan::place::forward(player.yaw_deg);
        player.feet += Vec3::new(fx, 0.0, fz) * TELEPORT_M;
        if player.carrier.is_none() {
            // On the ground, land on the ground (or the water's surface).
            let surface = Surface::new(&layout.0.setting, layout.0.seed);
            player.feet.y = surface.ground_height(player.feet.x, player.feet.z).max(crate::plan::WATER_LEVEL);
        }
    }
}

/// Hold A (or X) to speak a new scenario; the app records while it is held.
fn talk(actions: Option<Res<Actions>>, session: Res<OxrSession>, mut talk: MessageWriter<TalkButton>, mut held: Local<bool>) {
    let Some(actions) = actions else { return };
    let down = actions.talk.state(session.deref(), openxr::Path::NULL).map(|s| s.current_state).unwrap_or(false);
    if down != *held {
        talk.write(if down { TalkButton::Pressed } else { TalkButton::Released });
    }
    *held = down;
}

/// Press B (or Y) to undo the last change; the release re-arms it.
fn undo(actions: Option<Res<Actions>>, session: Res<OxrSession>, mut step: MessageWriter<HistoryStep>, mut held: Local<bool>) {
    let Some(actions) = actions else { return };
    let down = actions.undo.state(session.deref(), openxr::Path::NULL).map(|s| s.current_state).unwrap_or(false);
    if down && !*held {
        step.write(HistoryStep::Undo);
    }
    *held = down;
}

/// Click the left thumbstick for the next spoken language; the release re-arms it.
fn step_language(actions: Option<Res<Actions>>, session: Res<OxrSession>, mut language: ResMut<SpokenLanguage>, mut held: Local<bool>) {
    let Some(actions) = actions else { return };
    let down = actions.language.state(session.deref(), openxr::Path::NULL).map(|s| s.current_state).unwrap_or(false);
    if down && !*held {
        *language = language.next();
    }
    *held = down;
}
