"""HTTPS, security headers, the Content-Security-Policy and sign-in security (two-factor,
lockout, password-reset throttling).
"""

from datetime import timedelta

from oa_console.settings.base import DEBUG, INSTALLED_APPS, MIDDLEWARE, env

# --- HTTPS and security headers ------------------------------------------------------------
# Production runs behind the compose stack's Caddy (deploy/Caddyfile), which terminates HTTPS
# and sets X-Forwarded-Proto itself (a client's own value is replaced), so the console knows a
# request was secure. `manage.py check --deploy --fail-level WARNING` passes with these in
# production (tests/oa_console/test_deploy_check.py, CI).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Plain-HTTP requests redirected to HTTPS (compose: true; Caddy redirects first anyway). The
# container's own healthcheck asks over plain HTTP and is exempt.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Strict-Transport-Security on every HTTPS answer (never on plain HTTP): a year unless DEBUG.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preloading is the domain owner's decision (browsers' preload list takes the registrable
# domain, not the console's host, and leaving it takes months): off unless set, and Django's
# reminder about it (security.W021) silenced while off.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4). Scripts only from our static files (charts read their
# figures from <script type="application/json"> blocks; the API docs page is Swagger UI's split
# view, whose start-up script is a file too). style-src needs 'unsafe-inline': Plotly writes
# style attributes and a <style> element of its own while drawing every chart, htmx adds its
# indicator <style>, Swagger UI's page has an inline <style>, and a few bars are sized by a
# style attribute. Inline styles cannot run code; scripts stay strict.
# img-src: LINE's profile-picture hosts (a friend's page); the broadcast pages add https: for
# the marketer's images (oa_console/security.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": [
            "'self'",
            "data:",
            "https://profile.line-scdn.net",
            "https://obs.line-scdn.net",
            # Stickers and LINE emoji in chats (inbox/views/display.py).
            "https://stickershop.line-scdn.net",
        ],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Reverse proxies in front of the console that append the client's address to
# X-Forwarded-For (0: the console is reached directly and REMOTE_ADDR is the client). Used to
# limit how often one address counts as a click or campaign visit (oa_console/throttle.py).
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=0)

# Sign-in security (issue 14): two-factor sign-in (django-otp), lockout after failed sign-ins
# (django-axes) and throttled password-reset requests (django-ratelimit). One block on purpose.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
INSTALLED_APPS += ["axes"]
# OTPMiddleware right after authentication (it marks request.user verified or not); the
# two-factor gate after the tenant (it needs the workspace's requirement); axes last (it turns
# a lockout into the login page with its message).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE += [
    "oa_console.two_factor.middleware.TwoFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]
# Axes first: it refuses a locked-out account or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failures per account and, separately, per address (either reaching the limit locks); a
# wrong two-factor code counts like a wrong password.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Attempts made while locked do not extend the lock, so the minutes the page promises hold.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A right password alone does not clear the failures: the console clears the account's own
# once sign-in is complete (after the code, for two-factor logins), never the address's.
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "oa_console.lockout.client_ip"  # the console's own reading of proxies
AXES_USERNAME_CALLABLE = "oa_console.lockout.attempted_username"
AXES_LOCKOUT_CALLABLE = "oa_console.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# The authenticator app shows this name beside the code.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="OA Console")
# Password-reset requests per hour, per address and per e-mail address.
PASSWORD_RESET_RATE = env.str("PASSWORD_RESET_RATE", default="5/h")
RATELIMIT_USE_CACHE = "default"
