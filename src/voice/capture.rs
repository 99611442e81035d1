//! The microphone: records at the device's own rate until stopped (push-to-talk); the clip is
//! resampled to 16 kHz by the transcriber. No microphone gives a clear error, not a crash.

use std::sync::{Arc, Mutex};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};

use super::VoiceError;
use super::audio::Clip;

/// The longest recording kept (the transcriber refuses longer speech anyway).
const MAX_RECORD_S: u32 = 90;

/// A recording in progress. Dropping it stops the microphone.
pub struct Recorder {
    stream: cpal::Stream,
    samples: Arc<Mutex<Vec<f32>>>,
    rate: u32,
}

fn mic_error<E: std::error::Error + Send + Sync + 'static>(what: &'static str) -> impl FnOnce(E) -> VoiceError {
    move |e| VoiceError::Microphone { what, source: Box::new(e) }
}

impl Recorder {
    /// Starts recording from the default input device, mixed down to mono.
    pub fn start() -> Result<Recorder, VoiceError> {
        let host = cpal::default_host();
        let device = host.default_input_device().ok_or(VoiceError::NoMicrophone)?;
        let supported = device.default_input_config().map_err(mic_error("the microphone cannot be opened"))?;
        let rate = supported.sample_rate();
        let channels = supported.channels().max(1) as usize;
        let format = supported.sample_format();
        let config: cpal::StreamConfig = supported.into();
        let samples = Arc::new(Mutex::new(Vec::new()));
        let limit = (rate * MAX_RECORD_S) as usize;
        let sink = samples.clone();
        let push = move |mono: &mut dyn Iterator<Item = f32>| {
            if let Ok(mut buf) = sink.lock() {
                let room = limit.saturating_sub(buf.len());
                buf.extend(mono.take(room));
            }
        };
        let on_error = |e| tracing::warn!("microphone: {e}");
        let stream = match format {
            cpal::SampleFormat::F32 => device.build_input_stream(
                config,
                move |data: &[f32], _: &_| push(&mut data.chunks(channels).map(|f| f.iter().sum::<f32>() / channels as f32)),
                on_error,
                None,
            ),
            cpal::SampleFormat::I16 => device.build_input_stream(
                config,
                move |data: &[i16], _: &_| {
                    push(&mut data.chunks(channels).map(|f| f.iter().map(|&s| s as f32 / 32768.0).sum::<f32>() / channels as f32))
                },
                on_error,
                None,
            ),
            other => return Err(VoiceError::SampleFormat(format!("{other:?}"))),
        }
        .map_err(mic_error("the microphone cannot start"))?;
        stream.play().map_err(mic_error("the microphone cannot start"))?;
        Ok(Recorder { stream, samples, rate })
    }

    /// Seconds recorded so far.
    pub fn seconds(&self) -> f32 {
        self.samples.lock().map(|s| s.len()).unwrap_or(0) as f32 / self.rate as f32
    }

    /// Stops and returns what was recorded.
    pub fn stop(self) -> Clip {
        drop(self.stream);
        let samples = self.samples.lock().map(|s| s.clone()).unwrap_or_default();
        Clip { samples, rate: self.rate }
    }
}
