"""Template context shared by every page: the current initiative and the person's others."""

from commonground.initiatives.models import Initiative


def current_initiative(request):
    access = getattr(request, "access", None)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"access": access}
    return {
        "access": access,
        "my_initiatives": Initiative.objects.for_user(user).only("name", "slug"),
    }
