"""Alias of the toolbridge package under the name the testing strategy uses."""
from toolbridge import *  # noqa: F401,F403
