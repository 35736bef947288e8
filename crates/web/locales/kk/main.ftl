## Site
site-name = Шаңырақ
skip-link = Негізгі мазмұнға өту
lang-switcher = Тіл
footer-text = Шаңырақ — ашық бастапқы коды бар платформа (AGPL-3.0).

## Start page
home-title = Әлеуметтік қолдаудың цифрлық платформасы
home-heading = Шаңырақ — әлеуметтік қолдаудың цифрлық платформасы
home-lead = Шаңырақ мемлекеттік қызметтерге отбасының жағдайын бір жерден көруге, кім көмектесетінін келісуге және көмекті уақытында жеткізуге мүмкіндік береді.
home-what-heading = Жүйе не істейді
home-item-card = Отбасының цифрлық картасы: мемлекеттің отбасы туралы білетіні бір жерге жиналады.
home-item-levels = Әл-ауқат деңгейлері: әр отбасы A‑дан E‑ге дейінгі бес деңгейдің біріне жатады, себебі қарапайым тілмен түсіндіріледі.
home-item-signals = Сигналдар: бір қызмет отбасының мұқтаждығын байқаса, сигнал тиісті маманға жетеді.
home-item-visits = Үйге бару: маман отбасына барып, жағдайды орнында тексереді. Интернет нашар жерде де жұмыс істейді.
home-item-centres = Көмек орталықтары: тегін психологиялық, әлеуметтік және құқықтық көмекті қайдан алуға болатыны көрсетіледі.
home-item-citizens = Азамат өз отбасының картасын және отбасының деңгейі неге сондай екенін көре алады.
home-status = Бұл — алғашқы нұсқа: әзірге деректерді оқуға арналған API ғана жұмыс істейді.
home-dev-heading = Әзірлеушілерге
home-dev-api = API анықтамалығы
home-dev-api-hint = Сұраулар, параметрлер, жауаптар мен қателер сипаттамасы.
home-dev-openapi = OpenAPI құжаты (JSON)
home-dev-openapi-hint = Сол сипаттама бағдарламаларға арналған түрде.
home-dev-health = Қызмет күйі
home-dev-health-hint = Сервер мен дерекқор жұмыс істеп тұрғанын тексеру.

## Not found
notfound-title = Бет табылмады
notfound-text = Мекенжайда қате болуы мүмкін. Оны тексеріңіз немесе басты беттен бастаңыз.
notfound-home = Басты бетке өту
method-not-allowed = Бұл мекенжай мұндай сұрауды қабылдамайды.

## API reference
docs-title = API анықтамалығы
docs-lead = Шаңырақтың JSON API сипаттамасы: сұраулар, параметрлер, жауаптар және деректер құрылымы. Түсіндірмелер ағылшын тілінде.
docs-machine-readable = Бағдарламаларға арналған нұсқасы (OpenAPI JSON)
docs-endpoints = Сұраулар
docs-parameters = Параметрлер
docs-name = Атауы
docs-in = Орны
docs-type = Түрі
docs-required = Міндетті
docs-description = Сипаттамасы
docs-yes = иә
docs-no = жоқ
docs-responses = Жауаптар
docs-status = Код
docs-body = Мазмұны
docs-schemas = Деректер құрылымдары
docs-fields = Өрістер
docs-values = Мәндері
docs-one-of = Мыналардың бірі

## Words used inside messages
sex-male = ер
sex-female = әйел

## API errors
err-bad_request = Сұрау дұрыс емес.
err-internal = Серверде қате шықты. Кейінірек қайталап көріңіз.
err-unavailable = Дерекқор қазір қолжетімсіз. Кейінірек қайталап көріңіз.
err-invalid_input = «{ $field }» мәні дұрыс емес.
err-iin-empty = ЖСН берілмеген.
err-iin-length = ЖСН 12 цифрдан тұрады, ал мұнда { $found } цифр бар.
err-iin-non_digit = ЖСН тек цифрдан тұрады: { $position }-таңба «{ $found }» цифр емес.
err-iin-check_digit = ЖСН-нің бақылау цифры (12-цифр) { $expected } болуы керек, ал мұнда { $found }.
err-iin-unissuable = Мұндай ЖСН берілмейді: алғашқы 11 цифрға бақылау цифры есептелмейді.
err-kato-empty = КАТО коды берілмеген.
err-kato-length = КАТО коды 9 цифрдан тұрады, ал мұнда { $found } цифр бар.
err-kato-non_digit = КАТО коды тек цифрдан тұрады: { $position }-таңба «{ $found }» цифр емес.
err-kato-no_region = КАТО кодының алғашқы екі цифры (өңір) 00 бола алмайды.
err-cursor-invalid = «after» параметрі дұрыс емес. Алдыңғы беттегі «next» мәнін өзгертпей беріңіз.
err-limit-invalid = «limit» параметрі 1-ден { $max }-ге дейінгі бүтін сан болуы керек.
err-query-invalid = Сұрау параметрлерін оқу мүмкін емес.
err-path-invalid = Мекенжайды оқу мүмкін емес.
err-family_id-invalid = Отбасының нөмірі оң бүтін сан болуы керек.
err-not_found = Ештеңе табылмады.
err-not_found-family = { $id } нөмірлі отбасы табылмады.
err-not_found-person = { $id } ЖСН-і бойынша адам табылмады.
err-not_found-territory = { $id } коды бар аумақ табылмады.
err-route-not_found = Мұндай API мекенжайы жоқ. Анықтамалықты қараңыз: /api/docs.
err-method-not_allowed = Бұл мекенжай мұндай сұрау әдісін қабылдамайды.
err-store-schema_too_old = Дерекқор сұлбасы ескі: алдымен «shanyraq migrate» орындаңыз.
err-store-schema_too_new = Дерекқор сұлбасы бұл бағдарламадан жаңа: бағдарламаның жаңа нұсқасын орнатыңыз.

## Data-quality warnings
warn-iin-birth_date_mismatch = ЖСН бойынша туған күні { $in_iin }, ал жазбада { $recorded }.
warn-iin-sex_mismatch = ЖСН бойынша жынысы — { $in_iin }, ал жазбада — { $recorded }.
warn-iin-century_digit = ЖСН-нің 7-цифры { $digit }; ғасыр мен жынысты білдіру үшін 1–6 қолданылады.
warn-iin-impossible_date = ЖСН-нің алғашқы 6 цифры ({ $yymmdd }) нақты күнді білдірмейді.
