//! How a quote is found in a source text and a number in a quote. A quote is copied from the
//! source, but its line breaks and spacing may differ: both sides are compared with every run of
//! white space as one space. A figure may be written in digits (`49`, `1,200`) or in English
//! words (`eleven`, `twenty-one`, `one hundred and five`); `49` is never found inside `149`
//! or `4.9`.

/// A text with every run of white space turned into one space (and none at either end), with
/// where each of its bytes came from, so that a match can be placed in the original.
#[derive(Debug, Clone, Default)]
pub struct Spaced {
    pub text: String,
    /// For each byte of `text`, the byte offset in the original it stands for.
    origin: Vec<usize>,
}

impl Spaced {
    pub fn new(original: &str) -> Spaced {
        let mut text = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len());
        let mut space_at = None;
        for (i, c) in original.char_indices() {
            if c.is_whitespace() {
                space_at.get_or_insert(i);
                continue;
            }
            if let Some(at) = space_at.take() {
                if !text.is_empty() {
                    text.push(' ');
                    origin.push(at);
                }
            }
            let start = text.len();
            text.push(c);
            origin.extend((0..text.len() - start).map(|k| i + k));
        }
        Spaced { text, origin }
    }

    /// Byte offset in the original text of the first match of `quote` (spacing ignored).
    pub fn find(&self, quote: &str) -> Option<usize> {
        let q = spaced(quote);
        if q.is_empty() {
            return None;
        }
        memchr::memmem::find(self.text.as_bytes(), q.as_bytes()).map(|at| self.origin[at])
    }

    /// How many characters of `quote` (spacing ignored) occur in the text as they stand: where
    /// a quote changed by a slip stops matching.
    pub fn matching_prefix(&self, quote: &str) -> usize {
        let q = spaced(quote);
        let bounds: Vec<usize> = q.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
        let occurs = |n: usize| {
            let prefix = &q.as_bytes()[..bounds[n - 1]];
            memchr::memmem::find(self.text.as_bytes(), prefix).is_some()
        };
        // A prefix occurs when any longer one does: the longest is found by bisection.
        let (mut lo, mut hi) = (0, bounds.len());
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if occurs(mid) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        lo
    }
}

/// `s` with every run of white space as one space, trimmed.
pub fn spaced(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `quote` states the number `n`, in digits or in English words. A count of one is
/// also stated by a singular article ("an Armenian soldier was killed"): a weak match, since
/// most sentences hold an "a", but a figure changed from 1 still fails.
pub fn contains_number(quote: &str, n: u64) -> bool {
    numbers(quote).contains(&n) || (n == 1 && singular(quote))
}

/// Whether `quote` holds a word that counts one thing: "a", "an", "another", "single".
fn singular(quote: &str) -> bool {
    quote.split(|c: char| !c.is_alphanumeric()).any(|w| {
        ["a", "an", "another", "single"]
            .iter()
            .any(|s| w.eq_ignore_ascii_case(s))
    })
}

/// A count of one that its quote does not state may still be carried by a name ("Vahan
/// Tatosyan died"): a reader can check that, the validator cannot, so it is a warning.
pub fn one_by_name(n: u64) -> bool {
    n == 1
}

/// Every whole number `quote` states: in digits (with or without thousands separators; not a
/// decimal) and in English words.
pub fn numbers(quote: &str) -> Vec<u64> {
    let mut out = digit_numbers(quote);
    out.extend(word_numbers(quote));
    out
}

/// Numbers written in digits: a run of digits (or groups of three after a comma) that is not
/// part of a longer number or a decimal.
fn digit_numbers(s: &str) -> Vec<u64> {
    let b = s.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !digit(i) {
            i += 1;
            continue;
        }
        // After "4." or "4," a digit continues the number before it, which was read already.
        let continues = i >= 2 && matches!(b[i - 1], b'.' | b',') && digit(i - 2);
        let start = i;
        while digit(i) {
            i += 1;
        }
        let mut value: String = s[start..i].to_string();
        if i - start <= 3 {
            while b.get(i) == Some(&b',') && (1..=3).all(|k| digit(i + k)) && !digit(i + 4) {
                value.push_str(&s[i + 1..i + 4]);
                i += 4;
            }
        }
        let decimal = b.get(i) == Some(&b'.') && digit(i + 1);
        if !continues && !decimal {
            if let Ok(v) = value.parse() {
                out.push(v);
            }
        }
    }
    out
}

