"""Operations commands for admins, scripts and later issues' checks.

They call the same services as the pages and the API, so a row made on the command line obeys
the same rules. Output is plain English on purpose: scripts parse it, and a failure is one
``CommandError`` line naming the option at fault, with nothing written.
"""
