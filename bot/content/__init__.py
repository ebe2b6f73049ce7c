"""Content files: lessons, tracks, survey templates and the glossary."""
