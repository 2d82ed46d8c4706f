"""Configuration from environment variables only, with safe defaults for the embedded mode."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from govmb.credentials import default_credential
from govmb.identity import PERSON_ROLES
from govmb.keys import KeyFileError, KeyRing, local_key, local_secret, read_private, read_public
from govmb.personal import DataKeys, local_data_keys, read_data_keys

SERVICES = ("registry", "publishing", "inquiry", "assessment")
ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The environment describes a configuration the system refuses to run with."""


# Who must sign in with a second factor in production (issue 15): the three administrators, the
# joint-meeting office and supervision; SECOND_FACTOR_ROLES may add others.
SECOND_FACTOR_REQUIRED = frozenset({"admin", "security_admin", "audit_admin", "joint_office", "supervision"})


SEALING = ("inquiry", "publishing", "registry")  # the services that keep secrets sealed (govmb.personal)


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    service: str
    mode: str  # "embedded" or "production"
    database_url: str
    amqp_url: str | None  # None: the in-process transport
    keys: KeyRing  # the public keys tokens are verified with; the registry's holds the key it signs with
    cookie_secret: str = ""  # the web app's session cookie (the web app's own, no service knows it)
    web_client_secret: str = ""  # what the web app shows the registry to be given its own tokens
    bus_namespace: str = "govmb"
    token_ttl_seconds: int = 300  # a person's token, short: the web app renews it through the session
    client_token_ttl_seconds: int = 900  # a client system's token (intake); revoked at once with the system
    session_idle_seconds: int = 1800  # a sign-in session ends after this long without a request
    session_absolute_seconds: int = 8 * 3600  # and this long after sign-in, whatever happens
    password_max_age_days: int = 90  # a password older than this must be changed at sign-in
    # who signs in with a second factor (TOTP); production: at least the administrators, the office, supervision
    second_factor_roles: frozenset[str] = SECOND_FACTOR_REQUIRED
    metrics_token: str = ""  # /metrics only for `Authorization: Bearer <it>` (production: required)
    revocation_store_uri: str = "memory://"  # ended sessions and revoked systems, for every process (redis://…)
    relay_batch_size: int = 500
    relay_poll_seconds: float = 0.02
    relay_batches_in_flight: int = 2  # on PostgreSQL: batches a relay publishes while earlier ones await confirms
    consumer_prefetch: int = 200
    delivery_limit: int = 5
    heartbeat_seconds: int = 30
    service_urls: dict[str, str] = field(default_factory=dict)
    data_dir: Path = ROOT / "var"
    trusted_proxies: int = 0  # reverse proxies in front of the web app and the APIs whose X-Forwarded-* count
    # The database owner's URL, for migrations only (govmb.dbroles); None: migrate with database_url
    migration_database_url: str | None = None
    database_variable: str = "DATABASE_URL"  # the variable database_url came from, for messages
    # inquiry's and the registry's: seal citizens' handles and contacts, people's TOTP secrets (govmb.personal)
    personal_keys: DataKeys | None = None
    audit_keys: DataKeys | None = None  # every service's: the audit trail's hash chain (govmb.auditchain)

    @property
    def production(self) -> bool:
        return self.mode == "production"

    @classmethod
    def from_env(cls, service: str) -> "Settings":
        mode = _env("GOVMB_MODE", "embedded")
        if mode not in ("embedded", "production"):
            raise ConfigError(f"GOVMB_MODE must be 'embedded' or 'production', not {mode!r}")
        data_dir = Path(_env("GOVMB_DATA_DIR", str(ROOT / "var")))
        db_url = database_url(service)
        settings = cls(
            service=service,
            mode=mode,
            database_url=db_url,
            amqp_url=_env("AMQP_URL"),
            keys=_keys(service, mode, data_dir),
            cookie_secret=(_secret("WEB_COOKIE_SECRET", _env("WEB_COOKIE_SECRET"), mode, data_dir)
                           if service == "web" else ""),
            web_client_secret=(_secret("WEB_CLIENT_SECRET", _env("WEB_CLIENT_SECRET"), mode, data_dir)
                               if service in ("web", "registry") else ""),
            bus_namespace=_env("BUS_NAMESPACE", "govmb"),
            token_ttl_seconds=_whole("TOKEN_TTL_SECONDS", _env("TOKEN_TTL_SECONDS") or "300", minimum=60),
            session_idle_seconds=_whole("SESSION_IDLE_SECONDS", _env("SESSION_IDLE_SECONDS") or "1800", minimum=60),
            session_absolute_seconds=_whole("SESSION_ABSOLUTE_SECONDS", _env("SESSION_ABSOLUTE_SECONDS") or "28800",
                                            minimum=60),
            password_max_age_days=_whole("PASSWORD_MAX_AGE_DAYS", _env("PASSWORD_MAX_AGE_DAYS") or "90"),
            second_factor_roles=_roles("SECOND_FACTOR_ROLES", _env("SECOND_FACTOR_ROLES"), mode),
            revocation_store_uri=_env("REVOCATION_STORE_URI", "memory://"),
            metrics_token=_env("METRICS_TOKEN", ""),
            client_token_ttl_seconds=_whole("CLIENT_TOKEN_TTL_SECONDS", _env("CLIENT_TOKEN_TTL_SECONDS") or "900"),
            relay_batch_size=int(_env("RELAY_BATCH_SIZE", "500")),
            relay_poll_seconds=float(_env("RELAY_POLL_SECONDS", "0.02")),
            relay_batches_in_flight=_whole("RELAY_BATCHES_IN_FLIGHT", _env("RELAY_BATCHES_IN_FLIGHT") or "2"),
            consumer_prefetch=int(_env("CONSUMER_PREFETCH", "200")),
            delivery_limit=int(_env("DELIVERY_LIMIT", "5")),
            heartbeat_seconds=int(_env("AMQP_HEARTBEAT_SECONDS", "30")),
            service_urls={name: _env(f"{name.upper()}_URL", f"http://127.0.0.1:8000/{name}")
                          for name in SERVICES},
            data_dir=data_dir,
            trusted_proxies=int(_env("TRUSTED_PROXIES", "0")),
            migration_database_url=_env(f"{service.upper()}_MIGRATION_DATABASE_URL"),
            database_variable=(f"{service.upper()}_DATABASE_URL" if _env(f"{service.upper()}_DATABASE_URL")
                               else "DATABASE_URL"),
            personal_keys=(data_keys("PERSONAL_DATA_KEY_FILE", _env("PERSONAL_DATA_KEY_FILE"), mode, data_dir,
                                     "personal-data.keys")
                           if service in SEALING else None),
            audit_keys=(data_keys("AUDIT_CHAIN_KEY_FILE", _env("AUDIT_CHAIN_KEY_FILE"), mode, data_dir,
                                  "audit-chain.keys")
                        if service in SERVICES else None),
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse to run in production with what only the embedded mode may use."""
        if not self.revocation_store_uri.startswith(("memory://", "redis://", "rediss://")):
            raise ConfigError("REVOCATION_STORE_URI must be memory:// or redis://host:port/db")
        if self.amqp_url:
            broker_urls(self.amqp_url)  # a malformed host list is refused at start, not at the first reconnect
        if not self.production:
            return
        if len(self.metrics_token) < 32:
            raise ConfigError("production mode needs METRICS_TOKEN: at least 32 random characters (Prometheus sends "
                              "it as a bearer token; /metrics is not for anyone)")
        if self.revocation_store_uri.startswith("memory://"):
            raise ConfigError("production mode needs REVOCATION_STORE_URI=redis://…: a sign-out must reach every "
                              "process, not only the one that took it")
        if missing := SECOND_FACTOR_REQUIRED - self.second_factor_roles:
            raise ConfigError(f"production mode needs SECOND_FACTOR_ROLES to hold {', '.join(sorted(missing))}: "
                              "the administrators, the joint-meeting office and supervision sign in with two factors")
        if self.service not in SERVICES:  # the web app keeps no data and uses no bus
            return
        if self.database_url.startswith("sqlite"):
            raise ConfigError(f"production mode needs a PostgreSQL DATABASE_URL for {self.service}")
        if not self.amqp_url:
            raise ConfigError("production mode needs AMQP_URL: the in-process transport is for the embedded mode")
        self._check_credentials()

    def _check_credentials(self) -> None:
        """Production mode refuses a URL with a default credential, naming its variable (never
        the password), and a migration URL that is not the service's own PostgreSQL database."""
        migration_variable = f"{self.service.upper()}_MIGRATION_DATABASE_URL"
        urls = [(self.database_variable, self.database_url, True), ("AMQP_URL", self.amqp_url, False)]
        if self.migration_database_url:
            urls.append((migration_variable, self.migration_database_url, False))
        for variable, url, app_database in urls:
            if reason := default_credential(url, app_database):
                raise ConfigError(f"production mode refuses {variable}: {reason}; give it a role and a random "
                                  "password of its own (docs/operations.md, Database roles)")
        if self.migration_database_url and (
                not self.migration_database_url.startswith("postgres")
                or urlsplit(self.migration_database_url).path != urlsplit(self.database_url).path):
            raise ConfigError(f"{migration_variable} must be the owner's URL of the same PostgreSQL database as "
                              f"{self.database_variable}")

def _roles(name: str, value: str | None, mode: str) -> frozenset[str]:
    """A comma-separated list of person roles ("none": no one; unset: SECOND_FACTOR_REQUIRED in
    production, no one in the embedded demo, whose published sign-ins have no phone to scan with)."""
    if value is None:
        return SECOND_FACTOR_REQUIRED if mode == "production" else frozenset()
    if value.strip() == "none":
        return frozenset()
    roles = frozenset(r.strip() for r in value.split(",") if r.strip())
    if unknown := roles - set(PERSON_ROLES):
        raise ConfigError(f"{name}: unknown roles {', '.join(sorted(unknown))} (known: {', '.join(PERSON_ROLES)})")
    return roles


def _failpoints(value: str | None, mode: str) -> frozenset[str]:
    """The fault tests' failpoints (govmb/bus/failpoints.py): they kill the process, drop an event or
    apply one twice, so production mode refuses any."""
    points = frozenset(filter(None, (value or "").split(",")))
    if points and mode == "production":
        raise ConfigError("production mode refuses GOVMB_FAILPOINTS: the fault tests' crash and loss points")
    return points


def superuser_url() -> str | None:
    """The PostgreSQL superuser's URL, for `ops.cli db-roles` alone (no service reads it)."""
    return _env("POSTGRES_SUPERUSER_URL")


def database_url(service: str) -> str:
    """The service's database: its own URL, else DATABASE_URL, else its SQLite file in the data
    directory. What a backup needs of a service, without its keys."""
    data_dir = Path(_env("GOVMB_DATA_DIR", str(ROOT / "var")))
    return (_env(f"{service.upper()}_DATABASE_URL") or _env("DATABASE_URL")
            or f"sqlite:///{data_dir / (service + '.db')}")


def broker_urls(url: str) -> list[str]:
    """AMQP_URL names one broker or the nodes of one cluster, which share the user and the virtual
    host: `amqp://user:pass@host1:5672,host2:5672/vhost`. One full URL per node, in the order
    given: a process connects to the first that answers and, on reconnect, tries them in that
    order again. A malformed list is refused naming the host, never the password."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("amqp", "amqps"):
        raise ConfigError("AMQP_URL must start with amqp:// or amqps://")
    userinfo, at, hosts = parts.netloc.rpartition("@")  # a password may hold ',' or '@' only percent-encoded
    urls = []
    for host in hosts.split(","):
        host = host.strip()
        one = urlunsplit((parts.scheme, f"{userinfo}{at}{host}", parts.path, parts.query, ""))
        if not _names_a_host(one):
            raise ConfigError(f"AMQP_URL: {host!r} is not a host or host:port (several hosts: "
                              "amqp://user:pass@host1:5672,host2:5672/vhost)")
        urls.append(one)
    return urls


def _names_a_host(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number in range
    except ValueError:
        return False
    return bool(parts.hostname)


def _keys(service: str, mode: str, data_dir: Path) -> KeyRing:
    """The token keys: the registry signs (TOKEN_SIGNING_KEY_FILE), every process verifies
    (TOKEN_PUBLIC_KEYS_FILE: one public key or, while rotating, two). The embedded mode makes its
    key in the data directory unless the files are named."""
    signing_file, public_file = _env("TOKEN_SIGNING_KEY_FILE"), _env("TOKEN_PUBLIC_KEYS_FILE")
    if mode == "production" and not public_file:
        raise ConfigError("production mode needs TOKEN_PUBLIC_KEYS_FILE: the public key(s) tokens are verified with "
                          "(python -m ops.cli keys <directory> makes a pair)")
    if mode == "production" and service == "registry" and not signing_file:
        raise ConfigError("production mode needs TOKEN_SIGNING_KEY_FILE for the registry: the private key it signs "
                          "tokens with (python -m ops.cli keys <directory> makes a pair)")
    try:
        public = read_public(Path(public_file)) if public_file else []
        if signing_file:
            signing = read_private(Path(signing_file))
        else:
            signing = None if mode == "production" else local_key(data_dir)
    except KeyFileError as exc:
        raise ConfigError(f"TOKEN_SIGNING_KEY_FILE or TOKEN_PUBLIC_KEYS_FILE: {exc}") from None
    ring = KeyRing.of(signing, public)
    return ring if service == "registry" else ring.verifying_only()  # nobody else signs


def data_keys(name: str, path: str | None, mode: str, data_dir: Path, local_name: str) -> DataKeys:
    """AES keys from the file `path` the variable `name` names (PERSONAL_DATA_KEY_FILE,
    BACKUP_KEY_FILE); the embedded mode makes its own in the data directory; production refuses
    to start without."""
    if path is None and mode == "production":
        raise ConfigError(f"production mode needs {name}: a key file (python -m ops.cli data-key <file> makes one)")
    try:
        return read_data_keys(Path(path)) if path else local_data_keys(data_dir, local_name)
    except KeyFileError as exc:
        raise ConfigError(f"{name}: {exc}") from None


def backup_keys() -> DataKeys:
    """The keys backups are sealed with (ops.backup): BACKUP_KEY_FILE, or the embedded mode's own."""
    mode = _env("GOVMB_MODE", "embedded")
    return data_keys("BACKUP_KEY_FILE", _env("BACKUP_KEY_FILE"), mode, Path(_env("GOVMB_DATA_DIR", str(ROOT / "var"))),
                     "backup.keys")


def _secret(name: str, value: str | None, mode: str, data_dir: Path) -> str:
    """A secret from the environment (`value`, of the variable `name`); the embedded mode makes
    its own in the data directory."""
    if value is None and mode != "production":
        return local_secret(data_dir, name.lower().replace("_", "-"))
    if mode == "production" and (value is None or len(value) < 32):
        raise ConfigError(f"production mode needs {name}: at least 32 random characters")
    return value


# ------------------------------------------------------------------------------ the rest
# Everything else any process reads from its environment, read here and only here: once when
# the process starts (`load`: the service and web apps, the workers and the embedded system
# call it), from memory after (`options`). A value the system cannot use is refused at once,
# naming its variable.

@dataclass(frozen=True)
class Options:
    job_intervals: dict[str, int]  # each periodic job's variable → seconds between its runs
    platforms: dict[str, str]  # code → name, the platforms accounts may open on (X8, N7)
    platform_adapters: dict[str, str]  # code → "module:Class" of the adapter that publishes there
    platform_endpoints: dict[str, str]  # code → the base URL of its API, where not the adapter's default
    platform_limits: dict[str, int]  # code → most characters a post may have there
    cjk_font: str | None  # a font file with Simplified Chinese for the PDFs (else found on the system)
    uyghur_font: str | None  # a font file covering Uyghur (Arabic script) for the PDFs (else found on the system)
    ratelimit_storage_uri: str
    signin_limit_per_address: str
    signin_limit_per_user: str
    hall_message_limit_per_address: str
    hall_query_limit_per_address: str
    log_level: str
    metrics_dir: str | None  # prometheus_client's multiprocess directory, under gunicorn
    failpoints: frozenset[str]  # the fault tests' crash points
    host: str  # the embedded system's address and port
    port: int
    audit_retention_days: int = 365  # audit rows older than this may be purged (ops.cli audit-purge); at least 180
    links: "LinkOptions" = None  # the checks of a draft's links (govmb/textchecks/links.py)
    reminders: "ReminderOptions" = None  # when the services remind people of what is due (govmb/reminders.py)
    notify: "NotifyOptions" = None  # how the registry delivers notifications (services/registry/delivery.py)
    portal: "PortalOptions" = None  # the government portals' feeds pulled in as drafts (services/publishing/portal.py)
    media_hosts: tuple[str, ...] = ()  # where the adapters' worker may fetch a post's pictures (services/publishing/media.py)
    worker_metrics_host: str = "0.0.0.0"  # a worker process's /metrics and /healthz (govmb/metrics_api.py)
    worker_metrics_port: int = 9100  # 0: none


@dataclass(frozen=True)
class ReminderOptions:
    reply_hours: int = 4  # hours before the 24-hour reply deadline
    morning_hour: int = 8  # the Beijing hour of the morning of a working-day deadline
    directive_hours: int = 2  # hours before a directive's forwarding deadline
    emergency_minutes: int = 60  # minutes before an emergency post's 2-hour deadline, to its reviewers (urgent)
    dormant_days: int = 10  # days without a post before an account is warned it will count as dormant
    fix_days: int = 1  # days before an inspection's fix deadline
    shift_hours: int = 12  # hours before a duty shift starts
    account_password_days: int = 90  # X24: an account's platform password older than this is to be changed


@dataclass(frozen=True)
class NotifyOptions:
    smtp_host: str | None = None  # no host: no e-mail channel
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_from: str = "govmb@localhost"
    smtp_ssl: bool = False  # TLS from the start (port 465)
    smtp_starttls: bool = False
    email_domains: tuple[str, ...] = ()  # the domains people's addresses may be on (none: any)
    webhook_hosts: tuple[str, ...] = ()  # hosts besides the IM platforms' own a robot may be on (政务微信)
    web_url: str = "http://127.0.0.1:8000"  # the pages' address, for the links in e-mails and robots
    retention_days: int = 90  # read notifications kept this long
    # the catalogues the e-mails and robots are written from, in each recipient's language (None: the
    # services' own, govmb/translations; not a variable of the environment: a test's small catalogue)
    catalogues: Path | None = None


@dataclass(frozen=True)
class LinkOptions:
    online: bool = False  # ask each link for a live answer (only where the network is allowed)
    timeout: float = 3.0
    private: bool = False  # may the check ask a private or loopback address (tests, an intranet)
    official: tuple[str, ...] = ("gov.cn",)  # the hosts (and their subdomains) that count as the official website


@dataclass(frozen=True)
class PortalOptions:
    hosts: tuple[str, ...] = ()  # host, host:port, .domain (its subdomains), http://host:port (plain HTTP allowed)
    timeout: int = 10  # seconds to connect, and to wait for each read
    max_bytes: int = 2_000_000  # a feed larger than this is refused


AUDIT_RETENTION_MINIMUM = 180  # 等保 2.0 level 3 keeps the audit records at least six months


def _yes(name: str, raw: str) -> bool:
    if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
        raise ConfigError(f"{name} must be true or false, not {raw!r}")
    return raw.lower() in ("true", "1", "yes")


def _whole(name: str, raw: str | None, minimum: int = 1) -> int:
    try:
        value = int(raw or "")
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


def _pairs(name: str, raw: str | None) -> dict[str, str]:
    """`code:value,code:value` (a value may hold more colons), each code once."""
    out: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in (raw or "").split(","))):
        code, sep, value = item.partition(":")
        if not sep or not code.strip() or not value.strip():
            raise ConfigError(f"{name}: {item!r} is not code:value (items separated by commas)")
        out[code.strip()] = value.strip()
    return out


