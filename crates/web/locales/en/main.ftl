## Site
site-name = Shanyraq
skip-link = Skip to main content
lang-switcher = Language
footer-text = Shanyraq is open-source software (AGPL-3.0).

## Start page
home-title = A platform for digital social support
home-heading = Shanyraq: a platform for digital social support
home-lead = With Shanyraq, public services see a family's situation in one place, agree who will help, and get help to the family in time.
home-what-heading = What the system does
home-item-card = The family card: what the state knows about a family, in one place.
home-item-levels = Well-being levels: each family is at one of five levels, from A to E. The system explains the reason in plain words.
home-item-signals = Signals: when a service sees that a family needs help, the right specialist hears about it.
home-item-visits = Home visits: a specialist visits the family and sees how they live. This also works where the internet connection is poor.
home-item-centres = Help centres: where to get free psychological, social and legal help.
home-item-citizens = Citizens can see their own family card and find out why the family is at its level.
home-status = This is an early version. So far, only the API for reading data works.
home-dev-heading = For developers
home-dev-api = API reference
home-dev-api-hint = Requests, parameters, responses and errors.
home-dev-openapi = OpenAPI document (JSON)
home-dev-openapi-hint = The same description, for programs.
home-dev-health = Service health
home-dev-health-hint = Checks that the server and its database are working.

## Family page
family-heading = Family №{ $id }
assessment-heading = Well-being level
assessment-none = This family has not been assessed yet.
assessment-assessed-on = Assessed on
assessment-total = Total points
assessment-methodology = Methodology
assessment-version = version
assessment-reconstruction = Reconstructed methodology
assessment-reconstruction-text = This methodology is not the official text of the method.
audience-label = Explanation for
audience-worker = a specialist
audience-family = the family
assessment-why-worker = Why the family is at this level
assessment-why-family = Why your family is at this level
assessment-no-reasons = No rule gave the family any points.
history-heading = Level history
history-caption = Level history, latest first
history-date = Date
history-level = Level
history-total = Points
history-methodology = Methodology
history-trigger = Reason for the assessment
trigger-full = Assessment of every family
trigger-facts = The family's data changed
trigger-methodology = A new version of the methodology
trigger-manual = Assessed on request
warning = Warning

## Service problem
error-title = Sorry, there is a problem with the service
error-text = Please try again later.

## Not found
notfound-title = Page not found
notfound-text = There may be a mistake in the address. Check it, or start from the home page.
notfound-home = Go to the home page
method-not-allowed = This address does not accept this kind of request.

## API reference
docs-title = API reference
docs-lead = The Shanyraq JSON API: requests, parameters, responses and data structures.
docs-machine-readable = Version for programs (OpenAPI JSON)
docs-endpoints = Requests
docs-parameters = Parameters
docs-name = Name
docs-in = Where
docs-in-path = in the path
docs-in-query = in the query string
docs-in-header = in a header
docs-in-cookie = in a cookie
docs-type = Type
docs-type-array = array of { $items }
docs-type-or = or
docs-type-and = and
docs-type-any = any value
docs-required = Required
docs-description = Description
docs-yes = yes
docs-no = no
docs-responses = Responses
docs-status = Status
docs-body = Body
docs-schemas = Data structures
docs-fields = Fields
docs-values = Values
docs-one-of = One of

## Words used inside messages
sex-male = male
sex-female = female

## API errors
err-bad_request = The request is not valid.
err-internal = Something went wrong on the server. Please try again later.
err-unavailable = The database is not available right now. Please try again later.
err-invalid_input = The value of “{ $field }” is not valid.
err-iin-empty = No IIN was given.
err-iin-length = An IIN has 12 digits; this one has { $found }.
err-iin-non_digit = An IIN has only digits, but character { $position } (“{ $found }”) is not a digit.
err-iin-check_digit = The IIN's check digit (digit 12) should be { $expected }, but it is { $found }.
err-iin-unissuable = This IIN cannot exist: no check digit fits its first 11 digits.
err-kato-empty = No KATO code was given.
err-kato-length = A KATO code has 9 digits; this one has { $found }.
err-kato-non_digit = A KATO code has only digits, but character { $position } (“{ $found }”) is not a digit.
err-kato-no_region = The first two digits of a KATO code (the region) cannot be 00.
err-cursor-invalid = The “after” parameter is not valid. Pass the “next” value of the previous page unchanged.
err-before-invalid = The “before” parameter is not valid. Pass the “next” value of the previous page unchanged.
err-limit-invalid = The “limit” parameter must be a whole number from 1 to { $max }.
err-query-invalid = The query parameters cannot be read.
err-path-invalid = The address cannot be read.
err-family_id-invalid = A family number is a whole number greater than 0.
err-batch_id-invalid = An import batch number is a whole number greater than 0.
err-not_found = Nothing was found.
err-not_found-family = There is no family number { $id }.
err-not_found-person = There is no person with IIN { $id }.
err-not_found-territory = There is no territory with code { $id }.
err-not_found-batch = There is no import batch number { $id }.
err-route-not_found = There is no such API address. See the reference at /api/docs.
err-method-not_allowed = This address does not accept this request method.
err-assessment-none = Family number { $id } has not been assessed yet.
err-audience-invalid = The “audience” parameter must be “worker” or “family”.
err-stats-territory_missing = Give the territory: the “territory” parameter, a KATO code of 9 digits.
err-stats-by_invalid = The “by” parameter must be “region”, “district”, “okrug” or “settlement”.
err-stats-by_above_territory = Territory { $territory } cannot be split by a higher level. Choose “by” at the territory's own level or below it.
err-stats-period_incomplete = Give both “from” and “to”, or neither.
err-stats-period = The period starts after it ends: “from” must not be later than “to”.
err-date-format = The “{ $field }” parameter must be a date written as YYYY-MM-DD, for example 2026-11-30; “{ $text }” is not.
err-date-nonexistent = The “{ $field }” parameter names a day the calendar does not have: “{ $text }”.
err-store-schema_too_old = The database schema is out of date. Run “shanyraq migrate” first.
err-store-schema_too_new = The database schema is newer than this program. Install a newer version.

