//! Progress on standard error for long work: one display that walks through a job's steps
//! (`[2/3] derive: 804,820 triples, 61,203/s, 00:13`), drawn only when standard error is a
//! terminal, so piped and logged runs stay quiet.

use std::time::Duration;

use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// A multi-step job's progress display.
pub struct Progress {
    bar: ProgressBar,
    steps: usize,
    step: usize,
}

impl Progress {
    /// A display for a job of `steps` steps (nothing is drawn until the first [`Self::step`]).
    pub fn new(steps: usize) -> Self {
        Self {
            bar: ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
            steps,
            step: 0,
        }
    }

    /// Starts the next step, which counts `unit` (`"triples"`): the bar it returns is the one to
    /// advance, from callbacks too (it is a cheap handle).
    pub fn counting(&mut self, name: &str, unit: &str) -> ProgressBar {
        self.begin(
            name,
            &format!("{{spinner}} {{prefix}}: {{human_pos}} {unit}, {{rate}}, {{elapsed}}"),
        );
        self.bar.clone()
    }

    /// Starts the next step, which counts `total` `unit`s: how many are done, and the time left.
    pub fn counting_to(&mut self, name: &str, unit: &str, total: u64) -> ProgressBar {
        self.begin(
            name,
            &format!(
                "{{spinner}} {{prefix}}: {{human_pos}}/{{human_len}} {unit}, {{rate}}, {{elapsed}} (~{{eta}} left)"
            ),
        );
        self.bar.set_length(total);
        self.bar.clone()
    }

    /// Starts the next step, which has nothing to count (compacting): a spinner and the time.
    pub fn waiting(&mut self, name: &str) {
        self.begin(name, "{spinner} {prefix}… {elapsed}");
        self.bar.enable_steady_tick(Duration::from_millis(200));
    }

    fn begin(&mut self, name: &str, template: &str) {
        self.step += 1;
        self.bar.disable_steady_tick();
        self.bar.reset();
        self.bar.set_style(
            ProgressStyle::with_template(template)
                .expect("valid template")
                // indicatif's own {per_sec} prints "63,249.6962/s": whole units read better.
                .with_key(
                    "rate",
                    |state: &ProgressState, out: &mut dyn std::fmt::Write| {
                        let _ = write!(out, "{}/s", HumanCount(state.per_sec().round() as u64));
                    },
                ),
        );
        if self.steps > 1 {
            self.bar
                .set_prefix(format!("[{}/{}] {name}", self.step, self.steps));
        } else {
            self.bar.set_prefix(name.to_owned());
        }
        self.bar.tick();
    }

    /// Adds steps discovered on the way (a reload first has to remove the old triples).
    pub fn add_steps(&mut self, steps: usize) {
        self.steps += steps;
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// A single-step progress display counting `unit`, for work with one phase (an export).
pub fn single(name: &str, unit: &str) -> (Progress, ProgressBar) {
    let mut progress = Progress::new(1);
    let bar = progress.counting(name, unit);
    (progress, bar)
}
