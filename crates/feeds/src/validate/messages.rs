//! The message catalogue for feed reports: every problem code in kk, ru and en.
//!
//! A static table rather than Fluent files: the messages are few and short, the crate stays free
//! of I/O, and a test checks that every code has all three languages with the same arguments.

use crate::read::RecordError;

/// A report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Kk,
    Ru,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Kk, Lang::Ru, Lang::En];
}

/// One code's templates; `{name}` is replaced by the argument `name`.
#[derive(Debug)]
pub struct Message {
    pub code: &'static str,
    pub kk: &'static str,
    pub ru: &'static str,
    pub en: &'static str,
}

impl Message {
    pub fn template(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Kk => self.kk,
            Lang::Ru => self.ru,
            Lang::En => self.en,
        }
    }
}

const fn m(code: &'static str, kk: &'static str, ru: &'static str, en: &'static str) -> Message {
    Message { code, kk, ru, en }
}

/// Every code a header mapping or row validation can report.
pub static MESSAGES: &[Message] = &[
    m(
        "header.missing_columns",
        "Міндетті бағандар жоқ: {columns}",
        "Нет обязательных столбцов: {columns}",
        "Required columns are missing: {columns}",
    ),
    m(
        "header.duplicate_column",
        "Баған екі рет берілген: {name}",
        "Столбец указан дважды: {name}",
        "Column given twice: {name}",
    ),
    m(
        "header.unknown_column",
        "Белгісіз баған еленбейді: {name}",
        "Неизвестный столбец пропущен: {name}",
        "Unknown column ignored: {name}",
    ),
    m(
        "required.missing",
        "Міндетті мән толтырылмаған",
        "Обязательное значение не заполнено",
        "A required value is empty",
    ),
    m(
        "identity.missing",
        "Жарамды ЖСН жоқ, ал салыстыру үшін тегі, аты, туған күні және ӘАОЖ (КАТО) жетіспейді",
        "Нет действительного ИИН, а для сопоставления не хватает фамилии, имени, даты рождения и КАТО",
        "No valid IIN, and last name, first name, birth date and KATO are not all there to match the person",
    ),
    m(
        "iin.length",
        "ЖСН 12 цифрдан тұрады, мұнда {found}",
        "ИИН состоит из 12 цифр, здесь {found}",
        "An IIN has 12 digits, this has {found}",
    ),
    m(
        "iin.non_digit",
        "ЖСН-де {position}-орында цифр емес таңба бар",
        "В ИИН на позиции {position} не цифра",
        "The IIN has a non-digit at position {position}",
    ),
    m(
        "iin.check_digit",
        "ЖСН бақылау цифры дұрыс емес",
        "Неверная контрольная цифра ИИН",
        "The IIN check digit is wrong",
    ),
    m(
        "iin.unissuable",
        "Мұндай цифрлармен ЖСН берілмейді",
        "ИИН с такими цифрами не выдаётся",
        "No IIN is issued with these digits",
    ),
    m(
        "iin.birth_date_mismatch",
        "ЖСН құрылымындағы туған күн жолдағы туған күнмен сәйкес келмейді",
        "Дата рождения в структуре ИИН не совпадает с датой рождения в строке",
        "The birth date in the IIN's structure differs from the row's birth date",
    ),
    m(
        "iin.century_digit",
        "ЖСН-нің 7-цифры {digit}: құрылымда ғасыр мен жынысқа 1–6 қолданылады",
        "7-я цифра ИИН {digit}: в структуре для века и пола используются 1–6",
        "Digit 7 of the IIN is {digit}; the structure uses 1–6 for century and sex",
    ),
    m(
        "iin.impossible_date",
        "ЖСН-нің алғашқы 6 цифры күн емес",
        "Первые 6 цифр ИИН не являются датой",
        "The first 6 digits of the IIN are not a date",
    ),
    m(
        "kato.length",
        "ӘАОЖ (КАТО) коды 9 цифрдан тұрады, мұнда {found}",
        "Код КАТО состоит из 9 цифр, здесь {found}",
        "A KATO code has 9 digits, this has {found}",
    ),
    m(
        "kato.non_digit",
        "ӘАОЖ (КАТО) кодында цифр емес таңба бар",
        "В коде КАТО есть не цифра",
        "The KATO code has a non-digit",
    ),
    m(
        "kato.no_region",
        "ӘАОЖ (КАТО) кодында облыс көрсетілмеген (00)",
        "В коде КАТО не указана область (00)",
        "The KATO code has no region (00)",
    ),
    m(
        "kato.unknown",
        "Мұндай ӘАОЖ (КАТО) коды аумақтар анықтамалығында жоқ",
        "Такого кода КАТО нет в справочнике территорий",
        "No territory has this KATO code",
    ),
    m(
        "date.format",
        "Күн ЖЖЖЖ-АА-КК немесе КК.АА.ЖЖЖЖ түрінде жазылады",
        "Дата пишется как ГГГГ-ММ-ДД или ДД.ММ.ГГГГ",
        "Write dates as YYYY-MM-DD or DD.MM.YYYY",
    ),
    m(
        "date.nonexistent",
        "Күнтізбеде мұндай күн жоқ (күн мен ай ауысып кеткен болуы мүмкін)",
        "Такой даты нет в календаре (возможно, перепутаны день и месяц)",
        "No such day in the calendar (day and month swapped?)",
    ),
    m(
        "date.future",
        "Күн {as_of} күнінен кейін, болашақта болмауы керек",
        "Дата позже {as_of}, она не может быть в будущем",
        "The date is after {as_of}; it cannot be in the future",
    ),
    m(
        "date.before_other",
        "Күн «{other}» бағанындағы күннен ерте",
        "Дата раньше даты в столбце «{other}»",
        "The date is before the date in column \"{other}\"",
    ),
    m(
        "money.not_a_number",
        "Сома сан емес",
        "Сумма не является числом",
        "The amount is not a number",
    ),
    m(
        "money.rounded",
        "Сомада тиын бар: ол тұтас теңгеге дөңгелектелді (50 тиыннан бастап жоғары қарай)",
        "Сумма с тиынами округлена до целых тенге (от 50 тиынов — в большую сторону)",
        "The amount has tiyn and is rounded to whole tenge (50 tiyn and more round up)",
    ),
    m("money.too_large", "Сома тым үлкен", "Сумма слишком велика", "The amount is too large"),
    m(
        "money.ambiguous_separator",
        "Сомадағы бөлгіштер екіұшты; мысалы 1000, 1 000 немесе 1000,00 деп жазыңыз",
        "Разделители в сумме неоднозначны; пишите, например, 1000, 1 000 или 1000,00",
        "The separators in the amount are ambiguous; write e.g. 1000, 1 000 or 1000,00",
    ),
    m(
        "count.not_a_number",
        "Мән бүтін сан емес",
        "Значение не является целым числом",
        "The value is not a whole number",
    ),
    m(
        "range.below_min",
        "Мән {min}-ден кем болмауы керек",
        "Значение не может быть меньше {min}",
        "The value cannot be below {min}",
    ),
    m(
        "range.above_max",
        "Мән {max}-ден аспауы керек",
        "Значение не может быть больше {max}",
        "The value cannot be above {max}",
    ),
    m(
        "flag.invalid",
        "Иә/жоқ мәні күтілген (1/0, иә/жоқ, да/нет, yes/no)",
        "Ожидалось да/нет (1/0, иә/жоқ, да/нет, yes/no)",
        "Expected yes/no (1/0, иә/жоқ, да/нет, yes/no)",
    ),
    m(
        "code.unknown",
        "Рұқсат етілмеген код; рұқсат етілгендері: {allowed}",
        "Недопустимый код; допустимые: {allowed}",
        "Not an allowed code; allowed: {allowed}",
    ),
    m(
        "name.invalid",
        "Аты-жөнінде әріптер болуы керек және цифрлар болмауы керек",
        "Имя должно содержать буквы и не содержать цифр",
        "A name has letters and no digits",
    ),
    m(
        "record.invalid_utf8",
        "{column}-бағандағы мән UTF-8 кодтауында емес",
        "Значение в столбце {column} не в кодировке UTF-8",
        "The value in column {column} is not valid UTF-8",
    ),
    m(
        "record.unterminated_quote",
        "Файл тырнақшадағы мәннің ортасында аяқталады: соңғы жол қиылған",
        "Файл обрывается внутри значения в кавычках: последняя строка обрезана",
        "The file ends inside a quoted value: the last row was cut off",
    ),
    m(
        "record.field_count",
        "Жолда {found} мән бар, тақырыпта {expected} баған",
        "В строке {found} значений, в заголовке {expected} столбцов",
        "The row has {found} values, the header has {expected} columns",
    ),
    m(
        "record.field_too_long",
        "{column}-бағандағы мән {limit} байттан ұзын",
        "Значение в столбце {column} длиннее {limit} байт",
        "The value in column {column} is longer than {limit} bytes",
    ),
    m(
        "record.too_many_fields",
        "Жолда {limit}-ден көп мән бар",
        "В строке больше {limit} значений",
        "The row has more than {limit} values",
    ),
    m(
        "record.invalid_json",
        "Жол дұрыс JSON емес",
        "Строка не является корректным JSON",
        "The line is not valid JSON",
    ),
    m(
        "record.not_an_object",
        "Жол JSON нысаны емес",
        "Строка не является объектом JSON",
        "The line is not a JSON object",
    ),
    m(
        "record.nested_value",
        "«{key}» мәні қарапайым мән емес (массив не нысан)",
        "Значение «{key}» не простое (массив или объект)",
        "The value of \"{key}\" is an array or object, not a plain value",
    ),
    m(
        "record.unknown_key",
        "«{key}» кілті файл бағандарының арасында жоқ",
        "Ключа «{key}» нет среди столбцов файла",
        "The key \"{key}\" is not one of the file's columns",
    ),
    m(
        "record.duplicate_key",
        "Кілт екі рет берілген: «{key}»",
        "Ключ указан дважды: «{key}»",
        "The key is given twice: \"{key}\"",
    ),
    m(
        "row.needs_matching",
        "Жарамды ЖСН жоқ: адам тегі, аты, туған күні және ӘАОЖ (КАТО) бойынша салыстырылады",
        "Нет действительного ИИН: человек будет сопоставлен по фамилии, имени, дате рождения и КАТО",
        "No valid IIN: the person will be matched on last name, first name, birth date and KATO",
    ),
    m(
        "row.duplicate",
        "Осы кілті ({columns}) бар жол файлда бұрын кездесті: мәндері бірдей болса, бір рет \
         жүктеледі, әйтпесе кейінгі жолдың мәндері сақталады",
        "Строка с тем же ключом ({columns}) уже была в файле: при тех же значениях она \
         загружается один раз, иначе сохраняются значения более поздней строки",
        "A row with the same key ({columns}) appeared earlier in the file: with the same values \
         it is loaded once, otherwise the later row's values are kept",
    ),
    m(
        "row.unknown_person",
        "Бұл ЖСН бар адам әлі тіркелмеген: жол адам пайда болғанда салыстыру үшін сақталды",
        "Человек с этим ИИН ещё не зарегистрирован: строка сохранена для сопоставления, когда он \
         появится",
        "Nobody with this IIN is registered yet: the row is kept to be matched when they are",
    ),
    m(
        "row.no_family",
        "Бұл ЖСН бар адам бүгін ешбір отбасының құрамында емес: жол салыстыру үшін сақталды",
        "Человек с этим ИИН сегодня не состоит ни в одной семье: строка сохранена для \
         сопоставления",
        "The person with this IIN belongs to no family today: the row is kept to be matched",
    ),
    m(
        "row.out_of_territory",
        "Бұл ЖСН бар адамның отбасы жүктеуге рұқсат берілген аумақтан тыс тұрады: жол қабылданбады",
        "Семья человека с этим ИИН живёт вне территории, на которую дан доступ для загрузки: \
         строка отклонена",
        "The family of the person with this IIN lives outside the territory this upload may \
         touch: the row is refused",
    ),
];

