"""The one exception the build raises for bad seeds."""


class BuildError(Exception):
    """A problem with the seeds, already phrased as one line naming the file and the entry."""
