"""Local fake platforms that follow each platform's public API documentation (tests and the embedded mode)."""
