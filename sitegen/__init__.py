"""sitegen: builds the Brukarinflytande psykisk hälsa site from content/ and templates/."""

__version__ = "0.1.0"
