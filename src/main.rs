//! The `tweevoud` command line: a thin layer over the library that parses arguments, reads
//! passphrases and prints results. All decisions are the library's.
#![forbid(unsafe_code)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
