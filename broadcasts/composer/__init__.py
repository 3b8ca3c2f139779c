"""The broadcast composer: ``form`` (the form), ``bubbles`` (bubble inputs and previews),
``initial`` (a stored broadcast's inputs), ``inputs`` (input names, variant add/remove) and
``reach`` (the audience reach panel)."""
