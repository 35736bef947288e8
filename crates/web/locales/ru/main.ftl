## Site
site-name = Шанырак
skip-link = Перейти к основному содержанию
lang-switcher = Язык
footer-text = Шанырак — программа с открытым исходным кодом (AGPL-3.0).

## Start page
home-title = Цифровая платформа социальной поддержки
home-heading = Шанырак — цифровая платформа социальной поддержки
home-lead = Шанырак помогает государственным службам видеть положение семьи в одном месте, договариваться, кто поможет, и вовремя оказывать помощь.
home-what-heading = Что делает система
home-item-card = Цифровая карта семьи: всё, что государство знает о семье, собрано в одном месте.
home-item-levels = Уровни благополучия: каждая семья относится к одному из пяти уровней — от A до E. Система простыми словами объясняет, почему семья на этом уровне.
home-item-signals = Сигналы: если одна из служб замечает, что семье нужна помощь, об этом узнаёт ответственный специалист.
home-item-visits = Выезды к семье: специалист приезжает к семье и на месте видит, как она живёт. Это работает и там, где плохой интернет.
home-item-centres = Центры помощи: где получить бесплатную психологическую, социальную и юридическую помощь.
home-item-citizens = Гражданин может посмотреть карту своей семьи и узнать, почему у семьи такой уровень.
home-status = Это ранняя версия. Пока работает только API для чтения данных.
home-dev-heading = Разработчикам
home-dev-api = Справочник API
home-dev-api-hint = Запросы, параметры, ответы и ошибки.
home-dev-openapi = Документ OpenAPI (JSON)
home-dev-openapi-hint = То же описание — для программ.
home-dev-health = Состояние сервиса
home-dev-health-hint = Проверяет, работают ли сервер и база данных.

## Family page
family-heading = Семья №{ $id }
assessment-heading = Уровень благополучия
assessment-none = Эта семья ещё не оценивалась.
assessment-assessed-on = Дата оценки
assessment-total = Сумма баллов
assessment-methodology = Методика
assessment-version = версия
assessment-reconstruction = Реконструкция методики
assessment-reconstruction-text = Эта методика — не официальный текст метода.
audience-label = Пояснение для
audience-worker = специалиста
audience-family = семьи
assessment-why-worker = Почему у семьи такой уровень
assessment-why-family = Почему у вашей семьи такой уровень
assessment-no-reasons = Ни одно правило не дало семье баллов.
history-heading = История уровня
history-caption = История уровня, сначала последние оценки
history-date = Дата
history-level = Уровень
history-total = Баллы
history-methodology = Методика
history-trigger = Причина оценки
trigger-full = Оценка всех семей
trigger-facts = Изменились данные о семье
trigger-methodology = Новая версия методики
trigger-manual = Оценка по запросу
warning = Внимание

## Service problem
error-title = Извините, в работе сервиса произошёл сбой
error-text = Попробуйте ещё раз позже.

## Not found
notfound-title = Страница не найдена
notfound-text = Возможно, в адресе ошибка. Проверьте его или начните с главной страницы.
notfound-home = Перейти на главную страницу
method-not-allowed = Этот адрес не принимает такой запрос.

## API reference
docs-title = Справочник API
docs-lead = Описание JSON API Шанырака: запросы, параметры, ответы и структуры данных. Пояснения — на английском языке.
docs-machine-readable = Версия для программ (OpenAPI JSON)
docs-endpoints = Запросы
docs-parameters = Параметры
docs-name = Имя
docs-in = Где
docs-in-path = в пути адреса
docs-in-query = в строке запроса
docs-in-header = в заголовке запроса
docs-in-cookie = в cookie
docs-type = Тип
docs-type-array = массив { $items }
docs-type-or = или
docs-type-and = и
docs-type-any = любое значение
docs-required = Обязательный
docs-description = Описание
docs-yes = да
docs-no = нет
docs-responses = Ответы
docs-status = Код
docs-body = Содержимое
docs-schemas = Структуры данных
docs-fields = Поля
docs-values = Значения
docs-one-of = Одно из

## Words used inside messages
sex-male = мужской
sex-female = женский

