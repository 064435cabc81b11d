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
         CREATE VIRTUAL TABLE vocabulary USING fts5vocab (words, 'instance');"
    ))?;
    Ok(conn)
}

/// The terms of `texts` in the order they occur (each text after the one before), each cut
/// to [`MAX_TERM_BYTES`]. Nothing is kept: the text is written in a transaction that is
/// rolled back.
pub(crate) fn tokens(texts: &[&str]) -> rusqlite::Result<Vec<String>> {
    TOKENS.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(open()?);
        }
        let conn = slot.as_mut().expect("opened above");
        let tx = conn.transaction()?;
        let mut out = Vec::new();
        for text in texts {
            tx.execute("INSERT INTO words (text) VALUES (?1)", [text])?;
            let rowid = tx.last_insert_rowid();
            let mut st =
                tx.prepare_cached("SELECT term FROM vocabulary WHERE doc = ?1 ORDER BY offset")?;
            let terms = st.query_map([rowid], |r| r.get::<_, String>(0))?;
            for term in terms {
                out.push(cut(term?));
            }
        }
        // Rolled back: the table stays empty.
        drop(tx);
        Ok(out)
    })
}

/// The distinct terms of `texts`, sorted by their bytes: what a team archive's index holds
/// of an agreement.
pub(crate) fn terms(texts: &[&str]) -> rusqlite::Result<Vec<String>> {
    let mut t = tokens(texts)?;
    t.sort_unstable();
    t.dedup();
    Ok(t)
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
        let t = tokens(&[
            "Brouwerij Dé Zwarte Kat BV, 0403.170.701 l’avenant",
            "e\u{301}t İstanbul Ⓐb ÆRØ",
        ])
        .unwrap();
        assert_eq!(
            t,
            [
                "brouwerij",
                "de",
                "zwarte",
                "kat",
                "bv",
                "0403",
                "170",
                "701",
                "l",
                "avenant",
                "et",
                "istanbul",
                "b",
                "ærø"
            ]
        );
        assert_eq!(terms(&["b a b", "a"]).unwrap(), ["a", "b"]);
        assert!(tokens(&["", " ,.- "]).unwrap().is_empty());
        // Nothing is kept between calls.
        assert_eq!(tokens(&["één"]).unwrap(), ["een"]);
    }

    #[test]
    fn long_words_are_cut_at_a_character_boundary() {
        let long = "ø".repeat(MAX_TERM_BYTES);
        let t = tokens(&[&long]).unwrap();
        assert_eq!(t[0].len(), MAX_TERM_BYTES - 1);
        assert!(t[0].chars().all(|c| c == 'ø'));
        let long = format!("a{}", "ø".repeat(MAX_TERM_BYTES));
        let t = tokens(&[&long]).unwrap();
        assert_eq!(t[0].len(), MAX_TERM_BYTES);
    }

    #[test]
    fn a_term_made_again_is_itself() {
        for t in tokens(&["Ærøskøbing straße İSTANBUL ﬁne ĳssel Œuvre ﬀ Ⅻ ²"]).unwrap()
        {
            assert_eq!(tokens(&[&t]).unwrap(), std::slice::from_ref(&t), "{t}");
        }
    }
}
