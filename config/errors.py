class InvalidTransition(Exception):
    """A workflow step that the object's current state does not allow (HTTP 409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
