"""Project tooling: defect-detection matrix, release sign-off summary, keyword documentation."""
