"""The one error a user sees: something asked for that cannot be done, printed as one line with exit 2."""


class UserError(Exception):
    """Something asked for that cannot be done; the command line prints it as one line and exits 2."""
