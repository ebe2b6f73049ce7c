"""Micro-learning: lesson nudges with quizzes, spaced repetition, progress and team coverage."""
