"""Resource groups of the client (``client.projects``, ``project.files``, ...)."""
