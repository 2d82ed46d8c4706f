"""Who may do what: the expected answer of every route, for every caller. Read by
test_access_matrix.py, which asks each route as each caller and compares; docs/security.md
("The access matrix") says how to read a row and how to add one.

A row: the service (`web` for the web app's pages), the method, the route's rule as Flask
writes it, the target (what the request acts on: test_access_matrix.py builds it; `-` is the
rule as it is), then one cell per caller. A cell is the answer inside/outside: for a person, inside
is someone of 甲区 (the unit that owns the target, or the superior of 甲区教育局 for a filing),
outside someone of 乙区, the other subtree; for intake, a client system registered for 甲区 or
for 乙区. One value is the same answer for both. Anonymous has one cell.

  200 201 204      success (a GET with a marked target: the answer shows 甲区's object)
  hid              200, but 甲区's object is not in the answer (out of sight; for a citizen's
                   message, the handle is masked for everyone, and read whole only by the
                   handling unit through …/contact)
  303              a form post that succeeded (the page redirects)
  302              a redirect; login: the redirect to the sign-in page
  401 403 404 409 422   refused: not signed in, role refused, not in sight, state, body
  -                not asked (a client system has no web session)
"""
from __future__ import annotations

from dataclasses import dataclass

COLUMNS = ("anon", "intake", "oper", "resp", "lead", "prin", "joint", "sup", "admin", "sec", "aud")
ROLE_OF = {"oper": "operator", "resp": "responsible_office", "lead": "leader", "prin": "principal_leader",
           "joint": "joint_office", "sup": "supervision", "admin": "admin", "sec": "security_admin",
           "aud": "audit_admin", "intake": "intake"}
CLIENTS = {"in": "甲区12345热线", "out": "乙区12345热线"}  # the client systems, by position

