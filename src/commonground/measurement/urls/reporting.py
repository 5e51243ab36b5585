"""URLs of the reporting pages (filled in by the shared-measurement work)."""

urlpatterns = []
