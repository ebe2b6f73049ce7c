"""Content files: lessons, tracks, survey templates and the glossary, with a schema and a checker."""
