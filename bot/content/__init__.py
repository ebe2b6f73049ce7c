"""Learning content as files: lessons, tracks and the glossary, with a schema and a checker."""
