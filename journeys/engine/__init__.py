"""The journey execution engine: enrolment under the entry rules (``enrol``), the runner that
advances due enrolments node by node (``runner`` with the executors in ``nodes/``), the sends
with their exactly-once retry keys (``sending``), the activity hub's subscribers
(``triggers``, ``waits``) and the one-friend test run (``test_run``)."""
