"""The activity hub: the append-only log of what friends did, and its subscribers.

``models`` holds the log (``Activity``) and each subscriber's cursor; ``publishing`` writes
activities in the producer's transaction; ``registry`` is where apps register subscribers in
their ``AppConfig.ready()``; ``draining`` delivers the log to them exactly once and prunes it;
``tasks`` are the Celery entry points.
"""
