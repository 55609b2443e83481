"""The one error type of the suite's inputs: a data set, weights file or download that cannot be used."""


class DatasetError(Exception):
    """A dataset is missing or damaged; the message says which file and what to do."""
