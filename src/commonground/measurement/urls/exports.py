"""URLs of the exports pages (filled in by the shared-measurement work)."""

urlpatterns = []