TABLE = """
service    method rule                                                                target                     anon  intake  oper    resp    lead    prin    joint   sup     admin   sec     aud
# registry: units, people, sign-in, accounts, clients ------------------------------------------------------------------------------------------------------------------------------------------------
registry   GET    /api/units                                                          units                      401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     200     200
registry   GET    /api/units                                                          units:parent_id            401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     200     200
registry   POST   /api/units                                                          unit:new                   401   403     403     403     403     403     201     403     201     403     403
registry   GET    /api/units/<int:unit_id>                                            unit                       401   403     200/404 200/404 200/404 200/404 200     200     200     200     200
registry   PATCH  /api/units/<int:unit_id>                                            unit:rename                401   403     403     403     403     403     200     403     200     403     403
registry   GET    /api/people                                                         people                     401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     200     403
registry   GET    /api/people                                                         people:unit_id             401   403     200/404 200/404 200/404 200/404 200     200     200     200     403
registry   POST   /api/people                                                         person:new                 401   403     403     403     403     403     201     403     403     403     403
registry   POST   /api/people                                                         person:new-bare            401   403     403     403     403     403     201     403     201     403     403
registry   GET    /api/people/<int:person_id>                                         person                     401   403     200/404 200/404 200/404 200/404 200     200     200     200     403
registry   PUT    /api/people/<int:person_id>/roles                                   person:roles               401   403     403     403     403     403     200     403     403     200     403
registry   POST   /api/auth/sign-in                                                   sign-in                    200   200     200     200     200     200     200     200     200     200     200
registry   POST   /api/auth/token                                                     client-token               200   200     200     200     200     200     200     200     200     200     200
registry   POST   /api/auth/web-tokens                                                -                          401   401     401     401     401     401     401     401     401     401     401
registry   GET    /api/auth/captcha                                                   captcha                    200   200     200     200     200     200     200     200     200     200     200
registry   POST   /api/auth/refresh                                                   refresh:wrong              401   401     401     401     401     401     401     401     401     401     401
registry   POST   /api/auth/sign-out                                                  -                          401   403     -       -       -       -       -       -       -     -       -
registry   GET    /api/auth/sessions                                                  -                          401   403     200     200     200     200     200     200     200     200     200
registry   POST   /api/auth/sessions/end-all                                          -                          401   403     -       -       -       -       -       -       -     -       -
registry   PUT    /api/people/<int:person_id>/active                                  person:disable             401   403     403     403     403     403     403     403     200     403     403
registry   POST   /api/auth/password                                                  password:wrong             401   403     401     401     401     401     401     401     401     401     401
registry   PUT    /api/people/<int:person_id>/password                                person:reset               401   403     403     403     403     403     403     403     200     403     403
registry   GET    /api/auth/me                                                        -                          401   403     200     200     200     200     200     200     200     200     200
registry   PUT    /api/auth/me/locale                                                 locale:zh                  401   403     200     200     200     200     200     200     200     200     200
registry   GET    /api/auth/alerts                                                    -                          401   403     403     403     403     403     403     403     403     200     403
registry   POST   /api/auth/sign-in/second-factor                                     challenge:wrong            401   401     401     401     401     401     401     401     401     401     401
registry   GET    /api/auth/second-factor                                             -                          401   403     200     200     200     200     200     200     200     200     200
registry   POST   /api/auth/second-factor                                             mfa:start                  401   403     201     201     201     201     201     201     201     201     201
registry   POST   /api/auth/second-factor/confirm                                     mfa:bad-code               401   403     422     422     422     422     422     422     422     422     422
registry   POST   /api/auth/second-factor/recovery-codes                              mfa:bad-code               401   403     422     422     422     422     422     422     422     422     422
registry   POST   /api/auth/second-factor/off                                         mfa:bad-code               401   403     422     422     422     422     422     422     422     422     422
registry   GET    /api/notifications                                                  -                          401   403     200     200     200     200     200     200     200     200     200
registry   GET    /api/notifications/unread                                           -                          401   403     200     200     200     200     200     200     200     200     200
registry   POST   /api/notifications/<int:notification_id>/read                       notif:missing              401   403     404     404     404     404     404     404     404     404     404
registry   POST   /api/notifications/read-all                                         -                          401   403     200     200     200     200     200     200     200     200     200
registry   GET    /api/notifications/preferences                                      -                          401   403     200     200     200     200     200     200     200     200     200
registry   PUT    /api/notifications/preferences                                      notif:bad                  401   403     422     422     422     422     422     422     422     422     422
registry   GET    /api/people/<int:person_id>/second-factor                           person:mfa                 401   403     403     403     403     403     403     403     200     200     403
registry   DELETE /api/people/<int:person_id>/second-factor                           person:mfa-reset           401   403     403     403     403     403     403     403     403     404     403
registry   GET    /api/accounts/platforms                                             -                          200   200     200     200     200     200     200     200     200     200     200
registry   GET    /api/platform-rule                                                  -                          401   403     200     200     200     200     200     200     200     200     200
registry   PUT    /api/platform-rule                                                  rule:off                   401   403     403     403     403     403     200     403     403     403     403
registry   GET    /api/accounts                                                       accounts                   401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
registry   GET    /api/accounts                                                       accounts:unit_id           401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
registry   POST   /api/accounts                                                       application                401   403     201/422 201/422 201/422 201/422 403     403     403     403     403
registry   GET    /api/accounts/<int:account_id>                                      account                    401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
registry   POST   /api/accounts/<int:account_id>/actions/<action>                     applied:approve            401   403     403/404 403/404 403/404 200/404 403     403     403     403     403
registry   POST   /api/accounts/<int:account_id>/actions/<action>                     applied:withdraw           401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
registry   POST   /api/accounts/<int:account_id>/actions/<action>                     filing:acknowledge_filing  401   403     403/404 200/404 200/404 200/404 200     403     403     403     403
registry   PUT    /api/accounts/<int:account_id>/team                                 account:team               401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
registry   PUT    /api/accounts/<int:account_id>/security                             account:security           401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
registry   GET    /api/accounts/<int:account_id>/changes                              account:changes            401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
registry   POST   /api/accounts/<int:account_id>/changes                              active:change              401   403     201/404 201/404 201/404 201/404 403     403     403     403     403
registry   POST   /api/accounts/<int:account_id>/changes/<int:change_id>/actions/<action> change:approve         401   403     403/404 403/404 403/404 200/404 403     403     403     403     403
registry   POST   /api/accounts/<int:account_id>/changes/<int:change_id>/actions/<action> change:withdraw        401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
registry   POST   /api/accounts/<int:account_id>/changes/<int:change_id>/actions/<action> change:file            401   403     403/404 200/404 200/404 200/404 200     403     403     403     403
registry   GET    /api/accounts/<int:account_id>/follows                              follows                    401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
registry   POST   /api/accounts/<int:account_id>/follows                              follow:new                 401   403     201/404 201/404 201/404 201/404 403     403     403     403     403
registry   POST   /api/accounts/<int:account_id>/follows/import                       follow:import              401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
registry   POST   /api/accounts/<int:account_id>/follows/check                        follow:check               401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
registry   PUT    /api/accounts/<int:account_id>/follows/<int:follow_id>/reason       follow:reason              401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
registry   DELETE /api/accounts/<int:account_id>/follows/<int:follow_id>              follow:remove              401   403     204/404 204/404 204/404 204/404 403     403     403     403     403
registry   GET    /api/follow-register                                                register                   401   403     200     200     200     200     200     200     200     403     403
registry   GET    /api/follow-register/<int:entry_id>                                 register:entry             401   403     200     200     200     200     200     200     200     403     403
registry   POST   /api/follow-register                                                register:new               401   403     403     403     403     403     201     403     403     403     403
registry   PUT    /api/follow-register/<int:entry_id>                                 register:change            401   403     403     403     403     403     200     403     403     403     403
registry   DELETE /api/follow-register/<int:entry_id>                                 register:delete            401   403     403     403     403     403     204     403     403     403     403
registry   GET    /api/clients                                                        clients                    401   403     403     403     403     403     403     403     200     403     403
registry   POST   /api/clients                                                        client:new                 401   403     403     403     403     403     403     403     201     403     403
registry   GET    /api/clients/<int:client_pk>                                        client                     401   403     403     403     403     403     403     403     200     403     403
registry   POST   /api/clients/<int:client_pk>/revoke                                 client:revoke              401   403     403     403     403     403     403     403     200     403     403
registry   GET    /api/hall                                                           hall                       200   200     200     200     200     200     200     200     200     200     200
registry   GET    /api/hall/groups                                                    hall:groups                200   200     200     200     200     200     200     200     200     200     200
registry   GET    /api/audit                                                          audit                      401   403     403     403     403     403     200     200     403     403     200
registry   GET    /api/audit/export                                                   audit:export               401   403     403     403     403     403     200     200     403     403     200
registry   GET    /api/todo                                                           -                          401   403     200     200     200     200     200     200     200     403     403
registry   GET    /healthz                                                            -                          200   200     200     200     200     200     200     200     200     200     200
registry   GET    /readyz                                                             -                          200   200     200     200     200     200     200     200     200     200     200
registry   GET    /metrics                                                            -                          200   200     200     200     200     200     200     200     200     200     200
registry   GET    /openapi.json                                                       -                          200   200     200     200     200     200     200     200     200     200     200
# publishing: drafts, review, directives, lexicon ----------------------------------------------------------------------------------------------------------------------------------------------------
publishing GET    /api/reading                                                        reading:marks              401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
publishing POST   /api/reading                                                        reading:mark               401   403     403     403     403     200/409 403     403     403     403     403
publishing GET    /api/reading/rates                                                  reading:rates              401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
publishing GET    /api/reading/today                                                  -                          401   403     200     200     200     200     403     403     403     403     403
publishing GET    /api/units                                                          units                      401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     200     200
publishing GET    /api/accounts                                                       accounts                   401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
publishing GET    /api/drafts                                                         drafts                     401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
publishing GET    /api/drafts                                                         drafts:account_id          401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
publishing POST   /api/drafts                                                         draft:new                  401   403     201/422 201/422 201/422 201/422 403     403     403     403     403
publishing GET    /api/drafts/<int:draft_id>                                          draft                      401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
publishing PUT    /api/drafts/<int:draft_id>                                          draft:update               401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
publishing POST   /api/drafts/<int:draft_id>/actions/<action>                         draft:submit               401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
publishing POST   /api/drafts/<int:draft_id>/actions/<action>                         submitted:check            401   403     403/404 200/404 403/404 403/404 403     403     403     403     403
publishing POST   /api/drafts/<int:draft_id>/actions/<action>                         checked:approve            401   403     403/404 403/404 200/404 200/404 403     403     403     403     403
publishing GET    /api/calendar                                                       calendar                   401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
publishing POST   /api/checks                                                         check                      401   403     200     200     200     200     200     200     200     403     403
publishing GET    /api/figures                                                        figures                    401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
publishing GET    /api/emergency-procedures                                           emergency:procedures       401     403     200     200     200     200     200     200     200     403     403
publishing POST   /api/emergency-procedures                                           emergency:procedure:new    401     403     403     403     403     403     201     403     403     403     403
publishing GET    /api/emergency-procedures/<int:procedure_id>                        emergency:procedure        401     403     200     200     200     200     200     200     200     403     403
publishing PUT    /api/emergency-procedures/<int:procedure_id>                        emergency:procedure:save   401     403     403     403     403     403     200     403     403     403     403
publishing GET    /api/emergency-procedures/<int:procedure_id>/versions               emergency:procedure:versions 401     403     200     200     200     200     200     200     200     403     403
publishing GET    /api/emergencies                                                    emergencies                401     403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
publishing POST   /api/emergencies                                                    emergency:new              401     403     201     201     201     201     201     201     403     403     403
publishing GET    /api/emergencies/<int:emergency_id>                                 emergency                  401     403     200/404 200/404 200/404 200/404 200     200     200     403     403
publishing POST   /api/emergencies/<int:emergency_id>/steps                           emergency:tick             401     403     200/404 200/404 200/404 200/404 200     200     403     403     403
publishing POST   /api/emergencies/<int:emergency_id>/drafts                          emergency:draft            401     403     201/404 201/404 201/404 201/404 403     403     403     403     403
publishing POST   /api/emergencies/<int:emergency_id>/close                           emergency:close            401     403     200/404 200/404 200/404 200/404 200     200     403     403     403
publishing GET    /api/directives                                                     directives                 401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
publishing POST   /api/directives                                                     directive:new              401   403     403     403     403     403     201     201     403     403     403
publishing GET    /api/proofreading                                                   -                          401   403     200     200     200     200     200     403     200     403     403
publishing PUT    /api/proofreading/city                                              proofreading:off           401   403     403     403     403     403     200     403     403     403     403
publishing PUT    /api/proofreading/unit                                              proofreading:off           401   403     403     200     403     200     403     403     403     403     403
publishing GET    /api/forwards                                                       forwards                   401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
publishing POST   /api/forwards                                                       forward:new                401   403     201/422 201/422 201/422 201/422 403     403     403     403     403
publishing GET    /api/forwards/counts                                                forwards:counts            401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
publishing GET    /api/directives/<int:directive_id>                                  directive                  401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
publishing GET    /api/directives/<int:directive_id>                                  directive:shared           401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
publishing POST   /api/directives/<int:directive_id>/forwards                         directive:forward          401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
publishing GET    /api/directives/<int:directive_id>/targets                          directive:targets          401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
publishing GET    /api/directives/<int:directive_id>/targets                          directive:targets:shared   401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
publishing GET    /api/lexicon                                                        lexicon                    401   403     403     403     403     403     200     200     200     403     403
publishing POST   /api/lexicon                                                        lexicon:add                401   403     403     403     403     403     200     403     200     403     403
publishing DELETE /api/lexicon/<int:entry_id>                                         lexicon:remove             401   403     403     403     403     403     204     403     204     403     403
publishing GET    /api/corrections                                                    corrections                401     403     403     403     403     403     200     200     200     403     403
publishing POST   /api/corrections                                                    corrections:add            401     403     403     403     403     403     200     403     200     403     403
publishing DELETE /api/corrections/<int:entry_id>                                     corrections:remove         401     403     403     403     403     403     204     403     204     403     403
publishing GET    /api/leaders                                                        leaders                    401     403     403     403     403     403     200     200     200     403     403
publishing POST   /api/leaders                                                        leaders:add                401     403     403     403     403     403     200     403     200     403     403
publishing DELETE /api/leaders/<int:leader_id>                                        leaders:remove             401     403     403     403     403     403     204     403     204     403     403
publishing GET    /api/audit                                                          audit                      401   403     403     403     403     403     200     200     403     403     200
publishing GET    /api/audit/export                                                   audit:export               401   403     403     403     403     403     200     200     403     403     200
publishing GET    /api/feeds/posts                                                    -                          200   200     200     200     200     200     200     200     200     200     200
publishing GET    /api/platform-adapters                                              platform-adapters          401   403     200     200     200     200     200     200     200     403     403
publishing GET    /api/accounts/<int:account_id>/connections                          account:connections        401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
publishing PUT    /api/accounts/<int:account_id>/connections/<platform>               account:connect            401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
publishing DELETE /api/accounts/<int:account_id>/connections/<platform>               account:disconnect         401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
publishing GET    /api/portal-feeds                                                   portal-feeds               401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
publishing POST   /api/portal-feeds                                                   portal-feed:new            401   403     201/422 201/422 201/422 201/422 201     403     403     403     403
publishing GET    /api/portal-feeds/<int:feed_id>                                     portal-feed                401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
publishing PUT    /api/portal-feeds/<int:feed_id>/active                              portal-feed:stop           401   403     200/404 200/404 200/404 200/404 200     403     403     403     403
publishing GET    /api/portal-feeds/<int:feed_id>/entries                             portal-feed:entries        401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
publishing GET    /api/release-freezes                                                -                          401   403     403     403     403     403     200     200     200     403     403
publishing POST   /api/release-freezes                                                freeze:new                 401   403     403     403     403     403     201     403     201     403     403
publishing POST   /api/release-freezes/<int:freeze_id>/lift                           freeze:lift                401   403     403     403     403     403     200     403     200     403     403
publishing GET    /api/todo                                                           -                          401   403     200     200     200     200     200     200     200     403     403
publishing GET    /healthz                                                            -                          200   200     200     200     200     200     200     200     200     200     200
publishing GET    /readyz                                                             -                          200   200     200     200     200     200     200     200     200     200     200
publishing GET    /metrics                                                            -                          200   200     200     200     200     200     200     200     200     200     200
publishing GET    /openapi.json                                                       -                          200   200     200     200     200     200     200     200     200     200     200
# inquiry: messages, transfers, notices, calendar ----------------------------------------------------------------------------------------------------------------------------------------------------
inquiry    GET    /api/units                                                          units                      401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     200     200
inquiry    GET    /api/accounts                                                       accounts                   401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
inquiry    GET    /api/messages                                                       messages                   401   403     hid     hid     hid     hid     hid     hid     hid     403     403
inquiry    POST   /api/messages                                                       message:new                401   403     201/422 201/422 201/422 201/422 201     403     201     403     403
inquiry    POST   /api/intake/messages                                                intake                     401   201/422 403     403     403     403     403     403     403     403     403
inquiry    POST   /api/intake/messages/batch                                          intake:batch               401   201/422 403     403     403     403     403     403     403     403     403
inquiry    GET    /api/intake/messages/<int:message_id>                               intake:own                 401   200/404 403     403     403     403     403     403     403     403     403
inquiry    GET    /api/public/requests/<string:number>                                public:request             200   200     200     200     200     200     200     200     200     200     200
inquiry    GET    /api/public/requests/<string:number>                                public:wrong               404   404     404     404     404     404     404     404     404     404     404
inquiry    POST   /api/public/requests/<string:number>/rating                         public:rating              409   409     409     409     409     409     409     409     409     409     409
inquiry    POST   /api/messages/import                                                message:import             401   403     200/422 200/422 200/422 200/422 403     403     403     403     403
inquiry    GET    /api/emergencies                                                    emergencies                401     403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
inquiry    GET    /api/emergencies/<int:emergency_id>/messages                        emergency:messages         401     403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
inquiry    GET    /api/messages/<int:message_id>/emergency                            message:emergency          401     403     200/404 200/404 200/404 200/404 200     200     200     403     403
inquiry    PUT    /api/messages/<int:message_id>/emergency                            message:emergency:link     401     403     200/404 200/404 200/404 200/404 200     200     403     403     403
inquiry    GET    /api/messages/<int:message_id>                                      message                    401   403     hid/404 hid/404 hid/404 hid/404 hid     hid     hid     403     403
inquiry    GET    /api/messages/<int:message_id>/contact                              message:contact            401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
inquiry    POST   /api/messages/<int:message_id>/classify                             message:classify           401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
inquiry    POST   /api/messages/<int:message_id>/actions/<action>                     message:reply              401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
inquiry    POST   /api/messages/<int:message_id>/review/<decision>                     message:review      401   403     403     200/404 403/404 403/404 403     403     403     403     403
inquiry    POST   /api/messages/<int:message_id>/sensitive                            message:sensitive          401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
inquiry    POST   /api/messages/<int:message_id>/invalid                              message:invalid            401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
inquiry    POST   /api/messages/<int:message_id>/merge                                message:merge              401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
inquiry    GET    /api/invalid-messages                                               invalid-messages           401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
inquiry    GET    /api/messages/hot-topics                                            -                          401   403     200     200     200     200     200     200     200     403     403
inquiry    POST   /api/messages/<int:message_id>/transfers                            message:transfer           401   403     403     201/404 201/404 201/404 201     403     403     403     403
inquiry    GET    /api/transfers                                                      transfers                  401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
inquiry    POST   /api/transfers/<int:transfer_id>/answer                             transfer:answer            401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
inquiry    POST   /api/transfers/<int:transfer_id>/reassign                           returned:reassign          401   403     403     201/404 201/404 201/404 201     403     403     403     403
inquiry    GET    /api/transfers/returns                                              returns                    401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
inquiry    GET    /api/notices                                                        notices                    401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
inquiry    POST   /api/notices                                                        notice:new                 401   403     403     201/422 201/422 201/422 201     403     403     403     403
inquiry    GET    /api/notices/<int:notice_id>                                        notice                     401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
inquiry    POST   /api/notices/<int:notice_id>/reply                                  notice:reply               401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
inquiry    GET    /api/notices/counts                                                 notice-counts              401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
inquiry    POST   /api/calendar-days                                                  calendar-days              401   403     403     403     403     403     200     403     200     403     403
inquiry    GET    /api/calendar-years/<int:year>                                      calendar-year              401   403     200     200     200     200     200     200     200     403     403
inquiry    PUT    /api/calendar-years/<int:year>                                      calendar-year:set          401   403     403     403     403     403     200     403     200     403     403
inquiry    GET    /api/audit                                                          audit                      401   403     403     403     403     403     200     200     403     403     200
inquiry    GET    /api/audit/export                                                   audit:export               401   403     403     403     403     403     200     200     403     403     200
inquiry    GET    /api/todo                                                           todo                       401   403     200/hid 200/hid hid     hid     200     200     hid     403     403
inquiry    GET    /healthz                                                            -                          200   200     200     200     200     200     200     200     200     200     200
inquiry    GET    /readyz                                                             -                          200   200     200     200     200     200     200     200     200     200     200
inquiry    GET    /metrics                                                            -                          200   200     200     200     200     200     200     200     200     200     200
inquiry    GET    /openapi.json                                                       -                          200   200     200     200     200     200     200     200     200     200     200
# assessment: figures, archives, reports, inspections, training, roster ------------------------------------------------------------------------------------------------------------------------------
assessment GET    /api/units                                                          units                      401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     200     200
assessment GET    /api/accounts                                                       accounts                   401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment GET    /api/assessment/<period>                                            assessment                 401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment GET    /api/assessment/<period>/records                                    records                    401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
assessment GET    /api/warnings                                                       warnings                   401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment GET    /api/warnings/summary                                               warnings:summary           401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment GET    /api/rules                                                          rules                      401   403     200     200     200     200     200     200     200     403     403
assessment PUT    /api/rules                                                          rules:put                  401   403     403     403     403     403     200     403     200     403     403
assessment GET    /api/duty-log                                                       duty-log                   401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
assessment GET    /api/archives                                                       archives                   401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment POST   /api/archives                                                       archive:file               401   403     403     403     403     403     201     403     201     403     403
assessment GET    /api/archives/<int:archive_id>/pdf                                  archive:pdf                401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
assessment GET    /api/archives/<int:archive_id>/verify                               archive:verify             401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
assessment GET    /api/reports/<quarter>                                              report                     401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment GET    /api/reports/<quarter>                                              report:unit_id             401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
assessment POST   /api/reports/<quarter>/third-party                                  report:third-party         401   403     403     403     403     403     200     403     200     403     403
assessment GET    /api/dormancy/accounts                                              dormant                    401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment GET    /api/dormancy/accounts                                              dormant:unit_id            401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
assessment GET    /api/dormancy/orders                                                dormancies                 401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment POST   /api/dormancy/orders                                                dormancy:new               401   403     403     403     403     403     201     201     403     403     403
assessment GET    /api/dormancy/orders/<int:order_id>                                 dormancy                   401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
assessment POST   /api/dormancy/orders/<int:order_id>/answer                          dormancy:answer            401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
assessment POST   /api/dormancy/orders/<int:order_id>/review                          dormancy:review            401   403     403     403     403     403     200     200     403     403     403
assessment POST   /api/dormancy/orders/<int:order_id>/closure                         dormancy:closure           401   403     403     403     403     403     409     409     403     403     403
assessment GET    /api/dormancy/counts                                                dormancy:counts            401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment GET    /api/inspections                                                    inspections                401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment GET    /api/inspections                                                    inspections:unit_id        401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
assessment POST   /api/inspections                                                    inspection:new             401   403     403     403     403     403     201     201     403     403     403
assessment GET    /api/inspections/<int:inspection_id>                                inspection                 401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
assessment POST   /api/inspections/<int:inspection_id>/report                         inspection:report          401   403     200/404 200/404 200/404 200/404 403     403     403     403     403
assessment POST   /api/inspections/<int:inspection_id>/review                         reported:review            401   403     403     403     403     403     200     200     403     403     403
assessment GET    /api/bulletins                                                      bulletins                  401   403     200     200     200     200     200     200     200     403     403
assessment POST   /api/bulletins                                                      bulletin:new               401   403     403     403     403     403     201     201     403     403     403
assessment GET    /api/bulletins/<int:bulletin_id>                                    bulletin                   401   403     200     200     200     200     200     200     200     403     403
assessment GET    /api/bulletins/<int:bulletin_id>                                    bulletin:draft             401   403     404     404     404     404     200     200     404     403     403
assessment PATCH  /api/bulletins/<int:bulletin_id>                                    bulletin:edit              401   403     403     403     403     403     200     200     403     403     403
assessment POST   /api/bulletins/<int:bulletin_id>/issue                              bulletin:issue             401   403     403     403     403     403     200     200     403     403     403
assessment GET    /api/bulletins/<int:bulletin_id>/pdf                                bulletin:pdf               401   403     200     200     200     200     200     200     200     403     403
assessment GET    /api/reports/annual/<int:year>                                      annual                     401   403     200     200     200     200     200     200     200     403     403
assessment GET    /api/reports/annual/<int:year>                                      annual:unit_id             401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
assessment PUT    /api/reports/annual/<int:year>/entries                              annual:enter               401   403     200     200     200     200     200     200     403     403     403
assessment GET    /api/inspections/indicators                                         -                          401   403     200     200     200     200     200     200     200     403     403
assessment GET    /api/inspections/coverage                                           -                          401   403     200     200     200     200     200     200     200     403     403
assessment GET    /api/inspections/coverage                                           coverage:unit_id           401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
assessment GET    /api/inspections/coverage/units                                     coverage:units             401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment GET    /api/inspections/coverage/unchecked                                 coverage:unchecked         401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment GET    /api/incidents                                                      incidents                  401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment POST   /api/incidents                                                      incident:new               401   403     201/422 201/422 201/422 201/422 201     403     403     403     403
assessment GET    /api/incidents/<int:incident_id>                                    incident                   401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
assessment PATCH  /api/incidents/<int:incident_id>                                    incident:update            401   403     200/404 200/404 200/404 200/404 200     403     403     403     403
assessment GET    /api/narratives                                                     narratives                 401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment POST   /api/narratives                                                     narrative:new              401   403     201     201     201     201     403     403     403     403     403
assessment GET    /api/narratives/<int:report_id>                                     narrative                  401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
assessment GET    /api/narratives/<int:report_id>/attachments/<int:attachment_id>     narrative:attachment       401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
assessment GET    /api/narratives/units                                               narratives:units           401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment GET    /api/narratives/summary                                             narratives:summary         401   403     200     200     200     200     200     200     200     403     403
assessment GET    /api/narratives/compiled                                            narratives:compiled        401   403     200     200     200     200     200     200     200     403     403
assessment GET    /api/training/sessions                                              trainings                  401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment POST   /api/training/sessions                                              training:new               401   403     201/422 201/422 201/422 201/422 201     403     403     403     403
assessment GET    /api/training/sessions/<int:session_id>                             training                   401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
assessment GET    /api/training/sessions/<int:session_id>                             training:shared            401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment POST   /api/training/sessions/<int:session_id>/attendees                   training:attend            401   403     403/404 403/404 403/404 403/404 200     403     403     403     403
assessment DELETE /api/training/sessions/<int:session_id>/attendees/<int:attendee_id> training:unattend          401   403     403/404 403/404 403/404 403/404 204     403     403     403     403
assessment GET    /api/training/record                                                training:record            401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment GET    /api/training/record                                                training:record:unit_id    401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment GET    /api/training/export                                                training:export            401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment GET    /api/roster/shifts                                                  roster:shifts              401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
assessment POST   /api/roster/shifts                                                  shift:new                  401   403     201/422 201/422 201/422 201/422 403     403     403     403     403
assessment DELETE /api/roster/shifts/<int:shift_id>                                   shift:remove               401   403     204/404 204/404 204/404 204/404 403     403     403     403     403
assessment GET    /api/roster/now                                                     roster:now                 401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
assessment GET    /api/roster/gaps                                                    roster:gaps                401   403     200/404 200/404 200/404 200/404 200     200     200     403     403
assessment GET    /api/followers                                                      followers                  401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment GET    /api/followers                                                      followers:account_id       401   403     200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
assessment POST   /api/followers                                                      followers:enter            401   403     200/422 200/422 200/422 200/422 403     403     403     403     403
assessment POST   /api/followers/import                                               followers:import           401   403     200     200     200     200     403     403     403     403     403
assessment GET    /api/audit                                                          audit                      401   403     403     403     403     403     200     200     403     403     200
assessment GET    /api/audit/export                                                   audit:export               401   403     403     403     403     403     200     200     403     403     200
assessment GET    /api/todo                                                           -                          401   403     200     200     200     200     200     200     200     403     403
assessment GET    /healthz                                                            -                          200   200     200     200     200     200     200     200     200     200     200
assessment GET    /readyz                                                             -                          200   200     200     200     200     200     200     200     200     200     200
assessment GET    /metrics                                                            -                          200   200     200     200     200     200     200     200     200     200     200
assessment GET    /openapi.json                                                       -                          200   200     200     200     200     200     200     200     200     200     200
# web: the pages (a client system has no web session) ------------------------------------------------------------------------------------------------------------------------------------------------
web        GET    /                                                                   -                          302   -       302     302     302     302     302     302     302     302     302
web        GET    /sign-in                                                            -                          200   -       200     200     200     200     200     200     200     200     200
web        POST   /sign-in                                                            sign-in                    303   -       303     303     303     303     303     303     303     303     303
web        POST   /sign-out                                                           -                          303   -       303     303     303     303     303     303     303     303     303
web        GET    /me/password                                                        -                          login -       200     200     200     200     200     200     200     200     200
web        POST   /me/password                                                        -                          login -       422     422     422     422     422     422     422     422     422
web        GET    /me/sessions                                                        -                          login -       200     200     200     200     200     200     200     200     200
web        GET    /language                                                           -                          200   -       200     200     200     200     200     200     200     200     200
web        POST   /language                                                           w:locale                   303   -       303     303     303     303     303     303     303     303     303
web        GET    /sign-in/code                                                       -                          303   -       303     303     303     303     303     303     303     303     303
web        POST   /sign-in/code                                                       -                          303   -       303     303     303     303     303     303     303     303     303
web        GET    /notifications                                                      -                          login -       200     200     200     200     200     200     200     200     200
web        GET    /notifications/bell                                                 -                          login -       200     200     200     200     200     200     200     200     200
web        POST   /notifications/<int:notification_id>/open                           w:notif-missing            login -       404     404     404     404     404     404     404     404     404
web        POST   /notifications/read-all                                             -                          login -       303     303     303     303     303     303     303     303     303
web        GET    /notifications/settings                                             -                          login -       200     200     200     200     200     200     200     200     200
web        POST   /notifications/settings                                             w:notif-bad                login -       422     422     422     422     422     422     422     422     422
web        GET    /me/second-factor                                                   -                          login -       200     200     200     200     200     200     200     200     200
web        POST   /me/second-factor/start                                             mfa:start                  login -       200     200     200     200     200     200     200     200     200
web        POST   /me/second-factor/confirm                                           mfa:bad-code               login -       422     422     422     422     422     422     422     422     422
web        POST   /me/second-factor/recovery-codes                                    mfa:bad-code               login -       422     422     422     422     422     422     422     422     422
web        POST   /me/second-factor/off                                               mfa:bad-code               login -       422     422     422     422     422     422     422     422     422
web        POST   /people/<int:person_id>/second-factor/reset                         person:mfa-reset           login -       403     403     403     403     403     403     403     404     403
web        POST   /me/sessions/end-all                                                -                          login -       -       -       -       -       -       -       -     -       -
web        GET    /hall                                                               hall                       200   -       200     200     200     200     200     200     200     200     200
web        GET    /hall/message                                                       -                          200   -       200     200     200     200     200     200     200     200     200
web        POST   /hall/message                                                       hall:message               303   -       303     303     303     303     303     303     303     303     303
web        GET    /hall/message/sent                                                  hall:sent                  200   -       200     200     200     200     200     200     200     200     200
web        GET    /hall/query                                                         -                          200   -       200     200     200     200     200     200     200     200     200
web        POST   /hall/query                                                         hall:query                 200   -       200     200     200     200     200     200     200     200     200
web        POST   /hall/query/rating                                                  hall:rate                  409   -       409     409     409     409     409     409     409     409     409
web        GET    /hall/posts.atom                                                    -                          200   -       200     200     200     200     200     200     200     200     200
web        GET    /portal-feeds                                                       portal-feeds               login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        POST   /portal-feeds                                                       portal-feed:new            login -       303/422 303/422 303/422 303/422 303     403     403     403     403
web        GET    /release-freezes                                                    -                          login -       403     403     403     403     200     200     200     403     403
web        POST   /release-freezes                                                    freeze:new                 login -       403     403     403     403     303     403     303     403     403
web        POST   /release-freezes/<int:freeze_id>/lift                               freeze:lift                login -       403     403     403     403     303     403     303     403     403
web        GET    /portal-feeds/<int:feed_id>                                         portal-feed                login -       200/404 200/404 200/404 200/404 200     200     200     403     403
web        POST   /portal-feeds/<int:feed_id>/active                                  portal-feed:stop           login -       303/404 303/404 303/404 303/404 303     403     403     403     403
web        GET    /static/<path:filename>                                             static                     200   -       200     200     200     200     200     200     200     200     200
web        GET    /static/vendor/<name>                                               vendor                     200   -       200     200     200     200     200     200     200     200     200
web        GET    /healthz                                                            -                          200   -       200     200     200     200     200     200     200     200     200
web        GET    /readyz                                                             -                          200   -       200     200     200     200     200     200     200     200     200
web        GET    /audit                                                              audit                      login -       403     403     403     403     200     200     403     403     200
web        GET    /audit/export                                                       audit:export               login -       403     403     403     403     200     200     403     403     200
web        GET    /people                                                             people                     login -       403     403     403     403     403     403     200     200     403
web        POST   /people                                                             person:new                 login -       403     403     403     403     403     403     303     403     403
web        GET    /people/<int:person_id>                                             person                     login -       403     403     403     403     403     403     200     200     403
web        POST   /people/<int:person_id>/roles                                       person:roles               login -       403     403     403     403     403     403     403     303     403
web        POST   /people/<int:person_id>/active                                      person:disable             login -       403     403     403     403     403     403     303     403     403
web        POST   /people/<int:person_id>/password                                    person:reset               login -       403     403     403     403     403     403     303     403     403
web        GET    /units                                                              w:units                    login -       403     403     403     403     200     403     200     403     403
web        POST   /units                                                              w:unit:new                 login -       403     403     403     403     303     403     303     403     403
web        GET    /units/<int:unit_id>                                                w:unit                     login -       403     403     403     403     200     403     200     403     403
web        POST   /units/<int:unit_id>                                                w:unit:rename              login -       403     403     403     403     303     403     303     403     403
web        GET    /metrics                                                            -                          200   -       200     200     200     200     200     200     200     200     200
web        GET    /status                                                             -                          login -       403     403     403     403     403     403     200     403     403
web        GET    /todo                                                               todo                       login -       200/hid 200/hid hid     hid     200     200     hid     403     403
web        GET    /todo/badge                                                         -                          login -       200     200     200     200     200     200     200     403     403
web        GET    /status/panel                                                       -                          200   -       200     200     200     200     200     200     200     200     200
web        GET    /accounts                                                           accounts                   login -       200/hid 200/hid 200/hid 200/hid 403     403     403     403     403
web        GET    /accounts/new                                                       -                          login -       200     200     200     200     403     403     403     403     403
web        POST   /accounts/new                                                       application                login -       303/422 303/422 303/422 303/422 403     403     403     403     403
web        GET    /accounts/<int:account_id>                                          account                    login -       200/404 200/404 200/404 200/404 200     200     200     403     403
web        POST   /accounts/<int:account_id>/act/<action>                             applied:withdraw           login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        POST   /accounts/<int:account_id>/changes/<int:change_id>/act/<action>     w:change:withdraw          login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        GET    /accounts/<int:account_id>/change                                   w:change-page             login -       200/404 200/404 200/404 200/404 403     403     403     403     403
web        POST   /accounts/<int:account_id>/change                                   w:change                   login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        GET    /accounts/<int:account_id>/team                                     w:team-page               login -       200/404 200/404 200/404 200/404 403     403     403     403     403
web        POST   /accounts/<int:account_id>/team                                     w:team                     login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        POST   /accounts/<int:account_id>/connections/<platform>                   w:connect                  login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        POST   /accounts/<int:account_id>/connections/<platform>/disconnect        w:disconnect               login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        GET    /accounts/<int:account_id>/security                                 w:security-page           login -       200/404 200/404 200/404 200/404 403     403     403     403     403
web        POST   /accounts/<int:account_id>/security                                 w:security                 login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        GET    /accounts/<int:account_id>/follows                                  w:follows                  login -       200/404 200/404 200/404 200/404 200     200     200     403     403
web        POST   /accounts/<int:account_id>/follows                                  w:follow:new               login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        POST   /accounts/<int:account_id>/follows/import                           w:follow:import            login -       200/404 200/404 200/404 200/404 403     403     403     403     403
web        POST   /accounts/<int:account_id>/follows/check                            w:follow:check             login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        POST   /accounts/<int:account_id>/follows/<int:follow_id>/reason           w:follow:reason            login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        POST   /accounts/<int:account_id>/follows/<int:follow_id>/remove           w:follow:remove            login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        GET    /follows                                                            w:follow-accounts          login -       403     403     403     403     200     200     403     403     403
web        GET    /follows/register                                                   w:register                 login -       403     403     403     403     200     200     403     403     403
web        POST   /follows/register                                                   w:register:new             login -       403     403     403     403     303     403     403     403     403
web        POST   /follows/register/<int:entry_id>/remove                             w:register:delete          login -       403     403     403     403     303     403     403     403     403
web        GET    /filings                                                            filings                    login -       403     200/hid 200/hid 200/hid 200     403     403     403     403
web        GET    /city                                                               city                       login -       403     403     403     403     200     200     200     403     403
web        POST   /city/platform-rule                                                 rule:off                   login -       403     403     403     403     303     403     403     403     403
web        GET    /drafts                                                             drafts                     login -       200/hid 200/hid 200/hid 200/hid 403     403     403     403     403
web        GET    /drafts/new                                                         -                          login -       200     200     200     200     403     403     403     403     403
web        POST   /drafts/new                                                         draft:new                  login -       303/422 303/422 303/422 303/422 403     403     403     403     403
web        POST   /drafts/check                                                       check                      login -       200     200     200     200     403     403     403     403     403
web        GET    /drafts/<int:draft_id>                                              draft                      login -       200/404 200/404 200/404 200/404 200     200     200     403     403
web        POST   /drafts/<int:draft_id>/act/<action>                                 draft:submit               login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        GET    /drafts/<int:draft_id>/edit                                         draft:edit                 login -       200/404 200/404 200/404 200/404 403     403     403     403     403
web        POST   /drafts/<int:draft_id>/edit                                         draft:save                 login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        GET    /drafts/calendar                                                    calendar                   login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        GET    /emergencies                                                        emergencies                login   -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        POST   /emergencies                                                        emergency:new              login   -       303     303     303     303     303     303     403     403     403
web        GET    /emergencies/<int:emergency_id>                                     emergency                  login   -       200/404 200/404 200/404 200/404 200     200     200     403     403
web        POST   /emergencies/<int:emergency_id>/steps                               emergency:tick             login   -       303/404 303/404 303/404 303/404 303     303     403     403     403
web        POST   /emergencies/<int:emergency_id>/drafts                              emergency:draft            login   -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        POST   /emergencies/<int:emergency_id>/close                               emergency:close            login   -       303/404 303/404 303/404 303/404 303     303     403     403     403
web        GET    /emergencies/procedures                                             emergency:procedures       login   -       200     200     200     200     200     200     200     403     403
web        POST   /emergencies/procedures                                             emergency:procedure:save   login   -       403     403     403     403     303     403     403     403     403
web        GET    /emergencies/messages/<int:message_id>                              message:emergency          login   -       200/404 200/404 200/404 200/404 200     200     403     403     403
web        POST   /emergencies/messages/<int:message_id>                              message:emergency:link     login   -       303/404 303/404 303/404 303/404 303     303     403     403     403
web        GET    /directives                                                         directives                 login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        POST   /directives                                                         directive:new              login -       403     403     403     403     303     303     403     403     403
web        GET    /forwards                                                           forwards                   login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        POST   /forwards                                                           forward:new                login -       303/422 303/422 303/422 303/422 403     403     403     403     403
web        GET    /forwards/counts                                                    forwards:counts            login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        GET    /drafts/platforms                                                   -                          login -       200     200     200     200     403     403     403     403     403
web        GET    /drafts/proofreading                                                -                          login -       403     200     403     200     200     403     403     403     403
web        POST   /drafts/proofreading                                                proofreading:off           login -       403     303     403     303     403     403     403     403     403
web        GET    /directives/<int:directive_id>/panel                                directive                  login -       200/404 200/404 200/404 200/404 200     200     200     403     403
web        GET    /directives/<int:directive_id>/panel                                directive:shared           login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        POST   /directives/<int:directive_id>/forward                              directive:forward          login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        GET    /lexicon                                                            lexicon                    login -       403     403     403     403     200     200     200     403     403
web        POST   /lexicon                                                            lexicon:add                login -       403     403     403     403     303     403     303     403     403
web        POST   /lexicon/<int:entry_id>/delete                                      lexicon:remove             login -       403     403     403     403     303     403     303     403     403
web        GET    /lexicon/corrections                                                corrections                login   -       403     403     403     403     200     200     200     403     403
web        POST   /lexicon/corrections                                                corrections:add            login   -       403     403     403     403     303     403     303     403     403
web        POST   /lexicon/corrections/<int:entry_id>/delete                          corrections:remove         login   -       403     403     403     403     303     403     303     403     403
web        GET    /lexicon/leaders                                                    leaders                    login   -       403     403     403     403     200     200     200     403     403
web        POST   /lexicon/leaders                                                    leaders:add                login   -       403     403     403     403     303     403     303     403     403
web        POST   /lexicon/leaders/<int:leader_id>/delete                             leaders:remove             login   -       403     403     403     403     303     403     303     403     403
web        GET    /inbox                                                              messages                   login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        GET    /inbox/hot                                                          -                          login -       200     200     200     200     200     200     200     403     403
web        POST   /inbox                                                              message:new                login -       303/422 303/422 303/422 303/422 403     403     403     403     403
web        POST   /inbox/import                                                       message:import             login -       200/422 200/422 200/422 200/422 403     403     403     403     403
web        GET    /inbox/<int:message_id>                                             message                    login -       hid/404 hid/404 hid/404 hid/404 hid     hid     hid     403     403
web        POST   /inbox/<int:message_id>/contact                                     message:contact            login -       200/404 200/404 200/404 200/404 403     403     403     403     403
web        POST   /inbox/<int:message_id>/act/<action>                                message:reply              login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        POST   /inbox/<int:message_id>/classify                                    message:classify           login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        POST   /inbox/<int:message_id>/transfer                                    message:transfer           login -       403     303/404 303/404 303/404 303     403     403     403     403
web        POST   /inbox/<int:message_id>/review/<decision>                           message:review             login -       403     303/404 403/404 403/404 403     403     403     403     403
web        POST   /inbox/<int:message_id>/sensitive                                   message:sensitive          login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        POST   /inbox/<int:message_id>/invalid                                     message:invalid            login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        POST   /inbox/<int:message_id>/merge                                       message:merge              login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        GET    /inbox/invalid                                                      invalid-messages           login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        GET    /inbox/transfers                                                    transfers                  login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        POST   /inbox/transfers/<int:transfer_id>/<verb>                           transfer:answer            login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        POST   /inbox/transfers/<int:transfer_id>/<verb>                           returned:reassign          login -       403     303/404 303/404 303/404 303     403     403     403     403
web        GET    /inbox/notices                                                      notices                    login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        POST   /inbox/notices                                                      notice:new                 login -       403     303/422 303/422 303/422 303     403     403     403     403
web        GET    /inbox/notices/<int:notice_id>                                      notice                     login -       200/404 200/404 200/404 200/404 200     200     200     403     403
web        POST   /inbox/notices/<int:notice_id>/reply                                notice:reply               login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        GET    /kaohe                                                              assessment                 login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        GET    /kaohe/records                                                      records                    login -       200/404 200/404 200/404 200/404 200     200     200     403     403
web        GET    /kaohe/duty                                                         duty                       login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        GET    /kaohe/archives                                                     archives                   login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        POST   /kaohe/archives                                                     archive:file               login -       403     403     403     403     200     403     200     403     403
web        GET    /kaohe/archives/<int:archive_id>.pdf                                archive:pdf                login -       200/404 200/404 200/404 200/404 200     200     200     403     403
web        GET    /kaohe/archives/<int:archive_id>/verify                             archive:verify             login -       200/404 200/404 200/404 200/404 200     200     200     403     403
web        GET    /kaohe/reports                                                      report                     login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        GET    /kaohe/reports/<quarter>.<fmt>                                      report:file                login -       200     200     200     200     200     200     200     403     403
web        POST   /kaohe/reports/<quarter>/third-party                                report:third-party         login -       403     403     403     403     200     403     200     403     403
web        GET    /kaohe/rules                                                        -                          login -       200     200     200     200     200     200     200     403     403
web        POST   /kaohe/rules                                                        rules:post                 login -       403     403     403     403     200     403     200     403     403
web        GET    /dormant                                                            dormant                    login -       403     403     403     403     200     200     403     403     403
web        GET    /dormant/orders                                                     dormancies                 login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        GET    /dormant/counts                                                     dormancy:counts            login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        GET    /dormant/orders/new                                                 dormancy:form              login -       403     403     403     403     200     200     403     403     403
web        POST   /dormant/orders                                                     dormancy:new               login -       403     403     403     403     303     303     403     403     403
web        GET    /dormant/orders/<int:order_id>                                      dormancy                   login -       200/404 200/404 200/404 200/404 200     200     200     403     403
web        POST   /dormant/orders/<int:order_id>/answer                               dormancy:answer            login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        POST   /dormant/orders/<int:order_id>/review                               dormancy:review            login -       403     403     403     403     303     303     403     403     403
web        POST   /dormant/orders/<int:order_id>/closure                              dormancy:closure           login -       403     403     403     403     409     409     403     403     403
web        GET    /inspections                                                        inspections                login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        POST   /inspections                                                        inspection:new             login -       403     403     403     403     303     303     403     403     403
web        GET    /inspections/<int:inspection_id>                                    inspection                 login -       200/404 200/404 200/404 200/404 200     200     200     403     403
web        POST   /inspections/<int:inspection_id>/report                             inspection:report          login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        POST   /inspections/<int:inspection_id>/review                             reported:review            login -       403     403     403     403     303     303     403     403     403
web        GET    /bulletins                                                          bulletins                  login -       200     200     200     200     200     200     200     403     403
web        POST   /bulletins                                                          bulletin:new               login -       403     403     403     403     303     303     403     403     403
web        GET    /bulletins/<int:bulletin_id>                                        bulletin                   login -       200     200     200     200     200     200     200     403     403
web        POST   /bulletins/<int:bulletin_id>                                        bulletin:edit              login -       403     403     403     403     303     303     403     403     403
web        POST   /bulletins/<int:bulletin_id>/issue                                  bulletin:issue             login -       403     403     403     403     303     303     403     403     403
web        GET    /bulletins/<int:bulletin_id>.pdf                                    bulletin:pdf               login -       200     200     200     200     200     200     200     403     403
web        GET    /bulletins/annual                                                   annual                     login -       200     200     200     200     200     200     200     403     403
web        GET    /bulletins/annual/<int:year>.<fmt>                                  annual:file                login -       200     200     200     200     200     200     200     403     403
web        POST   /bulletins/annual/<int:year>/entries                                annual:enter               login -       303     303     303     303     303     303     403     403     403
web        GET    /inspections/coverage                                               coverage:web               login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        GET    /incidents                                                          incidents                  login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        POST   /incidents                                                          incident:new               login -       303/422 303/422 303/422 303/422 303     403     403     403     403
web        GET    /incidents/<int:incident_id>                                        incident                   login -       200/404 200/404 200/404 200/404 200     200     200     403     403
web        POST   /incidents/<int:incident_id>                                        incident:update            login -       303/404 303/404 303/404 303/404 303     403     403     403     403
web        GET    /narratives                                                         narratives                 login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        POST   /narratives                                                         narrative:new              login -       303     303     303     303     403     403     403     403     403
web        GET    /narratives/<int:report_id>                                         narrative                  login -       200/404 200/404 200/404 200/404 200     200     200     403     403
web        GET    /narratives/<int:report_id>/attachments/<int:attachment_id>         narrative:attachment       login -       200/404 200/404 200/404 200/404 200     200     200     403     403
web        GET    /narratives/compiled                                                narratives:compiled        login -       200     200     200     200     200     200     200     403     403
web        GET    /reading                                                            reading:marks              login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        POST   /reading/mark                                                       reading:mark               login -       403     403     403     303     403     403     403     403     403
web        GET    /training                                                           trainings                  login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        POST   /training                                                           training:new               login -       303     303     303     303     303     403     403     403     403
web        GET    /training/<int:session_id>                                          training                   login -       200/404 200/404 200/404 200/404 200     200     200     403     403
web        GET    /training/<int:session_id>                                          training:shared            login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        POST   /training/<int:session_id>/attendees                                training:attend            login -       403/404 403/404 403/404 403/404 303     403     403     403     403
web        POST   /training/<int:session_id>/attendees/<int:attendee_id>/remove       training:unattend          login -       403/303 403/303 403/303 403/303 303     403     403     403     403
web        GET    /training/export                                                    training:export            login -       200/hid 200/hid 200/hid 200/hid 200     200     200     403     403
web        GET    /roster                                                             roster                     login -       200/404 200/404 200/404 200/404 200     200     200     403     403
web        POST   /roster                                                             shift:new                  login -       303/422 303/422 303/422 303/422 403     403     403     403     403
web        POST   /roster/<int:shift_id>/remove                                       shift:remove               login -       303/404 303/404 303/404 303/404 403     403     403     403     403
web        GET    /followers                                                          followers                  login -       200/hid 200/hid 200/hid 200/hid 403     403     403     403     403
web        POST   /followers                                                          followers:enter            login -       303/422 303/422 303/422 303/422 403     403     403     403     403
web        POST   /followers/import                                                   followers:import           login -       200     200     200     200     403     403     403     403     403
"""


@dataclass(frozen=True)
class Row:
    service: str
    method: str
    rule: str
    target: str
    cells: dict  # (column, position): expected answer

    @property
    def route(self) -> tuple[str, str, str]:
        return self.service, self.method, self.rule

    def __str__(self) -> str:
        return f"{self.service} {self.method} {self.rule} [{self.target}]"


def _cells(values: list[str]) -> dict:
    cells = {("anon", ""): values[0]}
    for column, value in zip(COLUMNS[1:], values[1:], strict=True):
        inside, _, outside = value.partition("/")
        cells[(column, "in")], cells[(column, "out")] = inside, outside or inside
    return cells


def rows(table: str = TABLE) -> list[Row]:
    out = []
    for line in table.strip().splitlines()[1:]:
        if line.strip() and not line.lstrip().startswith("#"):
            service, method, rule, target, *values = line.split()
            out.append(Row(service, method, rule, target, _cells(values)))
    return out
