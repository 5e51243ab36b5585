"""A limit on the size of every request body, checked before anything reads it.

Django streams uploads (files above ``FILE_UPLOAD_MAX_MEMORY_SIZE`` go to a temporary file) and
refuses large form fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``), but would still write a file of any
size to disk. This middleware answers 413 with a page that says the limit when the declared
length is over ``REQUEST_MAX_BYTES``; a body without a length is not read past the limit either
(``LimitedStream`` reads only ``CONTENT_LENGTH`` bytes, which is then 0). Forms with smaller limits
of their own (the framework file, the import) check them too, with a message beside the field.
"""

from django.conf import settings
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat


def request_max_bytes() -> int:
    return int(getattr(settings, "REQUEST_MAX_BYTES", 0)) or (201 * 1024 * 1024)


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = request_max_bytes()
        if declared > limit:
            context = {"limit": filesizeformat(limit), "size": filesizeformat(declared)}
            return render(request, "413.html", context, status=413)
        return self.get_response(request)