/// A word of a number written in English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    /// zero to nine.
    Unit(u64),
    /// ten to nineteen.
    Teen(u64),
    /// twenty, thirty, … ninety.
    Tens(u64),
    Hundred,
    Thousand,
    And,
    /// "a" or "an" (one, before hundred or thousand).
    A,
}

const UNITS: [&str; 10] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];
const TEENS: [&str; 10] = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

fn word(w: &str) -> Option<Word> {
    let w = w.to_lowercase();
    let at = |list: &[&str]| list.iter().position(|x| *x == w).map(|i| i as u64);
    if let Some(i) = at(&UNITS) {
        return Some(Word::Unit(i));
    }
    if let Some(i) = at(&TEENS) {
        return Some(Word::Teen(10 + i));
    }
    if let Some(i) = at(&TENS) {
        return Some(Word::Tens(20 + 10 * i));
    }
    match w.as_str() {
        "hundred" => Some(Word::Hundred),
        "thousand" => Some(Word::Thousand),
        "and" => Some(Word::And),
        "a" | "an" => Some(Word::A),
        _ => None,
    }
}

/// Numbers written in English words: each longest phrase ("one hundred and five thousand") is
/// one number; a word that cannot continue a phrase ("five six") starts the next.
fn word_numbers(s: &str) -> Vec<u64> {
    let words: Vec<Option<Word>> = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(word)
        .collect();
    let mut out = Vec::new();
    let mut phrase = Phrase::default();
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).copied().flatten();
        let Some(w) = *w else {
            phrase.end(&mut out);
            continue;
        };
        if !phrase.take(w, next) {
            phrase.end(&mut out);
            phrase.take(w, next);
        }
    }
    phrase.end(&mut out);
    out
}

/// A number phrase being read: the thousands so far, the group below a thousand, and the
/// last word taken.
#[derive(Debug, Default)]
struct Phrase {
    thousands: Option<u64>,
    group: u64,
    hundred: bool,
    last: Option<Word>,
}

impl Phrase {
    /// Takes `w` into the phrase if it can continue it (`next` is the word after it); false
    /// when it cannot, and the phrase is left as it was.
    fn take(&mut self, w: Word, next: Option<Word>) -> bool {
        use Word::*;
        let after_scale = matches!(self.last, None | Some(Hundred | Thousand | And));
        let ok = match w {
            Unit(u) if after_scale || matches!(self.last, Some(Tens(_))) => {
                self.group += u;
                true
            }
            Teen(v) | Tens(v) if after_scale => {
                self.group += v;
                true
            }
            Hundred if matches!(self.last, Some(Unit(_) | Teen(_) | Tens(_) | A)) => {
                let ok = !self.hundred && (1..100).contains(&self.group);
                if ok {
                    self.group *= 100;
                    self.hundred = true;
                }
                ok
            }
            Thousand if matches!(self.last, Some(Unit(_) | Teen(_) | Tens(_) | Hundred | A)) => {
                let ok = self.thousands.is_none() && self.group > 0;
                if ok {
                    self.thousands = Some(self.group * 1000);
                    (self.group, self.hundred) = (0, false);
                }
                ok
            }
            And => {
                matches!(self.last, Some(Hundred | Thousand))
                    && matches!(next, Some(Unit(_) | Teen(_) | Tens(_)))
            }
            A => {
                self.last.is_none() && matches!(next, Some(Hundred | Thousand)) && {
                    self.group = 1;
                    true
                }
            }
            _ => false,
        };
        if ok {
            self.last = Some(w);
        }
        ok
    }

    /// Ends the phrase, keeping its number if it has one.
    fn end(&mut self, out: &mut Vec<u64>) {
        if self.last.is_some() {
            out.push(self.thousands.unwrap_or(0) + self.group);
        }
        *self = Phrase::default();
    }
}

