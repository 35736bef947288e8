## Site
site-name = Шаңырақ
skip-link = Негізгі мазмұнға өту
lang-switcher = Тіл
footer-text = Шаңырақ — бастапқы коды ашық бағдарлама (AGPL-3.0).

## Start page
home-title = Әлеуметтік қолдаудың цифрлық платформасы
home-heading = Шаңырақ — әлеуметтік қолдаудың цифрлық платформасы
home-lead = Шаңырақтың көмегімен мемлекеттік органдар мен мекемелер отбасының жағдайын бір жерден көреді, кім көмектесетінін келіседі және көмекті уақытында жеткізеді.
home-what-heading = Жүйе не істейді
home-item-card = Отбасының цифрлық картасы: мемлекет отбасы туралы не білсе, бәрі бір жерде жиналады.
home-item-levels = Әл-ауқат деңгейлері: әр отбасы A‑дан E‑ге дейінгі бес деңгейдің біріне жатады. Отбасының неге осы деңгейде екенін жүйе қарапайым тілмен түсіндіреді.
home-item-signals = Сигналдар: қандай да бір мекеме отбасының көмекке мұқтаж екенін байқаса, бұл туралы хабар тиісті маманға жетеді.
home-item-visits = Отбасына бару: маман отбасының үйіне барып, жағдайын өз көзімен көреді. Жүйе интернет байланысы нашар жерде де жұмыс істейді.
home-item-centres = Көмек орталықтары: тегін психологиялық, әлеуметтік және құқықтық көмекті қайдан алуға болатынын көрсетеді.
home-item-citizens = Азамат өз отбасының картасын көріп, отбасының неге осы деңгейде екенін біле алады.
home-status = Бұл — алғашқы нұсқа. Әзірге деректерді оқуға арналған API ғана жұмыс істейді.
home-dev-heading = Әзірлеушілерге
home-dev-api = API анықтамалығы
home-dev-api-hint = Сұраулар, параметрлер, жауаптар мен қателер сипаттамасы.
home-dev-openapi = OpenAPI құжаты (JSON)
home-dev-openapi-hint = Осы сипаттаманың бағдарламаларға арналған нұсқасы.
home-dev-health = Қызмет күйі
home-dev-health-hint = Сервер мен дерекқордың жұмыс істеп тұрғанын тексереді.

## Family page
family-heading = №{ $id } отбасы
assessment-heading = Әл-ауқат деңгейі
assessment-none = Бұл отбасы әлі бағаланбаған.
assessment-assessed-on = Бағаланған күні
assessment-total = Жалпы ұпай
assessment-methodology = Әдістеме
assessment-version = нұсқасы
assessment-reconstruction = Қалпына келтірілген әдістеме
assessment-reconstruction-text = Бұл әдістеме — әдістің ресми мәтіні емес.
audience-label = Түсіндірме кімге арналған
audience-worker = маманға
audience-family = отбасына
assessment-why-worker = Отбасы неге осы деңгейде
assessment-why-family = Отбасыңыз неге осы деңгейде
assessment-no-reasons = Ешбір ереже бойынша отбасына ұпай берілмеді.
history-heading = Деңгей тарихы
history-caption = Деңгей тарихы, соңғы бағалаулар басында
history-date = Күні
history-level = Деңгейі
history-total = Ұпай
history-methodology = Әдістеме
history-trigger = Бағалау себебі
trigger-full = Барлық отбасыларды бағалау
trigger-facts = Отбасы туралы деректер өзгерді
trigger-methodology = Әдістеменің жаңа нұсқасы
trigger-manual = Сұрау бойынша бағалау
warning = Назар аударыңыз

## Service problem
error-title = Кешіріңіз, қызметте ақау шықты
error-text = Кейінірек қайталап көріңіз.

## Not found
notfound-title = Бет табылмады
notfound-text = Мекенжайда қате болуы мүмкін. Оны тексеріңіз немесе басты беттен бастаңыз.
notfound-home = Басты бетке өту
method-not-allowed = Бұл мекенжай мұндай сұрауды қабылдамайды.

