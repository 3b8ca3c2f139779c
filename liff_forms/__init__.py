"""Forms: short forms (surveys, bookings, sign-up) served as LIFF pages, each answer stored once
per friend and form (or per submission) and turned into the friend's attributes and tags
through the activity hub."""