/// The report code and message arguments for a record the reader refused. Arguments never
/// carry a field's value: a refused record may hold personal data in any column.
pub fn record_problem(e: &RecordError) -> (&'static str, Vec<(&'static str, String)>) {
    match e {
        RecordError::InvalidUtf8 { column, .. } => {
            ("record.invalid_utf8", vec![("column", column.to_string())])
        }
        RecordError::UnterminatedQuote { .. } => ("record.unterminated_quote", vec![]),
        RecordError::FieldCount { expected, found, .. } => (
            "record.field_count",
            vec![("expected", expected.to_string()), ("found", found.to_string())],
        ),
        RecordError::FieldTooLong { column, limit, .. } => (
            "record.field_too_long",
            vec![("column", column.to_string()), ("limit", limit.to_string())],
        ),
        RecordError::TooManyFields { limit, .. } => {
            ("record.too_many_fields", vec![("limit", limit.to_string())])
        }
        RecordError::InvalidJson { .. } => ("record.invalid_json", vec![]),
        RecordError::NotAnObject { .. } => ("record.not_an_object", vec![]),
        RecordError::NestedValue { key, .. } => ("record.nested_value", vec![("key", cut(key))]),
        RecordError::UnknownKey { key, .. } => ("record.unknown_key", vec![("key", cut(key))]),
        RecordError::DuplicateKey { key, .. } => ("record.duplicate_key", vec![("key", cut(key))]),
    }
}

