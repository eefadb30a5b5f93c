def apply_service_errors(form, err):
    """Put a ServiceError's messages on a Django form: beside the field they name, or at
    the top when the field is not on the form."""
    for key, message in err.errors.items():
        form.add_error(key if key in form.fields else None, message)
    return form