## API errors
err-bad_request = Неверный запрос.
err-internal = На сервере произошла ошибка. Попробуйте ещё раз позже.
err-unavailable = База данных сейчас недоступна. Попробуйте ещё раз позже.
err-invalid_input = Недопустимое значение «{ $field }».
err-iin-empty = ИИН не указан.
err-iin-length = ИИН состоит из 12 цифр, а здесь их { $found }.
err-iin-non_digit = ИИН состоит только из цифр, а { $position }-й символ («{ $found }») — не цифра.
err-iin-check_digit = Контрольная цифра ИИН (12-я) должна быть { $expected }, а здесь — { $found }.
err-iin-unissuable = Такого ИИН не бывает: к первым 11 цифрам не подходит ни одна контрольная цифра.
err-kato-empty = Код КАТО не указан.
err-kato-length = Код КАТО состоит из 9 цифр, а здесь их { $found }.
err-kato-non_digit = Код КАТО состоит только из цифр, а { $position }-й символ («{ $found }») — не цифра.
err-kato-no_region = Первые две цифры кода КАТО (регион) не могут быть 00.
err-cursor-invalid = Неверный параметр «after». Передайте значение «next» с предыдущей страницы без изменений.
err-before-invalid = Неверный параметр «before». Передайте значение «next» с предыдущей страницы без изменений.
err-limit-invalid = Параметр «limit» должен быть целым числом от 1 до { $max }.
err-query-invalid = Не удалось прочитать параметры запроса.
err-path-invalid = Не удалось прочитать адрес.
err-family_id-invalid = Номер семьи должен быть целым числом больше 0.
err-batch_id-invalid = Номер пакета импорта должен быть целым числом больше 0.
err-not_found = Ничего не найдено.
err-not_found-family = Семья с номером { $id } не найдена.
err-not_found-person = Человек с ИИН { $id } не найден.
err-not_found-territory = Территория с кодом { $id } не найдена.
err-not_found-batch = Пакет импорта с номером { $id } не найден.
err-route-not_found = Такого адреса в API нет. Смотрите справочник: /api/docs.
err-method-not_allowed = Этот адрес не принимает такой метод запроса.
err-assessment-none = Семья с номером { $id } ещё не оценивалась.
err-audience-invalid = Параметр «audience» должен быть «worker» или «family».
err-stats-territory_missing = Укажите территорию: параметр «territory» — код КАТО из 9 цифр.
err-stats-by_invalid = Параметр «by» должен быть «region», «district», «okrug» или «settlement».
err-stats-by_above_territory = Территорию { $territory } нельзя разбить по более высокому уровню. Укажите в «by» уровень самой территории или ниже.
err-stats-period_incomplete = Укажите и «from», и «to» или ни одного из них.
err-stats-period = Период начинается позже, чем заканчивается: «from» не может быть позже «to».
err-date-format = Параметр «{ $field }» должен быть датой вида ГГГГ-ММ-ДД, например 2026-11-30; значение «{ $text }» не подходит.
err-date-nonexistent = В параметре «{ $field }» указана несуществующая дата: «{ $text }».
err-store-schema_too_old = Схема базы данных устарела. Сначала выполните «shanyraq migrate».
err-store-schema_too_new = Схема базы данных новее этой программы. Установите новую версию программы.

## Data-quality warnings
warn-iin-birth_date_mismatch = По ИИН дата рождения — { $in_iin }, а в записи — { $recorded }.
warn-iin-sex_mismatch = По ИИН пол — { $in_iin }, а в записи — { $recorded }.
warn-iin-century_digit = 7-я цифра ИИН — { $digit }, но эта цифра (век и пол) может быть только от 1 до 6.
warn-iin-impossible_date = Первые 6 цифр ИИН ({ $yymmdd }) — несуществующая дата.

# Вход и доступ
sign-in = Войти
sign-out = Выйти
sign-out-everywhere = Выйти на всех устройствах
account-signed-in-as = Вы вошли как
signin-title = Вход
signin-lead = Войдите с именем и паролем, которые вам выдал администратор.
signin-login = Имя для входа
signin-login-hint = Для жителей: ваш ИИН, 12 цифр.
signin-password = Пароль
signin-submit = Войти
signin-expired = Ваш сеанс завершён, и вы вышли из системы. Войдите снова, чтобы продолжить.
signin-login-missing = Введите имя для входа.
signin-password-missing = Введите пароль.
error-prefix = Ошибка
error-summary-title = Есть проблема
denied-heading = Эту страницу нельзя открыть
csrf-heading = Форму не удалось принять
purpose-heading = Зачем вы открываете эту запись?
purpose-why = В записи этой семьи есть чувствительные сведения, например о здоровье или безопасности. Укажите, зачем они вам нужны. Причина сохраняется в журнале доступа, который может прочитать семья.
purpose-label = Цель доступа
purpose-hint = Например: посещение на дому 12 марта, обращение № 4521.
purpose-submit = Продолжить
err-auth-required = Сначала войдите в систему.
err-auth-failed = Неверное имя для входа или пароль.
err-auth-throttled = Слишком много неудачных попыток входа. Попробуйте снова через { $minutes } мин.
err-auth-session_expired = Ваш сеанс завершён. Войдите снова.
err-auth-csrf = Форму не удалось принять: она устарела или отправлена не с этого сайта. Ничего не изменено. Вернитесь, обновите страницу и попробуйте снова.
err-access-denied = Такой семьи нет, или вам нельзя её открыть.
err-access-purpose_required = В этой записи есть чувствительные сведения: сначала укажите цель доступа.
err-access-purpose_empty = Укажите цель доступа.
err-access-purpose_long = Цель доступа — не больше 500 символов.
err-access-purpose_control = Цель доступа — одна строка текста.