/// A JSON key is a column name, but a hostile file may put anything there: keep it short.
fn cut(key: &str) -> String {
    super::mask(&crate::schema::ColumnType::Code(Vec::new()), false, key)
}

/// The templates for `code`.
pub fn message(code: &str) -> Option<&'static Message> {
    MESSAGES.iter().find(|m| m.code == code)
}

/// The message for `code` in `lang` with its arguments filled in; an unknown code gives itself.
pub fn render(code: &str, lang: Lang, args: &[(&str, String)]) -> String {
    let Some(template) = message(code).map(|m| m.template(lang)) else {
        return code.to_owned();
    };
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{names}` a template uses, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_arguments() {
        let args = [("min", "0".to_owned())];
        assert_eq!(render("range.below_min", Lang::En, &args), "The value cannot be below 0");
        assert_eq!(render("range.below_min", Lang::Ru, &args), "Значение не может быть меньше 0");
        assert_eq!(render("no.such", Lang::Kk, &[]), "no.such");
    }

    #[test]
    fn every_record_error_has_a_catalogued_code_and_its_arguments() {
        let key = || "k".to_owned();
        let errors = [
            RecordError::InvalidUtf8 { line: 2, column: 3, byte: 0 },
            RecordError::UnterminatedQuote { line: 2 },
            RecordError::FieldCount { line: 2, expected: 5, found: 3 },
            RecordError::FieldTooLong { line: 2, column: 1, limit: 10 },
            RecordError::TooManyFields { line: 2, limit: 10 },
            RecordError::InvalidJson { line: 2, message: "x".into() },
            RecordError::NotAnObject { line: 2 },
            RecordError::NestedValue { line: 2, key: key() },
            RecordError::UnknownKey { line: 2, key: key() },
            RecordError::DuplicateKey { line: 2, key: key() },
        ];
        let mut seen = std::collections::BTreeSet::new();
        for e in &errors {
            let (code, args) = record_problem(e);
            assert_eq!(code, format!("record.{}", e.code()));
            assert!(crate::validate::RECORD_CODES.contains(&code), "{code}");
            for lang in Lang::ALL {
                let text = render(code, lang, &args);
                assert!(!text.contains('{') && text != code, "{code} {lang:?}: {text}");
            }
            seen.insert(code);
        }
        let record_codes =
            crate::validate::RECORD_CODES.iter().filter(|c| c.starts_with("record."));
        assert_eq!(seen.len(), record_codes.count(), "the rest are row.* codes");
    }

    #[test]
    fn a_missing_argument_stays_visible() {
        assert_eq!(render("range.above_max", Lang::En, &[]), "The value cannot be above {max}");
    }
}
