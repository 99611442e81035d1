//! `sayscape serve`: the generation service and the scenario studio.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use sayscape::files::sayscape_home;
use sayscape::serve::{ServeConfig, serve};

use super::generate_cmd::ModelArgs;
use super::voice_cmd::SpeechArgs;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Where to listen. Anything but loopback needs --token.
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub addr: SocketAddr,
    /// The library: a folder of scene files [default: SAYSCAPE_HOME/library].
    #[arg(long, value_name = "DIR")]
    pub library: Option<PathBuf>,
    /// Required as "Authorization: Bearer TOKEN" on every API request (16 characters or more).
    #[arg(long, env = "SAYSCAPE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Generation requests that may wait for the model; more are answered 503.
    #[arg(long, default_value_t = 8)]
    pub queue: usize,
    /// Seconds from a request's arrival to its scene, queue included.
    #[arg(long, default_value_t = 120.0)]
    pub job_timeout: f64,
    /// After SIGINT or SIGTERM, seconds the running job may take to finish.
    #[arg(long, default_value_t = 30.0)]
    pub grace: f64,
    /// Let pages from this origin call the API (CORS), e.g. http://localhost:3000. Off by default.
    #[arg(long, value_name = "ORIGIN")]
    pub cors: Option<String>,
    #[arg(long, default_value_t = 0)]
    pub seed: u32,
    #[command(flatten)]
    pub models: ModelArgs,
    #[command(flatten)]
    pub speech: SpeechArgs,
}

pub fn serve_command(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let positive = |value: f64, flag: &str| {
        if value.is_finite() && value > 0.0 {
            Ok(Duration::from_secs_f64(value))
        } else {
            anyhow::bail!("{flag} {value}: give a number of seconds above 0")
        }
    };
    if args.queue == 0 {
        anyhow::bail!("--queue 0: at least one request must be able to wait");
    }
    let config = ServeConfig {
        addr: args.addr,
        library: args.library.clone().unwrap_or_else(|| sayscape_home().join("library")),
        pipeline: args.speech.config(args.models.backend()?),
        seed: args.seed,
        token: args.token.clone().filter(|t| !t.is_empty()),
        queue: args.queue,
        job_time_limit: positive(args.job_timeout, "--job-timeout")?,
        grace: positive(args.grace, "--grace")?,
        cors_origin: args.cors.clone(),
        render_program: std::env::current_exe().context("cannot find this program to render with")?,
    };
    let library = config.library.clone();
    serve(config, |addr| {
        // The address on stdout (one line, flushed): scripts and tests read the port from it.
        println!("listening on http://{addr}");
        eprintln!("[serve] library {}; studio at http://{addr}/ ; API at http://{addr}/v1/openapi.json", library.display());
        use std::io::Write;
        let _ = std::io::stdout().flush();
    })?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct BenchServeArgs {
    /// Requests per figure for validate and plan.
    #[arg(long, default_value_t = 3000)]
    pub requests: usize,
    /// Concurrent clients for validate and plan.
    #[arg(long, default_value_t = 4)]
    pub clients: usize,
    /// GGUF model file; default: SAYSCAPE_MODEL or the embedded default model.
    #[arg(long)]
    pub model: Option<PathBuf>,
}

/// The prompts generation is timed on, in the CLI and through the service.
const BENCH_PROMPTS: &[&str] = &[
    "I want to experience the life of a pirate on the seven seas",
    "I want to be on stage playing for thousands of fans",
    "Je veux voler au-dessus des nuages dans un vieil avion",
    "a quiet fishing village in the rain",
    "ein Drache über einer Burg bei Nacht",
    "a jazz club in the 1920s",
];

/// Times each prompt is sent by the CLI and by the single client (the model's time varies by
/// a few per cent from run to run).
const ROUNDS: usize = 2;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// p50, p95 and mean of some durations.
fn spread(mut seconds: Vec<f64>) -> (f64, f64, f64) {
    seconds.sort_by(f64::total_cmp);
    let mean = seconds.iter().sum::<f64>() / seconds.len() as f64;
    (percentile(&seconds, 0.5), percentile(&seconds, 0.95), mean)
}

/// `clients` threads sending `total` requests made by `request`; requests per second.
fn throughput(total: usize, clients: usize, request: impl Fn(&ureq::Agent) -> anyhow::Result<()> + Sync) -> anyhow::Result<f64> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let t0 = std::time::Instant::now();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let workers: Vec<_> = (0..clients.max(1))
            .map(|_| {
                scope.spawn(|| -> anyhow::Result<()> {
                    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(true).build().into();
                    while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < total {
                        request(&agent)?;
                    }
                    Ok(())
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| w.join().expect("a client thread"))
    })?;
    Ok(total as f64 / t0.elapsed().as_secs_f64())
}

/// Requests per second for validate and plan; generation latency with 1 and 4 clients against
/// the CLI's own time for the same prompts; the server's peak memory.
pub fn bench(args: &BenchServeArgs) -> anyhow::Result<ExitCode> {
    use sayscape::pipeline::{Backend, Pipeline, PipelineConfig, Request};
    // The CLI's own time first, alone on the machine: the pipeline `sayscape generate` runs,
    // model loaded and warm, one request after another.
    let mut pipeline =
        Pipeline::new(PipelineConfig { backend: Backend::Local { model: args.model.clone(), threads: None }, ..Default::default() });
    pipeline.prepare(&mut |_| {})?;
    let mut cli = Vec::new();
    for prompt in BENCH_PROMPTS.iter().cycle().take(BENCH_PROMPTS.len() * ROUNDS) {
        let t0 = std::time::Instant::now();
        pipeline.world(Request::words(*prompt), &mut |_| {})?;
        cli.push(t0.elapsed().as_secs_f64());
    }
    drop(pipeline);

    let library = tempfile::tempdir()?;
    let program = std::env::current_exe()?;
    let mut command = std::process::Command::new(&program);
    command.args(["serve", "--addr", "127.0.0.1:0", "--queue", "16", "--library"]).arg(library.path());
    if let Some(model) = &args.model {
        command.arg("--model").arg(model);
    }
    let mut server = command.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::null()).spawn()?;
    let result = bench_against(&mut server, args, &cli);
    let _ = server.kill();
    let _ = server.wait();
    result
}

