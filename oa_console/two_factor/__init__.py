"""Two-factor sign-in: authenticator apps (TOTP) and recovery codes, on django-otp.

A user's second factor is a confirmed ``TOTPDevice`` plus a ``StaticDevice`` holding their
recovery codes. A session that passed the password but not the code is not "verified"
(django-otp's ``user.is_verified()``), and ``TwoFactorMiddleware`` lets it reach only the code
page and logout. Workspace owners can require a second factor of every member.
"""
