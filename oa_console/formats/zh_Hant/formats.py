"""Traditional Chinese as written in Taiwan groups thousands with commas ("4,764"); Django's
zh_Hant data has no separator and groups by four, so counts read "4764" and "12345678"."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
