"""The public vote: gallery, entry pages and the vote itself."""