fn bench_against(server: &mut std::process::Child, args: &BenchServeArgs, cli: &[f64]) -> anyhow::Result<ExitCode> {
    use std::io::BufRead;
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().context("the server's output")?).read_line(&mut line)?;
    let url = line.trim().strip_prefix("listening on ").context("the server did not start")?.to_string();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(true).build().into();
    // Wait for the model to load, so that no request pays for it.
    while !agent.get(&format!("{url}/healthz")).call()?.body_mut().read_json::<serde_json::Value>()?["model_ready"]
        .as_bool()
        .unwrap_or(false)
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    let scene = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/scenes/pirate_seven_seas.json"))?;
    let post = |path: &str| {
        let (url, scene) = (format!("{url}{path}"), scene.clone());
        move |agent: &ureq::Agent| -> anyhow::Result<()> {
            agent.post(&url).header("Content-Type", "application/json").send(&scene[..])?.body_mut().read_to_vec()?;
            Ok(())
        }
    };
    let validate = throughput(args.requests, args.clients, post("/v1/validate"))?;
    let layout = throughput(args.requests, args.clients, post("/v1/layout"))?;
    println!("validate         {validate:.0} requests/s ({} clients, {} requests, pirate_seven_seas.json)", args.clients, args.requests);
    println!("plan             {layout:.0} requests/s (POST /v1/layout)");

    let generate = |agent: &ureq::Agent, prompt: &str| -> anyhow::Result<f64> {
        let t0 = std::time::Instant::now();
        agent.post(&format!("{url}/v1/generate")).send_json(serde_json::json!({"prompt": prompt}))?.body_mut().read_to_vec()?;
        Ok(t0.elapsed().as_secs_f64())
    };
    let one: Vec<f64> =
        BENCH_PROMPTS.iter().cycle().take(BENCH_PROMPTS.len() * ROUNDS).map(|p| generate(&agent, p)).collect::<anyhow::Result<_>>()?;
    let t0 = std::time::Instant::now();
    let four: Vec<f64> = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(true).build().into();
                    BENCH_PROMPTS.iter().map(|p| generate(&agent, p)).collect::<anyhow::Result<Vec<f64>>>()
                })
            })
            .collect();
        clients.into_iter().map(|c| c.join().expect("a client thread")).collect::<anyhow::Result<Vec<Vec<f64>>>>()
    })?
    .concat();
    let four_wall = t0.elapsed().as_secs_f64();
    let (cli_p50, cli_p95, cli_mean) = spread(cli.to_vec());
    let (one_p50, one_p95, one_mean) = spread(one);
    let (four_p50, four_p95, _) = spread(four.clone());
    let per_job_four = four_wall / four.len() as f64;
    println!("generation ({} requests)  p50 s   p95 s   s per job   overhead vs the CLI", cli.len());
    println!("{:<22} {cli_p50:>6.2}  {cli_p95:>6.2}  {cli_mean:>9.2}", "CLI, in process");
    println!(
        "{:<22} {one_p50:>6.2}  {one_p95:>6.2}  {one_mean:>9.2}   {:>+5.1} % (target ≤ 5 %)",
        "service, 1 client",
        (one_mean / cli_mean - 1.0) * 100.0
    );
    println!(
        "{:<22} {four_p50:>6.2}  {four_p95:>6.2}  {per_job_four:>9.2}   {:>+5.1} % (wall time / jobs; each latency includes the queue)",
        "service, 4 clients",
        (per_job_four / cli_mean - 1.0) * 100.0
    );
    println!("server peak RSS  {:.0} MiB", super::bench_cmd::peak_rss_mib_of(&server.id().to_string()));
    Ok(ExitCode::SUCCESS)
}
