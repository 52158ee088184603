use clap::Parser;

fn main() {
    let cli = kubectl_tidbmonitor::cli::Cli::parse();
    std::process::exit(kubectl_tidbmonitor::commands::run(cli));
}
