"""An upload handler that stops reading an import file as soon as it passes the size limit.

Django would otherwise stream a 2 GB upload to a temporary file before the importer could say
it is too large. This handler sits first in the chain: past the limit it skips the rest of that
file (other files of the same upload still arrive) and notes its name on the request, so the
page and the API answer with the size message at once.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from insights.imports.parsing import max_upload_bytes


class ImportSizeLimitHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = max_upload_bytes()
        self.received = 0

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            oversized_uploads(self.request).append(self.file_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) builds the file


def oversized_uploads(request: HttpRequest) -> list[str]:
    """Names of the files this request's upload stopped reading (too large)."""
    if not hasattr(request, "_oversized_imports"):
        request._oversized_imports = []
    return request._oversized_imports


def limit_import_uploads(request: HttpRequest) -> None:
    """Call before anything reads request.POST / request.FILES."""
    request.upload_handlers.insert(0, ImportSizeLimitHandler(request))