def _rate(name: str, raw: str | None) -> str:
    from limits import parse_many  # flask-limiter's own parser: what it would refuse, refused here
    try:
        parse_many(raw or "")
    except ValueError:
        raise ConfigError(f"{name}: {raw!r} is not a rate limit such as 5/minute or 5/minute;50/day") from None
    return raw or ""


def _level(raw: str) -> str:
    if raw.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ConfigError(f"LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not {raw!r}")
    return raw.upper()


def _platform_limits(raw: str | None) -> dict[str, int]:
    return {code: _whole(f"GOVMB_PLATFORM_LIMITS ({code})", n) for code, n in _pairs("GOVMB_PLATFORM_LIMITS", raw).items()}


def _adapters(raw: str | None) -> dict[str, str]:
    adapters = _pairs("GOVMB_PLATFORM_ADAPTERS", raw)
    for code, target in adapters.items():
        if ":" not in target:
            raise ConfigError(f"GOVMB_PLATFORM_ADAPTERS ({code}): {target!r} is not module:Class")
    return adapters


def _endpoints(raw: str | None) -> dict[str, str]:
    endpoints = {code: url.rstrip("/") for code, url in _pairs("GOVMB_PLATFORM_ENDPOINTS", raw).items()}
    for code, url in endpoints.items():
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"GOVMB_PLATFORM_ENDPOINTS ({code}): {url!r} is not an http(s) address")
    return endpoints


