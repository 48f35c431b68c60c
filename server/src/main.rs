use clap::Parser;
use server::cli::{Cli, Command, ExtractCommand};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        // The PDF reader caps its own address space, so it runs before any runtime thread
        // exists: a worker starting after the cap maps its stacks out of the reader's budget,
        // and under load it sometimes could not start at all and aborted the reader.
        Some(Command::Extract(ExtractCommand::Pdf(args))) => {
            server::knowledge::extract::child::serve_pdf(args).map_err(anyhow::Error::from)
        }
        _ => {
            server::telemetry::init(cli.log_format);
            tokio::runtime::Runtime::new()
                .map_err(anyhow::Error::from)
                .and_then(|runtime| runtime.block_on(server::cli::run(cli)))
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