## API reference
docs-title = API анықтамалығы
docs-lead = Шаңырақтың JSON API сипаттамасы: сұраулар, параметрлер, жауаптар және деректер құрылымдары. Түсіндірмелер ағылшын тілінде.
docs-machine-readable = Бағдарламаларға арналған нұсқа (OpenAPI JSON)
docs-endpoints = Сұраулар
docs-parameters = Параметрлер
docs-name = Атауы
docs-in = Орны
docs-in-path = мекенжай жолында
docs-in-query = сұрау жолында
docs-in-header = сұрау тақырыбында
docs-in-cookie = cookie файлында
docs-type = Түрі
docs-type-array = { $items } жиымы
docs-type-or = немесе
docs-type-and = және
docs-type-any = кез келген мән
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
err-iin-empty = ЖСН көрсетілмеген.
err-iin-length = ЖСН 12 цифрдан тұрады, ал мұнда { $found } цифр бар.
err-iin-non_digit = ЖСН тек цифрлардан тұрады, ал { $position }-таңба («{ $found }») цифр емес.
err-iin-check_digit = ЖСН-нің бақылау цифры (12-цифр) { $expected } болуы керек, ал мұнда — { $found }.
err-iin-unissuable = Мұндай ЖСН болмайды: алғашқы 11 цифрға сай келетін бақылау цифры жоқ.
err-kato-empty = ӘАОЖ (КАТО) коды көрсетілмеген.
err-kato-length = ӘАОЖ (КАТО) коды 9 цифрдан тұрады, ал мұнда { $found } цифр бар.
err-kato-non_digit = ӘАОЖ (КАТО) коды тек цифрлардан тұрады, ал { $position }-таңба («{ $found }») цифр емес.
err-kato-no_region = ӘАОЖ (КАТО) кодының алғашқы екі цифры (өңір) 00 бола алмайды.
err-cursor-invalid = «after» параметрі дұрыс емес. Алдыңғы беттегі «next» мәнін өзгертпей беріңіз.
err-before-invalid = «before» параметрі дұрыс емес. Алдыңғы беттегі «next» мәнін өзгертпей беріңіз.
err-limit-invalid = «limit» параметрі 1-ден { $max }-ге дейінгі бүтін сан болуы керек.
err-query-invalid = Сұрау параметрлерін оқу мүмкін болмады.
err-path-invalid = Мекенжайды оқу мүмкін болмады.
err-family_id-invalid = Отбасының нөмірі 0-ден үлкен бүтін сан болуы керек.
err-batch_id-invalid = Импорт пакетінің нөмірі 0-ден үлкен бүтін сан болуы керек.
err-not_found = Ештеңе табылмады.
err-not_found-family = { $id } нөмірлі отбасы табылмады.
err-not_found-person = ЖСН-і { $id } адам табылмады.
err-not_found-territory = Коды { $id } аумақ табылмады.
err-not_found-batch = { $id } нөмірлі импорт пакеті табылмады.
err-route-not_found = Мұндай API мекенжайы жоқ. Анықтамалықты қараңыз: /api/docs.
err-method-not_allowed = Бұл мекенжай мұндай сұрау әдісін қабылдамайды.
err-assessment-none = { $id } нөмірлі отбасы әлі бағаланбаған.
err-audience-invalid = «audience» параметрі «worker» немесе «family» болуы керек.
err-stats-territory_missing = Аумақты көрсетіңіз: «territory» параметрі — 9 цифрлы ӘАОЖ (КАТО) коды.
err-stats-by_invalid = «by» параметрі «region», «district», «okrug» немесе «settlement» болуы керек.
err-stats-by_above_territory = { $territory } аумағын одан жоғары деңгей бойынша бөлуге болмайды. «by» параметрінде аумақтың өз деңгейін немесе одан төменгі деңгейді көрсетіңіз.
err-stats-period_incomplete = «from» мен «to» параметрлерін бірге көрсетіңіз немесе екеуін де көрсетпеңіз.
err-stats-period = Кезеңнің басы соңынан кейін тұр: «from» күні «to» күнінен кеш болмауы керек.
err-date-format = «{ $field }» параметрі ЖЖЖЖ-АА-КК түрінде жазылған күн болуы керек, мысалы 2026-11-30; «{ $text }» мәні сай келмейді.
err-date-nonexistent = «{ $field }» параметріндегі «{ $text }» күні күнтізбеде жоқ.
err-store-schema_too_old = Дерекқор сұлбасы ескірген. Алдымен «shanyraq migrate» командасын орындаңыз.
err-store-schema_too_new = Дерекқор сұлбасы бағдарламаның бұл нұсқасынан жаңа. Бағдарламаның жаңа нұсқасын орнатыңыз.

