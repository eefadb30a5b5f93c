class ServiceError(Exception):
    """Bad input to a service, with a message per field in words a TA can act on.
    Views show them beside the fields; the API answers 422 with them. Nothing has been
    written when this is raised (services validate before they write, inside a transaction)."""

    def __init__(self, errors: dict[str, str] | str, status: int = 422):
        if isinstance(errors, str):
            errors = {"__all__": errors}
        self.errors = errors
        self.status = status
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