/// `n` (below a million) in English words, as a careful writer spells it: `one hundred and
/// five thousand, two hundred and eleven` without the comma, `twenty-one`.
pub fn english(n: u64) -> String {
    fn below_thousand(n: u64) -> String {
        let (h, r) = (n / 100, n % 100);
        let rest = match r {
            0 => String::new(),
            1..=9 => UNITS[r as usize].to_string(),
            10..=19 => TEENS[(r - 10) as usize].to_string(),
            _ if r % 10 == 0 => TENS[(r / 10 - 2) as usize].to_string(),
            _ => format!(
                "{}-{}",
                TENS[(r / 10 - 2) as usize],
                UNITS[(r % 10) as usize]
            ),
        };
        match (h, rest.is_empty()) {
            (0, _) => rest,
            (_, true) => format!("{} hundred", UNITS[h as usize]),
            (_, false) => format!("{} hundred and {rest}", UNITS[h as usize]),
        }
    }
    if n == 0 {
        return "zero".into();
    }
    let (t, r) = (n / 1000, n % 1000);
    match (t, r) {
        (0, _) => below_thousand(r),
        (_, 0) => format!("{} thousand", below_thousand(t)),
        (_, 1..=99) => format!("{} thousand and {}", below_thousand(t), below_thousand(r)),
        _ => format!("{} thousand {}", below_thousand(t), below_thousand(r)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_singular_article_states_a_count_of_one_and_nothing_else() {
        assert!(contains_number("an Armenian soldier was killed", 1));
        assert!(contains_number("another Armenian soldier was wounded", 1));
        assert!(contains_number("A shepherd was wounded", 1));
        assert!(!contains_number("an Armenian soldier was killed", 2));
        assert!(!contains_number("Vahan Tatosyan died from sniper fire", 1));
        // Inside a word it is no article.
        assert!(!contains_number("Armenian soldiers were killed", 1));
    }

    #[test]
    fn digits_match_whole_numbers_only() {
        assert!(contains_number("at least 49 servicemen", 49));
        assert!(!contains_number("at least 149 servicemen", 49));
        assert!(!contains_number("4.9 km", 9));
        assert!(!contains_number("4.9 km", 4));
        assert!(!contains_number("490 dead", 49));
        assert!(contains_number("some 1,200 people", 1200));
        assert!(contains_number("some 1200 people", 1200));
        assert!(!contains_number("some 1,200 people", 200));
        assert!(contains_number("22+ non-combatants", 22));
        assert!(contains_number("killed 3, wounded 4.", 4));
        assert!(contains_number("on 12 May 2021", 2021));
    }

    #[test]
    fn words_match_their_number() {
        assert!(contains_number("Eleven soldiers", 11));
        assert!(contains_number("twenty-one dead", 21));
        assert!(contains_number("twenty one dead", 21));
        assert!(contains_number("one hundred and five people", 105));
        assert!(contains_number("a hundred people", 100));
        assert!(contains_number("two thousand people", 2000));
        assert!(!contains_number("twenty-one dead", 1));
        assert!(!contains_number("twenty-one dead", 20));
        assert!(contains_number("one of the soldiers and two others", 2));
        // "a" states one (see `singular`), and nothing else.
        assert!(!contains_number("a soldier", 2));
        assert!(!contains_number("three and four", 7));
    }

    #[test]
    fn english_reads_back() {
        for n in [
            0, 7, 11, 21, 40, 100, 105, 999, 1000, 1001, 21_000, 105_211, 999_999,
        ] {
            assert_eq!(word_numbers(&english(n)), vec![n], "{}", english(n));
        }
    }

    #[test]
    fn spacing_is_ignored_and_origin_kept() {
        let s = Spaced::new("==A==\n\nOn 12 May,\n  soldiers  crossed");
        assert_eq!(s.find("12 May, soldiers\ncrossed"), Some(10));
        assert_eq!(s.find("12 May soldiers"), None);
        assert_eq!(s.matching_prefix("12 May, soldiers crosses"), 23);
        assert_eq!(s.matching_prefix("x"), 0);
    }
}
