"""Exports organisers hand on: spreadsheets, CSV, PDF forms and archives of works."""
