"""URLs of the completeness pages (filled in by the shared-measurement work)."""

urlpatterns = []
