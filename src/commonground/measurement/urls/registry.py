"""URLs of the registry pages (filled in by the shared-measurement work)."""

urlpatterns = []
