//! The message catalogue for feed reports: every problem code in kk, ru and en.
//!
//! A static table rather than Fluent files: the messages are few and short, the crate stays free
//! of I/O, and a test checks that every code has all three languages with the same arguments.

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
        "ЖСН құрылымы бойынша туған күні {in_iin}, жолда {recorded}",
        "По структуре ИИН дата рождения {in_iin}, в строке {recorded}",
        "The IIN's structure says born {in_iin}, the row says {recorded}",
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
        "money.fractional",
        "Сома тұтас теңгемен жазылады",
        "Сумма указывается в целых тенге",
        "Amounts are whole tenge",
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
];

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
    fn a_missing_argument_stays_visible() {
        assert_eq!(render("range.above_max", Lang::En, &[]), "The value cannot be above {max}");
    }
}
