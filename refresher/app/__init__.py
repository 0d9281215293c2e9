"""The use cases, called by the command line (or any other front end): import/export, history."""
