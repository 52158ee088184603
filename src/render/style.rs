//! Colour only where a human reads it: a TTY, no `NO_COLOR`, and `--color` not `never`.

use owo_colors::OwoColorize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

pub fn use_color(choice: ColorChoice, stdout_is_tty: bool, no_color_env: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stdout_is_tty && !no_color_env,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Warn,
    Bad,
    Dim,
}

pub fn paint(text: &str, tone: Option<Tone>, color: bool) -> String {
    match (tone, color) {
        (Some(Tone::Good), true) => text.green().to_string(),
        (Some(Tone::Warn), true) => text.yellow().to_string(),
        (Some(Tone::Bad), true) => text.red().to_string(),
        (Some(Tone::Dim), true) => text.dimmed().to_string(),
        _ => text.to_string(),
    }
}
