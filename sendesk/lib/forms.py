from django.db import transaction

from .errors import ServiceError


def apply_service_errors(form, err):
    """Put a ServiceError's messages on a Django form: beside the field they name, or at
    the top when the field is not on the form."""
    for key, message in err.errors.items():
        form.add_error(key if key in form.fields else None, message)
    return form


def run_services(*steps):
    """Run service calls as one unit: all of them or none. Each service validates before it
    writes, so after a refusal the next can still run and say what is wrong with its part;
    the person sees every problem at once. Returns the errors, {} when all were written."""
    errors = {}
    with transaction.atomic():
        for step in steps:
            try:
                step()
            except ServiceError as error:
                for key, message in error.errors.items():
                    errors.setdefault(key, message)
        if errors:
            transaction.set_rollback(True)
    return errors
