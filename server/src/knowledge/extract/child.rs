//! The PDF reader's child process, both ends.
//!
//! The server runs `chatdeck extract pdf` with the PDF on stdin and reads one JSON reply on
//! stdout (`pdf::Reply`). The child first limits itself (address space, CPU time, no core
//! dumps) with setrlimit, which needs no `pre_exec` and so no unsafe code, then reads. The
//! server bounds the rest: a wall-clock deadline after which the child is killed, a cap on
//! the reply it reads, and a reading of how the child ended when it did not reply.

use std::io::{Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Stdio};

use rlimit::Resource;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use super::pdf::{self, PdfFailure};
use super::{ExtractError, Limits};

/// `chatdeck extract pdf`: what the server passes to the child.
#[derive(Debug, clap::Args)]
pub struct PdfArgs {
    /// The size of the PDF on stdin.
    #[arg(long)]
    pub input_bytes: usize,
    #[arg(long)]
    pub max_text_bytes: usize,
    /// How far one page's content streams may inflate.
    #[arg(long)]
    pub page_content_bytes: usize,
    /// Address space the reader may add to what the process has when it starts.
    #[arg(long)]
    pub memory_bytes: u64,
    #[arg(long)]
    pub cpu_seconds: u64,
}

/// The child's side: limits first, then the PDF from stdin, the reply to stdout.
pub fn serve_pdf(args: &PdfArgs) -> std::io::Result<()> {
    limit_self(args)?;
    let mut bytes = Vec::with_capacity(args.input_bytes);
    std::io::stdin()
        .lock()
        .take(args.input_bytes as u64)
        .read_to_end(&mut bytes)?;
    let reply = std::panic::catch_unwind(|| {
        pdf::read(&bytes, args.max_text_bytes, args.page_content_bytes)
    })
    .unwrap_or(pdf::Reply::Failed {
        error: PdfFailure::Damaged,
    });
    drop(bytes);
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer(&mut stdout, &reply)?;
    stdout.flush()
}

fn limit_self(args: &PdfArgs) -> std::io::Result<()> {
    // A reader killed by its limits must not leave a core file of the document behind.
    Resource::CORE.set(0, 0)?;
    let (_, cpu_hard) = Resource::CPU.get()?;
    let cpu = args.cpu_seconds.max(1);
    // SIGXCPU at the soft limit ends the process; the hard limit one second later
    // (SIGKILL) is there in case it does not.
    Resource::CPU.set(cpu.min(cpu_hard), cpu.saturating_add(1).min(cpu_hard))?;
    let (_, address_space_hard) = Resource::AS.get()?;
    let address_space = address_space_now()
        .saturating_add(args.memory_bytes)
        .min(address_space_hard);
    Resource::AS.set(address_space, address_space)
}

/// The process's current address space (VmSize), or 0 where /proc does not tell: the binary,
/// its libraries and the runtime's thread stacks are mapped before the reader allocates.
fn address_space_now() -> u64 {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return 0;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmSize:"))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kib| kib.trim().parse::<u64>().ok())
        .map_or(0, |kib| kib * 1024)
}

/// How much of the child's stderr is kept to explain a crash (the end of it: Rust prints
/// why it aborts last).
const DIAGNOSTICS_KEPT: usize = 16 * 1024;

