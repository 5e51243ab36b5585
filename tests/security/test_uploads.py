"""Upload limits: a body over the limit gets a clear 413 before it is read; files are streamed to
disk past a small size, so parsing an upload never holds it all in memory."""

from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from commonground.measurement.models import ImportJob


def test_a_request_over_the_limit_gets_a_clear_413(world, settings):
    settings.REQUEST_MAX_BYTES = 50_000
    upload = SimpleUploadedFile("values.csv", b"x" * 60_000, content_type="text/csv")
    response = world.client("lead").post(reverse("imports", args=["alpha"]), {"file": upload})
    assert response.status_code == 413
    page = response.content.decode()
    assert "What you sent is too large" in page
    assert "the largest this site accepts is 48.8\xa0KB" in page and "Nothing was saved." in page
    assert "Content-Security-Policy" in response
    assert not ImportJob.objects.exists()


def test_the_limit_is_checked_before_login_or_csrf(world, settings, client):
    """Even an anonymous request without a CSRF token is refused for its size first."""
    settings.REQUEST_MAX_BYTES = 1000
    response = client.post("/accounts/login/", {"username": "x" * 2000, "password": "y"})
    assert response.status_code == 413


def test_the_default_limit_follows_the_import_limit(settings):
    from commonground import settings as project

    assert project.REQUEST_MAX_BYTES == project.IMPORT_MAX_BYTES + 1024 * 1024
    assert project.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2560 * 1024
    assert project.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2560 * 1024


def test_a_framework_file_over_its_own_limit_is_named_beside_the_field(world):
    big = SimpleUploadedFile("framework.yaml", b"# padding\n" * 220_000, content_type="text/yaml")
    response = world.client("data_manager").post(
        reverse("framework_import", args=["alpha"]), {"file": big}
    )
    assert response.status_code in (200, 400)
    assert "The file is larger than 2 MB." in response.content.decode()


def test_the_import_form_refuses_a_file_over_the_import_limit(world, settings):
    settings.IMPORT_MAX_BYTES = 100
    upload = SimpleUploadedFile("values.csv", b"x" * 500, content_type="text/csv")
    response = world.client("lead").post(reverse("imports", args=["alpha"]), {"file": upload})
    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_form_fields_over_the_memory_limit_are_refused(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = world.client("lead").post(
        reverse("partner_edit", args=["alpha", "a"]), {"name": "x" * 5000, "sector": "education"}
    )
    assert response.status_code == 400


def test_uploads_past_the_memory_size_are_parsed_into_a_temporary_file(settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10_000
    content = b"indicator,period\n" * 5_000
    upload = SimpleUploadedFile("values.csv", content, content_type="text/csv")
    request = RequestFactory().post("/", {"file": upload})
    received = request.FILES["file"]
    assert isinstance(received, TemporaryUploadedFile)
    assert received.size == 17 * 5_000