## Data-quality warnings
warn-iin-birth_date_mismatch = ЖСН бойынша туған күні — { $in_iin }, ал жазбада — { $recorded }.
warn-iin-sex_mismatch = ЖСН бойынша жынысы — { $in_iin }, ал жазбада — { $recorded }.
warn-iin-century_digit = ЖСН-нің 7-цифры — { $digit }, бірақ бұл цифр (ғасыр мен жыныс) тек 1-ден 6-ға дейін болады.
warn-iin-impossible_date = ЖСН-нің алғашқы 6 цифры ({ $yymmdd }) күнтізбеде жоқ күнді білдіреді.

# Кіру және қолжетімділік
sign-in = Кіру
sign-out = Шығу
sign-out-everywhere = Барлық құрылғылардан шығу
account-signed-in-as = Сіз кірген есептік жазба:
signin-title = Кіру
signin-lead = Әкімші берген атпен және құпиясөзбен кіріңіз.
signin-login = Кіру аты
signin-login-hint = Тұрғындар үшін: ЖСН, 12 цифр.
signin-password = Құпиясөз
signin-submit = Кіру
signin-expired = Сеансыңыз аяқталды, сондықтан жүйеден шықтыңыз. Жалғастыру үшін қайта кіріңіз.
signin-login-missing = Кіру атын енгізіңіз.
signin-password-missing = Құпиясөзді енгізіңіз.
error-prefix = Қате
error-summary-title = Мәселе бар
denied-heading = Бұл бетті ашуға болмайды
csrf-heading = Пішін қабылданбады
purpose-heading = Бұл жазбаны не үшін ашасыз?
purpose-why = Бұл отбасының жазбасында денсаулық немесе қауіпсіздік сияқты құпия мәліметтер бар. Оларды не үшін көру керектігін жазыңыз. Себеп отбасы оқи алатын қолжетімділік журналында сақталады.
purpose-label = Қолжетімділік мақсаты
purpose-hint = Мысалы: 12 наурызға жоспарланған үйге бару, № 4521 өтініш.
purpose-submit = Жалғастыру
err-auth-required = Алдымен жүйеге кіріңіз.
err-auth-failed = Кіру аты немесе құпиясөз қате.
err-auth-throttled = Кірудің сәтсіз әрекеттері тым көп. { $minutes } минуттан кейін қайталап көріңіз.
err-auth-session_expired = Сеансыңыз аяқталды. Қайта кіріңіз.
err-auth-csrf = Пішін қабылданбады: ол ескірген немесе бұл сайттан жіберілмеген. Ештеңе өзгертілген жоқ. Артқа оралып, бетті жаңартып, қайталап көріңіз.
err-access-denied = Мұндай отбасы жоқ немесе оны ашуға рұқсатыңыз жоқ.
err-access-purpose_required = Бұл жазбада құпия мәліметтер бар: алдымен қолжетімділік мақсатын көрсетіңіз.
err-access-purpose_empty = Қолжетімділік мақсатын енгізіңіз.
err-access-purpose_long = Мақсат 500 таңбадан аспауы керек.
err-access-purpose_control = Мақсат бір жол мәтін болуы керек.