/// The server's side: run the child on `bytes` and return its reply, or why there is none.
pub(super) async fn read_pdf(bytes: &[u8], limits: &Limits) -> Result<Vec<u8>, ExtractError> {
    let mut child = tokio::process::Command::new(&limits.program)
        .args(["extract", "pdf"])
        .arg(format!("--input-bytes={}", bytes.len()))
        .arg(format!("--max-text-bytes={}", limits.max_text_bytes))
        .arg(format!(
            "--page-content-bytes={}",
            pdf::page_content_limit(limits)
        ))
        .arg(format!("--memory-bytes={}", limits.pdf_memory_bytes))
        .arg(format!("--cpu-seconds={}", limits.pdf_cpu_seconds))
        // The child needs none of the server's environment (which holds its secrets), and
        // logs nothing: its stderr is kept for the reason it crashed.
        .env_clear()
        .env("RUST_LOG", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|error| {
            tracing::error!(
                program = %limits.program.display(),
                "the PDF reader could not be started: {error}"
            );
            ExtractError::PdfReaderUnavailable
        })?;
    let (Some(mut stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return Err(ExtractError::PdfReaderUnavailable);
    };
    // The reply holds the text (control characters already dropped, so JSON escaping at
    // most doubles it) and a title.
    let reply_cap = limits
        .max_text_bytes
        .saturating_mul(2)
        .saturating_add(64 * 1024);
    let conversation = async {
        let write = async move {
            // A child that dies early closes its stdin: how it ended tells why.
            let _ = stdin.write_all(bytes).await;
        };
        let (_, reply, diagnostics) = tokio::join!(
            write,
            read_capped(stdout, reply_cap),
            read_tail(stderr, DIAGNOSTICS_KEPT)
        );
        let status = child.wait().await;
        (reply, diagnostics, status)
    };
    let outcome = tokio::time::timeout(limits.pdf_timeout, conversation).await;
    let Ok((reply, diagnostics, status)) = outcome else {
        let _ = child.kill().await;
        return Err(ExtractError::PdfTimedOut {
            limit: limits.pdf_timeout,
        });
    };
    let Some(reply) = reply else {
        return Err(ExtractError::TextTooLong {
            limit: limits.max_text_bytes,
        });
    };
    let status = status.map_err(|error| {
        tracing::error!("waiting for the PDF reader failed: {error}");
        ExtractError::Pdf(PdfFailure::Crashed)
    })?;
    if status.success() {
        return Ok(reply);
    }
    let diagnostics = String::from_utf8_lossy(&diagnostics);
    let error = why_it_ended(status, &diagnostics, limits);
    tracing::warn!(
        %status,
        diagnostics = %diagnostics.trim(),
        "the PDF reader ended without a reply: {error}"
    );
    Err(error)
}

/// RLIMIT_CPU's signal; 24 on Linux (x86, ARM, RISC-V) and the BSDs alike.
const SIGXCPU: i32 = 24;

fn why_it_ended(status: ExitStatus, diagnostics: &str, limits: &Limits) -> ExtractError {
    if status.signal() == Some(SIGXCPU) {
        return ExtractError::PdfCpuTime {
            limit_seconds: limits.pdf_cpu_seconds,
        };
    }
    // Rust's messages before it aborts.
    if diagnostics.contains("memory allocation of") || diagnostics.contains("out of memory") {
        return ExtractError::Pdf(PdfFailure::OutOfMemory);
    }
    if diagnostics.contains("has overflowed its stack") {
        return ExtractError::Pdf(PdfFailure::TooDeep);
    }
    ExtractError::Pdf(PdfFailure::Crashed)
}

/// All of `pipe` up to `cap` bytes, or None past it. Returning drops the pipe, so a child
/// still writing gets EPIPE and ends instead of blocking.
async fn read_capped(pipe: impl AsyncRead + Unpin, cap: usize) -> Option<Vec<u8>> {
    let mut reply = Vec::new();
    let mut limited = pipe.take(cap as u64 + 1);
    limited.read_to_end(&mut reply).await.ok()?;
    (reply.len() <= cap).then_some(reply)
}

/// The last `kept` bytes of `pipe`, read to its end so the child never blocks on it.
async fn read_tail(mut pipe: impl AsyncRead + Unpin, kept: usize) -> Vec<u8> {
    let mut tail = Vec::new();
    let mut buffer = vec![0u8; 8 * 1024];
    loop {
        match pipe.read(&mut buffer).await {
            Ok(0) | Err(_) => return tail,
            Ok(read) => {
                tail.extend_from_slice(&buffer[..read]);
                if tail.len() > 2 * kept {
                    tail.drain(..tail.len() - kept);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn how_the_child_ended_becomes_the_reason() {
        let limits = Limits::default();
        let killed_by = |signal: i32| ExitStatus::from_raw(signal);
        let exited = |code: i32| ExitStatus::from_raw(code << 8);
        assert_eq!(
            why_it_ended(killed_by(SIGXCPU), "", &limits).to_string(),
            "Reading the PDF used more than 60 seconds of processor time."
        );
        let abort = 6;
        assert_eq!(
            why_it_ended(
                killed_by(abort),
                "memory allocation of 268435456 bytes failed\n",
                &limits
            )
            .to_string(),
            "The PDF could not be read: the reader ran out of memory."
        );
        assert_eq!(
            why_it_ended(
                killed_by(abort),
                "\nthread 'main' has overflowed its stack\nfatal runtime error: stack overflow",
                &limits
            )
            .to_string(),
            "The PDF could not be read: it is nested too deeply."
        );
        assert_eq!(
            why_it_ended(exited(101), "thread 'main' panicked at …", &limits).to_string(),
            "The PDF could not be read: the reader stopped unexpectedly."
        );
    }

    #[tokio::test]
    async fn pipes_are_read_within_bounds() {
        assert_eq!(
            read_capped(&b"12345"[..], 5).await.as_deref(),
            Some(&b"12345"[..])
        );
        assert_eq!(read_capped(&b"123456"[..], 5).await, None);
        let noise = vec![b'x'; 100_000];
        let mut tail = read_tail(&noise[..], 1000).await;
        assert!(tail.len() >= 1000 && tail.len() <= 2000);
        tail.dedup();
        assert_eq!(tail, b"x");
    }

    #[test]
    fn the_address_space_is_read_from_proc() {
        if std::path::Path::new("/proc/self/status").exists() {
            assert!(address_space_now() > 1024 * 1024);
        }
    }
}