## Кто смотрел данные семьи
access-log-link = Кто смотрел данные этой семьи
access-log-heading = Кто смотрел данные семьи №{ $id }
access-log-back = Назад к семье
access-log-lead = Каждый раз, когда кто-то открывает, меняет, видит в списке или ищет данные вашей семьи, система это записывает. Здесь видно, кто это сделал, когда, зачем и было ли это разрешено.
access-log-names-hidden = Вы видите организацию и должность каждого. Закон не разрешает показывать здесь имена сотрудников.
access-log-names-shown = Вы видите организацию, должность и имя каждого: закон разрешает показывать здесь имена.
access-log-empty = Данные этой семьи ещё никто не смотрел.
access-log-caption = Кто смотрел данные семьи, сначала новые записи
access-log-when = Когда
access-log-who = Кто
access-log-what = Что сделал
access-log-purpose = Цель
access-log-outcome = Итог
access-log-no-purpose = не указана
access-log-allowed = Разрешено
access-log-denied = Отказано
access-log-by-family = Член семьи
access-log-by-system = Сама система
access-log-pages = Страницы списка
access-log-newer = Более новые записи
access-log-older = Более старые записи
access-action-read = открыл карточку
access-action-update = изменил данные
access-action-list = видел семью в списке
access-action-search = искал члена семьи по ИИН
access-action-count = учёл семью в статистике
access-action-export = выгрузил данные
access-action-audit_read = смотрел, кто обращался к данным
access-action-break_glass = экстренный доступ
role-social_worker = Социальный работник
role-school_specialist = Специалист школы
role-health_specialist = Специалист здравоохранения
role-police_specialist = Специалист полиции
role-employment_specialist = Специалист по занятости
role-mobile_group = Член мобильной группы
role-supervisor = Руководитель
role-analyst = Аналитик
role-data_steward = Ответственный за данные
role-administrator = Администратор
role-citizen = Гражданин
agency-social = социальная защита
agency-education = образование
agency-health = здравоохранение
agency-police = полиция
agency-labour = труд и занятость
agency-akimat = акимат
agency-ministry = министерство
agency-integration = информационные системы
agency-admin = администрирование системы

## Вход для жителей
signin-citizen-link = Я житель: войти по ИИН
signin-staff-link = Я работаю в государственной службе: войти как сотрудник
signin-citizen-title = Вход для жителей
signin-citizen-lead = Войдите с вашим ИИН и паролем. Затем мы отправим одноразовый код на ваш телефон.
signin-iin = ИИН
signin-iin-hint = 12 цифр, как в удостоверении личности.
signin-iin-missing = Введите ваш ИИН.
signin-continue = Продолжить
signin-code-title = Введите код из сообщения
signin-code = Код
signin-code-sent = Мы отправили код на номер телефона, который заканчивается на •••• { $tail }.
signin-code-sent-unknown = Мы отправили код на ваш номер телефона, известный нам.
signin-code-hint = В нём 6 цифр, он действует 5 минут.
signin-code-missing = Введите код из сообщения.
signin-code-format = В коде 6 цифр.
signin-code-failed = Код неверный или больше не действует. Проверьте его и попробуйте снова или начните заново, чтобы получить новый код.
signin-code-again = Начать заново и получить новый код

## Uploads with integration tokens
err-token-required = Передайте токен интеграции в заголовке Authorization: «Bearer» и токен.
err-token-invalid = Этот токен неизвестен, истёк, отозван или не допускает этот источник.
err-upload-too_large = Файл больше 512 МиБ. Разделите его и загрузите частями.
err-upload-interrupted = Загрузка прервалась, файл пришёл не целиком. Отправьте его снова.
