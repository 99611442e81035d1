//! Push-to-talk: hold V (or the controller's A/X, reported by the headset as a
//! [`TalkButton`]), say a scenario, let go; the recording goes to the scene worker.

use bevy::prelude::*;

use super::worker::SpeechRecorded;
use crate::state::{Status, TalkButton};
use crate::voice::capture::Recorder;
use crate::world::Controls;

pub struct SpeechPlugin;

impl Plugin for SpeechPlugin {
    fn build(&self, app: &mut App) {
        app.insert_non_send(Microphone::default()).add_systems(Update, (talk_key, listen).chain());
    }
}

/// The microphone while the talk button is held.
#[derive(Default)]
struct Microphone(Option<Recorder>);

/// V on the keyboard is a talk button too (unless the person is typing a scenario).
fn talk_key(keys: Res<ButtonInput<KeyCode>>, controls: Option<Res<Controls>>, mut talk: MessageWriter<TalkButton>) {
    if controls.is_some_and(|c| c.typing) {
        return;
    }
    if keys.just_pressed(KeyCode::KeyV) {
        talk.write(TalkButton::Pressed);
    }
    if keys.just_released(KeyCode::KeyV) {
        talk.write(TalkButton::Released);
    }
}

fn listen(
    mut talk: MessageReader<TalkButton>,
    mut mic: NonSendMut<Microphone>,
    mut status: ResMut<Status>,
    mut said: MessageWriter<SpeechRecorded>,
) {
    for button in talk.read() {
        match (button, mic.0.take()) {
            (TalkButton::Pressed, None) => match Recorder::start() {
                Ok(recorder) => {
                    mic.0 = Some(recorder);
                    *status = Status::Listening;
                }
                Err(e) => *status = Status::Failed(format!("cannot listen: {}", crate::errors::chain(&e))),
            },
            (TalkButton::Pressed, recording) => mic.0 = recording,
            (TalkButton::Released, Some(recorder)) => {
                said.write(SpeechRecorded(recorder.stop()));
            }
            (TalkButton::Released, None) => {}
        }
    }
}
