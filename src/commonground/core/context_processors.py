"""Template context for the navigation of pages inside an initiative."""

from commonground.core.navigation import menu


def navigation(request):
    access = getattr(request, "access", None)
    if access is None:
        return {}
    return {"nav_menu": menu(access)}
