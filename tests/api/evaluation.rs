//! Matching quality on the shipped labelled set (data/evaluation/matching-fr.json): the
//! figures `ptce evaluate-matching` prints must stay above the floors.

use crate::helpers::{test_settings, TestApp};
use ptce_exchange::evaluation::{self, PRECISION_AT_5_FLOOR, RECALL_AT_10_FLOOR};
use ptce_exchange::ops::Env;

#[tokio::test]
async fn the_shipped_evaluation_set_stays_above_the_floors() {
    let app = TestApp::spawn().await;
    let settings = test_settings(app.database_url(), &app.smtp);
    let figures = app
        .with_conn(move |conn| {
            let path =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(evaluation::DEFAULT_SET);
            let set = evaluation::read(&path).unwrap();
            evaluation::run(conn, &Env::for_commands(&settings), &set).unwrap()
        })
        .await;
    println!("{figures}");
    assert!(figures.listings >= 150, "{figures}");
    assert!(figures.precision_at_5 >= PRECISION_AT_5_FLOOR, "{figures}");
    assert!(figures.recall_at_10 >= RECALL_AT_10_FLOOR, "{figures}");
}
