"""URLs of the imports pages (filled in by the shared-measurement work)."""

urlpatterns = []
