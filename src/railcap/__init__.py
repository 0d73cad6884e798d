"""railcap: capacity planning and protection for a busy mixed rail network."""
__version__ = "0.1.0"
