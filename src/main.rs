use clap::Parser;

fn main() {
    // `__complete` gets every word raw: through clap, global flags being completed (`-n <TAB>`, `--context=`)
    // would be taken as this command's own flags before the completer saw them.
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("__complete") {
        std::process::exit(kubectl_tidbmonitor::commands::complete_words(&args[2..]));
    }
    let cli = kubectl_tidbmonitor::cli::Cli::parse();
    std::process::exit(kubectl_tidbmonitor::commands::run(cli));
}
