"""The background task that runs an import job (``commonground worker`` picks it up)."""

from django_tasks import task


@task()
def run_import(job_id: int) -> str:
    """Run the queued import job ``job_id``; its status when done."""
    from commonground.measurement.imports.jobs import run_job

    return run_job(job_id, uploaded=True).status