def read_options() -> Options:
    """Every variable of `Options`, read from the environment now and checked."""
    return Options(
        job_intervals={
            "ARCHIVE_INTERVAL_SECONDS": _whole("ARCHIVE_INTERVAL_SECONDS", _env("ARCHIVE_INTERVAL_SECONDS", "3600")),
            "KEPT_FIGURES_INTERVAL_SECONDS": _whole("KEPT_FIGURES_INTERVAL_SECONDS",
                                                    _env("KEPT_FIGURES_INTERVAL_SECONDS", "300")),
            "RECENT_FIGURES_INTERVAL_SECONDS": _whole("RECENT_FIGURES_INTERVAL_SECONDS",
                                                      _env("RECENT_FIGURES_INTERVAL_SECONDS", "60")),
            "WARNINGS_INTERVAL_SECONDS": _whole("WARNINGS_INTERVAL_SECONDS", _env("WARNINGS_INTERVAL_SECONDS", "120")),
            "SWEEP_INTERVAL_SECONDS": _whole("SWEEP_INTERVAL_SECONDS", _env("SWEEP_INTERVAL_SECONDS", "60")),
            "HOT_TOPICS_INTERVAL_SECONDS": _whole("HOT_TOPICS_INTERVAL_SECONDS",
                                                  _env("HOT_TOPICS_INTERVAL_SECONDS", "300")),
            "FIGURES_INTERVAL_SECONDS": _whole("FIGURES_INTERVAL_SECONDS", _env("FIGURES_INTERVAL_SECONDS", "3600")),
            "PLATFORM_POSTS_INTERVAL_SECONDS": _whole("PLATFORM_POSTS_INTERVAL_SECONDS",
                                                      _env("PLATFORM_POSTS_INTERVAL_SECONDS", "5")),
            "SESSION_SWEEP_INTERVAL_SECONDS": _whole("SESSION_SWEEP_INTERVAL_SECONDS",
                                                     _env("SESSION_SWEEP_INTERVAL_SECONDS", "60")),
            "SEALING_INTERVAL_SECONDS": _whole("SEALING_INTERVAL_SECONDS", _env("SEALING_INTERVAL_SECONDS", "30")),
            "REMINDERS_INTERVAL_SECONDS": _whole("REMINDERS_INTERVAL_SECONDS",
                                                 _env("REMINDERS_INTERVAL_SECONDS", "60")),
            "DELIVERY_INTERVAL_SECONDS": _whole("DELIVERY_INTERVAL_SECONDS", _env("DELIVERY_INTERVAL_SECONDS", "10")),
            "PORTAL_FEEDS_INTERVAL_SECONDS": _whole("PORTAL_FEEDS_INTERVAL_SECONDS",
                                                    _env("PORTAL_FEEDS_INTERVAL_SECONDS", "900")),
            "LISTEN_INTERVAL_SECONDS": _whole("LISTEN_INTERVAL_SECONDS", _env("LISTEN_INTERVAL_SECONDS", "300")),
            "NOTIFICATION_PURGE_INTERVAL_SECONDS": _whole("NOTIFICATION_PURGE_INTERVAL_SECONDS",
                                                          _env("NOTIFICATION_PURGE_INTERVAL_SECONDS", "3600")),
        },
        platforms=_pairs("GOVMB_PLATFORMS", _env("GOVMB_PLATFORMS")) or dict(NANCHANG),
        platform_adapters=_adapters(_env("GOVMB_PLATFORM_ADAPTERS")),
        platform_endpoints=_endpoints(_env("GOVMB_PLATFORM_ENDPOINTS")),
        platform_limits=_platform_limits(_env("GOVMB_PLATFORM_LIMITS")),
        cjk_font=_env("GOVMB_CJK_FONT"), uyghur_font=_env("GOVMB_UYGHUR_FONT"),  # the PDFs' fonts
        ratelimit_storage_uri=_env("RATELIMIT_STORAGE_URI", "memory://"),
        signin_limit_per_address=_rate("SIGNIN_LIMIT_PER_ADDRESS", _env("SIGNIN_LIMIT_PER_ADDRESS", "30/minute")),
        signin_limit_per_user=_rate("SIGNIN_LIMIT_PER_USER", _env("SIGNIN_LIMIT_PER_USER", "5/minute")),
        hall_message_limit_per_address=_rate("HALL_MESSAGE_LIMIT_PER_ADDRESS",
                                             _env("HALL_MESSAGE_LIMIT_PER_ADDRESS", "5/minute;50/day")),
        hall_query_limit_per_address=_rate("HALL_QUERY_LIMIT_PER_ADDRESS",
                                           _env("HALL_QUERY_LIMIT_PER_ADDRESS", "10/minute;100/day")),
        log_level=_level(_env("LOG_LEVEL", "INFO")),
        metrics_dir=_env("PROMETHEUS_MULTIPROC_DIR"),
        failpoints=_failpoints(_env("GOVMB_FAILPOINTS"), _env("GOVMB_MODE", "embedded")),
        host=_env("HOST", "127.0.0.1"),
        port=_whole("PORT", _env("PORT", "8000"), minimum=0),  # 0: any free port
        links=LinkOptions(online=_yes("CHECK_LINKS_ONLINE", _env("CHECK_LINKS_ONLINE", "false")),
                          timeout=_whole("LINK_CHECK_TIMEOUT_SECONDS", _env("LINK_CHECK_TIMEOUT_SECONDS", "3")),
                          private=_yes("LINK_CHECK_PRIVATE", _env("LINK_CHECK_PRIVATE", "false")),
                          official=tuple(h.strip().lower() for h in _env("OFFICIAL_SITES", "gov.cn").split(",")
                                         if h.strip())),
        audit_retention_days=_whole("AUDIT_RETENTION_DAYS", _env("AUDIT_RETENTION_DAYS", "365"),
                                    minimum=AUDIT_RETENTION_MINIMUM),
        reminders=_reminder_options(),
        notify=_notify_options(),
        portal=PortalOptions(
            hosts=tuple(h.strip().lower() for h in (_env("PORTAL_FEED_HOSTS") or "").split(",") if h.strip()),
            timeout=_within("PORTAL_FEED_TIMEOUT_SECONDS", _env("PORTAL_FEED_TIMEOUT_SECONDS", "10"), 1, 120),
            max_bytes=_within("PORTAL_FEED_MAX_BYTES", _env("PORTAL_FEED_MAX_BYTES", "2000000"), 10_000, 50_000_000)),
        media_hosts=tuple(h.strip().lower() for h in (_env("PLATFORM_MEDIA_HOSTS") or "").split(",") if h.strip()),
        **_worker_metrics())


