//! `hearth serve`: the local API (`hearth_core::server`) until Ctrl+C, and its clients' tokens.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Subcommand};
use hearth_core::engine::{self, SEQUENCES};
use hearth_core::paths::DataDir;
use hearth_core::server::{self, ServerConfig, DEFAULT_ADDRESS, DEFAULT_PORT};

use crate::CliResult;

#[derive(Args)]
pub struct ServeArgs {
    #[command(subcommand)]
    command: Option<ServeCommand>,
    /// The port to listen on (0: any free one, printed at start).
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// The address to listen on. Anything but a loopback address lets other computers reach
    /// the API (each still needs a token).
    #[arg(long, default_value_t = DEFAULT_ADDRESS)]
    address: IpAddr,
    /// Requests answered at once; one more is refused (429) until one ends.
    #[arg(long, default_value_t = SEQUENCES)]
    max_requests: usize,
    /// A GGUF model file (default: the first model found in the data folder or models/).
    #[arg(long, value_name = "PATH")]
    model: Option<PathBuf>,
}

#[derive(Subcommand)]
enum ServeCommand {
    /// List the clients that have a token, make one, or revoke one.
    Tokens {
        #[command(subcommand)]
        command: Option<TokensCommand>,
    },
}

#[derive(Subcommand)]
enum TokensCommand {
    /// Make a token for a client (a script, an editor) and print it: it is shown only once.
    Add { name: String },
    /// Revoke a client's token.
    Rm { name: String },
}

pub async fn run(data: &DataDir, args: ServeArgs) -> CliResult {
    let store = crate::unlock::open_store(data).await?;
    match args.command {
        Some(ServeCommand::Tokens { command }) => {
            tokens(&store, command).await?;
            store.close().await;
            return Ok(());
        }
        None => {}
    }
    if args.max_requests == 0 {
        return Err("--max-requests must be at least 1.".into());
    }
    let clients = store.api_clients().await?;
    if clients.is_empty() {
        eprintln!("hearth: no client has a token yet, so every request will be refused; make one with `hearth serve tokens add NAME`");
    }
    let engine = Arc::new(engine::load(&data.model(args.model)?).await?);
    let config = ServerConfig {
        address: args.address,
        port: args.port,
        max_requests: args.max_requests,
    };
    let listener = server::bind(&config).await?;
    let address = listener.local_addr()?;
    if !address.ip().is_loopback() {
        eprintln!("hearth: listening on {}: other computers on the network can reach the API (each request still needs a token)", address.ip());
    }
    println!("http://{address}/v1");
    eprintln!(
        "[serving {} to {} client(s); Ctrl+C stops]",
        engine.info().name,
        clients.len()
    );
    let stop = crate::cancel_on_ctrl_c();
    let result = server::serve(listener, store.clone(), engine, &config, async move {
        stop.cancelled().await
    })
    .await;
    store.close().await;
    Ok(result?)
}

async fn tokens(store: &hearth_core::store::Store, command: Option<TokensCommand>) -> CliResult {
    match command {
        None => {
            for client in store.api_clients().await? {
                println!("{}", client.name);
            }
        }
        Some(TokensCommand::Add { name }) => {
            let token = store.add_api_token(&name).await?;
            eprintln!("[a token for {}: it is shown only this once]", name.trim());
            println!("{token}");
        }
        Some(TokensCommand::Rm { name }) => store.remove_api_token(&name).await?,
    }
    Ok(())
}
