def notifications(request):
    """The unread count for the bell on every page (one COUNT query, only when logged in)."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    from .models import Notification

    return {
        "unread_notifications": lambda: Notification.objects.filter(recipient=user).unread().count()
    }