## Отбасы деректерін кім қарады
access-log-link = Бұл отбасының деректерін кім қарады
access-log-heading = №{ $id } отбасының деректерін кім қарады
access-log-back = Отбасына қайту
access-log-lead = Біреу отбасыңыздың деректерін ашқан, өзгерткен, тізімнен көрген немесе іздеген сайын жүйе оны жазып қояды. Мұнда мұны кім, қашан, не үшін істегенін және оған рұқсат болған-болмағанын көресіз.
access-log-names-hidden = Әр адамның ұйымы мен лауазымын көресіз. Заң мұнда қызметкерлердің аты-жөнін көрсетуге рұқсат бермейді.
access-log-names-shown = Әр адамның ұйымын, лауазымын және аты-жөнін көресіз: заң мұнда аты-жөнді көрсетуге рұқсат береді.
access-log-empty = Бұл отбасының деректерін әлі ешкім қарамаған.
access-log-caption = Отбасы деректерін кім қарады, алдымен жаңа жазбалар
access-log-when = Қашан
access-log-who = Кім
access-log-what = Не істеді
access-log-purpose = Мақсаты
access-log-outcome = Нәтижесі
access-log-no-purpose = көрсетілмеген
access-log-allowed = Рұқсат етілді
access-log-denied = Бас тартылды
access-log-by-family = Отбасы мүшесі
access-log-by-system = Жүйенің өзі
access-log-pages = Тізім беттері
access-log-newer = Жаңарақ жазбалар
access-log-older = Ескірек жазбалар
access-action-read = карточканы ашты
access-action-update = деректерді өзгертті
access-action-list = отбасын тізімнен көрді
access-action-search = отбасы мүшесін ЖСН бойынша іздеді
access-action-count = отбасын статистикада есептеді
access-action-export = деректерді көшіріп алды
access-action-audit_read = деректерге кім қарағанын көрді
access-action-break_glass = шұғыл қолжетімділік
role-social_worker = Әлеуметтік қызметкер
role-school_specialist = Мектеп маманы
role-health_specialist = Денсаулық сақтау маманы
role-police_specialist = Полиция маманы
role-employment_specialist = Жұмыспен қамту маманы
role-mobile_group = Мобильді топ мүшесі
role-supervisor = Басшы
role-analyst = Талдаушы
role-data_steward = Деректерге жауапты маман
role-administrator = Әкімші
role-citizen = Азамат
agency-social = әлеуметтік қорғау
agency-education = білім беру
agency-health = денсаулық сақтау
agency-police = полиция
agency-labour = еңбек және жұмыспен қамту
agency-akimat = әкімдік
agency-ministry = министрлік
agency-integration = ақпараттық жүйелер
agency-admin = жүйе әкімшілігі

## Тұрғындардың кіруі
signin-citizen-link = Мен тұрғынмын: ЖСН арқылы кіру
signin-staff-link = Мен мемлекеттік қызметте істеймін: қызметкер ретінде кіру
signin-citizen-title = Тұрғындар үшін кіру
signin-citizen-lead = ЖСН мен құпиясөзіңізбен кіріңіз. Содан кейін телефоныңызға бір реттік код жібереміз.
signin-iin = ЖСН
signin-iin-hint = Жеке куәліктегідей 12 цифр.
signin-iin-missing = ЖСН-ді енгізіңіз.
signin-continue = Жалғастыру
signin-code-title = Хабарламадағы кодты енгізіңіз
signin-code = Код
signin-code-sent = Кодты •••• { $tail } деп аяқталатын телефон нөміріне жібердік.
signin-code-sent-unknown = Кодты бізде бар телефон нөміріңізге жібердік.
signin-code-hint = Онда 6 цифр бар, ол 5 минут жарамды.
signin-code-missing = Хабарламадағы кодты енгізіңіз.
signin-code-format = Кодта 6 цифр болады.
signin-code-failed = Код қате немесе енді жарамсыз. Оны тексеріп, қайта көріңіз немесе жаңа код алу үшін басынан бастаңыз.
signin-code-again = Басынан бастап, жаңа код алу

## Uploads with integration tokens
err-token-required = Интеграция токенін Authorization тақырыбында жіберіңіз: «Bearer» және токен.
err-token-invalid = Бұл токен белгісіз, мерзімі өткен, кері қайтарылған немесе бұл дереккөзге рұқсат жоқ.
err-upload-too_large = Файл 512 МиБ-тан үлкен. Оны бөліп, бөліктерімен жүктеңіз.
err-upload-interrupted = Жүктеу үзілді, файл толық келмеді. Оны қайта жіберіңіз.