def _worker_metrics() -> dict:
    """Where a worker process serves its /metrics and /healthz (govmb/metrics_api.py); port 0: nowhere."""
    return {"worker_metrics_host": _env("WORKER_METRICS_HOST", "0.0.0.0"),
            "worker_metrics_port": _within("WORKER_METRICS_PORT", _env("WORKER_METRICS_PORT", "9100"), 0, 65535)}


def _reminder_options() -> "ReminderOptions":
    return ReminderOptions(
        reply_hours=_within("REMIND_REPLY_HOURS", _env("REMIND_REPLY_HOURS", "4"), 1, 24),
        morning_hour=_within("REMIND_MORNING_HOUR", _env("REMIND_MORNING_HOUR", "8"), 0, 23),
        directive_hours=_within("REMIND_DIRECTIVE_HOURS", _env("REMIND_DIRECTIVE_HOURS", "2"), 1, 72),
        emergency_minutes=_within("REMIND_EMERGENCY_MINUTES", _env("REMIND_EMERGENCY_MINUTES", "60"), 5, 119),
        dormant_days=_within("REMIND_DORMANT_DAYS", _env("REMIND_DORMANT_DAYS", "10"), 1, 365),
        fix_days=_within("REMIND_FIX_DAYS", _env("REMIND_FIX_DAYS", "1"), 0, 30),
        shift_hours=_within("REMIND_SHIFT_HOURS", _env("REMIND_SHIFT_HOURS", "12"), 1, 72),
        account_password_days=_within("REMIND_ACCOUNT_PASSWORD_DAYS", _env("REMIND_ACCOUNT_PASSWORD_DAYS", "90"), 1, 3650))


