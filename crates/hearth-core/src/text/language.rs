//! The languages Hearth offers as targets, and offline detection of a text's language
//! (whatlang: trigram statistics, no model, no network).

use serde::Serialize;
use whatlang::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Language {
    /// ISO 639-1, as in `--to fr`.
    pub code: &'static str,
    pub name: &'static str,
    #[serde(skip)]
    detector: Lang,
}

const fn language(code: &'static str, name: &'static str, detector: Lang) -> Language {
    Language {
        code,
        name,
        detector,
    }
}

/// Ordered for the target-language list: most-used first.
pub const LANGUAGES: &[Language] = &[
    language("en", "English", Lang::Eng),
    language("es", "Spanish", Lang::Spa),
    language("fr", "French", Lang::Fra),
    language("de", "German", Lang::Deu),
    language("it", "Italian", Lang::Ita),
    language("pt", "Portuguese", Lang::Por),
    language("nl", "Dutch", Lang::Nld),
    language("pl", "Polish", Lang::Pol),
    language("sv", "Swedish", Lang::Swe),
    language("da", "Danish", Lang::Dan),
    language("fi", "Finnish", Lang::Fin),
    language("cs", "Czech", Lang::Ces),
    language("ru", "Russian", Lang::Rus),
    language("uk", "Ukrainian", Lang::Ukr),
    language("tr", "Turkish", Lang::Tur),
    language("ar", "Arabic", Lang::Ara),
    language("hi", "Hindi", Lang::Hin),
    language("zh", "Chinese", Lang::Cmn),
    language("ja", "Japanese", Lang::Jpn),
    language("ko", "Korean", Lang::Kor),
];

/// A language by its code (`fr`) or English name (`French`), in any case.
pub fn find(code_or_name: &str) -> Option<Language> {
    let wanted = code_or_name.trim();
    LANGUAGES
        .iter()
        .find(|l| l.code.eq_ignore_ascii_case(wanted) || l.name.eq_ignore_ascii_case(wanted))
        .copied()
}

/// What the detector made of a text.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Detection {
    /// One of `LANGUAGES`, when the text is in one of them and the detector is sure enough.
    pub language: Option<Language>,
    /// The detector's guess by name, also for languages Hearth does not list.
    pub guess: Option<String>,
    pub confidence: f64,
}

/// Enough text for a confident guess; detecting on all of a 5 MB text would only cost time.
const SAMPLE_CHARS: usize = 2000;

pub fn detect(text: &str) -> Detection {
    let sample: String = text.chars().take(SAMPLE_CHARS).collect();
    match whatlang::detect(&sample) {
        Some(info) => {
            let listed = LANGUAGES
                .iter()
                .find(|l| l.detector == info.lang())
                .copied();
            Detection {
                language: listed.filter(|_| info.is_reliable() || info.confidence() >= 0.5),
                guess: Some(info.lang().eng_name().to_string()),
                confidence: info.confidence(),
            }
        }
        None => Detection {
            language: None,
            guess: None,
            confidence: 0.0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_languages_by_code_or_name() {
        assert_eq!(find("FR").map(|l| l.name), Some("French"));
        assert_eq!(find(" german ").map(|l| l.code), Some("de"));
        assert_eq!(find("klingon"), None);
    }

    #[test]
    fn detects_common_languages_and_admits_when_it_cannot() {
        let french =
            "Le chat dort sur le canapé pendant que la pluie tombe doucement sur la ville.";
        assert_eq!(detect(french).language.map(|l| l.code), Some("fr"));
        let english = "The quarterly report shows that revenue grew while costs stayed flat.";
        assert_eq!(detect(english).language.map(|l| l.code), Some("en"));
        assert_eq!(detect("").language, None);
        assert_eq!(detect("12345 !!! ???").language, None);
    }
}
