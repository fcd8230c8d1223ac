//! Full-text search over case texts, in memory (tantivy).
//!
//! Chinese has no spaces, and a word segmenter splits the same characters differently in
//! different sentences (jieba cuts 路灯不亮 into 路 + 灯不亮), so matching a query's segmentation
//! against a text's loses cases. Texts are therefore indexed by every Han character and every
//! pair of adjacent ones (and by each run of letters and digits, lower-cased); a query is cut
//! into words by jieba, and a text matches when it holds every word: all the character pairs of
//! a longer word, the character itself for a one-character word. So 井盖松动 finds
//! 门口的井盖有些松动 (two words, not adjacent) but not 井盖缺失. A `-word` excludes.
//!
//! Cases are only added (a case's text does not change after intake), so the index grows by the
//! cases above the last id it holds.

use std::sync::Mutex;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// Memory the index writer may use before it flushes a segment.
const WRITER_BYTES: usize = 50_000_000;

/// Why the search index failed (it lives in memory, so only on a bug or lack of memory).
#[derive(Debug, thiserror::Error)]
#[error("case search index: {0}")]
pub struct SearchError(String);

impl From<String> for SearchError {
    fn from(e: String) -> Self {
        SearchError(e)
    }
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError(e.to_string())
    }
}

/// The case texts, searchable by words.
pub struct CaseSearch {
    reader: IndexReader,
    writer: Mutex<(IndexWriter, i64)>,
    id: Field,
    terms: Field,
    jieba: jieba_rs::Jieba,
}

impl std::fmt::Debug for CaseSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseSearch")
            .field("last_id", &self.last_id())
            .finish()
    }
}

/// Han characters (CJK unified ideographs and their extension A, and compatibility ideographs).
fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}')
}