def _within(name: str, raw: str | None, low: int, high: int) -> int:
    value = _whole(name, raw, minimum=low)
    if value > high:
        raise ConfigError(f"{name} must be at most {high}, not {value}")
    return value


def _notify_options() -> "NotifyOptions":
    password_file, username = _env("SMTP_PASSWORD_FILE"), _env("SMTP_USERNAME") or None
    smtp_ssl, starttls = _yes("SMTP_SSL", _env("SMTP_SSL", "false")), _yes("SMTP_STARTTLS", _env("SMTP_STARTTLS", "false"))
    if username and not (smtp_ssl or starttls):
        raise ConfigError("SMTP_USERNAME needs SMTP_SSL=true or SMTP_STARTTLS=true: the password never goes in clear")
    web_url = _env("WEB_PUBLIC_URL")
    if web_url is None and _env("GOVMB_MODE", "embedded") == "production":
        raise ConfigError("production mode needs WEB_PUBLIC_URL: the pages' address the e-mails and robots link to")
    return NotifyOptions(
        smtp_host=_env("SMTP_HOST") or None,
        smtp_port=_whole("SMTP_PORT", _env("SMTP_PORT", "465" if smtp_ssl else "25")),
        smtp_username=username,
        smtp_password=Path(password_file).read_text().strip() if password_file else None,
        smtp_from=_env("SMTP_FROM", "govmb@localhost"),
        smtp_ssl=smtp_ssl, smtp_starttls=starttls,
        email_domains=tuple(d.strip().lower() for d in (_env("NOTIFY_EMAIL_DOMAINS") or "").split(",") if d.strip()),
        webhook_hosts=tuple(h.strip().lower() for h in (_env("WEBHOOK_HOSTS") or "").split(",") if h.strip()),
        web_url=(web_url or "http://127.0.0.1:8000").rstrip("/"),
        retention_days=_within("NOTIFICATION_RETENTION_DAYS", _env("NOTIFICATION_RETENTION_DAYS", "90"), 7, 3650))


# Nanchang's five platforms of 南昌发布厅: the default of GOVMB_PLATFORMS
NANCHANG = (("xinhua", "新华网"), ("people", "人民网"), ("tencent", "腾讯网"), ("sina", "新浪网"),
            ("ncnews", "南昌新闻网"))
_loaded: list[Options] = []


def default_environment(values: dict[str, str]) -> None:
    """Variables set for this process where they are not set already (the embedded mode's demo
    platform, ops/fakeplatforms/demo.py); `load()` reads them with the rest."""
    for name, value in values.items():
        os.environ.setdefault(name, value)


def load() -> Options:
    """Read the environment now (a process starting, or a test that changed it) and keep it."""
    _loaded[:] = [read_options()]
    return _loaded[0]


def options() -> Options:
    """What `load` read (it reads, if nothing has yet)."""
    return _loaded[0] if _loaded else load()
