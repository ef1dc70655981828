//! The UI's TypeScript types, generated from the Rust types that cross to it, so the two
//! cannot drift: this test fails when `ui/src/lib/bindings.ts` differs from what the Rust
//! types give. `UPDATE_BINDINGS=1 cargo test --release --workspace --lib bindings` rewrites it.

use std::path::Path;

use hearth_core::archive::Format;
use hearth_core::chat::Branch;
use hearth_core::documents::{Added, Answer, Outcome, Reading};
use hearth_core::engine::{Completion, Measurements, ModelInfo, Role};
use hearth_core::jobs::{Job, ResolvedJob, RewriteMode, SummaryStyle};
use hearth_core::models::download::Progress as DownloadProgress;
use hearth_core::models::fit::{Fit, Verdict};
use hearth_core::models::library::{KnownModel, Origin};
use hearth_core::models::shelf::Removed;
use hearth_core::models::speed::Speed;
use hearth_core::models::{CatalogEntry, GgufInfo, Recommended};
use hearth_core::reply::{Progress, ReplyEvent, Stage};
use hearth_core::settings::{PopupStyle, Settings};
use hearth_core::store::{
    Asker, Conversation, DocumentInfo, KeptIn, Kind, Message, Passage, Persona, PersonaFields,
    SearchHit,
};
use hearth_core::text::language::{Detection, Language};
use hearth_core::usage::prices::{Price, Prices};
use hearth_core::usage::report::{Day, Group, Period, Report, Spread, Summary};
use ts_rs::{Config, TS};

use crate::commands::history::{ConversationWithMessages, Source};
use crate::commands::model::{DownloadedModel, Imported, Recommendations};
use crate::commands::settings::SettingsView;
use crate::error::CommandError;
use crate::popup::{Action, Envelope, PopupEvent};
use crate::state::{HistoryView, ModelView, Needs};

fn generated() -> String {
    // Ids and times are i64 in Rust and well inside a double's exact range.
    let cfg = Config::new().with_large_int("number");
    let declarations = [
        ModelInfo::decl(&cfg),
        ModelView::decl(&cfg),
        GgufInfo::decl(&cfg),
        Verdict::decl(&cfg),
        Fit::decl(&cfg),
        Origin::decl(&cfg),
        KnownModel::decl(&cfg),
        Removed::decl(&cfg),
        DownloadProgress::decl(&cfg),
        Imported::decl(&cfg),
        DownloadedModel::decl(&cfg),
        CatalogEntry::decl(&cfg),
        Recommended::decl(&cfg),
        Speed::decl(&cfg),
        Recommendations::decl(&cfg),
        SummaryStyle::decl(&cfg),
        RewriteMode::decl(&cfg),
        Job::decl(&cfg),
        ResolvedJob::decl(&cfg),
        Conversation::decl(&cfg),
        Language::decl(&cfg),
        Detection::decl(&cfg),
        Stage::decl(&cfg),
        Progress::decl(&cfg),
        Role::decl(&cfg),
        Message::decl(&cfg),
        Measurements::decl(&cfg),
        Completion::decl(&cfg),
        ReplyEvent::decl(&cfg),
        Branch::decl(&cfg),
        Kind::decl(&cfg),
        DocumentInfo::decl(&cfg),
        Passage::decl(&cfg),
        Source::decl(&cfg),
        Answer::decl(&cfg),
        Added::decl(&cfg),
        Outcome::decl(&cfg),
        Reading::decl(&cfg),
        ConversationWithMessages::decl(&cfg),
        SearchHit::decl(&cfg),
        Persona::decl(&cfg),
        PersonaFields::decl(&cfg),
        Format::decl(&cfg),
        PopupStyle::decl(&cfg),
        Settings::decl(&cfg),
        SettingsView::decl(&cfg),
        Action::decl(&cfg),
        PopupEvent::decl(&cfg),
        Envelope::decl(&cfg),
        CommandError::decl(&cfg),
        KeptIn::decl(&cfg),
        Needs::decl(&cfg),
        HistoryView::decl(&cfg),
        Asker::decl(&cfg),
        Period::decl(&cfg),
        Spread::decl(&cfg),
        Summary::decl(&cfg),
        Group::decl(&cfg),
        Day::decl(&cfg),
        Price::decl(&cfg),
        Prices::decl(&cfg),
        Report::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types by src-tauri/src/bindings.rs: do not edit by hand.\n\n",
    );
    for declaration in declarations {
        out.push_str("export ");
        out.push_str(&declaration);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[test]
fn ui_types_match_the_rust_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/bindings.ts");
    let fresh = generated();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).expect("could not write ui/src/lib/bindings.ts");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "ui/src/lib/bindings.ts is not what the Rust types give: run \
         UPDATE_BINDINGS=1 cargo test --release --workspace --lib bindings, and check the UI"
    );
}
