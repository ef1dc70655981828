//! Opening the encrypted history from the command line, and `hearth key`: where its key is
//! kept, and moving it between the keyring and a passphrase. A passphrase comes from
//! `HEARTH_PASSPHRASE` (for scripts) or is asked at the terminal.

use std::io::IsTerminal;

use clap::{Args, Subcommand};
use hearth_core::paths::DataDir;
use hearth_core::store::{KeptIn, Store, StoreError, Unlock};
use zeroize::Zeroizing;

use crate::CliResult;

pub const PASSPHRASE_ENV: &str = "HEARTH_PASSPHRASE";
/// The new passphrase for `hearth key passphrase` in scripts.
pub const NEW_PASSPHRASE_ENV: &str = "HEARTH_NEW_PASSPHRASE";

/// The passphrases given in the environment, taken out of it at start.
struct Given {
    passphrase: Option<Zeroizing<String>>,
    new_passphrase: Option<Zeroizing<String>>,
}

static GIVEN: std::sync::OnceLock<Given> = std::sync::OnceLock::new();

/// Takes `HEARTH_PASSPHRASE` and `HEARTH_NEW_PASSPHRASE` out of the environment, so no process
/// Hearth starts (a document reader) inherits them. Called first in `main`, before any other
/// thread could read the environment while it changes.
pub fn take_passphrases_from_env() {
    let take = |name: &str| {
        let value = std::env::var(name).ok().map(Zeroizing::new);
        std::env::remove_var(name);
        value
    };
    let _ = GIVEN.set(Given {
        passphrase: take(PASSPHRASE_ENV),
        new_passphrase: take(NEW_PASSPHRASE_ENV),
    });
}

fn given() -> Option<&'static Given> {
    GIVEN.get()
}

/// The histories this command opened, closed before it exits (`close_opened`): a closed
/// history leaves no WAL beside its file, which would otherwise be read into whatever file
/// is at that path next (one moved back from elsewhere, say).
static OPENED: std::sync::Mutex<Vec<Store>> = std::sync::Mutex::new(Vec::new());

pub async fn close_opened() {
    let opened = match OPENED.lock() {
        Ok(mut opened) => std::mem::take(&mut *opened),
        Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
    };
    for store in opened {
        store.close().await;
    }
}

/// Opens the history: with `HEARTH_PASSPHRASE` when set, else through the keyring, asking for a
/// passphrase at the terminal when the history has one or the keyring cannot be used.
pub async fn open_store(data: &DataDir) -> Result<Store, Box<dyn std::error::Error>> {
    let store = open(data).await?;
    if let Ok(mut opened) = OPENED.lock() {
        opened.push(store.clone());
    }
    Ok(store)
}

async fn open(data: &DataDir) -> Result<Store, Box<dyn std::error::Error>> {
    let path = data.database();
    if let Some(passphrase) = given().and_then(|given| given.passphrase.clone()) {
        return Ok(Store::open(&path, &Unlock::Passphrase(passphrase)).await?);
    }
    let terminal = std::io::stdin().is_terminal();
    let opened = match Store::open(&path, &Unlock::Keyring).await {
        Err(StoreError::PassphraseNeeded) if terminal => {
            let passphrase = ask("Passphrase: ")?;
            Store::open(&path, &Unlock::Passphrase(passphrase)).await
        }
        Err(error @ StoreError::KeyringUnavailable(_)) if terminal => {
            eprintln!("hearth: {error}");
            let passphrase = ask_new()?;
            Store::open(&path, &Unlock::Passphrase(passphrase)).await
        }
        Err(error @ (StoreError::PassphraseNeeded | StoreError::KeyringUnavailable(_))) => {
            return Err(format!("{error} Without a terminal, give it in ${PASSPHRASE_ENV}.").into())
        }
        other => other,
    };
    Ok(opened?)
}

fn ask(prompt: &str) -> Result<Zeroizing<String>, StoreError> {
    rpassword::prompt_password(prompt)
        .map(Zeroizing::new)
        .map_err(|e| StoreError::BadNote(format!("the passphrase could not be read: {e}")))
}

/// A new passphrase: `HEARTH_NEW_PASSPHRASE`, or asked twice at the terminal.
fn ask_new() -> Result<Zeroizing<String>, StoreError> {
    if let Some(passphrase) = given().and_then(|given| given.new_passphrase.clone()) {
        return Ok(passphrase);
    }
    let first = ask("New passphrase: ")?;
    if *ask("The same passphrase again: ")? != *first {
        return Err(StoreError::BadNote(
            "the two passphrases differ; nothing was changed".to_string(),
        ));
    }
    Ok(first)
}

#[derive(Args)]
pub struct KeyArgs {
    #[command(subcommand)]
    command: Option<KeyCommand>,
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Protect the history with a new passphrase (asked twice, or $HEARTH_NEW_PASSPHRASE).
    Passphrase,
    /// Keep the history's key in the system keyring again.
    Keyring,
}

pub async fn run(data: &DataDir, args: KeyArgs) -> CliResult {
    let store = open_store(data).await?;
    let to = match args.command {
        None => {
            println!("{}", describe(store.kept_in()));
            return Ok(());
        }
        Some(KeyCommand::Passphrase) => Unlock::Passphrase(ask_new()?),
        Some(KeyCommand::Keyring) => Unlock::Keyring,
    };
    let change = store.change_key(&to).await;
    let kept_in = change.changed?;
    change.store?.close().await;
    println!("{}", describe(kept_in));
    Ok(())
}

fn describe(kept_in: KeptIn) -> &'static str {
    match kept_in {
        KeptIn::Keyring => "The history is encrypted; its key is in the system keyring.",
        KeptIn::Passphrase => "The history is encrypted; its key comes from your passphrase.",
    }
}
