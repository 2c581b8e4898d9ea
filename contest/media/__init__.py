"""Files: storage, type sniffing and the per-kind pipelines."""