## Data-quality warnings
warn-iin-birth_date_mismatch = The IIN gives the birth date as { $in_iin }, but the record says { $recorded }.
warn-iin-sex_mismatch = The IIN gives the sex as { $in_iin }, but the record says { $recorded }.
warn-iin-century_digit = Digit 7 of the IIN is { $digit }, but this digit (century and sex) can only be 1 to 6.
warn-iin-impossible_date = The first 6 digits of the IIN ({ $yymmdd }) are not a real date.

# Signing in and access
sign-in = Sign in
sign-out = Sign out
sign-out-everywhere = Sign out on all devices
account-signed-in-as = Signed in as
signin-title = Sign in
signin-lead = Sign in with the name and password your administrator gave you.
signin-login = Sign-in name
signin-login-hint = For residents: your IIN, 12 digits.
signin-password = Password
signin-submit = Sign in
signin-expired = Your session has ended, so you have been signed out. Sign in again to continue.
signin-login-missing = Enter your sign-in name.
signin-password-missing = Enter your password.
error-prefix = Error
error-summary-title = There is a problem
denied-heading = You cannot open this page
csrf-heading = The form could not be accepted
purpose-heading = Why are you opening this record?
purpose-why = This family's record holds sensitive information, such as health or safety. Say why you need to see it. Your reason is kept in the access log, which the family can read.
purpose-label = Purpose of access
purpose-hint = For example: home visit planned for 12 March, request number 4521.
purpose-submit = Continue
err-auth-required = Sign in first.
err-auth-failed = The sign-in name or password is wrong.
err-auth-throttled = Too many failed attempts to sign in. Try again in { $minutes } minutes.
err-auth-session_expired = Your session has ended. Sign in again.
err-auth-csrf = The form could not be accepted because it is out of date or did not come from this site. Nothing was changed. Go back, reload the page and try again.
err-access-denied = This family does not exist or you may not open it.
err-access-purpose_required = This record holds sensitive information: state the purpose of your access first.
err-access-purpose_empty = Enter the purpose of your access.
err-access-purpose_long = The purpose must be 500 characters or fewer.
err-access-purpose_control = The purpose must be one line of text.

## Who looked at the family's data
access-log-link = Who looked at this family's data
access-log-heading = Who looked at the data of family №{ $id }
access-log-back = Back to the family
access-log-lead = Every time someone opens, changes, lists or looks for your family's data, the system writes it down. Here you can see who did it, when, why, and whether they were allowed.
access-log-names-hidden = You see the organisation and the role of each person. The law does not allow us to show the names of staff here.
access-log-names-shown = You see the organisation, the role and the name of each person, because the law allows names to be shown here.
access-log-empty = Nobody has looked at this family's data yet.
access-log-caption = Who looked at the family's data, newest first
access-log-when = When
access-log-who = Who
access-log-what = What they did
access-log-purpose = Purpose
access-log-outcome = Result
access-log-no-purpose = not stated
access-log-allowed = Allowed
access-log-denied = Refused
access-log-by-family = A member of the family
access-log-by-system = The system itself
access-log-pages = Pages of the list
access-log-newer = Newer entries
access-log-older = Older entries
access-action-read = opened the card
access-action-update = changed data
access-action-list = saw the family in a list
access-action-search = looked for a family member by IIN
access-action-count = counted the family in statistics
access-action-export = exported the data
access-action-audit_read = looked at who accessed the data
access-action-break_glass = emergency access (break-glass)
role-social_worker = Social worker
role-school_specialist = School specialist
role-health_specialist = Health specialist
role-police_specialist = Police specialist
role-employment_specialist = Employment specialist
role-mobile_group = Mobile team member
role-supervisor = Supervisor
role-analyst = Analyst
role-data_steward = Data steward
role-administrator = Administrator
role-citizen = Citizen
agency-social = social protection
agency-education = education
agency-health = health care
agency-police = police
agency-labour = labour and employment
agency-akimat = akimat
agency-ministry = ministry
agency-integration = information systems
agency-admin = system administration

## Citizens signing in
signin-citizen-link = I am a resident: sign in with my IIN
signin-staff-link = I work for a public service: sign in as staff
signin-citizen-title = Sign in as a resident
signin-citizen-lead = Sign in with your IIN and your password. Then we will send a one-time code to your phone.
signin-iin = IIN
signin-iin-hint = 12 digits, as on your identity card.
signin-iin-missing = Enter your IIN.
signin-continue = Continue
signin-code-title = Enter the code from the message
signin-code = Code
signin-code-sent = We sent a code to the phone number ending in •••• { $tail }.
signin-code-sent-unknown = We sent a code to the phone number we have for you.
signin-code-hint = It has 6 digits and works for 5 minutes.
signin-code-missing = Enter the code from the message.
signin-code-format = The code has 6 digits.
signin-code-failed = The code is wrong or no longer works. Check it and try again, or start again to get a new code.
signin-code-again = Start again and get a new code

## Uploads with integration tokens
err-token-required = Send the integration token in the Authorization header: "Bearer" and the token.
err-token-invalid = This token is unknown, expired, revoked or not allowed this source.
err-upload-too_large = The file is larger than 512 MiB. Split it and upload the parts.
err-upload-interrupted = The upload was interrupted before the whole file arrived. Send it again.