/// The terms a text is indexed by: each Han character, each pair of adjacent Han characters,
/// and each run of letters or digits, lower-cased.
#[must_use]
pub fn index_terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut previous: Option<char> = None;
    for c in text.chars() {
        if is_han(c) {
            out.push(c.to_string());
            if let Some(p) = previous {
                out.push(format!("{p}{c}"));
            }
            previous = Some(c);
        } else {
            previous = None;
        }
        if c.is_alphanumeric() && !is_han(c) {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// The terms a text must hold to contain `word` (a piece of a query): the character pairs of
/// its Han runs (the character of a one-character run) and its runs of letters or digits.
fn word_terms(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let han = is_han(chars[i]);
        let mut j = i;
        while j < chars.len() && is_han(chars[j]) == han {
            j += 1;
        }
        let run = &chars[i..j];
        if han {
            if run.len() == 1 {
                out.push(run[0].to_string());
            }
            out.extend(run.windows(2).map(|w| w.iter().collect::<String>()));
        } else {
            out.extend(index_terms(&run.iter().collect::<String>()));
        }
        i = j;
    }
    out
}

impl CaseSearch {
    /// An empty index.
    pub fn new() -> Result<CaseSearch, SearchError> {
        let mut schema = Schema::builder();
        let id = schema.add_i64_field("id", INDEXED | FAST);
        // The terms are made here (index_terms) and joined by spaces: the field only splits.
        let terms = schema.add_text_field(
            "terms",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("whitespace")
                    .set_index_option(IndexRecordOption::WithFreqs),
            ),
        );
        let index = Index::create_in_ram(schema.build());
        let writer = index.writer(WRITER_BYTES)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(CaseSearch {
            reader,
            writer: Mutex::new((writer, 0)),
            id,
            terms,
            jieba: jieba_rs::Jieba::new(),
        })
    }

    /// Adds cases `(id, text)` given in id order, and makes them searchable. Cases at or below
    /// the highest id already held are skipped, so a repeated batch adds nothing.
    pub fn add(&self, cases: &[(i64, String)]) -> Result<usize, SearchError> {
        let mut guard = self
            .writer
            .lock()
            .map_err(|_| SearchError("writer lock poisoned".to_owned()))?;
        let (writer, last) = &mut *guard;
        let held = *last;
        let mut added = 0;
        for (id, text) in cases.iter().filter(|(id, _)| *id > held) {
            let mut doc = TantivyDocument::default();
            doc.add_i64(self.id, *id);
            doc.add_text(self.terms, index_terms(text).join(" "));
            writer.add_document(doc)?;
            *last = *id;
            added += 1;
        }
        if added > 0 {
            writer.commit()?;
            self.reader.reload()?;
        }
        Ok(added)
    }

    /// The highest case id held (0 when empty).
    #[must_use]
    pub fn last_id(&self) -> i64 {
        self.writer.lock().map_or(0, |g| g.1)
    }

    /// The query as required and excluded words, each as the terms a text must hold.
    fn words(&self, query: &str) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
        let (mut required, mut excluded) = (Vec::new(), Vec::new());
        for piece in query.split_whitespace() {
            let (piece, into) = match piece.strip_prefix('-') {
                Some(rest) => (rest, &mut excluded),
                None => (piece, &mut required),
            };
            for token in self.jieba.cut(piece, false) {
                let terms = word_terms(token.word);
                if !terms.is_empty() {
                    into.push(terms);
                }
            }
        }
        (required, excluded)
    }

    /// The ids of up to `limit` cases whose text holds every word of `query` and none of its
    /// `-words`, best match first. A query with no word finds nothing.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<i64>, SearchError> {
        let (required, excluded) = self.words(query);
        if required.is_empty() {
            return Ok(Vec::new());
        }
        let all = |terms: Vec<String>| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(
                terms
                    .into_iter()
                    .map(|t| {
                        let q: Box<dyn Query> = Box::new(TermQuery::new(
                            Term::from_field_text(self.terms, &t),
                            IndexRecordOption::WithFreqs,
                        ));
                        (Occur::Must, q)
                    })
                    .collect(),
            ))
        };
        let clauses: Vec<(Occur, Box<dyn Query>)> = required
            .into_iter()
            .map(|w| (Occur::Must, all(w)))
            .chain(excluded.into_iter().map(|w| (Occur::MustNot, all(w))))
            .collect();
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let hits = searcher.search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        // One id column per segment, opened once (opening it per hit cost more than the search).
        let mut columns = std::collections::HashMap::new();
        let mut ids = Vec::with_capacity(hits.len());
        for (_, address) in hits {
            let column = match columns.entry(address.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(
                    searcher
                        .segment_reader(address.segment_ord)
                        .fast_fields()
                        .i64("id")?,
                ),
            };
            if let Some(id) = column.first(address.doc_id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// How many cases are held.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether no case is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_inside_chinese_sentences() {
        let s = CaseSearch::new().unwrap();
        s.add(&[
            (
                1,
                "市民来电反映：宛平南路500弄门口的井盖有些松动，踩上去有响声。".to_owned(),
            ),
            (2, "小区内暴露垃圾堆放多日，气味很大。".to_owned()),
            (3, "漕溪北路88号路灯不亮，晚上出行不便。".to_owned()),
            (4, "路边井盖缺失，存在安全隐患。Wi-Fi 设备 B2 层".to_owned()),
        ])
        .unwrap();
        let check = |query: &str, expect: &[i64]| {
            let mut got = s.search(query, 10).unwrap();
            got.sort_unstable();
            assert_eq!(got, expect, "{query}");
        };
        check("井盖", &[1, 4]);
        // Two words, not adjacent in the text.
        check("井盖松动", &[1]);
        check("井盖 松动", &[1]);
        // jieba cuts the text 路 + 灯不亮; the pair 路灯 is still there.
        check("路灯", &[3]);
        check("路灯不亮", &[3]);
        check("垃圾堆放", &[2]);
        check("宛平南路500弄", &[1]);
        check("88号", &[3]);
        check("b2", &[4]);
        check("地铁", &[]);
        check("井盖 -缺失", &[1]);
        check("-井盖", &[]);
        check("，。", &[]);
    }

    #[test]
    fn cases_are_added_once_and_in_order() {
        let s = CaseSearch::new().unwrap();
        assert!(s.is_empty());
        assert_eq!(s.add(&[(5, "路灯不亮".to_owned())]).unwrap(), 1);
        assert_eq!(
            s.add(&[(5, "路灯不亮".to_owned()), (6, "路灯闪烁".to_owned())])
                .unwrap(),
            1
        );
        assert_eq!((s.len(), s.last_id()), (2, 6));
        let mut ids = s.search("路灯", 10).unwrap();
        ids.sort_unstable();
        assert_eq!(ids, [5, 6]);
        assert_eq!(s.search("路灯", 1).unwrap().len(), 1);
    }

    #[test]
    fn a_text_is_indexed_by_characters_pairs_and_words() {
        assert_eq!(
            index_terms("井盖B2层 Wi-Fi"),
            ["井", "盖", "井盖", "层", "b2", "wi", "fi"]
        );
    }
}
