"""Files: storage, type sniffing and the per-kind pipelines."""


class Rejected(Exception):
    """A file refused by a pipeline, with the message the uploader sees."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
