//! `hearth docs add` of PDFs built to kill their reader: each gets a sentence, the command
//! ends with its own exit code (not an abort), and the files beside them are still added.

mod common;
#[path = "../../hearth-core/tests/common/hostile.rs"]
mod hostile;

use common::*;

#[test]
fn hostile_pdfs_cost_a_sentence_each_and_the_others_are_added() {
    let data = tempfile::tempdir().expect("temp dir");
    let files = tempfile::tempdir().expect("temp dir");
    let self_drawing = hostile::self_drawing(files.path(), "self-drawing.pdf");
    let inflating = hostile::inflating(files.path(), "inflating.pdf");
    let deep = hostile::deep_chain(files.path(), "deep.pdf");
    let paths = [&self_drawing, &inflating, &deep].map(|path| path.to_string_lossy().into_owned());
    let mut args = vec!["docs", "add"];
    args.extend(paths.iter().map(String::as_str));

    let added = hearth(data.path(), &args);

    assert_eq!(added.status.code(), Some(1), "{}", text(&added.stderr));
    let reason = "it needs deeper nesting or more memory than Hearth gives one document; is it \
                  damaged? It was left out; Hearth carries on.";
    assert_eq!(
        text(&added.stderr),
        format!(
            "hearth: self-drawing.pdf could not be read: {reason}\n\
             hearth: inflating.pdf could not be read: {reason}\n\
             hearth: 2 of 3 files were not added.\n"
        )
    );
    let listed = hearth(data.path(), &["docs", "list"]);
    let listed = text(&listed.stdout);
    let names: Vec<&str> = listed
        .lines()
        .filter_map(|line| line.split('\t').nth(1))
        .collect();
    assert_eq!(names, ["deep.pdf"], "{listed}");
}
