"""The background task that makes one attempt of a webhook delivery (``commonground worker``)."""

from django_tasks import task


@task()
def deliver_webhook(delivery_id: int, attempts: int) -> str:
    """Attempt delivery ``delivery_id`` if it still has ``attempts`` attempts behind it."""
    from commonground.webhooks.delivery import attempt

    return attempt(delivery_id, attempts)
