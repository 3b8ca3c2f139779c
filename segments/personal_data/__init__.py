"""Personal-data requests about one friend (Japan's APPI, Thailand's PDPA, Taiwan's PDPA):
export everything the console holds about them, and erase it on request.

Friends live in ``segments``, but other apps hold data about them too (raw webhook events,
broadcast recipients and clicks, import files). ``segments`` must not import those apps, so it
owns a registry of providers (``registry``); each app registers its own in its
``AppConfig.ready()``. ``services`` runs every provider: one export, or one erasure in one
transaction, leaving anonymous rows where the dashboards count rows live and a tombstone
(``tombstone``) that proves the erasure without holding the person's id.
"""
