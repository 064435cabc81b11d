//! The words of a search, and of what it searches: one tokenizer for both kinds of index.
//!
//! A local archive's index finds words with SQLite's FTS5 (`unicode61 remove_diacritics 2`:
//! runs of letters, digits and private-use characters, lower-cased, diacritics removed). A
//! team archive's index, in PostgreSQL, must find the same agreements for the same query, and
//! PostgreSQL's own parser cuts and folds words otherwise (`0403.170.701` is one word to it,
//! three to FTS5; it keeps accents). So the words are made once, here, by the very tokenizer
//! the local index uses (an FTS5 table in memory, read back through `fts5vocab`): a query's
//! terms for both indexes, and an agreement's terms for the team index, which stores them
//! as a `tsvector` of exactly those lexemes (`docs/archive-team.md`, "The index in
//! PostgreSQL").
//!
//! A term is cut to at most [`MAX_TERM_BYTES`] (at a character boundary), in a query and in
//! what is stored alike: PostgreSQL holds no longer lexeme, and a prefix of at most that
//! length matches the same words whether the stored words were cut or not.

use std::cell::RefCell;

use rusqlite::Connection;

/// The tokenizer of the local index's `search` table, and of every term made here.
pub(crate) const TOKENIZER: &str = "unicode61 remove_diacritics 2";

/// Longest term, in bytes: PostgreSQL's longest lexeme (2 KiB less one byte).
pub const MAX_TERM_BYTES: usize = 2047;

thread_local! {
    /// An FTS5 table in memory, per thread, and its vocabulary.
    static TOKENS: RefCell<Option<Connection>> = const { RefCell::new(None) };
}

fn open() -> rusqlite::Result<Connection> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(&format!(
        "CREATE VIRTUAL TABLE words USING fts5 (text, tokenize = '{TOKENIZER}');
         CREATE VIRTUAL TABLE vocabulary USING fts5vocab (words, 'row');"
    ))?;
    Ok(conn)
}

/// The distinct terms of `texts`, each cut to [`MAX_TERM_BYTES`], sorted by their bytes:
/// what a team archive's index holds of an agreement, and what a query looks for. Nothing
/// is kept: the texts are written in a transaction that is rolled back.
pub(crate) fn terms(texts: &[&str]) -> rusqlite::Result<Vec<String>> {
    TOKENS.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(open()?);
        }
        let conn = slot.as_mut().expect("opened above");
        let tx = conn.transaction()?;
        for text in texts {
            tx.execute("INSERT INTO words (text) VALUES (?1)", [text])?;
        }
        // The table holds these texts alone: its vocabulary is theirs.
        let mut out = tx
            .prepare_cached("SELECT term FROM vocabulary")?
            .query_map([], |r| r.get::<_, String>(0))?
            .map(|t| t.map(cut))
            .collect::<rusqlite::Result<Vec<String>>>()?;
        // Rolled back: the table stays empty.
        drop(tx);
        // (Sorted again, whatever order FTS5 keeps; two terms cut to the same start are one.)
        out.sort_unstable();
        out.dedup();
        Ok(out)
    })
}

/// `term` cut to at most [`MAX_TERM_BYTES`], at a character boundary.
fn cut(mut term: String) -> String {
    if term.len() > MAX_TERM_BYTES {
        let mut end = MAX_TERM_BYTES;
        while !term.is_char_boundary(end) {
            end -= 1;
        }
        term.truncate(end);
    }
    term
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_as_the_local_index_makes_them() {
        let t = terms(&[
            "Brouwerij Dé Zwarte Kat BV, 0403.170.701 l’avenant",
            "e\u{301}t İstanbul Ⓐb ÆRØ kat",
        ])
        .unwrap();
        assert_eq!(
            t,
            [
                "0403",
                "170",
                "701",
                "avenant",
                "b",
                "brouwerij",
                "bv",
                "de",
                "et",
                "istanbul",
                "kat",
                "l",
                "zwarte",
                "ærø"
            ]
        );
        assert!(terms(&["", " ,.- "]).unwrap().is_empty());
        // Nothing is kept between calls.
        assert_eq!(terms(&["één"]).unwrap(), ["een"]);
    }

    #[test]
    fn long_words_are_cut_at_a_character_boundary() {
        let long = "ø".repeat(MAX_TERM_BYTES);
        let t = terms(&[&long]).unwrap();
        assert_eq!(t[0].len(), MAX_TERM_BYTES - 1);
        assert!(t[0].chars().all(|c| c == 'ø'));
        let long = format!("a{}", "ø".repeat(MAX_TERM_BYTES));
        let t = terms(&[&long, &format!("{long}x")]).unwrap();
        assert_eq!(t.len(), 1, "cut to the same start: one term");
        assert_eq!(t[0].len(), MAX_TERM_BYTES);
    }

    #[test]
    fn a_term_made_again_is_itself() {
        for t in terms(&["Ærøskøbing straße İSTANBUL ﬁne ĳssel Œuvre ﬀ Ⅻ ²"]).unwrap()
        {
            assert_eq!(terms(&[&t]).unwrap(), std::slice::from_ref(&t), "{t}");
        }
    }
}
