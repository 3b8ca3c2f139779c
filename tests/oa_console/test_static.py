"""Static files: the vendored Plotly bundle and the development storage that compresses them."""

from __future__ import annotations

import os
import re

from django.conf import settings

from oa_console.static_storage import ChangedFilesCompressedStorage

PLOTLY_BUNDLE = settings.BASE_DIR / "static" / "vendor" / "plotly" / "plotly-basic.min.js"


def test_vendored_plotly_bundle_is_the_version_plotly_py_targets():
    from plotly.offline._plotlyjs_version import __plotlyjs_version__

    header = PLOTLY_BUNDLE.read_text(encoding="utf-8")[:200]
    match = re.search(r"plotly\.js \(basic - minified\) v(\d+\.\d+\.\d+)", header)
    assert match, header
    assert match.group(1) == __plotlyjs_version__
    assert (PLOTLY_BUNDLE.parent / "LICENSE").is_file()


def test_development_storage_compresses_only_changed_files(tmp_path):
    storage = ChangedFilesCompressedStorage(location=str(tmp_path), base_url="/static/")
    for name, text in (("a.css", "body { color: red; }\n" * 200), ("b.js", "var x = 1;\n" * 200)):
        (tmp_path / name).write_text(text)
    paths = {"a.css": None, "b.js": None}

    first = sorted(compressed for _name, compressed, _done in storage.post_process(paths))
    assert first == ["a.css.gz", "b.js.gz"]
    assert list(storage.post_process(paths)) == []  # nothing changed: nothing compressed again

    # collectstatic copies a changed file anew, which gives it a newer modification time.
    stat = os.stat(tmp_path / "b.js")
    os.utime(tmp_path / "b.js", (stat.st_atime, stat.st_mtime + 10))
    again = [compressed for _name, compressed, _done in storage.post_process(paths)]
    assert again == ["b.js.gz"]
